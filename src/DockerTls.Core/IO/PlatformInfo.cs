using System.Runtime.InteropServices;

namespace DockerTls.Core.IO;

/// <summary>Which operating system this process runs on.</summary>
public static class PlatformInfo
{
    public static bool IsWindows { get; } = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
    public static bool IsMacOS { get; } = RuntimeInformation.IsOSPlatform(OSPlatform.OSX);
    public static bool IsLinux { get; } = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
}
