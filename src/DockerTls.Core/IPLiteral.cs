using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DockerTls.Core;

/// <summary>
/// The one rule for what text is an IP address: Go's <c>net.ParseIP</c>, which dockerd, the docker CLI and Go's TLS
/// stack use. IPv4 is four decimal numbers 0-255 with no leading zero (since Go 1.17: <c>192.168.001.010</c> and
/// <c>010.0.0.1</c> are refused, where .NET's <see cref="IPAddress.TryParse(string, out IPAddress)"/> reads <c>010</c> as
/// octal 8, and the docker CLI takes <c>127.0.0.010</c> for a host name); no short forms (<c>10.1</c>), no hex
/// (<c>0x7f.1</c>). IPv6 has at least one ':' and no zone, and an IPv4 tail in it follows the IPv4 rule.
/// </summary>
public static class IPLiteral
{
    /// <summary>Whether <paramref name="text"/> is an IPv4 address as Go reads it.</summary>
    public static bool IsIPv4(string? text) => Parts(text) is { } parts && parts.Length == 4 && Array.TrueForAll(parts, IsOctet);

    /// <summary>
    /// Whether <paramref name="text"/> is written like an IPv4 address (dot-separated, its last part all digits, as dockerd
    /// and a resolver would try it as one) while Go would refuse it: a leading zero, a number over 255, or not four parts.
    /// Such text is neither an address nor a host name, and is refused rather than read one way here and another there.
    /// </summary>
    public static bool LooksLikeIPv4(string? text)
    {
        var parts = Parts(text);
        if (parts is null) return false;
        var last = parts[parts.Length - 1];
        return last.Length > 0 && AllDigits(last);
    }

    /// <summary>Whether <paramref name="text"/> holds a part with a leading zero (<c>010</c>), for the message that says why.</summary>
    public static bool HasLeadingZero(string? text) =>
        Parts(text) is { } parts && Array.Exists(parts, p => p.Length > 1 && p[0] == '0' && AllDigits(p));

    /// <summary>Parses an IPv4 or IPv6 address by the rule above; false for anything else.</summary>
    public static bool TryParse(string? text, out IPAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(text)) return false;
        if (text!.IndexOf(':') < 0)
        {
            return IsIPv4(text) && IPAddress.TryParse(text, out address);
        }

        if (text.IndexOf('%') >= 0 || !IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var tail = text.Substring(text.LastIndexOf(':') + 1);
        if (tail.IndexOf('.') >= 0 && !IsIPv4(tail))
        {
            return false;
        }

        address = parsed;
        return true;
    }

    private static string[]? Parts(string? text) =>
        string.IsNullOrEmpty(text) || text!.IndexOf('.') < 0 ? null : text.Split('.');

    private static bool IsOctet(string part) =>
        part.Length is > 0 and <= 3 && AllDigits(part) && (part.Length == 1 || part[0] != '0')
        && int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture) <= 255;

    private static bool AllDigits(string s)
    {
        foreach (var c in s)
        {
            if (c < '0' || c > '9') return false;
        }

        return s.Length > 0;
    }
}
