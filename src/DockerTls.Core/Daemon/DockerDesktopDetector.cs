using System;
using System.Collections.Generic;
using System.Linq;

namespace DockerTls.Core.Daemon;

/// <summary>What to do about Docker Desktop when configuring a daemon.</summary>
public enum DesktopVerdict
{
    /// <summary>No Docker Desktop: carry on.</summary>
    None,

    /// <summary>Docker Desktop is installed next to an engine: carry on, but say so.</summary>
    Warn,

    /// <summary>The target is Docker Desktop's daemon, which lives in a VM: refuse and say what to do instead.</summary>
    Refuse,
}

/// <summary>
/// Finds Docker Desktop, whose daemon runs in a VM: TLS paths written into its settings point inside the VM and break it
/// (docker/for-win#1953, #7939). Pure: the file system is reached only through the given <c>exists</c> function.
/// </summary>
public static class DockerDesktopDetector
{
    /// <summary>The advice given when Docker Desktop is the target.</summary>
    public const string Advice =
        "Docker Desktop runs its daemon inside a VM: Settings > Docker Engine (~/.docker/daemon.json) is not where TLS goes, " +
        "and TLS paths there point inside the VM and stop it. To expose a daemon over mutual TLS, run Docker Engine (dockerd) " +
        "on a Linux host or VM and run this command there.";

    /// <summary>The files and folders whose presence shows Docker Desktop on <paramref name="platform"/>.</summary>
    public static IReadOnlyList<string> EvidencePaths(DaemonPlatform platform, string home, string? programFiles = null)
    {
        var paths = new List<string> { Join(platform, home, ".docker", "desktop") };
        switch (platform)
        {
            case DaemonPlatform.MacOS:
                paths.Add("/Applications/Docker.app");
                paths.Add(Join(platform, home, "Library", "Containers", "com.docker.docker"));
                break;
            case DaemonPlatform.Windows:
                var pf = string.IsNullOrEmpty(programFiles) ? @"C:\Program Files" : programFiles!;
                paths.Add(Join(platform, pf, "Docker", "Docker", "Docker Desktop.exe"));
                break;
            default:
                paths.Add("/opt/docker-desktop");
                break;
        }

        return paths;
    }

    /// <summary>The first evidence of Docker Desktop that exists, or null.</summary>
    public static string? Find(DaemonPlatform platform, string home, string? programFiles, Func<string, bool> exists) =>
        EvidencePaths(platform, home, programFiles).FirstOrDefault(exists);

    /// <summary>
    /// Decides: refuse when the target file is Desktop's own <c>~/.docker/daemon.json</c>, or when Desktop is found, no
    /// explicit path was given and no engine is configured here (always on macOS, where Docker Engine does not run
    /// natively); warn when Desktop is found next to an engine; otherwise nothing.
    /// </summary>
    public static DesktopVerdict Assess(DaemonPlatform platform, string home, string targetPath, bool pathGiven, string? evidence, bool engineConfigured)
    {
        var desktopConfig = Join(platform, home, ".docker", "daemon.json");
        if (string.Equals(Normalize(targetPath), Normalize(desktopConfig), platform == DaemonPlatform.Linux ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
        {
            return DesktopVerdict.Refuse;
        }

        if (evidence is null)
        {
            return DesktopVerdict.None;
        }

        if (!pathGiven && (platform == DaemonPlatform.MacOS || !engineConfigured))
        {
            return DesktopVerdict.Refuse;
        }

        return DesktopVerdict.Warn;
    }

    /// <summary>
    /// Finds and assesses Docker Desktop on <paramref name="host"/>: on this machine in the user's home, on a remote
    /// host in root's (the commands there run as root).
    /// </summary>
    public static (DesktopVerdict Verdict, string? Evidence) AssessHost(IDaemonHost host, string targetPath, bool pathGiven, bool engineConfigured)
    {
        var local = host is LocalDaemonHost;
        var home = local ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : "/root";
        var programFiles = local ? Environment.GetEnvironmentVariable("ProgramFiles") : null;
        var evidence = Find(host.Platform, home, programFiles, host.Exists);
        return (Assess(host.Platform, home, targetPath, pathGiven, evidence, engineConfigured), evidence);
    }

    private static string Join(DaemonPlatform platform, string first, params string[] rest)
    {
        var result = first;
        foreach (var part in rest)
        {
            result = HostPath.Combine(platform, result, part);
        }

        return result;
    }

    private static string Normalize(string path) => path.Replace('\\', '/').TrimEnd('/');
}
