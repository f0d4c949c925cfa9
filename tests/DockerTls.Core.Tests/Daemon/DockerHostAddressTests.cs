using DockerTls.Core.Daemon;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

public class DockerHostAddressTests
{
    [Theory]
    [InlineData("tcp://0.0.0.0:2376", DockerHostScheme.Tcp, "0.0.0.0", 2376, "tcp://0.0.0.0:2376")]
    [InlineData("tcp://[::1]:2376", DockerHostScheme.Tcp, "::1", 2376, "tcp://[::1]:2376")]
    [InlineData("host.example:2376", DockerHostScheme.Tcp, "host.example", 2376, "tcp://host.example:2376")]
    [InlineData(":2376", DockerHostScheme.Tcp, null, 2376, "tcp://:2376")]
    [InlineData("tcp://10.0.0.5", DockerHostScheme.Tcp, "10.0.0.5", null, "tcp://10.0.0.5")]
    [InlineData("TCP://h:1/", DockerHostScheme.Tcp, "h", 1, "tcp://h:1")]
    [InlineData("ssh://me@h:22", DockerHostScheme.Ssh, "h", 22, "ssh://me@h:22")]
    public void ParsesNetworkAddresses(string text, DockerHostScheme scheme, string? host, int? port, string canonical)
    {
        var address = DockerHostAddress.Parse(text);
        Assert.Equal(scheme, address.Scheme);
        Assert.Equal(host, address.Host);
        Assert.Equal(port, address.Port);
        Assert.Equal(canonical, address.ToString());
    }

    [Theory]
    [InlineData("unix:///var/run/docker.sock", DockerHostScheme.Unix, "/var/run/docker.sock")]
    [InlineData("npipe://", DockerHostScheme.Npipe, null)]
    [InlineData("npipe:////./pipe/docker_engine", DockerHostScheme.Npipe, "//./pipe/docker_engine")]
    [InlineData("fd://", DockerHostScheme.Fd, null)]
    public void ParsesLocalAddresses(string text, DockerHostScheme scheme, string? path)
    {
        var address = DockerHostAddress.Parse(text);
        Assert.Equal(scheme, address.Scheme);
        Assert.Equal(path, address.Path);
        Assert.True(address.IsLocal);
        Assert.False(address.IsTcp);
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://h:2376")]
    [InlineData("tcp://h:99999")]
    [InlineData("tcp://h:port")]
    [InlineData("tcp://::1:2376")]
    [InlineData("tcp://h:2376/path")]
    [InlineData("tcp://bad host:2376")]
    [InlineData("unix://relative.sock")]
    [InlineData("tcp://192.168.001.010:2376")]
    [InlineData("tcp://010.0.0.1:2376")]
    [InlineData("tcp://0.0.0.010:2376")]
    [InlineData("tcp://[::ffff:010.0.0.1]:2376")]
    [InlineData("tcp://1.2.3:2376")]
    [InlineData("tcp://0.0.0.0:2376\n")]
    [InlineData("unix:///var/run/docker.sock\nExecStart=/bin/sh")]
    [InlineData("tcp://h\u0085:2376")]
    public void RejectsInvalidAddresses(string text)
    {
        var ex = Assert.Throws<DockerTlsException>(() => DockerHostAddress.Parse(text));
        Assert.Equal("InvalidDockerHost", ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
    }

    [Fact]
    public void DefaultPortDependsOnTls()
    {
        var address = DockerHostAddress.Parse("tcp://h");
        Assert.Equal(2376, address.EffectivePort(tls: true));
        Assert.Equal(2375, address.EffectivePort(tls: false));
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:2376", true)]
    [InlineData("tcp://localhost:2376", true)]
    [InlineData("tcp://[::1]:2376", true)]
    [InlineData("tcp://0.0.0.0:2376", false)]
    [InlineData("tcp://192.168.1.2:2376", false)]
    public void KnowsLoopback(string text, bool local)
    {
        Assert.Equal(local, DockerHostAddress.Parse(text).IsLocal);
    }
}
