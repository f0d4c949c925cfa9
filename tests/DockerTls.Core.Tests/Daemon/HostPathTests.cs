using DockerTls.Core.Daemon;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

public class HostPathTests
{
    [Theory]
    [InlineData(DaemonPlatform.Linux, "/", "etc/systemd/system/docker.service", "/etc/systemd/system/docker.service")]
    [InlineData(DaemonPlatform.Linux, "/srv/root", "/etc/default/docker", "/srv/root/etc/default/docker")]
    [InlineData(DaemonPlatform.Linux, "/srv/root/", "etc\\default\\docker", "/srv/root/etc/default/docker")]
    [InlineData(DaemonPlatform.Windows, @"C:\root", "etc/systemd/system", @"C:\root\etc\systemd\system")]
    public void JoinsARootRelativePathWithTheHostsSeparator(DaemonPlatform platform, string root, string relative, string expected) =>
        Assert.Equal(expected, HostPath.Join(platform, root, relative));

    [Fact]
    public void ARemoteLinuxPathStaysPosixWhateverThisMachineIs()
    {
        Assert.Equal("/etc/docker/ca.pem", HostPath.Combine(DaemonPlatform.Linux, "/etc/docker", "ca.pem"));
        Assert.Equal("/etc/docker/ca.pem", HostPath.Combine(DaemonPlatform.Linux, "/etc/docker/", "ca.pem"));
    }

    // PowerShell passes $null to a string as "": no folder must not become the root (it did, and read this machine's units).
    [Fact]
    public void AnEmptyFolderIsNotTheRoot() => Assert.Equal("etc/default/docker", HostPath.Join(DaemonPlatform.Linux, string.Empty, "etc/default/docker"));
}
