using DockerTls.Core.Daemon;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

public class TlsModeTests
{
    [Theory]
    [InlineData(null, null, TlsMode.None)]
    [InlineData(false, null, TlsMode.None)]
    [InlineData(true, null, TlsMode.TlsVerify)] // Engine 20.10: tls alone verifies
    [InlineData(true, false, TlsMode.Tls)]
    [InlineData(null, false, TlsMode.Tls)] // any tlsverify turns TLS on
    [InlineData(null, true, TlsMode.TlsVerify)]
    [InlineData(false, true, TlsMode.TlsVerify)]
    [InlineData(true, true, TlsMode.TlsVerify)]
    public void ResolvesLikeDockerd(bool? tls, bool? tlsVerify, TlsMode expected)
    {
        Assert.Equal(expected, TlsModes.Resolve(tls, tlsVerify));
    }
}
