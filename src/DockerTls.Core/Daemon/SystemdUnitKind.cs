namespace DockerTls.Core.Daemon;

/// <summary>The systemd files New-DockerSystemdUnit writes.</summary>
public enum SystemdUnitKind
{
    /// <summary><c>docker.service.d/docker.conf</c>: resets ExecStart= so dockerd takes its hosts from daemon.json.</summary>
    DropIn,

    /// <summary><c>docker-tcp.socket</c>: CoreOS style, systemd listens on the TCP port and hands it to dockerd.</summary>
    Socket,
}
