using System;
using System.IO;
using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests;

public sealed class CertificateRenewalTests
{
    private static readonly KeySpec Ec = new(KeyAlgorithm.ECDSA);

    private static (CertificateAuthority Ca, string Leaf) Fleet(TempFolder temp, int leafDays)
    {
        var caFolder = temp["ca"];
        CertificateFiles.Write(caFolder, CertificateKind.CA, CertificateAuthority.Create("Renewal CA", Ec, 3650), null, false, inventory: CertificateInventory.InFolder(caFolder));
        var ca = CertificateAuthority.Load(caFolder);
        CertificateFiles.Write(temp["web"], CertificateKind.Server, ca.IssueServer(null, new[] { "web" }, null, Ec, leafDays), ca.BundlePem, false, inventory: ca.InventoryPath);
        return (ca, Path.Combine(temp["web"], CertificateFiles.ServerCertificate));
    }

    [Theory]
    [InlineData(19, false, "not due until")]
    [InlineData(21, true, "due: 8 of 30 days left")]
    [InlineData(31, true, "expired on")]
    public void IsDuePastTwoThirdsOfItsLifetimeByTheClock(int daysLater, bool due, string reason)
    {
        using var temp = new TempFolder();
        var (ca, leaf) = Fleet(temp, 30);
        using var _ = ca;
        var later = DateTimeOffset.UtcNow.AddDays(daysLater);
        var plan = new CertificateRenewal(ca, () => later).Assess(leaf, force: false);
        Assert.Equal(due, plan.Due);
        Assert.Contains(reason, plan.Reason);
    }

    [Fact]
    public void RenewsFromTheClocksNowForTheOriginalLifetime()
    {
        using var temp = new TempFolder();
        var (ca, leaf) = Fleet(temp, 30);
        using var _ = ca;
        var later = DateTimeOffset.UtcNow.AddDays(25);
        var renewal = new CertificateRenewal(ca, () => later);
        var plan = renewal.Assess(leaf, force: false);
        using var keys = new KeySource(CertificateRenewal.KeySpecOf(plan), pipeline: false);
        var renewed = renewal.Renew(plan, keys, keepKey: false, validityDays: null, onWritten: null);
        Assert.InRange((renewed.NotBefore - later.UtcDateTime).TotalMinutes, -6, -4); // backdated five minutes
        Assert.InRange((renewed.NotAfter - later.UtcDateTime).TotalDays, 29.99, 30.01);
        Assert.Equal(new[] { "web" }, renewed.DnsNames);
        Assert.NotEqual(plan.Current.SerialNumber, renewed.SerialNumber);
        Assert.Single(Directory.GetFiles(temp["web"], "server-cert.pem.*.bak"));
    }

    [Fact]
    public void RenewsTheCAWithItsKeyNameAndKeyIdentifier()
    {
        using var temp = new TempFolder();
        var (ca, leaf) = Fleet(temp, 30);
        using var _ = ca;
        var renewal = new CertificateRenewal(ca);
        var plan = renewal.Assess(ca.CertificatePath!, force: true);
        Assert.True(plan.IsAuthority);
        using var keys = new KeySource(Ec, pipeline: false);
        var renewed = renewal.Renew(plan, keys, keepKey: false, validityDays: null, onWritten: null);
        using var reloaded = CertificateAuthority.Load(temp["ca"]);
        Assert.Equal(ca.Certificate.SubjectDN.ToString(), reloaded.Certificate.SubjectDN.ToString());
        Assert.NotEqual(ca.Certificate.SerialNumber, reloaded.Certificate.SerialNumber);
        Assert.Equal(ca.Certificate.GetExtensionValue(Org.BouncyCastle.Asn1.X509.X509Extensions.SubjectKeyIdentifier).GetOctets(),
            reloaded.Certificate.GetExtensionValue(Org.BouncyCastle.Asn1.X509.X509Extensions.SubjectKeyIdentifier).GetOctets());
        Assert.True(CertificateAssessment.Assess(PemFormat.ReadCertificates(leaf)[0], new[] { reloaded.Certificate }, null, DateTime.UtcNow).ChainValid);
        Assert.Equal(renewed.SerialNumber, reloaded.Certificate.SerialNumber.ToString(16).ToUpperInvariant());
    }

    [Fact]
    public void RenewsAnExpiredCAWithItsKeyAndAWarningThenItsLeaves()
    {
        using var temp = new TempFolder();
        var caFolder = temp["ca"];
        CertificateFiles.Write(caFolder, CertificateKind.CA, CertificateAuthority.Create("Short CA", Ec, 30), null, false, inventory: CertificateInventory.InFolder(caFolder));
        var leaf = Path.Combine(temp["web"], CertificateFiles.ServerCertificate);
        using (var issuing = CertificateAuthority.Load(caFolder))
            CertificateFiles.Write(temp["web"], CertificateKind.Server, issuing.IssueServer(null, new[] { "web" }, null, Ec, 365), issuing.BundlePem, false, inventory: issuing.InventoryPath);
        var later = DateTimeOffset.UtcNow.AddDays(40); // the CA, and the leaf cut to its end, expired ten days ago
        using var ca = CertificateAuthority.Load(caFolder, forRenewal: true);
        var renewal = new CertificateRenewal(ca, () => later);
        using var keys = new KeySource(Ec, pipeline: false);

        var leafFirst = renewal.Assess(leaf, force: false);
        var refused = Assert.Throws<DockerTlsException>(() => renewal.Renew(leafFirst, keys, keepKey: false, validityDays: null, onWritten: null));
        Assert.Equal("CAExpired", refused.ErrorId);

        var plan = renewal.Assess(ca.CertificatePath!, force: false);
        Assert.True(plan.Due);
        Assert.Contains("expired on", plan.Reason);
        string? warning = null;
        var renewed = renewal.Renew(plan, keys, keepKey: false, validityDays: null, onWritten: null, onWarning: w => warning = w);
        Assert.Contains("expired on", warning);
        Assert.InRange((renewed.NotAfter - later.UtcDateTime).TotalDays, 29.99, 30.01);

        using var reloaded = CertificateAuthority.Load(caFolder, forRenewal: true);
        Assert.True(reloaded.Certificate.GetPublicKey().Equals(ca.Certificate.GetPublicKey()));
        var leafRenewal = new CertificateRenewal(reloaded, () => later);
        var leafPlan = leafRenewal.Assess(leaf, force: false);
        Assert.Contains("expired on", leafPlan.Reason);
        var renewedLeaf = leafRenewal.Renew(leafPlan, keys, keepKey: false, validityDays: null, onWritten: null);
        Assert.True(CertificateAssessment.Assess(PemFormat.ReadCertificates(leaf)[0], new[] { reloaded.Certificate }, null, later.UtcDateTime).ChainValid);
        Assert.Equal(renewed.NotAfter, renewedLeaf.NotAfter); // cut to the renewed CA's end
    }

    [Fact]
    public void RefusesToReissueALeafFromACAExpiredByTheClock()
    {
        using var temp = new TempFolder();
        var caFolder = temp["ca"];
        CertificateFiles.Write(caFolder, CertificateKind.CA, CertificateAuthority.Create("Short CA", Ec, 30), null, false);
        using var ca = CertificateAuthority.Load(caFolder, forRenewal: true);
        using var keys = new KeySource(Ec, pipeline: false);
        var pair = keys.Next();
        // A leaf re-issued on a day the CA is expired (the clock seam's now): CAExpired, nothing made.
        Assert.Equal("CAExpired", Assert.Throws<DockerTlsException>(() => ca.Reissue(ca.Certificate, pair, 10, DateTime.UtcNow.AddDays(31))).ErrorId);
    }
}
