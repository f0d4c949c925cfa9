using System;
using System.Collections.Generic;
using System.Linq;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Daemon;

/// <summary>
/// The daemon side's one rule set: every finding about what dockerd will start with, each with an id, a severity and
/// a sentence with its fix. Get-DockerDaemonConfig lists them all; Set-DockerDaemonConfig judges the setup it plans
/// with the same rules and stops on the first of severity Error.
/// </summary>
public sealed class DaemonAssessment
{
    private DaemonAssessment(IReadOnlyList<DaemonConfigProblem> findings, DockerCertificate? certificate)
    {
        Findings = findings;
        Certificate = certificate;
    }

    /// <summary>Every finding, in the order the rules run: the hosts, dockerd's command line, then the TLS files.</summary>
    public IReadOnlyList<DaemonConfigProblem> Findings { get; }

    /// <summary>The server certificate's summary, when it could be read.</summary>
    public DockerCertificate? Certificate { get; }

    /// <summary>The first finding that stops dockerd or leaves it unprotected, or null.</summary>
    public DaemonConfigProblem? FirstBlocking => Findings.FirstOrDefault(f => f.Severity == FindingSeverity.Error);

    /// <summary>The findings of severity Warning.</summary>
    public IEnumerable<DaemonConfigProblem> Warnings => Findings.Where(f => f.Severity == FindingSeverity.Warning);

    /// <summary>Judges <paramref name="setup"/>.</summary>
    public static DaemonAssessment Assess(DaemonSetup setup)
    {
        var findings = new List<DaemonConfigProblem>();
        AddHostFindings(setup, findings);
        AddCommandLineFindings(setup, findings);
        var certificate = AddTlsFindings(setup, findings);
        return new DaemonAssessment(findings, certificate);
    }

    /// <summary>
    /// After a planned drop-in, the -H that it cannot reset (an environment file's DOCKER_OPTS read by another unit, a
    /// second ExecStart=): a <c>DaemonHostsConflict</c>, or null when the drop-in leaves none.
    /// </summary>
    public static DaemonConfigProblem? FlagsTheDropInCannotReset(SystemdUnits after, string dropInPath)
    {
        if (after.HostFlags.Count == 0) return null;
        var flag = after.HostFlags[0];
        return new DaemonConfigProblem(DaemonErrorIds.DaemonHostsConflict,
            $"{flag}, which the drop-in '{dropInPath}' cannot reset; dockerd would refuse to start with \"hosts\" in daemon.json. Remove that flag, then run again.",
            target: flag.File);
    }

    private static DockerCertificate? AddTlsFindings(DaemonSetup setup, List<DaemonConfigProblem> findings)
    {
        var (ca, cert, key) = setup.TlsPaths;
        var anyTls = setup.TlsMode != TlsMode.None || ca is not null || cert is not null || key is not null;
        if (!anyTls) return null;
        if (cert is null || key is null || (setup.TlsMode == TlsMode.TlsVerify && ca is null))
        {
            var missing = new[] { ("tlscacert", ca), ("tlscert", cert), ("tlskey", key) }.Where(p => p.Item2 is null).Select(p => p.Item1);
            findings.Add(new DaemonConfigProblem(DaemonErrorIds.DaemonTlsFilesIncomplete,
                $"TLS is configured without {string.Join(", ", missing)}; dockerd will not start with TLS. Run Set-DockerDaemonConfig -CertPath <folder> to set all three."));
        }

        if (setup.ServerFiles is null) return null;
        var (certificate, problems) = ServerCertificateCheck.Assess(setup.ServerFiles, setup.NowUtc);
        findings.AddRange(problems);
        return certificate;
    }

    private static void AddHostFindings(DaemonSetup setup, List<DaemonConfigProblem> findings)
    {
        foreach (var host in setup.Hosts)
        {
            if (!DockerHostAddress.TryParse(host, out _, out var reason))
            {
                findings.Add(new DaemonConfigProblem(DaemonErrorIds.InvalidDockerHost,
                    $"The host '{host}' is not valid ({reason}); dockerd will not start. Correct it, e.g. {DaemonPaths.DefaultTlsHost}.", target: host));
            }
        }

        var severity = setup.AllowInsecure ? FindingSeverity.Warning : FindingSeverity.Error;
        foreach (var host in DaemonTlsSettings.FindPlainTcpHosts(setup.Hosts, setup.TlsMode))
        {
            findings.Add(new DaemonConfigProblem(DaemonErrorIds.InsecureHost, setup.TlsMode == TlsMode.None
                ? $"'{host}' serves the Docker API without TLS: anyone who can reach it is root on this host. Run Set-DockerDaemonConfig to switch it to mutual TLS on port {DaemonPaths.TlsPort}."
                : $"'{host}' uses port {DaemonPaths.PlainPort}, Docker's port for plain HTTP: clients connect there without TLS, and anyone who can reach an unprotected Docker port is root on this host. Use port {DaemonPaths.TlsPort} (Set-DockerDaemonConfig -DockerHost {DaemonPaths.DefaultTlsHost}), or -AllowInsecure only for testing.",
                severity: severity, target: host));
        }

        if (setup.TlsMode == TlsMode.Tls)
        {
            findings.Add(new DaemonConfigProblem("ClientsNotVerified",
                "TLS is on but client certificates are not verified (\"tlsverify\": false): anyone who reaches the port is root on this host. Set \"tlsverify\": true with Set-DockerDaemonConfig."));
        }

        if (setup.Hosts.Count > 0 && !setup.Hosts.Any(h => DockerHostAddress.TryParse(h, out var a, out _) && a!.Scheme != DockerHostScheme.Tcp))
        {
            findings.Add(new DaemonConfigProblem("NoLocalSocket",
                $"\"hosts\" has no local socket, so the docker CLI on this host cannot reach the daemon without TLS files. Add {DaemonPaths.LocalSocket(setup.Platform)} (Set-DockerDaemonConfig does unless -NoLocalSocket).",
                severity: FindingSeverity.Warning));
        }
    }

    // Where dockerd also takes -H: hosts in both places stop it; hosts in neither leave it on its local socket.
    private static void AddCommandLineFindings(DaemonSetup setup, List<DaemonConfigProblem> findings)
    {
        var hosts = setup.Hosts.Count > 0;
        var tls = setup.TlsMode != TlsMode.None;
        if (setup.Units is { } units && units.HasDockerService && tls && !hosts && units.HostFlags.Count == 0)
        {
            findings.Add(new DaemonConfigProblem("NoTcpHost",
                "dockerd's command line (its systemd unit and /etc/default/docker) has no -H and daemon.json no \"hosts\", so dockerd listens on its local socket only and no client reaches its TLS port. Give it -H fd:// with the socket unit of New-DockerSystemdUnit -Kind Socket, or run Set-DockerDaemonConfig without -NoHosts to put the hosts in daemon.json.",
                severity: FindingSeverity.Warning));
        }

        if (setup.Units is { } withFlags && hosts && withFlags.HostFlags.Count > 0 && !setup.DropInPlanned)
        {
            var flag = withFlags.HostFlags[0];
            findings.Add(new DaemonConfigProblem(DaemonErrorIds.DaemonHostsConflict,
                $"{flag}, so with \"hosts\" in daemon.json dockerd refuses to start ('the following directives are specified both as a flag and in the configuration file: hosts'). Run Set-DockerDaemonConfig -ConfigureSystemd to write the drop-in '{withFlags.FullPath(SystemdUnitFile.DropInRelativePath)}' that resets ExecStart= without -H and keeps every other flag, or Set-DockerDaemonConfig -NoHosts to keep the flag and leave \"hosts\" out of daemon.json.",
                target: flag.File));
        }

        if (setup.Service is { } service && hosts && service.HostFlags.Count > 0)
        {
            findings.Add(new DaemonConfigProblem(DaemonErrorIds.DaemonHostsConflict,
                $"{service.HostFlags[0]}, so with \"hosts\" in daemon.json dockerd refuses to start ('the following directives are specified both as a flag and in the configuration file: hosts'). Take the flags off the service, as Administrator: {service.RemoveHostFlagsCommand()}, then Restart-Service docker; or run Set-DockerDaemonConfig -NoHosts to keep them and leave \"hosts\" out of daemon.json.",
                target: WindowsServiceCommandLine.Location));
        }

        if (setup.Service is { } bare && tls && !hosts && bare.HostFlags.Count == 0)
        {
            findings.Add(new DaemonConfigProblem("NoTcpHost",
                $"The docker service's command line ({WindowsServiceCommandLine.Location}) has no -H and daemon.json no \"hosts\", so dockerd listens on its local pipe only and no client reaches its TLS port. Run Set-DockerDaemonConfig without -NoHosts to put the hosts in daemon.json.",
                severity: FindingSeverity.Warning));
        }
    }
}
