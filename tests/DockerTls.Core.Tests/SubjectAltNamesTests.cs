using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests;

public class SubjectAltNamesTests
{
    [Theory]
    [InlineData("docker1.example.com", "docker1.example.com")]
    [InlineData("Docker1.Example.COM.", "docker1.example.com")]
    [InlineData("localhost", "localhost")]
    [InlineData("*.swarm.example.com", "*.swarm.example.com")]
    [InlineData("a-b.c", "a-b.c")]
    public void AcceptsAndNormalizesDnsNames(string input, string expected) =>
        Assert.Equal(new[] { expected }, SubjectAltNames.NormalizeDnsNames(new[] { input }));

    [Theory]
    [InlineData("-bad.example.com")]
    [InlineData("bad-.example.com")]
    [InlineData("under_score.example.com")]
    [InlineData("*.com")]
    [InlineData("a..b")]
    [InlineData("10.0.0.1")]
    [InlineData("web*.example.com")]
    [InlineData("web1.\n")]                 // '$' let the line break through; Trim would have dropped a bare one
    [InlineData("web1\nevil.example.com")]
    [InlineData("web1\u0085.example.com")]
    [InlineData("web1\u001b[2J")]
    [InlineData("web1.example.com\r")]
    [InlineData("web1\u007f")]
    [InlineData("192.168.001.010")]          // an address with leading zeros is no name either
    [InlineData("127.0.0.010")]
    public void RefusesInvalidDnsNames(string input)
    {
        var error = Assert.Throws<DockerTlsException>(() => SubjectAltNames.NormalizeDnsNames(new[] { input }));
        Assert.Equal("InvalidDnsName", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public void RefusesOverlongLabel() =>
        Assert.Throws<DockerTlsException>(() => SubjectAltNames.NormalizeDnsNames(new[] { new string('a', 64) + ".example.com" }));

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("192.168.57.110", "192.168.57.110")]
    [InlineData("::1", "::1")]
    [InlineData("[fd00::10]", "fd00::10")]
    [InlineData("FD00:0:0::10", "fd00::10")]
    public void AcceptsAndNormalizesAddresses(string input, string expected) =>
        Assert.Equal(new[] { expected }, SubjectAltNames.NormalizeIPAddresses(new[] { input }));

    [Theory]
    [InlineData("10.1")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("host.example.com")]
    [InlineData("fe80::1%eth0")]
    [InlineData("192.168.001.010")]          // .NET read it as 192.168.1.8; Go refuses it
    [InlineData("010.0.0.1")]                // .NET read it as 8.0.0.1
    [InlineData("127.0.0.010")]
    [InlineData("127.0.0.00")]
    [InlineData("::ffff:010.0.0.1")]         // the IPv4 tail of IPv6 follows the IPv4 rule
    [InlineData("127.0.0.1\n")]
    [InlineData("127.0.0.1\u0085")]
    public void RefusesMalformedAddresses(string input) =>
        Assert.Equal("InvalidIPAddress", Assert.Throws<DockerTlsException>(() => SubjectAltNames.NormalizeIPAddresses(new[] { input })).ErrorId);

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public void RefusesUnspecifiedAddresses(string input) =>
        Assert.Equal("UnspecifiedIPAddress", Assert.Throws<DockerTlsException>(() => SubjectAltNames.NormalizeIPAddresses(new[] { input })).ErrorId);

    [Fact]
    public void SplitsCsvCellsAndRemovesRepeats()
    {
        Assert.Equal(new[] { "a.example.com", "b.example.com" }, SubjectAltNames.NormalizeDnsNames(new[] { "a.example.com; b.example.com,a.example.com" }));
        Assert.Equal(new[] { "10.0.0.1", "10.0.0.2" }, SubjectAltNames.NormalizeIPAddresses(new[] { "10.0.0.1 10.0.0.2", "10.0.0.1" }));
    }

    [Theory]
    [InlineData("192.168.001.010", "leading zero")]
    [InlineData("010.0.0.1", "leading zero")]
    [InlineData("127.0.0.1\n", "control character")]
    public void SaysWhyAnAddressIsRefused(string input, string why) =>
        Assert.Contains(why, Assert.Throws<DockerTlsException>(() => SubjectAltNames.NormalizeIPAddresses(new[] { input })).Message);

    [Theory]
    [InlineData("0.0.0.1", "0.0.0.1")]
    [InlineData("10.0.0.100", "10.0.0.100")]
    [InlineData("::ffff:10.0.0.1", "::ffff:10.0.0.1")]
    public void ZeroAloneIsNoLeadingZero(string input, string expected) =>
        Assert.Equal(new[] { expected }, SubjectAltNames.NormalizeIPAddresses(new[] { input }));
}
