using System.IO;
using System.Linq;
using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests;

public class CertificateReaderTests
{
    private static readonly KeySpec Ec = new(KeyAlgorithm.ECDSA);

    [Theory]
    [InlineData("ca.pem", "ca-key.pem")]
    [InlineData("server-cert.pem", "server-key.pem")]
    [InlineData("cert.pem", "key.pem")]
    [InlineData("web1-cert.pem", "web1-key.pem")]
    [InlineData("web1.pem", "web1-key.pem")]
    public void PairsKeysByDockersNames(string cert, string key) =>
        Assert.Equal(key, Path.GetFileName(CertificateReader.KeyPathFor(Path.Combine("/x", cert))));

    [Fact]
    public void TellsWhetherKeyAndChainFit()
    {
        using var temp = new TempFolder();
        var kit = TlsKit.Create(new TlsKitRequest { OutputPath = temp.Path, DnsNames = new[] { "localhost" }, IPAddresses = new[] { "127.0.0.1" }, Key = Ec }, overwrite: false);
        var other = TlsKit.Create(new TlsKitRequest { OutputPath = temp["other"], DnsNames = new[] { "localhost" }, Key = Ec }, overwrite: false);

        var server = CertificateReader.ReadWithNeighbours(kit.Server.Path);
        Assert.True(server.KeyMatches);
        Assert.True(server.ChainValid);
        Assert.False(server.KeyEncrypted);
        Assert.Equal(CertificateKind.Server, server.Kind);

        var foreignKey = CertificateReader.Read(kit.Server.Path, other.Server.KeyPath, other.CA.Path);
        Assert.False(foreignKey.KeyMatches);
        Assert.False(foreignKey.ChainValid);
    }

    [Fact]
    public void ReadsAFolderOfCertificatesOnly()
    {
        using var temp = new TempFolder();
        var kit = TlsKit.Create(new TlsKitRequest { OutputPath = temp.Path, DnsNames = new[] { "localhost" }, Key = Ec }, overwrite: false);
        var all = CertificateReader.ReadFolder(Path.Combine(temp.Path, "client"));
        Assert.Equal(new[] { CertificateKind.CA, CertificateKind.Client }, all.Select(c => c.Kind).ToArray());
        Assert.Equal(kit.Client.Thumbprint, all[1].Thumbprint);
        Assert.Equal(64 + 31, all[1].Sha256Fingerprint.Length);
    }

    [Fact]
    public void MissingAndInvalidFilesHaveTheirIds()
    {
        using var temp = new TempFolder();
        Assert.Equal("CertificateNotFound", Assert.Throws<DockerTlsException>(() => CertificateReader.Read(temp["none.pem"])).ErrorId);
        File.WriteAllText(temp["junk.pem"], "not a certificate");
        Assert.Equal("CertificateInvalid", Assert.Throws<DockerTlsException>(() => CertificateReader.Read(temp["junk.pem"])).ErrorId);
    }

    [Fact]
    public void KitFilesAreWrittenAllOrNone()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["client"]);
        File.WriteAllText(temp["client/key.pem"], "mine");
        var error = Assert.Throws<DockerTlsException>(() =>
            TlsKit.Create(new TlsKitRequest { OutputPath = temp.Path, DnsNames = new[] { "localhost" }, Key = Ec }, overwrite: false));
        Assert.Equal("KeyFileExists", error.ErrorId);
        Assert.False(Directory.Exists(temp["ca"]));
        Assert.False(Directory.Exists(temp["server"]));
        Assert.Equal("mine", File.ReadAllText(temp["client/key.pem"]));
    }
}
