using System;
using System.Collections.Generic;
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
    /// Reads <paramref name="path"/> on <paramref name="host"/> (leniently: a BOM is reported, not fatal), the systemd units
    /// under <paramref name="systemdRoot"/> (null to skip), the Windows service's command line <paramref name="service"/> (null
    /// to skip) and the TLS files, and lists what <see cref="DaemonAssessment"/> finds.
    /// </summary>
    public static DaemonConfigReport Build(IDaemonHost host, string path, string? systemdRoot, DateTime nowUtc, WindowsServiceCommandLine? service = null)
    {
        var report = new DaemonConfigReport { Path = path };
        var problems = new List<DaemonConfigProblem>();
        var file = Read(host, path, report, problems);
        var units = systemdRoot is null ? null : SystemdUnits.Load(host, systemdRoot);
        report.HostFlags = (units?.HostFlags ?? Array.Empty<HostFlagLocation>()).Concat(service?.HostFlags ?? Array.Empty<HostFlagLocation>()).ToArray();
        if (file is not null)
        {
            report.Describe(host, file);
            var assessment = DaemonAssessment.Assess(new DaemonSetup
            {
                Platform = host.Platform,
                Hosts = file.Hosts,
                TlsMode = file.TlsMode,
                TlsPaths = (file.TlsCACert, file.TlsCert, file.TlsKey),
                ServerFiles = file.TlsCert is null ? null : ServerTlsFiles.Read(host, file.TlsCACert, file.TlsCert, file.TlsKey),
                Units = units,
                Service = service,
                NowUtc = nowUtc,
            });
            problems.AddRange(assessment.Findings);
            report.ServerCertificate = assessment.Certificate;
            report.DaysRemaining = assessment.Certificate?.DaysRemaining;
        }

        report.Problems = problems.ToArray();
        return report;
    }

    // daemon.json as dockerd would read it; what stops it from starting is a finding, not an error.
    private static DaemonConfigFile? Read(IDaemonHost host, string path, DaemonConfigReport report, List<DaemonConfigProblem> problems)
    {
        DaemonConfigFile? file;
        DaemonConfigProblem? fault = null;
        try
        {
            var bytes = host.IsDirectory(path) ? throw DaemonConfigFile.IsAFolder(path) : host.TryReadFile(path, IO.SafeFile.DaemonConfig);
            file = bytes is null ? DaemonConfigFile.Missing(path) : DaemonConfigFile.TryParse(path, bytes, allowByteOrderMark: true, out fault);
            report.Exists = bytes is not null;
        }
        catch (DockerTlsException e)
        {
            report.Exists = IsFile(host, path);
            fault = new DaemonConfigProblem(e.ErrorId, e.Message + " dockerd will not start with it.", target: path);
            file = null;
        }

        if (file is null)
        {
            problems.Add(fault!);
        }
        else if (file.HasByteOrderMark)
        {
            problems.Add(new DaemonConfigProblem("DaemonConfigByteOrderMark",
                $"'{path}' starts with a UTF-8 byte-order mark, which Docker Engine before 23.0 refuses. Save it as UTF-8 without BOM (Set-DockerDaemonConfig rewrites it so).", target: path));
        }

        return file;
    }

    private void Describe(IDaemonHost host, DaemonConfigFile file)
    {
        Exists = file.Exists;
        Hosts = file.Hosts.ToArray();
        TlsMode = file.TlsMode;
        TlsCACert = file.TlsCACert;
        TlsCert = file.TlsCert;
        TlsKey = file.TlsKey;
        TlsCACertExists = IsFile(host, file.TlsCACert);
        TlsCertExists = IsFile(host, file.TlsCert);
        TlsKeyExists = IsFile(host, file.TlsKey);
        LiveRestore = file.LiveRestore;
    }

    private static bool IsFile(IDaemonHost host, string? path) => path is not null && host.Exists(path) && !host.IsDirectory(path);
}
