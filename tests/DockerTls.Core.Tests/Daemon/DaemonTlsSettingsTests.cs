using DockerTls.Core.Daemon;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

public class DaemonTlsSettingsTests
{
    [Fact]
    public void DefaultHostsAreLocalSocketAndTlsPortOnLinux()
    {
        Assert.Equal(new[] { "unix:///var/run/docker.sock", "tcp://0.0.0.0:2376" }, DaemonTlsSettings.BuildHosts(null, true, DaemonPlatform.Linux));
    }

    [Fact]
    public void DefaultHostsUseNamedPipeOnWindows()
    {
        Assert.Equal(new[] { "npipe://", "tcp://0.0.0.0:2376" }, DaemonTlsSettings.BuildHosts(new string[0], true, DaemonPlatform.Windows));
    }

    [Fact]
    public void NoLocalSocketAndDuplicatesAreDropped()
    {
        Assert.Equal(new[] { "tcp://127.0.0.1:2376" }, DaemonTlsSettings.BuildHosts(new[] { "127.0.0.1:2376", "tcp://127.0.0.1:2376" }, false, DaemonPlatform.Linux));
        Assert.Equal(new[] { "unix:///var/run/docker.sock" }, DaemonTlsSettings.BuildHosts(new[] { "unix:///var/run/docker.sock" }, true, DaemonPlatform.Linux));
    }

    [Fact]
    public void SshIsRefusedForTheDaemon()
    {
        var ex = Assert.Throws<DockerTlsException>(() => DaemonTlsSettings.BuildHosts(new[] { "ssh://me@h" }, true, DaemonPlatform.Linux));
        Assert.Equal("InvalidDockerHost", ex.ErrorId);
    }

    [Fact]
    public void PlainTcpIsAnyTcpHostWithoutTlsOrPort2375()
    {
        var hosts = new[] { "unix:///var/run/docker.sock", "tcp://0.0.0.0:2376", "tcp://0.0.0.0:2375", "tcp://h" };
        Assert.Equal(new[] { "tcp://0.0.0.0:2376", "tcp://0.0.0.0:2375", "tcp://h" }, DaemonTlsSettings.FindPlainTcpHosts(hosts, TlsMode.None));
        Assert.Equal(new[] { "tcp://0.0.0.0:2375" }, DaemonTlsSettings.FindPlainTcpHosts(hosts, TlsMode.TlsVerify));
        Assert.Empty(DaemonTlsSettings.FindPlainTcpHosts(new[] { "unix:///s", "npipe://" }, TlsMode.None));
    }
}
