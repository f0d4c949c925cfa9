using System;
using System.Collections.Generic;

namespace DockerTls.Core.Daemon;

/// <summary>The inputs of Set-DockerDaemonConfig, with paths already resolved: sources as full paths of this machine, targets as full paths of the Docker host.</summary>
public sealed class DaemonConfigRequest
{
    /// <summary>The daemon.json to change or create.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>True when the user named the path (Docker Desktop is then only a warning).</summary>
    public bool PathGiven { get; set; }

    /// <summary>A folder with ca.pem, server-cert.pem and server-key.pem to install into <see cref="CertDestination"/>.</summary>
    public string? CertPath { get; set; }

    /// <summary>Where the server files are installed and referenced from.</summary>
    public string CertDestination { get; set; } = string.Empty;

    /// <summary>The CA certificate path to write as-is (instead of <see cref="CertPath"/>).</summary>
    public string? TlsCACert { get; set; }

    /// <summary>The server certificate path to write as-is.</summary>
    public string? TlsCert { get; set; }

    /// <summary>The server key path to write as-is.</summary>
    public string? TlsKey { get; set; }

    /// <summary>The TCP (or other) hosts to listen on; empty means tcp://0.0.0.0:2376.</summary>
    public IReadOnlyList<string> DockerHost { get; set; } = Array.Empty<string>();

    /// <summary>Leave the local socket out of <c>hosts</c>.</summary>
    public bool NoLocalSocket { get; set; }

    /// <summary>
    /// Write no <c>hosts</c> (and remove one that is there): dockerd takes its hosts from its command line, such as
    /// the <c>-H fd://</c> that systemd socket activation (New-DockerSystemdUnit -Kind Socket) relies on.
    /// </summary>
    public bool NoHosts { get; set; }

    /// <summary>Accept a plain TCP host (port 2375).</summary>
    public bool AllowInsecure { get; set; }

    /// <summary>The root under which systemd units and /etc/default/docker are read; null skips them (Windows).</summary>
    public string? SystemdRoot { get; set; }

    /// <summary>The command line of the Windows service docker (Windows); null skips it.</summary>
    public WindowsServiceCommandLine? WindowsService { get; set; }

    /// <summary>Write the drop-in that resets ExecStart= when dockerd gets -H from systemd.</summary>
    public bool ConfigureSystemd { get; set; }

    /// <summary>Make no backups of replaced files.</summary>
    public bool NoBackup { get; set; }

    /// <summary>The time for backups' names (local time) and certificate checks.</summary>
    public DateTime Now { get; set; } = DateTime.Now;
}
