using System;
using System.Globalization;
using System.Net;

namespace DockerTls.Core.Daemon;

/// <summary>
/// A Docker host address as <c>-H</c>, <c>hosts</c> and <c>DOCKER_HOST</c> take it: <c>tcp://0.0.0.0:2376</c>,
/// <c>unix:///var/run/docker.sock</c>, <c>npipe://</c>, <c>fd://</c>, <c>ssh://user@host</c>. An address with no
/// scheme (<c>host:2376</c>, <c>:2376</c>) is TCP, as in dockerd.
/// </summary>
public sealed class DockerHostAddress
{
    private DockerHostAddress(string original, DockerHostScheme scheme, string? host, int? port, string? path)
    {
        Original = original;
        Scheme = scheme;
        Host = host;
        Port = port;
        Path = path;
    }

    /// <summary>The text as given.</summary>
    public string Original { get; }

    /// <summary>The transport.</summary>
    public DockerHostScheme Scheme { get; }

    /// <summary>The host name or address of a TCP or SSH address (IPv6 without brackets); null when not given or not TCP/SSH.</summary>
    public string? Host { get; }

    /// <summary>The TCP or SSH port when given.</summary>
    public int? Port { get; }

    /// <summary>The socket path of a unix address or the pipe of an npipe address; null when none is given.</summary>
    public string? Path { get; }

    /// <summary>True for TCP addresses.</summary>
    public bool IsTcp => Scheme == DockerHostScheme.Tcp;

    /// <summary>True for addresses only reachable from this machine: unix, npipe, fd and loopback TCP.</summary>
    public bool IsLocal => Scheme switch
    {
        DockerHostScheme.Tcp => Host is not null && (Host == "localhost" || (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip))),
        DockerHostScheme.Ssh => false,
        _ => true,
    };

    /// <summary>The port a TCP listener uses: the given one, else 2376 with TLS and 2375 without (dockerd's defaults).</summary>
    public int EffectivePort(bool tls) => Port ?? (tls ? DaemonPaths.TlsPort : DaemonPaths.PlainPort);

    /// <summary>Parses an address.</summary>
    /// <exception cref="DockerTlsException"><c>InvalidDockerHost</c> when the text is not a Docker host address.</exception>
    public static DockerHostAddress Parse(string text)
    {
        if (TryParse(text, out var address, out var reason))
        {
            return address!;
        }

        throw new DockerTlsException(DaemonErrorIds.InvalidDockerHost, ErrorKind.InvalidArgument,
            $"'{TerminalText.Clean(text)}' is not a Docker host address: {reason}. Use tcp://<address>:2376, unix:///var/run/docker.sock or npipe://.",
            text);
    }

    /// <summary>Parses an address, giving the reason when it is not one.</summary>
    public static bool TryParse(string? text, out DockerHostAddress? address, out string reason)
    {
        address = null;
        reason = string.Empty;
        if (text is null || text.Trim().Length == 0)
        {
            reason = "it is empty";
            return false;
        }

        if (TerminalText.HasControl(text))
        {
            // dockerd takes hosts from daemon.json and from -H in a unit file, where a line break would start a directive.
            reason = "it holds a line break or another control character";
            return false;
        }

        var value = text.Trim();
        var sep = value.IndexOf("://", StringComparison.Ordinal);
        string scheme, rest;
        if (sep < 0)
        {
            scheme = "tcp";
            rest = value;
        }
        else
        {
            scheme = value.Substring(0, sep).ToLowerInvariant();
            rest = value.Substring(sep + 3);
        }

        switch (scheme)
        {
            case "unix":
                address = new DockerHostAddress(text, DockerHostScheme.Unix, null, null, rest.Length == 0 ? null : rest);
                if (rest.Length > 0 && rest[0] != '/')
                {
                    reason = "a unix socket path must be absolute";
                    address = null;
                    return false;
                }

                return true;
            case "npipe":
                address = new DockerHostAddress(text, DockerHostScheme.Npipe, null, null, rest.Length == 0 ? null : rest);
                return true;
            case "fd":
                address = new DockerHostAddress(text, DockerHostScheme.Fd, null, null, rest.Length == 0 ? null : rest);
                return true;
            case "tcp":
            case "ssh":
                return TryParseNetwork(text, scheme == "tcp" ? DockerHostScheme.Tcp : DockerHostScheme.Ssh, rest, out address, out reason);
            default:
                reason = $"the scheme '{scheme}' is not one of tcp, unix, npipe, fd, ssh";
                return false;
        }
    }

    /// <summary>The address in canonical form, e.g. <c>tcp://0.0.0.0:2376</c>.</summary>
    public override string ToString()
    {
        switch (Scheme)
        {
            case DockerHostScheme.Tcp:
            case DockerHostScheme.Ssh:
                var host = Host is null ? string.Empty : (Host.IndexOf(':') >= 0 ? "[" + Host + "]" : Host);
                var port = Port is null ? string.Empty : ":" + Port.Value.ToString(CultureInfo.InvariantCulture);
                var user = Scheme == DockerHostScheme.Ssh ? SshUser(Original) : string.Empty;
                return (Scheme == DockerHostScheme.Tcp ? "tcp://" : "ssh://") + user + host + port;
            default:
                return Scheme.ToString().ToLowerInvariant() + "://" + (Path ?? string.Empty);
        }
    }

    private static string SshUser(string original)
    {
        var sep = original.IndexOf("://", StringComparison.Ordinal);
        var rest = sep < 0 ? original : original.Substring(sep + 3);
        var at = rest.IndexOf('@');
        return at < 0 ? string.Empty : rest.Substring(0, at + 1);
    }

    private static bool TryParseNetwork(string original, DockerHostScheme scheme, string rest, out DockerHostAddress? address, out string reason)
    {
        address = null;
        if (scheme == DockerHostScheme.Ssh && rest.IndexOf('@') is var at && at >= 0) rest = rest.Substring(at + 1);
        var slash = rest.IndexOf('/');
        if (slash >= 0 && slash != rest.Length - 1)
        {
            reason = "a TCP address has no path";
            return false;
        }

        if (slash >= 0) rest = rest.Substring(0, slash);
        int? port = null;
        var fault = SplitHostAndPort(rest, out var host, out var portText) ?? ParsePort(portText, out port) ?? HostFault(host);
        reason = fault ?? string.Empty;
        if (fault is not null) return false;
        address = new DockerHostAddress(original, scheme, host.Length == 0 ? null : host, port, null);
        return true;
    }

    // host:port, or [IPv6]:port; the port may be missing. Returns why not, or null.
    private static string? SplitHostAndPort(string rest, out string host, out string? portText)
    {
        portText = null;
        if (!rest.StartsWith("[", StringComparison.Ordinal))
        {
            var colon = rest.LastIndexOf(':');
            host = colon < 0 ? rest : rest.Substring(0, colon);
            portText = colon < 0 ? null : rest.Substring(colon + 1);
            return colon >= 0 && rest.IndexOf(':') != colon ? "an IPv6 address must be written in brackets, e.g. tcp://[::1]:2376" : null;
        }

        var close = rest.IndexOf(']');
        host = close < 0 ? string.Empty : rest.Substring(1, close - 1);
        if (close < 0) return "an IPv6 address in brackets is missing ']'";
        var after = rest.Substring(close + 1);
        if (after.Length > 0 && after[0] != ':') return "expected ':' and a port after ']'";
        if (after.Length > 0) portText = after.Substring(1);
        return IPLiteral.TryParse(host, out _) ? null : $"'{host}' is not an IPv6 address";
    }

    private static string? ParsePort(string? portText, out int? port)
    {
        port = null;
        if (portText is null) return null;
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p < 1 || p > 65535)
        {
            return $"the port '{portText}' is not a number from 1 to 65535";
        }

        port = p;
        return null;
    }

    private static string? HostFault(string host)
    {
        if (host.Length > 0 && IPLiteral.LooksLikeIPv4(host) && !IPLiteral.IsIPv4(host))
        {
            // Go's rule: dockerd would not listen on "0.0.0.010", and .NET would read it as 0.0.0.8.
            return IPLiteral.HasLeadingZero(host)
                ? $"'{host}' has a number with a leading zero, which Go refuses and .NET reads as octal (010 is 8); write each number without leading zeros"
                : $"'{host}' is not an IPv4 address (four numbers 0-255)";
        }

        return host.Length > 0 && !IsHostName(host) && !IPLiteral.TryParse(host, out _) ? $"'{host}' is not a host name or IP address" : null;
    }

    private static bool IsHostName(string host)
    {
        foreach (var c in host)
        {
            if (!(char.IsLetterOrDigit(c) || c == '-' || c == '.' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
