using System;
using System.IO;
using System.Linq;
using DockerTls.Core.Daemon;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

public class DaemonConfigReportTests : IClassFixture<TlsKitFixture>
{
    private readonly TlsKitFixture kits;

    public DaemonConfigReportTests(TlsKitFixture kits)
    {
        this.kits = kits;
    }

    private static string Json(string s) => s.Replace("\\", "\\\\");

    [Fact]
    public void AGoodConfigHasNoProblems()
    {
        using var temp = new TempFolder();
        var s = kits.ServerA;
        var path = temp.Write("daemon.json", $"{{\"live-restore\": true, \"tlsverify\": true, \"tlscacert\": \"{Json(Path.Combine(s, "ca.pem"))}\", \"tlscert\": \"{Json(Path.Combine(s, "server-cert.pem"))}\", \"tlskey\": \"{Json(Path.Combine(s, "server-key.pem"))}\", \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://127.0.0.1:2376\"]}}");
        var report = DaemonConfigReport.Build(new LocalDaemonHost(DaemonPlatform.Linux), path, temp.Combine("root"), DateTime.UtcNow);
        Assert.Empty(report.Problems);
        Assert.Equal(TlsMode.TlsVerify, report.TlsMode);
        Assert.True(report.TlsCACertExists && report.TlsCertExists && report.TlsKeyExists);
        Assert.NotNull(report.ServerCertificate);
        Assert.InRange(report.DaysRemaining!.Value, 360, 366);
        Assert.True(report.LiveRestore);
    }

    [Fact]
    public void PlainTcpMissingFilesAndConflictAreEachAProblemWithAFix()
    {
        using var temp = new TempFolder();
        temp.Write("root/lib/systemd/system/docker.service", SystemdUnitsTests.DebianUnit);
        var path = temp.Write("daemon.json", "{\"hosts\": [\"tcp://0.0.0.0:2375\"], \"tlscert\": \"/nonexistent/server-cert.pem\"}");
        var report = DaemonConfigReport.Build(new LocalDaemonHost(DaemonPlatform.Linux), path, temp.Combine("root"), DateTime.UtcNow);
        var ids = report.Problems.Select(p => p.Id).ToArray();
        Assert.Contains("InsecureHost", ids);
        Assert.Contains("NoLocalSocket", ids);
        Assert.Contains("DaemonHostsConflict", ids);
        Assert.Contains("DaemonTlsFilesIncomplete", ids);
        Assert.Contains("ServerCertificateNotFound", ids);
        Assert.False(report.TlsCertExists);
        Assert.All(report.Problems, p => Assert.Matches("(Run|Use|Add|Set|Issue|Install|Correct|Save|Remove)", p.Message));
        Assert.Single(report.HostFlags);
    }

    [Fact]
    public void TlsWithNoHostAnywhereIsAProblemButTlsWithTheUnitsDashHIsNot()
    {
        using var temp = new TempFolder();
        var s = kits.ServerA;
        var path = temp.Write("daemon.json", $"{{\"live-restore\": true, \"tlsverify\": true, \"tlscacert\": \"{Json(Path.Combine(s, "ca.pem"))}\", \"tlscert\": \"{Json(Path.Combine(s, "server-cert.pem"))}\", \"tlskey\": \"{Json(Path.Combine(s, "server-key.pem"))}\"}}");
        var unit = temp.Write("root/lib/systemd/system/docker.service", SystemdUnitsTests.DebianUnit.Replace("-H fd:// ", ""));

        var bare = DaemonConfigReport.Build(new LocalDaemonHost(DaemonPlatform.Linux), path, temp.Combine("root"), DateTime.UtcNow);
        File.WriteAllText(unit, SystemdUnitsTests.DebianUnit);
        var socketStyle = DaemonConfigReport.Build(new LocalDaemonHost(DaemonPlatform.Linux), path, temp.Combine("root"), DateTime.UtcNow);

        var problem = Assert.Single(bare.Problems);
        Assert.Equal("NoTcpHost", problem.Id);
        Assert.Contains("New-DockerSystemdUnit -Kind Socket", problem.Message);
        Assert.Empty(socketStyle.Problems);
    }

    [Fact]
    public void BomIsAProblemButTheRestIsStillRead()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("daemon.json");
        File.WriteAllBytes(path, new byte[] { 0xEF, 0xBB, 0xBF }.Concat(System.Text.Encoding.UTF8.GetBytes("{\"hosts\": [\"unix:///var/run/docker.sock\"]}")).ToArray());
        var report = DaemonConfigReport.Build(new LocalDaemonHost(DaemonPlatform.Linux), path, null, DateTime.UtcNow);
        Assert.Equal("DaemonConfigByteOrderMark", Assert.Single(report.Problems).Id);
        Assert.Equal(new[] { "unix:///var/run/docker.sock" }, report.Hosts);
    }

    [Fact]
    public void InvalidJsonIsAProblemNotAnError()
    {
        using var temp = new TempFolder();
        var path = temp.Write("daemon.json", "{\n  \"a\": 1,\n}");
        var report = DaemonConfigReport.Build(new LocalDaemonHost(DaemonPlatform.Linux), path, null, DateTime.UtcNow);
        var problem = Assert.Single(report.Problems);
        Assert.Equal("DaemonConfigInvalidJson", problem.Id);
        Assert.Contains("line 2, column 9", problem.Message);
        Assert.True(report.Exists);
    }

    [Fact]
    public void TlsWithoutVerifyIsReported()
    {
        using var temp = new TempFolder();
        var s = kits.ServerA;
        var path = temp.Write("daemon.json", $"{{\"tls\": true, \"tlsverify\": false, \"tlscert\": \"{Json(Path.Combine(s, "server-cert.pem"))}\", \"tlskey\": \"{Json(Path.Combine(s, "server-key.pem"))}\", \"hosts\": [\"npipe://\", \"tcp://0.0.0.0:2376\"]}}");
        var report = DaemonConfigReport.Build(new LocalDaemonHost(DaemonPlatform.Windows), path, null, DateTime.UtcNow);
        Assert.Equal(TlsMode.Tls, report.TlsMode);
        Assert.Equal("ClientsNotVerified", Assert.Single(report.Problems).Id);
    }

    [Fact]
    public void MissingFileIsNoTlsAndNoProblem()
    {
        using var temp = new TempFolder();
        var report = DaemonConfigReport.Build(new LocalDaemonHost(DaemonPlatform.Linux), temp.Combine("daemon.json"), null, DateTime.UtcNow);
        Assert.False(report.Exists);
        Assert.Equal(TlsMode.None, report.TlsMode);
        Assert.Empty(report.Problems);
    }
}
