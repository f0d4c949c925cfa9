using System.Runtime.InteropServices;

namespace DockerTls.Core.IO;

/// <summary>Which operating system this process runs on.</summary>
public static class PlatformInfo
{
    public static bool IsWindows { get; } = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
    public static bool IsMacOS { get; } = RuntimeInformation.IsOSPlatform(OSPlatform.OSX);
    public static bool IsLinux { get; } = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

    /// <summary>True under .NET Framework (Windows PowerShell 5.1), false under .NET (PowerShell 7).</summary>
    public static bool IsNetFramework { get; } = RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", System.StringComparison.Ordinal);
}
