using System.IO;
using System.Linq;
using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests;

public class CertificateBatchTests
{
    private static readonly KeySpec Ec = new(KeyAlgorithm.ECDSA);

    [Fact]
    public void WritesManyHostsAndReturnsThemInPlannedOrder()
    {
        using var temp = new TempFolder();
        var created = CertificateAuthority.Create("CA", Ec, 10);
        File.WriteAllBytes(temp["ca.pem"], created.CertificatePem);
        File.WriteAllBytes(temp["ca-key.pem"], created.KeyPem);
        using var ca = CertificateAuthority.Load(temp.Path);
        var batch = new CertificateBatch(CertificateKind.Server, overwrite: false);
        var names = Enumerable.Range(0, 30).Select(i => $"h{i}.example.com").ToList();
        foreach (var name in names)
        {
            var folder = Path.Combine(temp.Path, "fleet", name);
            batch.Claim(folder, ca.BundlePem);
            batch.Enqueue(folder, ca.IssueServer(null, new[] { name }, null, Ec, 5), ca.BundlePem);
        }
        var results = batch.TakeFinished(waitForAll: true).ToList();
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(names, results.Select(r => r.Certificate!.CommonName));
        Assert.All(results, r => Assert.Equal(3, r.Files.Count));
        Assert.True(CertificateReader.ReadWithNeighbours(results[17].Certificate!.Path).ChainValid);
    }

    [Fact]
    public void RefusesAnItemWhoseFilesAnEarlierItemWrites()
    {
        using var temp = new TempFolder();
        var batch = new CertificateBatch(CertificateKind.Client, overwrite: true);
        batch.Claim(temp["alice"], new byte[] { 1 });
        var error = Assert.Throws<DockerTlsException>(() => batch.Claim(temp["alice"], new byte[] { 1 }));
        Assert.Equal("KeyFileExists", error.ErrorId);
        batch.Claim(temp["bob"], new byte[] { 1 });
    }

    [Fact]
    public void RefusesExistingFilesWithoutOverwrite()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["alice"]);
        File.WriteAllText(Path.Combine(temp["alice"], "key.pem"), "mine");
        var batch = new CertificateBatch(CertificateKind.Client, overwrite: false);
        Assert.Equal("KeyFileExists", Assert.Throws<DockerTlsException>(() => batch.Claim(temp["alice"], new byte[] { 1 })).ErrorId);
    }
}
