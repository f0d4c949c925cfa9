using System;
using System.Collections.Generic;
using System.Linq;

namespace DockerTls.Core.Daemon;

/// <summary>What Set-DockerDaemonConfig writes into daemon.json: the three TLS files and the hosts to listen on.</summary>
public sealed class DaemonTlsSettings
{
    /// <summary>
    /// Creates the settings; <paramref name="hosts"/> is the complete new <c>hosts</c> list, or null for none
    /// (dockerd then takes its hosts from its command line).
    /// </summary>
    public DaemonTlsSettings(string caCertPath, string certPath, string keyPath, IEnumerable<string>? hosts)
    {
        CACertPath = caCertPath ?? throw new ArgumentNullException(nameof(caCertPath));
        CertPath = certPath ?? throw new ArgumentNullException(nameof(certPath));
        KeyPath = keyPath ?? throw new ArgumentNullException(nameof(keyPath));
        Hosts = hosts?.ToArray();
    }

    /// <summary>The CA certificate clients must chain to (<c>tlscacert</c>).</summary>
    public string CACertPath { get; }

    /// <summary>The server certificate (<c>tlscert</c>).</summary>
    public string CertPath { get; }

    /// <summary>The server key (<c>tlskey</c>).</summary>
    public string KeyPath { get; }

    /// <summary>The new <c>hosts</c> list, or null when daemon.json is to have none.</summary>
    public IReadOnlyList<string>? Hosts { get; }

    /// <summary>
    /// The <c>hosts</c> list: the local socket first (unless <paramref name="localSocket"/> is false), then each given
    /// host once. Every address is validated; <c>ssh://</c> is refused because dockerd cannot listen on it.
    /// </summary>
    /// <exception cref="DockerTlsException"><c>InvalidDockerHost</c>.</exception>
    public static IReadOnlyList<string> BuildHosts(IEnumerable<string>? dockerHosts, bool localSocket, DaemonPlatform platform)
    {
        var given = dockerHosts?.ToList() ?? new List<string>();
        if (given.Count == 0)
        {
            given.Add(DaemonPaths.DefaultTlsHost);
        }

        var result = new List<string>();
        if (localSocket)
        {
            result.Add(DaemonPaths.LocalSocket(platform));
        }

        foreach (var text in given)
        {
            var address = DockerHostAddress.Parse(text);
            if (address.Scheme == DockerHostScheme.Ssh)
            {
                throw new DockerTlsException(DaemonErrorIds.InvalidDockerHost, ErrorKind.InvalidArgument,
                    $"'{text}' is an ssh:// address, which only clients use; dockerd cannot listen on it. Use tcp://<address>:2376.", text);
            }

            var canonical = address.IsTcp ? address.ToString() : text.Trim();
            if (!result.Contains(canonical, StringComparer.Ordinal))
            {
                result.Add(canonical);
            }
        }

        return result;
    }

    /// <summary>
    /// The hosts that would expose the API without TLS: TCP hosts when <paramref name="mode"/> is <see cref="TlsMode.None"/>,
    /// and any TCP host on port 2375, which clients take for plain HTTP.
    /// </summary>
    public static IReadOnlyList<string> FindPlainTcpHosts(IEnumerable<string> hosts, TlsMode mode)
    {
        var result = new List<string>();
        foreach (var text in hosts)
        {
            if (!DockerHostAddress.TryParse(text, out var address, out _) || !address!.IsTcp)
            {
                continue;
            }

            if (mode == TlsMode.None || address.EffectivePort(mode != TlsMode.None) == DaemonPaths.PlainPort)
            {
                result.Add(text);
            }
        }

        return result;
    }
}
