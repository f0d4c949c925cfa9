using System.IO;
using DockerTls.Core.Diagnostics;
using DockerTls.Core.Tests.Client;
using Xunit;

namespace DockerTls.Core.Tests.Diagnostics;

public sealed class ClientCertificateFilesTests : IClassFixture<TestCertificates>
{
    private readonly TestCertificates certificates;

    public ClientCertificateFilesTests(TestCertificates certificates) => this.certificates = certificates;

    [Fact]
    public void LoadsTheClientCertificateWithItsKeyForTls()
    {
        var files = ClientCertificateFiles.Read(certificates.Good);
        Assert.False(files.KeyEncrypted);
        Assert.Single(files.Authorities);
        using var certificate = files.LoadWithKey();
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal("CN=good", certificate.Subject);
    }

    [Fact]
    public void RefusesAKeyOfAnotherPair()
    {
        var files = ClientCertificateFiles.Read(certificates.Mismatch);
        Assert.Equal("ClientKeyMismatch", Assert.Throws<DockerTlsException>(() => files.LoadWithKey()).ErrorId);
    }

    [Fact]
    public void SeesAnEncryptedKey() => Assert.True(ClientCertificateFiles.Read(certificates.Encrypted).KeyEncrypted);

    [Fact]
    public void SummarizesOnlyWhenAsked()
    {
        var summary = ClientCertificateFiles.Read(certificates.OtherCa).Summary();
        Assert.False(summary.ChainValid);
        Assert.True(summary.ClientAuth);
        Assert.Equal(Path.Combine(certificates.OtherCa, "cert.pem"), summary.Path);
    }
}
