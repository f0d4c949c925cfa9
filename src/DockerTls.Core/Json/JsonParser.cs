using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace DockerTls.Core.Json;

/// <summary>A strict recursive-descent RFC 8259 parser that reports the line and column of the first problem.</summary>
internal sealed class JsonParser
{
    private const int MaxDepth = 256;

    private readonly string text;
    private readonly JsonDuplicateKeys duplicates;
    private int pos;

    internal JsonParser(string text, JsonDuplicateKeys duplicates = JsonDuplicateKeys.Refuse)
    {
        this.text = text;
        this.duplicates = duplicates;
    }

    /// <summary>The end index of an RFC 8259 number starting at <paramref name="start"/>, or -1.</summary>
    internal static int MatchNumber(string s, int start)
    {
        var i = start;
        if (i < s.Length && s[i] == '-')
        {
            i++;
        }

        if (i >= s.Length || !IsDigit(s[i]))
        {
            return -1;
        }

        if (s[i] == '0')
        {
            i++;
        }
        else
        {
            while (i < s.Length && IsDigit(s[i]))
            {
                i++;
            }
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            if (i >= s.Length || !IsDigit(s[i]))
            {
                return -1;
            }

            while (i < s.Length && IsDigit(s[i]))
            {
                i++;
            }
        }

        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            i++;
            if (i < s.Length && (s[i] == '+' || s[i] == '-'))
            {
                i++;
            }

            if (i >= s.Length || !IsDigit(s[i]))
            {
                return -1;
            }

            while (i < s.Length && IsDigit(s[i]))
            {
                i++;
            }
        }

        return i;
    }

    internal JsonNode ParseDocument()
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            throw Error("byte-order mark (U+FEFF) before the JSON value; save the file as UTF-8 without BOM");
        }

        SkipWhitespace();
        if (pos >= text.Length)
        {
            throw Error("no JSON value: the text is empty");
        }

        var value = ParseValue(0);
        SkipWhitespace();
        if (pos < text.Length)
        {
            throw Error($"unexpected {Describe(pos)} after the JSON value");
        }

        return value;
    }

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private JsonParseException Error(string reason) => ErrorAt(pos, reason);

    private JsonParseException ErrorAt(int at, string reason)
    {
        // Line and column are computed for any earlier index by rescanning; errors are rare, so that is fine.
        int l = 1, start = 0;
        for (var i = 0; i < at && i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                l++;
                start = i + 1;
            }
        }

        return new JsonParseException(l, at - start + 1, reason);
    }

    private string Describe(int at)
    {
        if (at >= text.Length)
        {
            return "end of text";
        }

        var c = text[at];
        return c < 0x20 || c == 0x7F
            ? "control character U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture)
            : "'" + c + "'";
    }

    private void SkipWhitespace()
    {
        while (pos < text.Length)
        {
            var c = text[pos];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            {
                pos++;
            }
            else if (c == '/' && pos + 1 < text.Length && (text[pos + 1] == '/' || text[pos + 1] == '*'))
            {
                throw Error("comments are not allowed in JSON");
            }
            else
            {
                return;
            }
        }
    }

    private JsonNode ParseValue(int depth)
    {
        if (pos >= text.Length)
        {
            throw Error("unexpected end of text; expected a value");
        }

        switch (text[pos])
        {
            case '{':
                return ParseObject(depth + 1);
            case '[':
                return ParseArray(depth + 1);
            case '"':
                return new JsonString(ParseString());
            case '\'':
                throw Error("single quotes are not allowed; JSON strings use double quotes");
            case 't':
                ExpectLiteral("true");
                return new JsonBool(true);
            case 'f':
                ExpectLiteral("false");
                return new JsonBool(false);
            case 'n':
                ExpectLiteral("null");
                return new JsonNull();
            default:
                var c = text[pos];
                if (c == '-' || IsDigit(c))
                {
                    var end = MatchNumber(text, pos);
                    if (end < 0 || (end < text.Length && (IsDigit(text[end]) || text[end] == '.')))
                    {
                        throw Error("invalid number (JSON numbers have no leading zeros, '+', or bare '.')");
                    }

                    var number = new JsonNumber(text.Substring(pos, end - pos));
                    pos = end;
                    return number;
                }

                throw char.IsLetter(c)
                    ? Error($"unexpected {Describe(pos)}; expected a value (strings need double quotes; true, false and null are lower case)")
                    : Error($"unexpected {Describe(pos)}; expected a value");
        }
    }

    private void ExpectLiteral(string literal)
    {
        if (string.CompareOrdinal(text, pos, literal, 0, literal.Length) != 0)
        {
            throw Error($"unexpected {Describe(pos)}; expected a value (true, false and null are lower case)");
        }

        pos += literal.Length;
    }

    private JsonObject ParseObject(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error($"nesting deeper than {MaxDepth} levels");
        }

        var obj = new JsonObject();
        pos++; // '{'
        SkipWhitespace();
        if (pos < text.Length && text[pos] == '}')
        {
            pos++;
            return obj;
        }

        while (true)
        {
            SkipWhitespace();
            if (pos >= text.Length)
            {
                throw Error("unexpected end of text; expected a key or '}'");
            }

            var c = text[pos];
            if (c == '\'')
            {
                throw Error("single quotes are not allowed; JSON keys use double quotes");
            }

            if (c != '"')
            {
                throw Error($"unexpected {Describe(pos)}; expected a key in double quotes");
            }

            var keyAt = pos;
            var key = ParseString();
            if (duplicates == JsonDuplicateKeys.Refuse && obj.ContainsKey(key))
            {
                throw ErrorAt(keyAt, $"duplicate key \"{key}\"");
            }

            SkipWhitespace();
            if (pos >= text.Length || text[pos] != ':')
            {
                throw Error($"unexpected {Describe(pos)}; expected ':' after key \"{key}\"");
            }

            pos++;
            SkipWhitespace();
            obj[key] = ParseValue(depth);
            SkipWhitespace();
            if (pos >= text.Length)
            {
                throw Error("unexpected end of text; expected ',' or '}'");
            }

            if (text[pos] == '}')
            {
                pos++;
                return obj;
            }

            if (text[pos] != ',')
            {
                throw Error($"unexpected {Describe(pos)}; expected ',' or '}}'");
            }

            var commaAt = pos++;
            SkipWhitespace();
            if (pos < text.Length && text[pos] == '}')
            {
                // The fault is the comma: the line that holds the closing bracket is often another one.
                throw ErrorAt(commaAt, "trailing comma before '}'");
            }
        }
    }

    private JsonArray ParseArray(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error($"nesting deeper than {MaxDepth} levels");
        }

        var array = new JsonArray();
        pos++; // '['
        SkipWhitespace();
        if (pos < text.Length && text[pos] == ']')
        {
            pos++;
            return array;
        }

        while (true)
        {
            SkipWhitespace();
            array.Add(ParseValue(depth));
            SkipWhitespace();
            if (pos >= text.Length)
            {
                throw Error("unexpected end of text; expected ',' or ']'");
            }

            if (text[pos] == ']')
            {
                pos++;
                return array;
            }

            if (text[pos] != ',')
            {
                throw Error($"unexpected {Describe(pos)}; expected ',' or ']'");
            }

            var commaAt = pos++;
            SkipWhitespace();
            if (pos < text.Length && text[pos] == ']')
            {
                // The fault is the comma: the line that holds the closing bracket is often another one.
                throw ErrorAt(commaAt, "trailing comma before ']'");
            }
        }
    }

    private string ParseString()
    {
        var open = pos;
        pos++; // '"'
        StringBuilder? sb = null;
        var runStart = pos;
        while (true)
        {
            if (pos >= text.Length)
            {
                throw ErrorAt(open, "string is not closed (missing '\"')");
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
                throw Error($"{Describe(pos)} inside a string must be escaped");
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
                throw ErrorAt(open, "string is not closed (missing '\"')");
            }

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
                        throw Error("invalid \\u escape (expected four hex digits)");
                    }

                    sb.Append((char)code);
                    pos += 4;
                    break;
                default:
                    throw Error($"invalid escape '\\{e}'");
            }

            pos += 2;
            runStart = pos;
        }
    }
}
