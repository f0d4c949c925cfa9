using System;

namespace DockerTls.Core.Daemon;

/// <summary>
/// Paths on a Docker host, which may be another machine: joined with that host's separator and never through this
/// machine's <c>Path.GetFullPath</c> (a remote Linux host's <c>/etc/docker</c> is not a path of a Windows admin's machine).
/// The caller gives full paths; a local one is resolved by the cmdlet before it comes here.
/// </summary>
public static class HostPath
{
    /// <summary>Joins a folder and a file name with the platform's separator (an empty folder leaves the name as it is).</summary>
    public static string Combine(DaemonPlatform platform, string folder, string name)
    {
        if (folder.Length == 0) return name; // as Path.Combine: no folder is the current one, not the root
        var separator = Separator(platform);
        return folder[folder.Length - 1] == separator || folder[folder.Length - 1] == '/' ? folder + name : folder + separator + name;
    }

    /// <summary>A path relative to <paramref name="root"/> written with <c>/</c> (<c>etc/systemd/system/docker.service</c>), under it.</summary>
    public static string Join(DaemonPlatform platform, string root, string relative)
    {
        var inner = relative.Replace('\\', '/').TrimStart('/');
        return Combine(platform, root, platform == DaemonPlatform.Windows ? inner.Replace('/', '\\') : inner);
    }

    private static char Separator(DaemonPlatform platform) => platform == DaemonPlatform.Windows ? '\\' : '/';
}
