using System;

namespace DockerTls.Core.Daemon;

/// <summary>
/// Docker's default locations per platform. Pure functions of the platform (and of %ProgramData% on Windows),
/// so the Windows defaults are tested on Linux too.
/// </summary>
public static class DaemonPaths
{
    /// <summary>The file name of the CA certificate the daemon trusts for client certificates.</summary>
    public const string CACertificateFileName = "ca.pem";

    /// <summary>The file name of the server certificate.</summary>
    public const string ServerCertificateFileName = "server-cert.pem";

    /// <summary>The file name of the server key.</summary>
    public const string ServerKeyFileName = "server-key.pem";

    /// <summary>The TLS host Set-DockerDaemonConfig listens on by default: all addresses, Docker's TLS port.</summary>
    public const string DefaultTlsHost = "tcp://0.0.0.0:2376";

    /// <summary>Docker's port for TLS.</summary>
    public const int TlsPort = 2376;

    /// <summary>Docker's port for plain HTTP (no TLS).</summary>
    public const int PlainPort = 2375;

    /// <summary>The Windows folder used when %ProgramData% is not set.</summary>
    public const string DefaultProgramData = @"C:\ProgramData";

    /// <summary>The daemon.json path: <c>/etc/docker/daemon.json</c>, or <c>%ProgramData%\docker\config\daemon.json</c> on Windows.</summary>
    public static string DefaultConfigPath(DaemonPlatform platform, string? programData = null) =>
        platform == DaemonPlatform.Windows
            ? WindowsPath(programData, @"docker\config\daemon.json")
            : "/etc/docker/daemon.json";

    /// <summary>Where the server's ca.pem, server-cert.pem and server-key.pem are installed: <c>/etc/docker</c>, or <c>%ProgramData%\docker\certs.d</c> on Windows.</summary>
    public static string DefaultCertDestination(DaemonPlatform platform, string? programData = null) =>
        platform == DaemonPlatform.Windows
            ? WindowsPath(programData, @"docker\certs.d")
            : "/etc/docker";

    /// <summary>The local endpoint kept in <c>hosts</c> so the local CLI still reaches the daemon: <c>unix:///var/run/docker.sock</c>, or <c>npipe://</c> on Windows.</summary>
    public static string LocalSocket(DaemonPlatform platform) =>
        platform == DaemonPlatform.Windows ? "npipe://" : "unix:///var/run/docker.sock";

    /// <summary>
    /// The command that applies daemon.json after a change (TLS settings are not reloadable):
    /// <c>systemctl daemon-reload &amp;&amp; systemctl restart docker</c> on systemd hosts, <c>Restart-Service docker</c> on Windows.
    /// </summary>
    public static string RestartCommand(DaemonPlatform platform, bool systemd) => platform switch
    {
        DaemonPlatform.Windows => "Restart-Service docker",
        _ when systemd => "systemctl daemon-reload && systemctl restart docker",
        DaemonPlatform.MacOS => "restart the Docker daemon (on macOS it normally runs in a Linux VM)",
        _ => "service docker restart",
    };

    /// <summary>The %ProgramData% folder of this machine, or <see cref="DefaultProgramData"/>.</summary>
    public static string CurrentProgramData()
    {
        var value = Environment.GetEnvironmentVariable("ProgramData");
        return string.IsNullOrEmpty(value) ? DefaultProgramData : value!;
    }

    private static string WindowsPath(string? programData, string relative)
    {
        var root = string.IsNullOrEmpty(programData) ? DefaultProgramData : programData!.TrimEnd('\\', '/');
        return root + "\\" + relative;
    }
}
