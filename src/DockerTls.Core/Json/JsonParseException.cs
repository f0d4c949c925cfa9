using System;
using System.Globalization;

namespace DockerTls.Core.Json;

/// <summary>
/// Text that is not strict RFC 8259 JSON. The message starts with the place, e.g.
/// <c>line 4, column 3: trailing comma before '}'</c>.
/// </summary>
public sealed class JsonParseException : Exception
{
    /// <summary>Creates the exception for a problem at a 1-based line and column.</summary>
    public JsonParseException(int line, int column, string reason)
        : base($"line {line}, column {column}: {reason}")
    {
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>The exception for a problem at an index of <paramref name="text"/>, its line and column counted there.</summary>
    internal static JsonParseException At(string text, int index, string reason)
    {
        // Line and column are computed for any earlier index by rescanning; errors are rare, so that is fine.
        int line = 1, start = 0;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                line++;
                start = i + 1;
            }
        }

        return new JsonParseException(line, index - start + 1, reason);
    }

    /// <summary>How a message names the character at an index: quoted, as a control character, or the end of the text.</summary>
    internal static string Describe(string text, int at)
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

    /// <summary>The 1-based line of the problem.</summary>
    public int Line { get; }

    /// <summary>The 1-based column (in UTF-16 characters) of the problem.</summary>
    public int Column { get; }

    /// <summary>The problem without its place, e.g. <c>trailing comma before '}'</c>.</summary>
    public string Reason { get; }
}
