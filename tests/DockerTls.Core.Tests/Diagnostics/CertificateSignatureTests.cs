using System.IO;
using DockerTls.Core.Diagnostics;
using Xunit;

namespace DockerTls.Core.Tests.Diagnostics;

public sealed class CertificateSignatureTests
{
    [Theory]
    [InlineData("ec:P-256")]
    [InlineData("ec:P-384")]
    [InlineData("rsa:2048")]
    public void VerifiesTheSignatureOfTheIssuingCAOnly(string key)
    {
        using var pki = new TestPki();
        var ca = pki.CA("ca", key);
        var other = pki.CA("other", key);
        var leaf = pki.Leaf("leaf", ca, "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost", key);
        var certificate = TestPki.Load(Path.Combine(leaf, "cert.pem"));
        Assert.True(CertificateSignature.IsSignedBy(certificate, TestPki.Load(Path.Combine(ca, "ca.pem"))));
        Assert.False(CertificateSignature.IsSignedBy(certificate, TestPki.Load(Path.Combine(other, "ca.pem"))));
    }
}
