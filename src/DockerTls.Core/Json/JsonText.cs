using System;

namespace DockerTls.Core.Json;

/// <summary>Reads and writes JSON text.</summary>
public static class JsonText
{
    /// <summary>
    /// Parses strict RFC 8259 JSON: no byte-order mark, comments, trailing commas, single quotes or anything after
    /// the value; duplicate keys are refused, or with <see cref="JsonDuplicateKeys.LastWins"/> the last one wins.
    /// </summary>
    /// <exception cref="JsonParseException">The text is not strict JSON; the exception names line and column.</exception>
    public static JsonNode Parse(string text, JsonDuplicateKeys duplicates = JsonDuplicateKeys.Refuse)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        return new JsonParser(text, duplicates).ParseDocument();
    }

    /// <summary>
    /// Writes a node as JSON. Indented: two spaces, "\n" line ends and a final newline. Not indented: compact,
    /// e.g. <c>{"a":1}</c>. Non-ASCII characters are kept; quotes, backslashes and control characters are escaped.
    /// </summary>
    public static string Write(JsonNode node, bool indented = true)
    {
        if (node is null)
        {
            throw new ArgumentNullException(nameof(node));
        }

        return JsonWriter.Write(node, indented);
    }
}
