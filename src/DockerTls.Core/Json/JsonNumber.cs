using System;
using System.Globalization;

namespace DockerTls.Core.Json;

/// <summary>
/// A JSON number. It keeps the text it was read from, so <c>1.50</c> or <c>1e3</c> is written back exactly as it was.
/// </summary>
public sealed class JsonNumber : JsonNode
{
    /// <summary>Creates a number from JSON number text such as <c>2376</c> or <c>-1.5e3</c>.</summary>
    /// <exception cref="FormatException">The text is not an RFC 8259 number.</exception>
    public JsonNumber(string raw)
    {
        if (raw is null)
        {
            throw new ArgumentNullException(nameof(raw));
        }

        if (JsonNumberSyntax.Match(raw, 0) != raw.Length)
        {
            throw new FormatException($"'{raw}' is not a JSON number.");
        }

        Raw = raw;
    }

    /// <summary>Creates a number from an integer.</summary>
    public JsonNumber(long value)
    {
        Raw = value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Creates a number from a finite double, written in its shortest round-trip form.</summary>
    public JsonNumber(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "JSON has no NaN or Infinity.");
        }

        Raw = value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The number's text, exactly as read or made.</summary>
    public string Raw { get; }

    /// <summary>The number as a 64-bit integer, when it is one (no fraction, no exponent, in range).</summary>
    public bool TryGetInt64(out long value) =>
        long.TryParse(Raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>The number as a double (may lose precision).</summary>
    public double ToDouble() => double.Parse(Raw, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override JsonNode DeepClone() => new JsonNumber(Raw);
}
