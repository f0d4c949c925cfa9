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
