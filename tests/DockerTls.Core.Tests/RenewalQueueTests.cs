using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DockerTls.Core.IO;
using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests;

/// <summary>The background writer of Update-DockerCertificate's pipeline: groups of renewals in one transaction each.</summary>
public sealed class RenewalQueueTests
{
    private static readonly KeySpec Ec = new(KeyAlgorithm.ECDSA);

    private static (CertificateAuthority Ca, List<string> Leaves) Fleet(TempFolder temp, int hosts)
    {
        var caFolder = temp["ca"];
        CertificateFiles.Write(caFolder, CertificateKind.CA, CertificateAuthority.Create("Queue CA", Ec, 3650), null, false, inventory: CertificateInventory.InFolder(caFolder));
        var ca = CertificateAuthority.Load(caFolder);
        var leaves = new List<string>();
        for (var i = 0; i < hosts; i++)
        {
            var folder = temp["h" + i];
            CertificateFiles.Write(folder, CertificateKind.Server, ca.IssueServer(null, new[] { $"h{i}.example" }, null, Ec, 90), ca.BundlePem, false, inventory: ca.InventoryPath);
            leaves.Add(Path.Combine(folder, CertificateFiles.ServerCertificate));
        }
        return (ca, leaves);
    }

    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => f, File.ReadAllBytes, StringComparer.Ordinal);

    private static List<RenewalWrite> PrepareAll(CertificateRenewal renewal, IEnumerable<string> leaves, KeySource keys) =>
        leaves.Select(leaf => renewal.Prepare(renewal.Assess(leaf, force: true), keys, keepKey: false, validityDays: null)).ToList();

    [Fact]
    public void ManyRenewalsLandInFewTransactionsEachWithItsFilesBackupAndInventoryRecord()
    {
        using var temp = new TempFolder();
        var (ca, leaves) = Fleet(temp, 12);
        using var _ = ca;
        var before = leaves.Select(l => File.ReadAllBytes(l)).ToList();
        var renewal = new CertificateRenewal(ca);
        using var keys = new KeySource(Ec, pipeline: false);
        var queue = new RenewalQueue(renewal);
        foreach (var write in PrepareAll(renewal, leaves, keys)) queue.Enqueue(write);
        var results = queue.TakeFinished(waitForAll: true).ToList();

        Assert.Equal(leaves, results.Select(r => r.Write.Certificate.Path)); // in queued order
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.InRange(queue.Transactions, 1, 11); // grouped: never one transaction per renewal
        for (var i = 0; i < leaves.Count; i++)
        {
            var folder = Path.GetDirectoryName(leaves[i])!;
            Assert.Equal(before[i], File.ReadAllBytes(Assert.Single(Directory.GetFiles(folder, "server-cert.pem.*.bak"))));
            Assert.Equal(results[i].Write.Certificate.SerialNumber, CertificateReader.Read(leaves[i]).SerialNumber);
            Assert.Contains(results[i].FilesWritten, f => f.Path == leaves[i]);
            Assert.Equal("0400", FileModes.Format(FileModes.GetUnixMode(Path.Combine(folder, CertificateFiles.ServerKey)) ?? 0x100));
        }
        var records = CertificateInventory.Read(ca.InventoryPath!);
        Assert.Equal(24 + 1, records.Count); // the CA, 12 leaves replaced, 12 renewed
        Assert.Equal(12, records.Count(r => r.ReplacedBy != null));
        Assert.All(results, r => Assert.Contains(records, x => x.SerialNumber == r.Write.Certificate.SerialNumber && x.ReplacedBy == null));
    }

    [Fact]
    public void AFolderThatCannotBeWrittenFailsOnlyItsOwnRenewalAndIsLeftAsItWas()
    {
        if (!FileTransactionFaultTests.IsRootLinux) return; // chattr needs root (CAP_LINUX_IMMUTABLE) and Linux
        using var temp = new TempFolder();
        var (ca, leaves) = Fleet(temp, 6);
        using var _ = ca;
        var bad = Path.GetDirectoryName(leaves[3])!;
        var renewal = new CertificateRenewal(ca);
        using var keys = new KeySource(Ec, pipeline: false);
        var writes = PrepareAll(renewal, leaves, keys);
        var untouched = Snapshot(bad);
        var queue = new RenewalQueue(renewal);
        Assert.True(FileTransactionFaultTests.Run("chattr", "+i", bad));
        List<QueuedRenewal> results;
        try
        {
            foreach (var write in writes) queue.Enqueue(write);
            results = queue.TakeFinished(waitForAll: true).ToList();
        }
        finally
        {
            FileTransactionFaultTests.Run("chattr", "-i", bad);
        }

        Assert.Equal(leaves, results.Select(r => r.Write.Certificate.Path));
        Assert.Equal(FileSystemErrors.PermissionDenied, results[3].Error?.ErrorId);
        Assert.Empty(results[3].FilesWritten);
        Assert.Equal(untouched, Snapshot(bad));
        var records = CertificateInventory.Read(ca.InventoryPath!);
        Assert.DoesNotContain(records, r => r.SerialNumber == results[3].Write.Certificate.SerialNumber);
        foreach (var i in new[] { 0, 1, 2, 4, 5 })
        {
            Assert.Null(results[i].Error);
            Assert.Equal(results[i].Write.Certificate.SerialNumber, CertificateReader.Read(leaves[i]).SerialNumber);
            Assert.Contains(records, r => r.SerialNumber == results[i].Write.Certificate.SerialNumber);
        }
    }

    [Fact]
    public void WaitingForABusyFolderReturnsOnlyOnceItsRenewalIsWritten()
    {
        using var temp = new TempFolder();
        var (ca, leaves) = Fleet(temp, 1);
        using var _ = ca;
        var renewal = new CertificateRenewal(ca);
        using var keys = new KeySource(Ec, pipeline: false);
        var write = PrepareAll(renewal, leaves, keys).Single();
        var queue = new RenewalQueue(renewal);
        queue.Enqueue(write);
        queue.WaitForFolder(Path.GetDirectoryName(leaves[0])!);
        Assert.Equal(write.Certificate.SerialNumber, CertificateReader.Read(leaves[0]).SerialNumber);
        // A second renewal planned now reads the first one's files: its backup is of the renewed certificate.
        var second = renewal.Prepare(renewal.Assess(leaves[0], force: true), keys, keepKey: false, validityDays: null);
        queue.Enqueue(second);
        Assert.All(queue.TakeFinished(waitForAll: true), r => Assert.Null(r.Error));
        Assert.Equal(2, Directory.GetFiles(Path.GetDirectoryName(leaves[0])!, "server-cert.pem.*.bak").Length);
    }

    [Fact]
    public void StoppedEveryFolderHoldsItsOldFilesOrItsNewOnesWhole()
    {
        using var temp = new TempFolder();
        var (ca, leaves) = Fleet(temp, 30);
        using var _ = ca;
        var renewal = new CertificateRenewal(ca);
        using var keys = new KeySource(Ec, pipeline: false);
        var writes = PrepareAll(renewal, leaves, keys);
        var before = leaves.Select(l => Snapshot(Path.GetDirectoryName(l)!)).ToList();
        var queue = new RenewalQueue(renewal);
        foreach (var write in writes) queue.Enqueue(write);
        queue.Stop();
        queue.WaitForWriter();
        Assert.Empty(queue.TakeFinished(waitForAll: true));
        var records = CertificateInventory.Read(ca.InventoryPath!);
        for (var i = 0; i < leaves.Count; i++)
        {
            var folder = Path.GetDirectoryName(leaves[i])!;
            var renewed = CertificateReader.Read(leaves[i]).SerialNumber == writes[i].Certificate.SerialNumber;
            if (!renewed) Assert.Equal(before[i], Snapshot(folder));
            else Assert.Equal(2, Directory.GetFiles(folder, "*.bak").Length); // the certificate and the key backed up
            Assert.Equal(renewed, records.Any(r => r.SerialNumber == writes[i].Certificate.SerialNumber));
        }
        queue.Enqueue(writes[0]); // a stopped queue writes nothing more
        Assert.Empty(queue.TakeFinished(waitForAll: true));
    }
}
