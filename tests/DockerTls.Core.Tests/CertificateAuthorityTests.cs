using System;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.Pki;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;
using Xunit;

namespace DockerTls.Core.Tests;

public class CertificateAuthorityTests
{
    private static readonly KeySpec Ec = new(KeyAlgorithm.ECDSA);

    private static X509Extension Extension(X509Certificate certificate, DerObjectIdentifier oid) =>
        certificate.CertificateStructure.TbsCertificate.Extensions.GetExtension(oid) ?? throw new Xunit.Sdk.XunitException($"no extension {oid}");

    private static CertificateAuthority WriteAndLoad(TempFolder temp, IssuedCertificate ca, char[]? passphrase = null)
    {
        File.WriteAllBytes(temp["ca.pem"], ca.CertificatePem);
        File.WriteAllBytes(temp["ca-key.pem"], ca.KeyPem);
        return CertificateAuthority.Load(temp.Path, passphrase);
    }

    [Fact]
    public void CAHasTheStrictProfile()
    {
        var ca = CertificateAuthority.Create("Test CA", Ec, 3650).Certificate;
        var basic = Extension(ca, X509Extensions.BasicConstraints);
        Assert.True(basic.IsCritical);
        Assert.True(BasicConstraints.GetInstance(basic.GetParsedValue()).IsCA());
        Assert.Equal(0, ca.GetBasicConstraints());
        var usage = Extension(ca, X509Extensions.KeyUsage);
        Assert.True(usage.IsCritical);
        Assert.Equal(new[] { true, false, false, false, false, true, true }, ca.GetKeyUsage().Take(7).ToArray()); // digitalSignature, keyCertSign, cRLSign
        Assert.NotNull(ca.GetExtensionValue(X509Extensions.SubjectKeyIdentifier));
        Assert.Equal("CN=Test CA", ca.SubjectDN.ToString());
        Assert.Equal(ca.SubjectDN.ToString(), ca.IssuerDN.ToString());
        Assert.InRange((DateTime.UtcNow - ca.NotBefore.ToUniversalTime()).TotalMinutes, 4.9, 6);
        Assert.InRange((ca.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalDays, 3649.9, 3650.1);
        ca.Verify(ca.GetPublicKey());
    }

    [Fact]
    public void ServerCertificateNamesEveryHostAndIsForServers()
    {
        using var temp = new TempFolder();
        using var ca = WriteAndLoad(temp, CertificateAuthority.Create("Test CA", Ec, 3650));
        var server = ca.IssueServer(null, new[] { "docker1.example.com", "localhost" }, new[] { "127.0.0.1", "::1" }, new KeySpec(KeyAlgorithm.RSA, 2048), 365).Certificate;

        Assert.Equal("CN=docker1.example.com", server.SubjectDN.ToString());
        var summary = CertificateReader.Summarize(server, temp["server-cert.pem"], DateTime.UtcNow);
        Assert.Equal(new[] { "docker1.example.com", "localhost" }, summary.DnsNames);
        Assert.Equal(new[] { "127.0.0.1", "::1" }, summary.IPAddresses);
        Assert.Equal(CertificateKind.Server, summary.Kind);
        Assert.True(summary.ServerAuth);
        Assert.False(summary.ClientAuth);
        Assert.Equal("RSA 2048", summary.KeyAlgorithm);
        Assert.Equal(-1, server.GetBasicConstraints());
        Assert.True(Extension(server, X509Extensions.KeyUsage).IsCritical);
        Assert.True(server.GetKeyUsage()[0] && server.GetKeyUsage()[2]); // digitalSignature, keyEncipherment (RSA)
        var aki = AuthorityKeyIdentifier.GetInstance(X509ExtensionUtilities.FromExtensionValue(server.GetExtensionValue(X509Extensions.AuthorityKeyIdentifier)));
        var ski = SubjectKeyIdentifier.GetInstance(X509ExtensionUtilities.FromExtensionValue(ca.Certificate.GetExtensionValue(X509Extensions.SubjectKeyIdentifier)));
        Assert.Equal(ski.GetKeyIdentifier(), aki.KeyIdentifier.GetOctets());
        Assert.Null(aki.AuthorityCertIssuer); // key identifier only: a CA renewed with a new serial still matches
        Assert.Null(aki.AuthorityCertSerialNumber);
        Assert.True(server.SerialNumber.SignValue > 0 && server.SerialNumber.BitLength >= 64);
        server.Verify(ca.Certificate.GetPublicKey());
        Assert.Equal("SHA-256withECDSA", server.SigAlgName); // signed by the ECDSA CA
    }

    [Fact]
    public void EcdsaLeafUsesDigitalSignatureOnlyAndP384SignsWithSha384()
    {
        using var temp = new TempFolder();
        using var ca = WriteAndLoad(temp, CertificateAuthority.Create("P384 CA", new KeySpec(KeyAlgorithm.ECDSA, curve: EcCurve.P384), 30));
        var client = ca.IssueClient("alice", Ec, 10).Certificate;
        Assert.True(client.GetKeyUsage()[0]);
        Assert.False(client.GetKeyUsage()[2]);
        Assert.Equal("SHA-384withECDSA", client.SigAlgName);
        Assert.Null(client.GetSubjectAlternativeNames());
        var summary = CertificateReader.Summarize(client, temp["cert.pem"], DateTime.UtcNow);
        Assert.Equal(CertificateKind.Client, summary.Kind);
        Assert.Equal("ECDSA P-256", summary.KeyAlgorithm);
    }

    [Fact]
    public void LeafValidityStopsAtTheCAsEndWithAWarning()
    {
        using var temp = new TempFolder();
        using var ca = WriteAndLoad(temp, CertificateAuthority.Create("Short CA", Ec, 10));
        var issued = ca.IssueClient("client", Ec, 365);
        Assert.Equal(ca.Certificate.NotAfter, issued.Certificate.NotAfter);
        Assert.Contains("valid only until", issued.Warning);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void RefusesValidityOfZeroOrLess(int days) =>
        Assert.Equal("InvalidValidity", Assert.Throws<DockerTlsException>(() => CertificateAuthority.Create("x", Ec, days)).ErrorId);

    [Fact]
    public void RefusesRsaBelow2048() =>
        Assert.Equal("InvalidKeySize", Assert.Throws<DockerTlsException>(() => new KeySpec(KeyAlgorithm.RSA, 1024)).ErrorId);

    [Fact]
    public void ServerCertificateNeedsAName()
    {
        using var temp = new TempFolder();
        using var ca = WriteAndLoad(temp, CertificateAuthority.Create("CA", Ec, 10));
        Assert.Equal("NoServerNames", Assert.Throws<DockerTlsException>(() => ca.IssueServer("x", null, null, Ec, 10)).ErrorId);
    }

    [Theory]
    [InlineData("ops\nCN=admin")]
    [InlineData("ops\r")]
    [InlineData("ops\u001b[2J")]
    [InlineData("ops\u009b31m")]
    [InlineData("ops\u007f")]
    [InlineData("\u0000")]
    public void RefusesAControlCharacterInACommonName(string commonName)
    {
        using var temp = new TempFolder();
        using var ca = WriteAndLoad(temp, CertificateAuthority.Create("CA", Ec, 10));
        Assert.Equal("InvalidCommonName", Assert.Throws<DockerTlsException>(() => CertificateAuthority.Create(commonName, Ec, 10)).ErrorId);
        Assert.Equal("InvalidCommonName", Assert.Throws<DockerTlsException>(() => ca.IssueClient(commonName, Ec, 10)).ErrorId);
        Assert.Equal("InvalidCommonName", Assert.Throws<DockerTlsException>(() => ca.IssueServer(commonName, new[] { "web1" }, null, Ec, 10)).ErrorId);
    }

    [Fact]
    public void AnEmptyPassphraseIsRefusedInsteadOfWritingTheKeyInTheClear()
    {
        Assert.Equal("EmptyPassphrase", Assert.Throws<DockerTlsException>(() => CertificateAuthority.Create("CA", Ec, 10, new char[0])).ErrorId);
        using var temp = new TempFolder();
        var request = new TlsKitRequest { OutputPath = temp.Path, DnsNames = new[] { "localhost" }, Key = Ec, Passphrase = new char[0] };
        Assert.Equal("EmptyPassphrase", Assert.Throws<DockerTlsException>(() => TlsKit.Create(request, overwrite: false)).ErrorId);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void EncryptedCAKeyOpensOnlyWithItsPassphrase()
    {
        using var temp = new TempFolder();
        var created = CertificateAuthority.Create("Locked CA", Ec, 10, "correct horse".ToCharArray());
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", Encoding.ASCII.GetString(created.KeyPem));
        File.WriteAllBytes(temp["ca.pem"], created.CertificatePem);
        File.WriteAllBytes(temp["ca-key.pem"], created.KeyPem);

        Assert.Equal("CAPassphraseRequired", Assert.Throws<DockerTlsException>(() => CertificateAuthority.Load(temp.Path)).ErrorId);
        Assert.Equal("CAPassphraseWrong", Assert.Throws<DockerTlsException>(() => CertificateAuthority.Load(temp.Path, "wrong".ToCharArray())).ErrorId);
        using var ca = CertificateAuthority.Load(temp["ca.pem"], "correct horse".ToCharArray());
        Assert.Equal("CN=Locked CA", ca.Certificate.SubjectDN.ToString());
    }

    [Fact]
    public void RefusesALeafAsCAAndAForeignKey()
    {
        using var temp = new TempFolder();
        using var ca = WriteAndLoad(temp, CertificateAuthority.Create("CA", Ec, 10));
        var client = ca.IssueClient("c", Ec, 5);
        Directory.CreateDirectory(temp["leaf"]);
        File.WriteAllBytes(Path.Combine(temp["leaf"], "ca.pem"), client.CertificatePem);
        File.WriteAllBytes(Path.Combine(temp["leaf"], "ca-key.pem"), client.KeyPem);
        Assert.Equal("NotACertificateAuthority", Assert.Throws<DockerTlsException>(() => CertificateAuthority.Load(temp["leaf"])).ErrorId);

        File.WriteAllBytes(temp["ca-key.pem"], CertificateAuthority.Create("Other", Ec, 10).KeyPem);
        Assert.Equal("CAKeyMismatch", Assert.Throws<DockerTlsException>(() => CertificateAuthority.Load(temp.Path)).ErrorId);
        File.Delete(temp["ca-key.pem"]);
        Assert.Equal("CAKeyNotFound", Assert.Throws<DockerTlsException>(() => CertificateAuthority.Load(temp.Path)).ErrorId);
    }

    [Fact]
    public void LoadsTheCAWhoseKeyIsBesideAmongSeveralInABundle()
    {
        using var temp = new TempFolder();
        var old = CertificateAuthority.Create("Old CA", Ec, 10);
        var current = CertificateAuthority.Create("New CA", Ec, 10);
        File.WriteAllBytes(temp["ca.pem"], old.CertificatePem.Concat(current.CertificatePem).ToArray());
        File.WriteAllBytes(temp["ca-key.pem"], current.KeyPem);
        using var ca = CertificateAuthority.Load(temp.Path);
        Assert.Equal("CN=New CA", ca.Certificate.SubjectDN.ToString());
        Assert.Equal(File.ReadAllBytes(temp["ca.pem"]), ca.BundlePem);
    }
}
