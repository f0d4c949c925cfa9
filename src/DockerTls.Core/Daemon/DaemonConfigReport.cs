using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Daemon;

/// <summary>
/// What Get-DockerDaemonConfig shows: the daemon.json, its hosts and TLS mode, the three TLS files, the server
/// certificate, and every problem as a sentence with its fix.
/// </summary>
public sealed class DaemonConfigReport
{
    /// <summary>The daemon.json path.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Whether the file exists (without it dockerd runs with its defaults: the local socket only, no TLS).</summary>
    public bool Exists { get; set; }

    /// <summary>The <c>hosts</c> dockerd listens on.</summary>
    public string[] Hosts { get; set; } = Array.Empty<string>();

    /// <summary>None, Tls or TlsVerify (Engine 20.10: <c>tls: true</c> alone verifies).</summary>
    public TlsMode TlsMode { get; set; }

    /// <summary><c>tlscacert</c>.</summary>
    public string? TlsCACert { get; set; }

    /// <summary>Whether <see cref="TlsCACert"/> exists.</summary>
    public bool TlsCACertExists { get; set; }

    /// <summary><c>tlscert</c>.</summary>
    public string? TlsCert { get; set; }

    /// <summary>Whether <see cref="TlsCert"/> exists.</summary>
    public bool TlsCertExists { get; set; }

    /// <summary><c>tlskey</c>.</summary>
    public string? TlsKey { get; set; }

    /// <summary>Whether <see cref="TlsKey"/> exists.</summary>
    public bool TlsKeyExists { get; set; }

    /// <summary>The server certificate's summary, when it can be read.</summary>
    public DockerCertificate? ServerCertificate { get; set; }

    /// <summary>Days until the server certificate expires (negative when expired).</summary>
    public int? DaysRemaining { get; set; }

    /// <summary><c>live-restore</c>: whether containers survive a daemon restart.</summary>
    public bool LiveRestore { get; set; }

    /// <summary>Where dockerd also gets -H/--host (systemd units, drop-ins, /etc/default/docker).</summary>
    public HostFlagLocation[] HostFlags { get; set; } = Array.Empty<HostFlagLocation>();

    /// <summary>Every problem found, each with its fix. Empty when the daemon is configured well.</summary>
    public DaemonConfigProblem[] Problems { get; set; } = Array.Empty<DaemonConfigProblem>();

    /// <summary>
    /// Reads <paramref name="path"/> (leniently: a BOM is reported, not fatal), the systemd units under
    /// <paramref name="systemdRoot"/> (null to skip), the Windows service's command line <paramref name="service"/> (null to
    /// skip) and the TLS files, and lists the problems.
    /// </summary>
    public static DaemonConfigReport Build(string path, string? systemdRoot, DaemonPlatform platform, DateTime nowUtc, WindowsServiceCommandLine? service = null)
    {
        var report = new DaemonConfigReport { Path = path };
        var problems = new List<DaemonConfigProblem>();
        DaemonConfigFile? file = null;
        try
        {
            file = DaemonConfigFile.Load(path, allowByteOrderMark: true);
        }
        catch (DockerTlsException e)
        {
            report.Exists = File.Exists(path);
            problems.Add(new DaemonConfigProblem(e.ErrorId, e.Message.Replace("; the file was left unchanged", string.Empty).Replace(" the file was left unchanged.", string.Empty) + " dockerd will not start with it."));
        }

        var units = systemdRoot is null ? null : SystemdUnits.Load(systemdRoot);
        if (units is not null)
        {
            report.HostFlags = units.HostFlags.ToArray();
        }

        if (service is not null)
        {
            report.HostFlags = report.HostFlags.Concat(service.HostFlags).ToArray();
        }

        if (file is not null)
        {
            report.Exists = file.Exists;
            report.Hosts = file.Hosts.ToArray();
            report.TlsMode = file.TlsMode;
            report.TlsCACert = file.TlsCACert;
            report.TlsCert = file.TlsCert;
            report.TlsKey = file.TlsKey;
            report.TlsCACertExists = file.TlsCACert is not null && File.Exists(file.TlsCACert);
            report.TlsCertExists = file.TlsCert is not null && File.Exists(file.TlsCert);
            report.TlsKeyExists = file.TlsKey is not null && File.Exists(file.TlsKey);
            report.LiveRestore = file.LiveRestore;

            if (file.HasByteOrderMark)
            {
                problems.Add(new DaemonConfigProblem("DaemonConfigByteOrderMark",
                    $"'{path}' starts with a UTF-8 byte-order mark, which Docker Engine before 23.0 refuses. Save it as UTF-8 without BOM (Set-DockerDaemonConfig rewrites it so)."));
            }

            AddHostProblems(report, units, service, platform, problems);
            AddTlsProblems(report, nowUtc, problems);
        }

        report.Problems = problems.ToArray();
        return report;
    }

    private static void AddHostProblems(DaemonConfigReport report, SystemdUnits? units, WindowsServiceCommandLine? service, DaemonPlatform platform, List<DaemonConfigProblem> problems)
    {
        foreach (var host in report.Hosts)
        {
            if (!DockerHostAddress.TryParse(host, out _, out var reason))
            {
                problems.Add(new DaemonConfigProblem(DaemonErrorIds.InvalidDockerHost, $"The host '{host}' is not valid ({reason}); dockerd will not start. Correct it, e.g. tcp://0.0.0.0:2376."));
            }
        }

        foreach (var host in DaemonTlsSettings.FindPlainTcpHosts(report.Hosts, report.TlsMode))
        {
            problems.Add(new DaemonConfigProblem(DaemonErrorIds.InsecureHost, report.TlsMode == TlsMode.None
                ? $"'{host}' serves the Docker API without TLS: anyone who can reach it is root on this host. Run Set-DockerDaemonConfig to switch it to mutual TLS on port 2376."
                : $"'{host}' uses port 2375, which clients take for plain HTTP. Use port 2376 for TLS (Set-DockerDaemonConfig -DockerHost tcp://0.0.0.0:2376)."));
        }

        if (report.TlsMode == TlsMode.Tls)
        {
            problems.Add(new DaemonConfigProblem("ClientsNotVerified",
                "TLS is on but client certificates are not verified (\"tlsverify\": false): anyone who reaches the port is root on this host. Set \"tlsverify\": true with Set-DockerDaemonConfig."));
        }

        if (report.Hosts.Length > 0 && !report.Hosts.Any(h => DockerHostAddress.TryParse(h, out var a, out _) && a!.Scheme != DockerHostScheme.Tcp))
        {
            problems.Add(new DaemonConfigProblem("NoLocalSocket",
                $"\"hosts\" has no local socket, so the docker CLI on this host cannot reach the daemon without TLS files. Add {DaemonPaths.LocalSocket(platform)} (Set-DockerDaemonConfig does unless -NoLocalSocket)."));
        }

        if (units is not null && units.HasDockerService && report.TlsMode != TlsMode.None && report.Hosts.Length == 0 && units.HostFlags.Count == 0)
        {
            problems.Add(new DaemonConfigProblem("NoTcpHost",
                "Neither daemon.json (\"hosts\") nor dockerd's command line (-H) names a host, so dockerd listens on its local socket only and no client reaches its TLS port. Run Set-DockerDaemonConfig to add hosts, or give dockerd -H fd:// with New-DockerSystemdUnit -Kind Socket."));
        }

        if (units is not null && report.Hosts.Length > 0 && units.HostFlags.Count > 0)
        {
            problems.Add(new DaemonConfigProblem(DaemonErrorIds.DaemonHostsConflict,
                $"daemon.json sets \"hosts\" and {units.HostFlags[0]}; dockerd refuses to start ('directives are specified both as a flag and in the configuration file: hosts'). Run Set-DockerDaemonConfig -ConfigureSystemd (or New-DockerSystemdUnit -Kind DropIn) to reset ExecStart= without -H, or Set-DockerDaemonConfig -NoHosts to keep the -H and take \"hosts\" out of daemon.json."));
        }

        if (service is not null && service.HostFlags.Count > 0 && report.Hosts.Length > 0)
        {
            problems.Add(new DaemonConfigProblem(DaemonErrorIds.DaemonHostsConflict,
                $"daemon.json sets \"hosts\" and {service.HostFlags[0]}; dockerd refuses to start ('directives are specified both as a flag and in the configuration file: hosts'). Take the flags off the service, as Administrator: {service.RemoveHostFlagsCommand()}, then Restart-Service docker; or run Set-DockerDaemonConfig -NoHosts to keep them and take \"hosts\" out of daemon.json."));
        }

        if (service is not null && service.HostFlags.Count == 0 && report.TlsMode != TlsMode.None && report.Hosts.Length == 0)
        {
            problems.Add(new DaemonConfigProblem("NoTcpHost",
                $"Neither daemon.json (\"hosts\") nor the docker service's command line ({WindowsServiceCommandLine.Location}) names a host, so dockerd listens on its local pipe only and no client reaches its TLS port. Run Set-DockerDaemonConfig to add hosts."));
        }
    }

    private static void AddTlsProblems(DaemonConfigReport report, DateTime nowUtc, List<DaemonConfigProblem> problems)
    {
        var anyTls = report.TlsMode != TlsMode.None || report.TlsCACert is not null || report.TlsCert is not null || report.TlsKey is not null;
        if (!anyTls)
        {
            return;
        }

        if (report.TlsCert is null || report.TlsKey is null || (report.TlsMode == TlsMode.TlsVerify && report.TlsCACert is null))
        {
            var missing = new[] { ("tlscacert", report.TlsCACert), ("tlscert", report.TlsCert), ("tlskey", report.TlsKey) }
                .Where(p => p.Item2 is null).Select(p => p.Item1);
            problems.Add(new DaemonConfigProblem(DaemonErrorIds.DaemonTlsFilesIncomplete,
                $"TLS is configured without {string.Join(", ", missing)}; dockerd will not start with TLS. Run Set-DockerDaemonConfig -CertPath <folder> to set all three."));
        }

        if (report.TlsCert is null)
        {
            return;
        }

        var (certificate, certProblems) = ServerCertificateCheck.Assess(report.TlsCACert, report.TlsCert, report.TlsKey, nowUtc);
        report.ServerCertificate = certificate;
        report.DaysRemaining = certificate?.DaysRemaining;
        problems.AddRange(certProblems);
    }
}
