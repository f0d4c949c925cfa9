namespace DockerTls.Core.Daemon;

/// <summary>
/// What Set-DockerDaemonConfig, Get-DockerDaemonConfig and New-DockerSystemdUnit use on a host when a parameter is not
/// given, decided here once: Docker's paths for the host's platform, systemd's root (<c>/</c> on Linux, none
/// elsewhere), and the Windows service's command line (read on this machine only).
/// </summary>
public static class DaemonDefaults
{
    /// <summary>The root under which systemd units are read and written on a Linux host.</summary>
    public const string SystemdRoot = "/";

    /// <summary>daemon.json on <paramref name="host"/>.</summary>
    public static string ConfigPath(IDaemonHost host) => DaemonPaths.DefaultConfigPath(host.Platform, ProgramData(host));

    /// <summary>Where the server files are installed on <paramref name="host"/>.</summary>
    public static string CertDestination(IDaemonHost host) => DaemonPaths.DefaultCertDestination(host.Platform, ProgramData(host));

    /// <summary>The systemd root of <paramref name="host"/>: <c>/</c> on Linux, null where there is no systemd.</summary>
    public static string? SystemdRootOf(IDaemonHost host) => host.Platform == DaemonPlatform.Linux ? SystemdRoot : null;

    /// <summary>The docker service's command line on a Windows host (this machine's registry), or null.</summary>
    public static WindowsServiceCommandLine? Service(IDaemonHost host) =>
        host.Platform == DaemonPlatform.Windows && host is LocalDaemonHost ? WindowsServiceCommandLine.ReadCurrent() : null;

    private static string? ProgramData(IDaemonHost host) => host is LocalDaemonHost ? DaemonPaths.CurrentProgramData() : null;
}
