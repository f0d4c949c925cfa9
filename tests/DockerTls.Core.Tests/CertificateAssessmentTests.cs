using System;
using System.IO;
using System.Linq;
using DockerTls.Core.Client;
using DockerTls.Core.Diagnostics;
using DockerTls.Core.Pki;
using Org.BouncyCastle.Asn1.X509;
using Xunit;

namespace DockerTls.Core.Tests;

/// <summary>The one verdict serves every check: Get-DockerCertificate, the probe, the client check and the CA loader agree.</summary>
public sealed class CertificateAssessmentTests : IDisposable
{
    private readonly TestPki pki = new();

    public void Dispose() => pki.Dispose();

    [Fact]
    public void ACAWithoutKeyCertSignFailsEveryCheckWithItsId()
    {
        var ca = pki.CA("nosign", usage: "critical,digitalSignature,cRLSign");
        var server = pki.Leaf("server", ca, "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost");
        var client = pki.Leaf("client", ca, "extendedKeyUsage=clientAuth");

        var read = CertificateReader.Read(Path.Combine(server, "cert.pem"), null, Path.Combine(ca, "ca.pem"));
        Assert.False(read.ChainValid);
        var finding = Assert.Single(read.Findings, f => f.BreaksChain);
        Assert.Equal(CertificateFindingIds.CAKeyCertSignMissing, finding.Id);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Equal("CN=nosign", finding.Subject);

        var summary = CertificateReader.Read(Path.Combine(server, "cert.pem"));
        var probe = ServerCertificateCheck.Check(TestPki.Load(Path.Combine(server, "cert.pem")), summary, PemFormat.ReadCertificates(Path.Combine(ca, "ca.pem")), "localhost", DateTime.UtcNow);
        Assert.Equal(ConnectionFailure.InvalidCertificateAuthority, probe);
        Assert.False(summary.ChainValid);

        var refused = Assert.Throws<DockerTlsException>(() => ClientCertificateCheck.Check(client));
        Assert.Equal("ClientCertificateInvalid", refused.ErrorId);
        Assert.Contains(CertificateFindingIds.CAKeyCertSignMissing, refused.Message);

        var load = Assert.Throws<DockerTlsException>(() => CertificateAuthority.Load(ca));
        Assert.Equal("CACannotSign", load.ErrorId);
    }

    [Fact]
    public void ACAWithoutKeyUsageIsAWarningThatBreaksOnlyTheStrictChain()
    {
        var ca = pki.CA("nousage", usage: null);
        var server = pki.Leaf("server", ca, "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost");
        var verdict = CertificateAssessment.Assess(TestPki.Load(Path.Combine(server, "cert.pem")), PemFormat.ReadCertificates(Path.Combine(ca, "ca.pem")),
            KeyPurposeID.id_kp_serverAuth, DateTime.UtcNow);
        Assert.False(verdict.ChainValid);
        Assert.Null(verdict.ChainError);
        // The test CA and leaf live 30 and 10 days: each is also CertificateExpiring.
        var finding = Assert.Single(verdict.Findings, f => f.Id != CertificateFindingIds.CertificateExpiring);
        Assert.Equal(CertificateFindingIds.CAKeyUsageMissing, finding.Id);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal(ConnectionFailure.None, ServerCertificateCheck.Check(TestPki.Load(Path.Combine(server, "cert.pem")), CertificateReader.Read(Path.Combine(server, "cert.pem")),
            PemFormat.ReadCertificates(Path.Combine(ca, "ca.pem")), "localhost", DateTime.UtcNow));
        using var loaded = CertificateAuthority.Load(ca);
    }

    [Fact]
    public void ExpiryComesBeforeEveryOtherFindingAndIsNotAnotherCA()
    {
        var ca = pki.CA("ca");
        var server = pki.Leaf("server", ca, "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost");
        var verdict = CertificateAssessment.Assess(TestPki.Load(Path.Combine(server, "cert.pem")), PemFormat.ReadCertificates(Path.Combine(ca, "ca.pem")),
            KeyPurposeID.id_kp_serverAuth, DateTime.UtcNow.AddDays(60));
        Assert.Equal(new[] { CertificateFindingIds.CertificateExpired, CertificateFindingIds.CertificateExpired }, verdict.Findings.Select(f => f.Id));
        Assert.Equal("CN=server", verdict.Findings[0].Subject);
        Assert.Contains("expired on", verdict.Findings[0].Message);
    }

    // The curve's size, whether BouncyCastle has it among its fast custom curves (the NIST and SEC ones) or only in
    // the generic tables (brainpool): under 224 bits OpenSSL's security level 2 refuses the key.
    [Theory]
    [InlineData("ec:prime192v1", true)]
    [InlineData("ec:secp224r1", false)]
    [InlineData("ec:P-384", false)]
    [InlineData("ec:brainpoolP160r1", true)]
    [InlineData("ec:brainpoolP256r1", false)]
    public void AnECKeyUnder224BitsIsWeak(string key, bool weak)
    {
        var ca = pki.CA("ca");
        var server = pki.Leaf("server", ca, "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost", key);
        var verdict = CertificateAssessment.Assess(TestPki.Load(Path.Combine(server, "cert.pem")), PemFormat.ReadCertificates(Path.Combine(ca, "ca.pem")),
            KeyPurposeID.id_kp_serverAuth, DateTime.UtcNow);
        Assert.Equal(weak, verdict.Findings.Any(f => f.Id == CertificateFindingIds.WeakKey));
    }

    [Fact]
    public void WithoutCAsOnlyTheCertificateItselfIsJudged()
    {
        var ca = pki.CA("ca");
        var server = pki.Leaf("server", ca, "extendedKeyUsage=serverAuth");
        var read = CertificateReader.Read(Path.Combine(server, "cert.pem"));
        Assert.Null(read.ChainValid);
        Assert.Equal(new[] { CertificateFindingIds.SubjectAltNameMissing, CertificateFindingIds.CertificateExpiring }, read.Findings.Select(f => f.Id));
    }
}
