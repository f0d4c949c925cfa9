using System;
using System.IO;
using DockerTls.Core.Diagnostics;
using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests.Diagnostics;

public sealed class ServerCertificateCheckTests : IDisposable
{
    private readonly TestPki pki = new();
    private readonly string ca;
    private readonly string otherCa;
    private readonly string server;

    public ServerCertificateCheckTests()
    {
        ca = pki.CA("ca");
        otherCa = pki.CA("otherca");
        server = pki.Leaf("server", ca, "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,DNS:*.example.com,IP:127.0.0.1,IP:::1");
    }

    public void Dispose() => pki.Dispose();

    private ConnectionFailure Check(string host, string caFolder, DateTime now)
    {
        var certificate = TestPki.Load(Path.Combine(server, "cert.pem"));
        var summary = CertificateReader.Read(Path.Combine(server, "cert.pem"));
        return ServerCertificateCheck.Check(certificate, summary, PemFormat.ReadCertificates(Path.Combine(caFolder, "ca.pem")), host, now);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("web1.example.com")]
    public void AcceptsEveryNameAndAddressTheCertificateHolds(string host) =>
        Assert.Equal(ConnectionFailure.None, Check(host, ca, DateTime.UtcNow));

    [Theory]
    [InlineData("127.0.0.2")]
    [InlineData("docker1")]
    [InlineData("example.com")]
    [InlineData("a.b.example.com")]
    public void NamesAHostTheCertificateDoesNotHold(string host) =>
        Assert.Equal(ConnectionFailure.NameMismatch, Check(host, ca, DateTime.UtcNow));

    [Fact]
    public void NamesACertificateFromAnotherCA() =>
        Assert.Equal(ConnectionFailure.UnknownAuthority, Check("localhost", otherCa, DateTime.UtcNow));

    [Fact]
    public void TrustsAnyCAOfSeveralInCaPem()
    {
        var both = pki["both.pem"];
        File.WriteAllText(both, File.ReadAllText(Path.Combine(otherCa, "ca.pem")) + File.ReadAllText(Path.Combine(ca, "ca.pem")));
        var certificate = TestPki.Load(Path.Combine(server, "cert.pem"));
        var summary = CertificateReader.Read(Path.Combine(server, "cert.pem"));
        Assert.Equal(ConnectionFailure.None, ServerCertificateCheck.Check(certificate, summary, PemFormat.ReadCertificates(both), "localhost", DateTime.UtcNow));
    }

    [Fact]
    public void NamesExpiryAndNotYetValidByTheClock()
    {
        Assert.Equal(ConnectionFailure.ServerCertificateExpired, Check("localhost", ca, DateTime.UtcNow.AddDays(20)));
        Assert.Equal(ConnectionFailure.NotYetValid, Check("localhost", ca, DateTime.UtcNow.AddDays(-1)));
    }

    [Theory]
    [InlineData("clientonly", "extendedKeyUsage=clientAuth", ConnectionFailure.IncompatibleKeyUsage)]
    [InlineData("both", "extendedKeyUsage=clientAuth,serverAuth", ConnectionFailure.None)]
    [InlineData("any", "extendedKeyUsage=anyExtendedKeyUsage", ConnectionFailure.None)]
    [InlineData("noeku", "subjectKeyIdentifier=hash", ConnectionFailure.None)]
    public void RefusesACertificateNotForServersAsGoDoes(string name, string usage, ConnectionFailure expected)
    {
        var leaf = pki.Leaf(name, ca, usage + "\nsubjectAltName=DNS:localhost");
        var certificate = TestPki.Load(Path.Combine(leaf, "cert.pem"));
        var summary = CertificateReader.Read(Path.Combine(leaf, "cert.pem"));
        Assert.Equal(expected, ServerCertificateCheck.Check(certificate, summary, PemFormat.ReadCertificates(Path.Combine(ca, "ca.pem")), "localhost", DateTime.UtcNow));
    }

    [Fact]
    public void IgnoresTheCommonNameAsGoDoes()
    {
        var cnOnly = pki.Leaf("cnonly", ca, "extendedKeyUsage=serverAuth");
        var summary = CertificateReader.Read(Path.Combine(cnOnly, "cert.pem"));
        Assert.Equal("cnonly", summary.CommonName);
        Assert.False(ServerCertificateCheck.MatchesHost(summary, "cnonly"));
    }
}
