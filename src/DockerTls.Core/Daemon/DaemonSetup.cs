using System;
using System.Collections.Generic;

namespace DockerTls.Core.Daemon;

/// <summary>
/// What dockerd on one host will start with, as <see cref="DaemonAssessment"/> judges it: the hosts and TLS settings of
/// daemon.json (as it is, for Get-DockerDaemonConfig; as planned, for Set-DockerDaemonConfig), the server files those
/// settings name, and the command line that systemd or the Windows service gives dockerd.
/// </summary>
public sealed class DaemonSetup
{
    /// <summary>The platform the daemon runs on.</summary>
    public DaemonPlatform Platform { get; set; }

    /// <summary>daemon.json's <c>hosts</c> (empty: none).</summary>
    public IReadOnlyList<string> Hosts { get; set; } = Array.Empty<string>();

    /// <summary>daemon.json's TLS mode.</summary>
    public TlsMode TlsMode { get; set; }

    /// <summary>daemon.json's <c>tlscacert</c>, <c>tlscert</c> and <c>tlskey</c> (null: not set).</summary>
    public (string? CA, string? Cert, string? Key) TlsPaths { get; set; }

    /// <summary>The server files, read once (null: none to check).</summary>
    public ServerTlsFiles? ServerFiles { get; set; }

    /// <summary>docker.service and its drop-ins (null: not a systemd host, or not read).</summary>
    public SystemdUnits? Units { get; set; }

    /// <summary>The Windows service's command line (null: not Windows, or not read).</summary>
    public WindowsServiceCommandLine? Service { get; set; }

    /// <summary>Plain TCP was asked for (-AllowInsecure): a warning, not an error.</summary>
    public bool AllowInsecure { get; set; }

    /// <summary>A drop-in that resets ExecStart= without -H is planned (-ConfigureSystemd), so the units' -H is no conflict.</summary>
    public bool DropInPlanned { get; set; }

    /// <summary>The time certificates are checked at.</summary>
    public DateTime NowUtc { get; set; } = DateTime.UtcNow;
}
