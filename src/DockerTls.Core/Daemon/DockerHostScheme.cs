namespace DockerTls.Core.Daemon;

/// <summary>The transport of a Docker host address.</summary>
public enum DockerHostScheme
{
    /// <summary><c>tcp://host:port</c>: the network API, which needs TLS.</summary>
    Tcp,

    /// <summary><c>unix:///path</c>: a local Unix socket.</summary>
    Unix,

    /// <summary><c>npipe:////./pipe/name</c>: a local Windows named pipe.</summary>
    Npipe,

    /// <summary><c>fd://</c>: sockets handed over by systemd socket activation.</summary>
    Fd,

    /// <summary><c>ssh://user@host</c>: a client-side transport; dockerd cannot listen on it.</summary>
    Ssh,
}
