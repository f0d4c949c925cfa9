using System.Collections.Generic;
using DockerTls.Core.Daemon;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

public class DockerDesktopDetectorTests
{
    [Fact]
    public void FindsDockerAppOnMacOS()
    {
        var present = new HashSet<string> { "/Applications/Docker.app" };
        Assert.Equal("/Applications/Docker.app", DockerDesktopDetector.Find(DaemonPlatform.MacOS, "/Users/me", null, present.Contains));
    }

    [Fact]
    public void FindsDesktopFolderInHome()
    {
        var present = new HashSet<string> { "/home/me/.docker/desktop" };
        Assert.Equal("/home/me/.docker/desktop", DockerDesktopDetector.Find(DaemonPlatform.Linux, "/home/me", null, present.Contains));
    }

    [Fact]
    public void FindsDockerDesktopExeOnWindows()
    {
        var present = new HashSet<string> { @"C:\Program Files\Docker\Docker\Docker Desktop.exe" };
        Assert.Equal(@"C:\Program Files\Docker\Docker\Docker Desktop.exe", DockerDesktopDetector.Find(DaemonPlatform.Windows, @"C:\Users\me", @"C:\Program Files", present.Contains));
        Assert.Contains(@"C:\Users\me\.docker\desktop", DockerDesktopDetector.EvidencePaths(DaemonPlatform.Windows, @"C:\Users\me"));
    }

    [Fact]
    public void NothingFoundIsNull()
    {
        Assert.Null(DockerDesktopDetector.Find(DaemonPlatform.Linux, "/root", null, _ => false));
    }

    [Theory]
    [InlineData(DaemonPlatform.MacOS, "/etc/docker/daemon.json", false, "/Applications/Docker.app", true, DesktopVerdict.Refuse)]
    [InlineData(DaemonPlatform.MacOS, "/etc/docker/daemon.json", true, "/Applications/Docker.app", false, DesktopVerdict.Warn)]
    [InlineData(DaemonPlatform.Linux, "/etc/docker/daemon.json", false, "/home/me/.docker/desktop", true, DesktopVerdict.Warn)]
    [InlineData(DaemonPlatform.Linux, "/etc/docker/daemon.json", false, "/home/me/.docker/desktop", false, DesktopVerdict.Refuse)]
    [InlineData(DaemonPlatform.Linux, "/home/me/.docker/daemon.json", true, null, false, DesktopVerdict.Refuse)]
    [InlineData(DaemonPlatform.Linux, "/etc/docker/daemon.json", false, null, false, DesktopVerdict.None)]
    public void Assesses(DaemonPlatform platform, string target, bool pathGiven, string? evidence, bool engine, DesktopVerdict expected)
    {
        var home = platform == DaemonPlatform.MacOS ? "/Users/me" : "/home/me";
        Assert.Equal(expected, DockerDesktopDetector.Assess(platform, home, target, pathGiven, evidence, engine));
    }

    [Fact]
    public void AdviceSaysWhereTlsGoes()
    {
        Assert.Contains("Settings > Docker Engine", DockerDesktopDetector.Advice);
        Assert.Contains("Linux host or VM", DockerDesktopDetector.Advice);
    }
}
