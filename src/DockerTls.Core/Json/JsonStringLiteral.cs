using System.Globalization;
using System.Text;

namespace DockerTls.Core.Json;

/// <summary>An RFC 8259 string literal: its escapes and the characters that must be escaped.</summary>
internal static class JsonStringLiteral
{
    /// <summary>Reads the string literal whose opening quote is at <paramref name="pos"/> and moves past its closing quote.</summary>
    internal static string Read(string text, ref int pos)
    {
        var open = pos;
        pos++; // '"'
        StringBuilder? sb = null;
        var runStart = pos;
        while (true)
        {
            if (pos >= text.Length)
            {
                throw JsonParseException.At(text, open, "string is not closed (missing '\"')");
            }

            var c = text[pos];
            if (c == '"')
            {
                string result;
                if (sb is null)
                {
                    result = text.Substring(runStart, pos - runStart);
                }
                else
                {
                    sb.Append(text, runStart, pos - runStart);
                    result = sb.ToString();
                }

                pos++;
                return result;
            }

            if (c < 0x20)
            {
                throw JsonParseException.At(text, pos, $"{JsonParseException.Describe(text, pos)} inside a string must be escaped");
            }

            if (c != '\\')
            {
                pos++;
                continue;
            }

            sb ??= new StringBuilder();
            sb.Append(text, runStart, pos - runStart);
            if (pos + 1 >= text.Length)
            {
                throw JsonParseException.At(text, open, "string is not closed (missing '\"')");
            }

            pos += AppendEscape(text, pos, sb);
            runStart = pos;
        }
    }

    /// <summary>Appends the character that the escape at <paramref name="pos"/> stands for; returns the escape's length.</summary>
    private static int AppendEscape(string text, int pos, StringBuilder sb)
    {
        var e = text[pos + 1];
        switch (e)
        {
            case '"': sb.Append('"'); break;
            case '\\': sb.Append('\\'); break;
            case '/': sb.Append('/'); break;
            case 'b': sb.Append('\b'); break;
            case 'f': sb.Append('\f'); break;
            case 'n': sb.Append('\n'); break;
            case 'r': sb.Append('\r'); break;
            case 't': sb.Append('\t'); break;
            case 'u':
                if (pos + 6 > text.Length || !ushort.TryParse(text.Substring(pos + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    throw JsonParseException.At(text, pos, "invalid \\u escape (expected four hex digits)");
                }

                sb.Append((char)code);
                return 6;
            default:
                throw JsonParseException.At(text, pos, $"invalid escape '\\{e}'");
        }

        return 2;
    }
}
