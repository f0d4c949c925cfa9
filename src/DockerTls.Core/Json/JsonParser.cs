
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

    private JsonParseException Error(string reason) => ErrorAt(pos, reason);

    private JsonParseException ErrorAt(int at, string reason) => JsonParseException.At(text, at, reason);

    private string Describe(int at) => JsonParseException.Describe(text, at);

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
                if (c == '-' || JsonNumberSyntax.IsDigit(c))
                {
                    var end = JsonNumberSyntax.Match(text, pos);
                    if (end < 0 || (end < text.Length && (JsonNumberSyntax.IsDigit(text[end]) || text[end] == '.')))
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
        var obj = new JsonObject();
        if (Open(depth, '}'))
        {
            return obj;
        }

        do
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
        }
        while (!Close('}'));

        return obj;
    }

    private JsonArray ParseArray(int depth)
    {
        var array = new JsonArray();
        if (Open(depth, ']'))
        {
            return array;
        }

        do
        {
            SkipWhitespace();
            array.Add(ParseValue(depth));
        }
        while (!Close(']'));

        return array;
    }

    /// <summary>Steps over the opening bracket of an object or array; true when the bracket closes at once.</summary>
    private bool Open(int depth, char close)
    {
        if (depth > MaxDepth)
        {
            throw Error($"nesting deeper than {MaxDepth} levels");
        }

        pos++;
        SkipWhitespace();
        if (pos < text.Length && text[pos] == close)
        {
            pos++;
            return true;
        }

        return false;
    }

    /// <summary>After a member or element: true when <paramref name="close"/> ends the container, false after a comma.</summary>
    private bool Close(char close)
    {
        SkipWhitespace();
        if (pos >= text.Length)
        {
            throw Error($"unexpected end of text; expected ',' or '{close}'");
        }

        if (text[pos] == close)
        {
            pos++;
            return true;
        }

        if (text[pos] != ',')
        {
            throw Error($"unexpected {Describe(pos)}; expected ',' or '{close}'");
        }

        var commaAt = pos++;
        SkipWhitespace();
        if (pos < text.Length && text[pos] == close)
        {
            // The fault is the comma: the line that holds the closing bracket is often another one.
            throw ErrorAt(commaAt, $"trailing comma before '{close}'");
        }

        return false;
    }

    private string ParseString() => JsonStringLiteral.Read(text, ref pos);
}
