using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DockerTls.Core.Client;

/// <summary>
/// The address a Docker client connects to over TLS, normalized to <c>tcp://host:port</c>.
/// Accepts <c>host</c>, <c>host:port</c>, <c>tcp://host:port</c>, bare IPv6 literals (<c>::1</c>)
/// and bracketed ones (<c>[::1]:2376</c>, <c>tcp://[::1]:2376</c>); the port defaults to 2376.
/// </summary>
public sealed class ClientHostAddress
{
    /// <summary>Docker's TLS port, used when the address names none.</summary>
    public const int DefaultTlsPort = 2376;

    /// <summary>Docker's plain-text port: a TLS client pointed at it fails.</summary>
    public const int PlainTextPort = 2375;

    private ClientHostAddress(string host, int port, bool isIPAddress)
    {
        Host = host;
        Port = port;
        IsIPAddress = isIPAddress;
    }

    /// <summary>The host name or IP address, without brackets (<c>::1</c>, <c>web1.example.com</c>).</summary>
    public string Host { get; }

    /// <summary>The TCP port.</summary>
    public int Port { get; }

    /// <summary>True when <see cref="Host"/> is an IPv4 or IPv6 literal.</summary>
    public bool IsIPAddress { get; }

    /// <summary>True when the port is 2375, the port Docker uses for plain (unencrypted) TCP.</summary>
    public bool IsPlainTextPort => Port == PlainTextPort;

    /// <summary>The value for <c>DOCKER_HOST</c> or a context endpoint: <c>tcp://host:port</c>, IPv6 in brackets.</summary>
    public string Uri => "tcp://" + (Host.IndexOf(':') >= 0 ? "[" + Host + "]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() => Uri;

    /// <summary>Parses an address as users write it; throws <see cref="DockerTlsException"/> <c>InvalidDockerHost</c> for anything else.</summary>
    public static ClientHostAddress Parse(string? value)
    {
        if (TerminalText.HasControl(value))
        {
            throw Invalid(value, "it holds a line break or another control character (shown as '?'), which no address has.");
        }

        var text = (value ?? string.Empty).Trim();
        if (text.Length == 0)
        {
            throw Invalid(value, "the address is empty. Give a host name or IP address, e.g. 'tcp://docker1.example.com:2376'.");
        }

        var (host, portText) = SplitHostPort(value, Authority(value, text));
        var port = ParsePort(value, portText);
        if (host.Length == 0)
        {
            throw Invalid(value, "the host is missing. Give a host name or IP address before the port.");
        }

        return FromHost(value, host, port);
    }

    // What follows 'tcp://' (or the whole text without a scheme): a host and perhaps a port, nothing else.
    private static string Authority(string? value, string text)
    {
        var rest = text;
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            var scheme = text.Substring(0, schemeEnd);
            if (!scheme.Equals("tcp", StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid(value, $"the scheme '{scheme}://' cannot carry Docker's TLS. Use 'tcp://host:port' (TLS is switched on by DOCKER_TLS_VERIFY, not by the scheme).");
            }

            rest = text.Substring(schemeEnd + 3);
            if (rest.EndsWith("/", StringComparison.Ordinal))
            {
                rest = rest.Substring(0, rest.Length - 1);
            }
        }

        if (rest.Length == 0)
        {
            throw Invalid(value, "no host follows 'tcp://'.");
        }

        if (rest.IndexOfAny(new[] { '/', '?', '#', '@', ' ', '\t', '\\' }) >= 0)
        {
            throw Invalid(value, "an address holds only a host and a port, with no path, user name or spaces.");
        }

        return rest;
    }

    // The host (an IPv6 literal without its brackets) and the port's text, null when none is given.
    private static (string Host, string? Port) SplitHostPort(string? value, string rest)
    {
        if (rest[0] == '[')
        {
            var close = rest.IndexOf(']');
            if (close < 0)
            {
                throw Invalid(value, "an opening '[' has no closing ']'. Write IPv6 addresses as '[::1]:2376'.");
            }

            var bracketed = rest.Substring(1, close - 1);
            var after = rest.Substring(close + 1);
            if (after.Length > 0 && after[0] != ':')
            {
                throw Invalid(value, "only ':port' may follow the bracketed address.");
            }

            if (!IsIPv6(bracketed))
            {
                throw Invalid(value, $"'{bracketed}' in brackets is not an IPv6 address.");
            }

            return (bracketed, after.Length > 0 ? after.Substring(1) : null);
        }

        var colons = Count(rest, ':');
        if (colons > 1)
        {
            if (!IsIPv6(rest))
            {
                throw Invalid(value, "it has several ':' but is not an IPv6 address. Write IPv6 with a port as '[::1]:2376'.");
            }

            return (rest, null);
        }

        var colon = rest.IndexOf(':');
        return colon < 0 ? (rest, null) : (rest.Substring(0, colon), rest.Substring(colon + 1));
    }

    private static int ParsePort(string? value, string? portText)
    {
        var port = DefaultTlsPort;
        if (portText != null)
        {
            if (portText.Length == 0 || portText.Length > 5 || !AllDigits(portText)
                || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port < 1 || port > 65535)
            {
                throw Invalid(value, $"'{portText}' is not a TCP port (1-65535).");
            }
        }

        return port;
    }

    // An IPv6 or IPv4 literal a client can connect to (not a listen-on-all address), or a host name, lower case.
    private static ClientHostAddress FromHost(string? value, string host, int port)
    {
        if (IsIPv6(host))
        {
            var address = IPAddress.Parse(host);
            if (address.Equals(IPAddress.IPv6Any))
            {
                throw Invalid(value, "'::' is the listen-on-all address of a daemon, not an address a client can connect to. Give the daemon's real address.");
            }

            return new ClientHostAddress(address.ToString(), port, true);
        }

        if (LooksNumeric(host))
        {
            if (IPLiteral.HasLeadingZero(host))
            {
                throw Invalid(value, $"'{host}' has a number with a leading zero, which .NET reads as octal (010 is 8) and the docker CLI as a host name. Write each number without leading zeros (192.168.1.10).");
            }

            if (!IPLiteral.IsIPv4(host))
            {
                throw Invalid(value, $"'{host}' is neither an IPv4 address (four numbers 0-255) nor a host name.");
            }

            var address = IPAddress.Parse(host);
            if (address.Equals(IPAddress.Any))
            {
                throw Invalid(value, "'0.0.0.0' is the listen-on-all address of a daemon, not an address a client can connect to. Give the daemon's real address.");
            }

            return new ClientHostAddress(address.ToString(), port, true);
        }

        if (!IsHostName(host))
        {
            throw Invalid(value, $"'{host}' is not a valid host name (letters, digits, '-', '_' and '.', at most 253 characters).");
        }

        return new ClientHostAddress(host.ToLowerInvariant(), port, false);
    }

    /// <summary>Like <see cref="Parse"/> but returns false instead of throwing.</summary>
    public static bool TryParse(string? value, out ClientHostAddress? address)
    {
        try
        {
            address = Parse(value);
            return true;
        }
        catch (DockerTlsException)
        {
            address = null;
            return false;
        }
    }

    private static DockerTlsException Invalid(string? value, string why) =>
        new("InvalidDockerHost", ErrorKind.InvalidArgument, $"'{TerminalText.Clean(value)}' is not a Docker host address: {why}", value);

    private static int Count(string s, char c)
    {
        var n = 0;
        foreach (var ch in s)
        {
            if (ch == c)
            {
                n++;
            }
        }

        return n;
    }

    private static bool AllDigits(string s)
    {
        foreach (var ch in s)
        {
            if (ch < '0' || ch > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIPv6(string s) =>
        s.IndexOf(':') >= 0 && IPLiteral.TryParse(s, out var a) && a!.AddressFamily == AddressFamily.InterNetworkV6;

    private static bool LooksNumeric(string host)
    {
        var labels = host.Split('.');
        var last = labels[labels.Length - 1];
        return last.Length > 0 && AllDigits(last);
    }

    private static bool IsHostName(string host)
    {
        if (host.Length > 253)
        {
            return false;
        }

        foreach (var label in host.Split('.'))
        {
            if (label.Length == 0 || label.Length > 63 || label[0] == '-' || label[label.Length - 1] == '-')
            {
                return false;
            }

            foreach (var ch in label)
            {
                var ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
                if (!ok)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
