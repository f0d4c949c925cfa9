using System;
using System.IO;
using System.Linq;
using DockerTls.Core.Daemon;
using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

public class ServerCertificateCheckTests : IClassFixture<TlsKitFixture>
{
    private readonly TlsKitFixture kits;

    public ServerCertificateCheckTests(TlsKitFixture kits)
    {
        this.kits = kits;
    }

    private static (string Ca, string Cert, string Key) Files(string folder) =>
        (Path.Combine(folder, "ca.pem"), Path.Combine(folder, "server-cert.pem"), Path.Combine(folder, "server-key.pem"));

    [Fact]
    public void AGoodKitHasNoProblems()
    {
        var (ca, cert, key) = Files(kits.ServerA);
        var (certificate, problems) = ServerCertificateCheck.Assess(ServerTlsFiles.Read(LocalDaemonHost.Current, ca, cert, key), DateTime.UtcNow);
        Assert.Empty(problems);
        Assert.NotNull(certificate);
        Assert.True(certificate!.ServerAuth);
    }

    [Fact]
    public void MissingFilesAreEachNamed()
    {
        using var temp = new TempFolder();
        var (ca, cert, key) = Files(temp.Path);
        var (certificate, problems) = ServerCertificateCheck.Assess(ServerTlsFiles.Read(LocalDaemonHost.Current, ca, cert, key), DateTime.UtcNow);
        Assert.Null(certificate);
        Assert.Equal(3, problems.Count);
        Assert.All(problems, p => Assert.Equal("ServerCertificateNotFound", p.Id));
        Assert.Contains(problems, p => p.Message.Contains(key));
    }

    [Fact]
    public void AnotherCAIsReported()
    {
        using var temp = new TempFolder();
        var (_, cert, key) = Files(kits.ServerA);
        var folder = TlsKitFixture.Assemble(temp.Combine("s"), Path.Combine(kits.KitB, "ca", "ca.pem"), cert, key);
        var (ca2, cert2, key2) = Files(folder);
        var problem = Assert.Single(ServerCertificateCheck.Assess(ServerTlsFiles.Read(LocalDaemonHost.Current, ca2, cert2, key2), DateTime.UtcNow).Problems);
        Assert.Equal("ServerCertificateInvalid", problem.Id);
        Assert.Equal(CertificateFindingIds.IssuerNotFound, problem.FindingId);
        Assert.Contains("signed by unknown authority", problem.Message);
    }

    [Fact]
    public void AMismatchedKeyIsReported()
    {
        using var temp = new TempFolder();
        var (ca, cert, _) = Files(kits.ServerA);
        var folder = TlsKitFixture.Assemble(temp.Combine("s"), ca, cert, Path.Combine(kits.KitB, "server", "server-key.pem"));
        var (ca2, cert2, key2) = Files(folder);
        var problem = Assert.Single(ServerCertificateCheck.Assess(ServerTlsFiles.Read(LocalDaemonHost.Current, ca2, cert2, key2), DateTime.UtcNow).Problems);
        Assert.Equal("ServerKeyInvalid", problem.Id);
        Assert.Contains("does not belong", problem.Message);
    }

    [Fact]
    public void AClientCertificateIsNotAServerCertificate()
    {
        using var temp = new TempFolder();
        var client = Path.Combine(kits.KitA, "client");
        var folder = TlsKitFixture.Assemble(temp.Combine("s"), Path.Combine(client, "ca.pem"), Path.Combine(client, "cert.pem"), Path.Combine(client, "key.pem"));
        var (ca, cert, key) = Files(folder);
        var problem = Assert.Single(ServerCertificateCheck.Assess(ServerTlsFiles.Read(LocalDaemonHost.Current, ca, cert, key), DateTime.UtcNow).Problems);
        Assert.Equal("ServerCertificateInvalid", problem.Id);
        Assert.Equal(CertificateFindingIds.ExtendedKeyUsageMismatch, problem.FindingId);
        Assert.Contains("serverAuth", problem.Message);
    }

    [Fact]
    public void ExpiryAndSoonExpiryAreReported()
    {
        var (ca, cert, key) = Files(kits.ServerA);
        var expired = ServerCertificateCheck.Assess(ServerTlsFiles.Read(LocalDaemonHost.Current, ca, cert, key), DateTime.UtcNow.AddDays(400)).Problems;
        Assert.Equal(CertificateFindingIds.CertificateExpired, expired[0].FindingId);
        Assert.Equal("ServerCertificateInvalid", expired[0].Id);
        Assert.DoesNotContain(expired, p => p.FindingId == CertificateFindingIds.IssuerNotFound);
        var soon = ServerCertificateCheck.Assess(ServerTlsFiles.Read(LocalDaemonHost.Current, ca, cert, key), DateTime.UtcNow.AddDays(350)).Problems;
        var expiring = Assert.Single(soon);
        Assert.Equal("ServerCertificateExpiring", expiring.Id);
        Assert.Equal(CertificateFindingIds.CertificateExpiring, expiring.FindingId);
    }

    [Fact]
    public void DatesInMessagesAreGregorianWhateverTheCulture()
    {
        var (ca, cert, key) = Files(kits.ServerA);
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("th-TH"); // Buddhist calendar: 2026 is 2569
        try
        {
            var expired = ServerCertificateCheck.Assess(ServerTlsFiles.Read(LocalDaemonHost.Current, ca, cert, key), DateTime.UtcNow.AddDays(400)).Problems;
            var year = DateTime.UtcNow.AddDays(365).Year;
            Assert.Contains(expired, p => p.Id == "ServerCertificateInvalid" && p.Message.Contains($"expired on {year}-"));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void GarbageIsUnreadable()
    {
        using var temp = new TempFolder();
        var cert = temp.Write("server-cert.pem", "not a certificate");
        var problem = Assert.Single(ServerCertificateCheck.Assess(ServerTlsFiles.Read(LocalDaemonHost.Current, null, cert, null), DateTime.UtcNow).Problems);
        Assert.Equal("ServerCertificateInvalid", problem.Id);
    }

    [Fact]
    public void MissingNamesComparesSans()
    {
        var (ca, cert, key) = Files(kits.ServerA);
        var certificate = ServerCertificateCheck.Assess(ServerTlsFiles.Read(LocalDaemonHost.Current, ca, cert, key), DateTime.UtcNow).Certificate!;
        Assert.Equal(new[] { "web1", "10.0.0.9" }, ServerCertificateCheck.MissingNames(certificate, new[] { "LOCALHOST", "127.0.0.1", "web1", "10.0.0.9", "" }));
    }
}
