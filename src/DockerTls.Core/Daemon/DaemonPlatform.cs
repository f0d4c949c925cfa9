using System.Runtime.InteropServices;

namespace DockerTls.Core.Daemon;

/// <summary>The kind of host a Docker daemon runs on; it decides default paths and the local socket.</summary>
public enum DaemonPlatform
{
    Linux,
    Windows,
    MacOS,
}

/// <summary>The platform of the running process.</summary>
public static class DaemonPlatforms
{
    /// <summary>The platform this process runs on.</summary>
    public static DaemonPlatform Current { get; } =
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? DaemonPlatform.Windows
        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? DaemonPlatform.MacOS
        : DaemonPlatform.Linux;
}
