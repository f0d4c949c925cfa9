using System;

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

    /// <summary>The 1-based line of the problem.</summary>
    public int Line { get; }

    /// <summary>The 1-based column (in UTF-16 characters) of the problem.</summary>
    public int Column { get; }

    /// <summary>The problem without its place, e.g. <c>trailing comma before '}'</c>.</summary>
    public string Reason { get; }
}
