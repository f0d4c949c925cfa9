using DockerTls.Core;
using DockerTls.Core.Client;
using Xunit;

namespace DockerTls.Core.Tests.Client;

public class ClientHostAddressTests
{
    [Theory]
    [InlineData("docker1", "tcp://docker1:2376")]
    [InlineData("Docker1.Example.COM", "tcp://docker1.example.com:2376")]
    [InlineData("docker1:2400", "tcp://docker1:2400")]
    [InlineData("tcp://docker1:2376", "tcp://docker1:2376")]
    [InlineData("TCP://docker1:2376/", "tcp://docker1:2376")]
    [InlineData("  127.0.0.1  ", "tcp://127.0.0.1:2376")]
    [InlineData("127.0.0.1:12345", "tcp://127.0.0.1:12345")]
    [InlineData("tcp://10.0.0.5", "tcp://10.0.0.5:2376")]
    [InlineData("::1", "tcp://[::1]:2376")]
    [InlineData("[::1]", "tcp://[::1]:2376")]
    [InlineData("[::1]:2377", "tcp://[::1]:2377")]
    [InlineData("tcp://[::1]:2376", "tcp://[::1]:2376")]
    [InlineData("tcp://[2001:DB8:0:0::5]:1", "tcp://[2001:db8::5]:1")]
    [InlineData("fe80::1", "tcp://[fe80::1]:2376")]
    [InlineData("my_host.local", "tcp://my_host.local:2376")]
    public void NormalizesToTcpHostPort(string input, string expected)
    {
        Assert.Equal(expected, ClientHostAddress.Parse(input).Uri);
    }

    [Fact]
    public void ExposesHostAndPort()
    {
        var address = ClientHostAddress.Parse("tcp://[::1]:2377");
        Assert.Equal("::1", address.Host);
        Assert.Equal(2377, address.Port);
        Assert.True(address.IsIPAddress);
        Assert.False(ClientHostAddress.Parse("web").IsIPAddress);
    }

    [Fact]
    public void FlagsThePlainTextPort()
    {
        Assert.True(ClientHostAddress.Parse("h:2375").IsPlainTextPort);
        Assert.False(ClientHostAddress.Parse("h").IsPlainTextPort);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("unix:///var/run/docker.sock")]
    [InlineData("ssh://user@host")]
    [InlineData("https://host:2376")]
    [InlineData("tcp://")]
    [InlineData("host:")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:12a")]
    [InlineData("host:-1")]
    [InlineData(":2376")]
    [InlineData("tcp://host:2376/path")]
    [InlineData("host name")]
    [InlineData("user@host")]
    [InlineData("-host")]
    [InlineData("host-.example")]
    [InlineData("a..b")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3")]
    [InlineData("2376")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("[::1")]
    [InlineData("[::1]x")]
    [InlineData("[host]:2376")]
    [InlineData("a:b:c")]
    [InlineData("h\u00e9llo")]
    [InlineData("192.168.001.010")]          // .NET read it as 192.168.1.8
    [InlineData("tcp://010.0.0.1:2376")]     // .NET read it as 8.0.0.1
    [InlineData("127.0.0.010")]              // the docker CLI takes it for a host name
    [InlineData("[::ffff:010.0.0.1]:2376")]
    [InlineData("docker1\n")]
    [InlineData("tcp://docker1:2376\r")]
    [InlineData("docker1\u0085")]
    [InlineData("docker1\u001b[2J")]
    public void RejectsJunkWithInvalidDockerHost(string? input)
    {
        var error = Assert.Throws<DockerTlsException>(() => ClientHostAddress.Parse(input));
        Assert.Equal("InvalidDockerHost", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("is not a Docker host address", error.Message);
    }

    [Fact]
    public void TryParseReturnsFalseForJunk()
    {
        Assert.False(ClientHostAddress.TryParse("unix:///x", out var none));
        Assert.Null(none);
        Assert.True(ClientHostAddress.TryParse("h", out var some));
        Assert.Equal("tcp://h:2376", some!.Uri);
    }
}
