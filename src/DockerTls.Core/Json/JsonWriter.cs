using System.Collections.Generic;
using System.Text;

namespace DockerTls.Core.Json;

/// <summary>Writes a <see cref="JsonNode"/> tree as text.</summary>
internal static class JsonWriter
{
    private const string Hex = "0123456789abcdef";

    internal static string Write(JsonNode node, bool indented)
    {
        var sb = new StringBuilder();
        WriteNode(sb, node, indented, 0);
        if (indented)
        {
            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static void WriteNode(StringBuilder sb, JsonNode node, bool indented, int depth)
    {
        switch (node)
        {
            case JsonObject obj:
                WriteContainer(sb, '{', '}', obj.Count, obj.Members, indented, depth, (m, d) =>
                {
                    WriteString(sb, m.Key);
                    sb.Append(indented ? ": " : ":");
                    WriteNode(sb, m.Value, indented, d);
                });
                break;
            case JsonArray array:
                WriteContainer(sb, '[', ']', array.Count, array, indented, depth, (item, d) => WriteNode(sb, item, indented, d));
                break;
            case JsonString s:
                WriteString(sb, s.Value);
                break;
            case JsonNumber n:
                sb.Append(n.Raw);
                break;
            case JsonBool b:
                sb.Append(b.Value ? "true" : "false");
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    private static void WriteContainer<T>(StringBuilder sb, char open, char close, int count, IEnumerable<T> items, bool indented, int depth, System.Action<T, int> writeItem)
    {
        sb.Append(open);
        if (count == 0)
        {
            sb.Append(close);
            return;
        }

        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            if (indented)
            {
                sb.Append('\n').Append(' ', (depth + 1) * 2);
            }

            writeItem(item, depth + 1);
        }

        if (indented)
        {
            sb.Append('\n').Append(' ', depth * 2);
        }

        sb.Append(close);
    }

    private static void WriteString(StringBuilder sb, string value)
    {
        sb.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || IsLoneSurrogate(value, i))
                    {
                        // A lone surrogate cannot be encoded as UTF-8, so it stays an escape.
                        sb.Append("\\u").Append(Hex[c >> 12]).Append(Hex[(c >> 8) & 0xF]).Append(Hex[(c >> 4) & 0xF]).Append(Hex[c & 0xF]);
                    }
                    else if (char.IsHighSurrogate(c))
                    {
                        sb.Append(c).Append(value[++i]);
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    private static bool IsLoneSurrogate(string s, int i)
    {
        var c = s[i];
        if (char.IsHighSurrogate(c))
        {
            return i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]);
        }

        return char.IsLowSurrogate(c);
    }
}
