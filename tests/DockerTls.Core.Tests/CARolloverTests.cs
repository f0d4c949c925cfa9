using System;
using System.IO;
using System.Linq;
using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests;

public sealed class CARolloverTests
{
    private static readonly KeySpec Ec = new(KeyAlgorithm.ECDSA);

    [Theory]
    [InlineData("Docker CA web1 2025-01-31", "Docker CA web1 2026-12-02")]
    [InlineData("Fleet CA", "Fleet CA 2026-12-02")]
    [InlineData("Fleet CA 2026-12-02", "Fleet CA 2026-12-02 061500")] // a second rollover the same day
    public void NamesTheNewCAForTodayAndNeverAsTheOld(string oldName, string expected)
    {
        var old = CertificateAuthority.Create(oldName, Ec, 30).Certificate;
        Assert.Equal(expected, CARollover.NextName(old, new DateTime(2026, 12, 2, 6, 15, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void KeepsALongNameWithinTheSixtyFourCharactersOfX509()
    {
        var old = CertificateAuthority.Create(new string('n', 64), Ec, 30).Certificate;
        var name = CARollover.NextName(old, new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(64, name.Length);
        Assert.EndsWith(" 2026-12-02", name);
    }

    [Fact]
    public void TellsTheOldCAsLeavesByTheSigningKeyIdInTheInventory()
    {
        using var temp = new TempFolder();
        var caFolder = temp["ca"];
        CertificateFiles.Write(caFolder, CertificateKind.CA, CertificateAuthority.Create("Old CA", Ec, 3650), null, false, inventory: CertificateInventory.InFolder(caFolder));
        using (var ca = CertificateAuthority.Load(caFolder))
            CertificateFiles.Write(temp["web"], CertificateKind.Server, ca.IssueServer(null, new[] { "web" }, null, Ec, 90), ca.BundlePem, false, inventory: ca.InventoryPath);

        var started = CARollover.PlanStart(caFolder, null, null, null, DateTime.UtcNow).Apply();
        Assert.Equal("web", Assert.Single(started.OldLeaves).CommonName);
        using (var next = CertificateAuthority.Load(caFolder))
            CertificateFiles.Write(temp["db"], CertificateKind.Server, next.IssueServer(null, new[] { "db" }, null, Ec, 90), next.BundlePem, false, inventory: next.InventoryPath);

        var records = CertificateInventory.Read(CertificateInventory.InFolder(caFolder));
        var db = records.Single(r => r.CommonName == "db");
        Assert.Equal(started.NewCA.AuthorityKeyId, db.AuthorityKeyId);
        Assert.NotEqual(started.OldCA.AuthorityKeyId, db.AuthorityKeyId);
        var refused = Assert.Throws<DockerTlsException>(() => CARollover.PlanComplete(caFolder, force: false, DateTime.UtcNow));
        Assert.Equal("CARolloverLeavesLeft", refused.ErrorId);
        Assert.Contains(Path.Combine(temp["web"], CertificateFiles.ServerCertificate), refused.Message);
        Assert.DoesNotContain(Path.Combine(temp["db"], CertificateFiles.ServerCertificate), refused.Message);
    }
}
