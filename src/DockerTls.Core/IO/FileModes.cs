using System;
using System.IO;
using System.Reflection;

namespace DockerTls.Core.IO;

/// <summary>Unix permission bits of files (no-ops and nulls on Windows, where ACLs apply instead).</summary>
public static class FileModes
{
    /// <summary>0400: keys, readable by their owner only (Docker's documentation).</summary>
    public const int Key = 0x100;

    /// <summary>0444: certificates, readable by all, written by none.</summary>
    public const int Certificate = 0x124;

    /// <summary>0600: private files that are rewritten (Docker context TLS files).</summary>
    public const int PrivateFile = 0x180;

    /// <summary>0644: ordinary configuration files.</summary>
    public const int PublicFile = 0x1A4;

    /// <summary>0700: private folders.</summary>
    public const int PrivateDirectory = 0x1C0;

    /// <summary>0755: ordinary folders.</summary>
    public const int PublicDirectory = 0x1ED;

    /// <summary>True when a mode lets group or others read or write.</summary>
    public static bool IsPrivate(int mode) => (mode & 0x3F) == 0;

    // File.GetUnixFileMode exists from .NET 7 (PowerShell 7.4+), which is what runs on Unix.
    private static readonly MethodInfo? GetModeMethod =
        typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });

    /// <summary>The permission bits of a file or folder, or null on Windows or where the runtime cannot tell.</summary>
    public static int? GetUnixMode(string path)
    {
        if (PlatformInfo.IsWindows || GetModeMethod is null) return null;
        return Convert.ToInt32(GetModeMethod.Invoke(null, new object[] { path }));
    }

    /// <summary>Octal text of a mode, e.g. "0400".</summary>
    public static string Format(int mode) => "0" + Convert.ToString(mode, 8);
}
