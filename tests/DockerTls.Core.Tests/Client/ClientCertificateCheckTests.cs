using System.IO;
using DockerTls.Core;
using DockerTls.Core.Client;
using Xunit;

namespace DockerTls.Core.Tests.Client;

public class ClientCertificateCheckTests : IClassFixture<TestCertificates>
{
    private readonly TestCertificates certs;

    public ClientCertificateCheckTests(TestCertificates certs) => this.certs = certs;

    [Fact]
    public void AcceptsAGoodClientSet()
    {
        var certificate = ClientCertificateCheck.Check(certs.Good);
        Assert.True(certificate.ClientAuth);
        Assert.Equal("good", certificate.CommonName);
    }

    [Theory]
    [InlineData("Incomplete", "ClientCertFolderIncomplete")]
    [InlineData("Encrypted", "EncryptedKey")]
    [InlineData("Mismatch", "ClientKeyMismatch")]
    [InlineData("NoClientAuth", "ClientCertificateInvalid")]
    [InlineData("OtherCa", "ClientCertificateInvalid")]
    public void RefusesBadSets(string which, string errorId)
    {
        var folder = (string)typeof(TestCertificates).GetProperty(which)!.GetValue(certs)!;
        var error = Assert.Throws<DockerTlsException>(() => ClientCertificateCheck.Check(folder));
        Assert.Equal(errorId, error.ErrorId);
    }

    [Theory]
    [InlineData("Good", null, null)]
    [InlineData("Encrypted", "EncryptedKey", "EncryptedKey")]
    [InlineData("Mismatch", "ClientKeyMismatch", "ClientKeyMismatch")]
    [InlineData("NoClientAuth", null, "ClientCertificateInvalid")]
    [InlineData("OtherCa", null, "ClientCertificateInvalid")]
    public void TheConnectionTestMeetsOnlyWhatTheCliMeetsBeforeItConnects(string which, string? untilConnect, string? all)
    {
        // The probe reads the folder without a purpose, as Get-DockerCertificate does; the rules are the check's.
        var folder = (string)typeof(TestCertificates).GetProperty(which)!.GetValue(certs)!;
        var summary = DockerTls.Core.Pki.CertificateReader.Read(Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"), Path.Combine(folder, "ca.pem"),
            Org.BouncyCastle.Asn1.X509.KeyPurposeID.id_kp_clientAuth);
        Assert.Equal(untilConnect, ClientCertificateCheck.Problem(summary, untilConnect: true)?.ErrorId);
        Assert.Equal(all, ClientCertificateCheck.Problem(summary, untilConnect: false)?.ErrorId);
    }

    [Fact]
    public void AnExpiredClientCertificateIsTheCertificatesFindingAndAnExpiredCAIsTheChains()
    {
        var folder = (string)typeof(TestCertificates).GetProperty("Good")!.GetValue(certs)!;
        var reader = (string at) => DockerTls.Core.Pki.CertificateReader.Read(Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"),
            Path.Combine(folder, "ca.pem"), Org.BouncyCastle.Asn1.X509.KeyPurposeID.id_kp_clientAuth, System.DateTime.Parse(at, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime());
        var later = reader("2200-01-01T00:00:00Z");
        Assert.Contains(later.Findings, f => f.Id == DockerTls.Core.Pki.CertificateFindingIds.CertificateExpired && f.ChainDepth == 0);
        Assert.Contains(later.Findings, f => f.Id == DockerTls.Core.Pki.CertificateFindingIds.CertificateExpired && f.ChainDepth == 1);
        Assert.Equal("ClientCertificateExpired", ClientCertificateCheck.Problem(later, untilConnect: true)?.ErrorId);
    }

    [Fact]
    public void InstallCopiesWithDockerModes()
    {
        var destination = certs.NewFolder("install");
        var installed = ClientCertificateInstaller.Install(certs.Good, destination, overwrite: false);
        Assert.Equal(Path.Combine(destination, "cert.pem"), installed.Path);
        Assert.True(installed.ChainValid);
        Assert.Equal(File.ReadAllBytes(Path.Combine(certs.Good, "key.pem")), File.ReadAllBytes(Path.Combine(destination, "key.pem")));
        if (!System.OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(Path.Combine(destination, "key.pem")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(Path.Combine(destination, "cert.pem")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(destination));
        }
    }

    [Fact]
    public void InstallNeverOverwritesWithoutForce()
    {
        var destination = certs.NewFolder("noforce");
        Directory.CreateDirectory(destination);
        File.WriteAllText(Path.Combine(destination, "key.pem"), "old");
        var error = Assert.Throws<DockerTlsException>(() => ClientCertificateInstaller.Install(certs.Good, destination, overwrite: false));
        Assert.Equal("KeyFileExists", error.ErrorId);
        Assert.Equal("old", File.ReadAllText(Path.Combine(destination, "key.pem")));
        Assert.False(File.Exists(Path.Combine(destination, "ca.pem")));

        ClientCertificateInstaller.Install(certs.Good, destination, overwrite: true);
        Assert.Equal(File.ReadAllText(Path.Combine(certs.Good, "key.pem")), File.ReadAllText(Path.Combine(destination, "key.pem")));
    }

    [Fact]
    public void InstallOfABadSetWritesNothing()
    {
        var destination = certs.NewFolder("bad");
        Assert.Throws<DockerTlsException>(() => ClientCertificateInstaller.Install(certs.Encrypted, destination, overwrite: true));
        Assert.False(Directory.Exists(destination));
    }
}
