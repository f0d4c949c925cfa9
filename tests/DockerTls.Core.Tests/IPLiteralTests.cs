using Xunit;

namespace DockerTls.Core.Tests;

// Go's net.ParseIP is the oracle: every row below is what it answers (Go 1.17+ refuses leading zeros).
public class IPLiteralTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("10.0.0.100", "10.0.0.100")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("::1", "::1")]
    [InlineData("fd00:0::10", "fd00::10")]
    [InlineData("::ffff:192.168.1.10", "::ffff:192.168.1.10")]
    public void ParsesWhatGoParses(string text, string canonical)
    {
        Assert.True(IPLiteral.TryParse(text, out var address));
        Assert.Equal(canonical, address!.ToString());
    }

    [Theory]
    [InlineData("192.168.001.010")]
    [InlineData("010.0.0.1")]
    [InlineData("127.0.0.010")]
    [InlineData("00.0.0.0")]
    [InlineData("::ffff:010.0.0.1")]
    [InlineData("10.1")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.-4")]
    [InlineData("1.2.3.4 ")]
    [InlineData("fe80::1%eth0")]
    [InlineData("docker1")]
    [InlineData("")]
    [InlineData(null)]
    public void RefusesWhatGoRefuses(string? text) => Assert.False(IPLiteral.TryParse(text, out _));

    [Theory]
    [InlineData("192.168.001.010", true, true)]
    [InlineData("127.0.0.010", true, true)]
    [InlineData("1.2.3", true, false)]
    [InlineData("10.0.0.1", true, false)]
    [InlineData("0.0.0.0", true, false)]
    [InlineData("docker1.example.com", false, false)]
    [InlineData("web1.10a", false, false)]
    public void TellsAddressLikeTextAndLeadingZeros(string text, bool looksLikeIPv4, bool leadingZero)
    {
        Assert.Equal(looksLikeIPv4, IPLiteral.LooksLikeIPv4(text));
        Assert.Equal(leadingZero, IPLiteral.HasLeadingZero(text));
    }
}
