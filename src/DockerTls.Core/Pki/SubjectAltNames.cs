using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace DockerTls.Core.Pki;

/// <summary>
/// Validates and normalises the DNS names and IP addresses that go into a server certificate's
/// subjectAltName. Go ignores the Common Name since 1.15, so these are the only names that count.
/// </summary>
public static class SubjectAltNames
{
    // \A and \z: '$' would let a final line break through ("web1\n").
    private static readonly Regex Label = new(@"\A(?!-)[A-Za-z0-9-]{1,63}(?<!-)\z", RegexOptions.CultureInvariant);
    private static readonly char[] Separators = { ',', ';', ' ', '\t' };

    /// <summary>Splits values that may hold several items in one string ("a,b; c"), as a CSV cell does.</summary>
    public static IReadOnlyList<string> Split(IEnumerable<string>? values) =>
        (values ?? Enumerable.Empty<string>())
            .Where(v => v != null)
            .SelectMany(v => v.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
            .Select(v => v.Trim())
            .Where(v => v.Length > 0)
            .ToList();

    /// <summary>Checks DNS names (a leading "*." wildcard is allowed), lower-cases them and removes repeats.</summary>
    public static IReadOnlyList<string> NormalizeDnsNames(IEnumerable<string>? names)
    {
        var result = new List<string>();
        RefuseControlCharacters(names, "InvalidDnsName", "DNS name");
        foreach (var raw in Split(names))
        {
            var name = raw.TrimEnd('.').ToLowerInvariant();
            var labels = name.Split('.');
            var valid = name.Length is > 0 and <= 253
                && labels.Select((label, i) => i == 0 && label == "*" && labels.Length > 2 || Label.IsMatch(label)).All(ok => ok)
                && !IPAddress.TryParse(name, out _) && !IPLiteral.LooksLikeIPv4(name);
            if (!valid)
                throw new DockerTlsException("InvalidDnsName", ErrorKind.InvalidArgument,
                    $"'{TerminalText.Clean(raw)}' is not a valid DNS name. Use letters, digits and hyphens in dot-separated labels (e.g. docker1.example.com); put IP addresses in -IPAddress.", raw);
            if (!result.Contains(name)) result.Add(name);
        }
        return result;
    }

    /// <summary>
    /// Checks IP addresses strictly (four dotted decimals for IPv4, brackets allowed around IPv6), refuses the
    /// unspecified addresses 0.0.0.0 and ::, and returns them in canonical text.
    /// </summary>
    public static IReadOnlyList<string> NormalizeIPAddresses(IEnumerable<string>? addresses)
    {
        RefuseControlCharacters(addresses, "InvalidIPAddress", "IP address");
        var result = new List<string>();
        foreach (var raw in Split(addresses))
        {
            var address = ParseStrict(raw);
            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
                throw new DockerTlsException("UnspecifiedIPAddress", ErrorKind.InvalidArgument,
                    $"'{raw}' means 'every address' and is meaningless in a certificate. List the addresses clients will use (e.g. 127.0.0.1 and the host's LAN address).", raw);
            var text = address.ToString();
            if (!result.Contains(text)) result.Add(text);
        }
        return result;
    }

    // Before Split, whose Trim would quietly drop a trailing line break: a control character in a name is refused, not
    // cleaned, wherever it is (a tab is one of Split's separators, as in "a<TAB>b" from a spreadsheet).
    private static void RefuseControlCharacters(IEnumerable<string>? values, string errorId, string what)
    {
        foreach (var value in values ?? Enumerable.Empty<string>())
        {
            if (value != null && value.Any(c => c != '\t' && TerminalText.IsControl(c)))
                throw new DockerTlsException(errorId, ErrorKind.InvalidArgument,
                    $"'{TerminalText.Clean(value)}' holds a line break or another control character (shown as '?'), which no {what} has "
                    + "and which would land in the certificate. Give the names alone, separated by commas.", value);
        }
    }

    private static IPAddress ParseStrict(string raw)
    {
        var text = raw.StartsWith("[", StringComparison.Ordinal) && raw.EndsWith("]", StringComparison.Ordinal) ? raw.Substring(1, raw.Length - 2) : raw;
        // Go's rule (IPLiteral), not IPAddress.TryParse, which also takes "10.1", "0x7f.1" and reads "010" as octal 8.
        if (IPLiteral.TryParse(text, out var address))
            return address!;
        var tail = text.Substring(text.LastIndexOf(':') + 1);
        if (IPLiteral.HasLeadingZero(tail))
            throw new DockerTlsException("InvalidIPAddress", ErrorKind.InvalidArgument,
                $"'{TerminalText.Clean(raw)}' has a number with a leading zero, which .NET and C read as octal (010 is 8) and Go, dockerd and the docker CLI refuse. "
                + "Write each number without leading zeros (192.168.1.10).", raw);
        throw new DockerTlsException("InvalidIPAddress", ErrorKind.InvalidArgument,
            $"'{TerminalText.Clean(raw)}' is not an IP address. Give IPv4 as four numbers (192.168.1.10) or an IPv6 address (fd00::10); put host names in -DnsName.", raw);
    }
}
