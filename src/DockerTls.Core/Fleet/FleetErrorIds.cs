namespace DockerTls.Core.Fleet;

/// <summary>The error ids of a host's outcome in a fleet run (each host's result carries the one of its failure).</summary>
public static class FleetErrorIds
{
    /// <summary>dockerd did not come back after the restart: the previous files are back and it runs on them again.</summary>
    public const string DaemonRolledBack = "DaemonRolledBack";

    /// <summary>dockerd was restarted, but the TLS check from this machine failed.</summary>
    public const string DaemonNotVerified = "DaemonNotVerified";

    /// <summary>The restart failed and the previous files could not be put back, or dockerd did not start on them.</summary>
    public const string DaemonRestartFailed = "DaemonRestartFailed";

    /// <summary>A host failed for a reason without an id of its own.</summary>
    public const string HostFailed = "HostFailed";

    /// <summary>-Restart on a host without systemd: Windows, or a Linux host with no systemctl (OpenRC); the files are written.</summary>
    public const string RestartNotSupported = "RestartNotSupported";
}
