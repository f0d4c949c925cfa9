using System;
using System.IO;
using System.Linq;
using DockerTls.Core.IO;
using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests;

public sealed class CertificateInventoryTests
{
    private static readonly KeySpec Ec = new(KeyAlgorithm.ECDSA);

    [Fact]
    public void RecordsEachIssueAndMarksTheOneItReplaces()
    {
        using var temp = new TempFolder();
        var caFolder = temp["ca"];
        CertificateFiles.Write(caFolder, CertificateKind.CA, CertificateAuthority.Create("Inv CA", Ec, 30), null, false, inventory: CertificateInventory.InFolder(caFolder));
        using var ca = CertificateAuthority.Load(caFolder);
        var first = CertificateFiles.Write(temp["web"], CertificateKind.Server, ca.IssueServer(null, new[] { "web" }, null, Ec, 10), ca.BundlePem, false, inventory: ca.InventoryPath);
        var second = CertificateFiles.Write(temp["web"], CertificateKind.Server, ca.IssueServer(null, new[] { "web" }, null, Ec, 10), ca.BundlePem, true, inventory: ca.InventoryPath);

        var records = CertificateInventory.Read(ca.InventoryPath!);
        Assert.Equal(3, records.Count);
        Assert.Equal(second.SerialNumber, records[1].ReplacedBy);
        Assert.Null(records[2].ReplacedBy);
        Assert.Equal(first.SerialNumber, records[1].SerialNumber);
        var current = CertificateInventory.Current(caFolder, DateTime.UtcNow);
        Assert.Equal(new[] { CertificateKind.CA, CertificateKind.Server }, current.Select(c => c.Kind));
        Assert.Equal(second.Sha256Fingerprint, current[1].Sha256Fingerprint);
        Assert.Equal(new[] { "web" }, current[1].DnsNames);
        Assert.Equal(9, current[1].DaysRemaining);
        Assert.DoesNotContain("PRIVATE", File.ReadAllText(ca.InventoryPath!));
    }

    [Fact]
    public void RefusesAnInventoryThatIsNotOneRecordALine()
    {
        using var temp = new TempFolder();
        var path = temp["ca-inventory.jsonl"];
        File.WriteAllText(path, "{\"serial\":\"01\"}\nnot json\n");
        var e = Assert.Throws<DockerTlsException>(() => CertificateInventory.Read(path));
        Assert.Equal("InventoryInvalid", e.ErrorId);
        Assert.Contains("Line 2", e.Message);
    }

    [Fact]
    public void AnotherHolderOfTheLockMakesTheWriterWaitThenGiveUp()
    {
        using var temp = new TempFolder();
        var path = temp["ca-inventory.jsonl"];
        using (var held = new FileStream(InventoryLock.LockPathFor(path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var e = Assert.Throws<DockerTlsException>(() => InventoryLock.Acquire(path, TimeSpan.FromMilliseconds(200)));
            Assert.Equal("InventoryLocked", e.ErrorId);
        }
        using (InventoryLock.Acquire(path, TimeSpan.FromSeconds(1))) { }
    }
}
