using System;
using System.IO;
using System.Linq;
using DockerTls.Core.Daemon;
using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

/// <summary>
/// The daemon side's one rule set: findings asserted by id and severity, and the same id and the same sentence
/// whether Set-DockerDaemonConfig plans a daemon.json (and stops, or warns) or Get-DockerDaemonConfig reads it back.
/// </summary>
public class DaemonAssessmentTests : IClassFixture<TlsKitFixture>
{
    private const string Socket = "unix:///var/run/docker.sock";
    private static readonly LocalDaemonHost Host = LocalDaemonHost.Current;
    private readonly TlsKitFixture kits;

    public DaemonAssessmentTests(TlsKitFixture kits) => this.kits = kits;

    // daemon.json with mutual TLS and the kit's server files, listening on hosts.
    private DaemonSetup Setup(params string[] hosts)
    {
        var (ca, cert, key) = (Path.Combine(kits.ServerA, "ca.pem"), Path.Combine(kits.ServerA, "server-cert.pem"), Path.Combine(kits.ServerA, "server-key.pem"));
        return new DaemonSetup
        {
            Platform = DaemonPlatform.Linux,
            Hosts = hosts,
            TlsMode = TlsMode.TlsVerify,
            TlsPaths = (ca, cert, key),
            ServerFiles = ServerTlsFiles.Read(Host, ca, cert, key),
        };
    }

    private static string[] Ids(DaemonSetup setup) => DaemonAssessment.Assess(setup).Findings.Select(f => f.Id).ToArray();

    [Fact]
    public void AGoodSetupHasNoFindings() => Assert.Empty(Ids(Setup(Socket, "tcp://0.0.0.0:2376")));

    [Fact]
    public void PlainTcpIsAnErrorUnlessAllowedThenAWarningWithTheSameSentence()
    {
        var refused = DaemonAssessment.Assess(Setup(Socket, "tcp://0.0.0.0:2375"));
        var allowed = Setup(Socket, "tcp://0.0.0.0:2375");
        allowed.AllowInsecure = true;
        var warned = DaemonAssessment.Assess(allowed);

        Assert.Equal(DaemonErrorIds.InsecureHost, refused.FirstBlocking!.Id);
        Assert.Equal("tcp://0.0.0.0:2375", refused.FirstBlocking.Target);
        Assert.Null(warned.FirstBlocking);
        var warning = Assert.Single(warned.Warnings);
        Assert.Equal(DaemonErrorIds.InsecureHost, warning.Id);
        Assert.Equal(refused.FirstBlocking.Message, warning.Message);
    }

    [Theory]
    [InlineData(TlsMode.None, "tcp://0.0.0.0:2376", "InsecureHost")]
    [InlineData(TlsMode.Tls, "tcp://0.0.0.0:2376", "ClientsNotVerified")]
    [InlineData(TlsMode.TlsVerify, "tcp://0.0.0.0:99999", "InvalidDockerHost")]
    public void EachRuleHasItsId(TlsMode mode, string host, string id)
    {
        var setup = Setup(Socket, host);
        setup.TlsMode = mode;
        var finding = Assert.Single(DaemonAssessment.Assess(setup).Findings);
        Assert.Equal(id, finding.Id);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
    }

    [Fact]
    public void NoLocalSocketIsAWarning()
    {
        var finding = Assert.Single(DaemonAssessment.Assess(Setup("tcp://0.0.0.0:2376")).Findings);
        Assert.Equal(("NoLocalSocket", FindingSeverity.Warning), (finding.Id, finding.Severity));
    }

    [Fact]
    public void HostsAndTheUnitsDashHConflictUnlessADropInIsPlanned()
    {
        using var root = new TempFolder();
        var unit = root.Write("lib/systemd/system/docker.service", SystemdUnitsTests.DebianUnit);
        var setup = Setup(Socket, "tcp://0.0.0.0:2376");
        setup.Units = SystemdUnits.Load(Host, root.Path);

        var conflict = DaemonAssessment.Assess(setup).FirstBlocking!;
        Assert.Equal(DaemonErrorIds.DaemonHostsConflict, conflict.Id);
        Assert.Equal(unit, conflict.Target);
        Assert.Contains("line 9 passes -H fd://", conflict.Message);
        Assert.Contains(root.Combine(SystemdUnitFile.DropInRelativePath), conflict.Message);

        setup.DropInPlanned = true;
        Assert.Empty(Ids(setup));
        setup.Hosts = Array.Empty<string>();
        Assert.Empty(Ids(setup)); // -H fd:// and no hosts: the socket-activated layout
    }

    [Fact]
    public void NoHostAnywhereIsNoTcpHostForSystemdAndForTheWindowsService()
    {
        using var root = new TempFolder();
        root.Write("lib/systemd/system/docker.service", SystemdUnitsTests.DebianUnit.Replace("-H fd:// ", ""));
        var systemd = Setup();
        systemd.Units = SystemdUnits.Load(Host, root.Path);
        var windows = Setup();
        windows.Platform = DaemonPlatform.Windows;
        windows.Service = WindowsServiceCommandLine.Parse(@"""C:\Program Files\docker\dockerd.exe"" --run-service");

        foreach (var setup in new[] { systemd, windows })
        {
            var finding = Assert.Single(DaemonAssessment.Assess(setup).Findings);
            Assert.Equal(("NoTcpHost", FindingSeverity.Warning), (finding.Id, finding.Severity));
            Assert.Contains("has no -H", finding.Message);
        }
    }

    [Fact]
    public void TlsWithoutItsFilesIsIncompleteAndAMissingFileIsNotFound()
    {
        var setup = Setup(Socket);
        setup.TlsMode = TlsMode.Tls;
        setup.TlsPaths = (null, "/nonexistent/server-cert.pem", "/nonexistent/server-key.pem");
        setup.ServerFiles = ServerTlsFiles.Read(Host, null, "/nonexistent/server-cert.pem", "/nonexistent/server-key.pem");
        var ids = Ids(setup);
        Assert.Equal(new[] { "ClientsNotVerified", DaemonErrorIds.ServerCertificateNotFound, DaemonErrorIds.ServerCertificateNotFound }, ids);
        setup.TlsMode = TlsMode.TlsVerify;
        Assert.Equal(new[] { DaemonErrorIds.DaemonTlsFilesIncomplete, DaemonErrorIds.ServerCertificateNotFound, DaemonErrorIds.ServerCertificateNotFound }, Ids(setup));
    }

    // The same daemon.json and units, judged by Set- (the plan) and Get- (the report): the same id and the same words.
    [Fact]
    public void SetStopsOnTheConflictThatGetLists()
    {
        using var temp = new TempFolder();
        temp.Write("root/lib/systemd/system/docker.service", SystemdUnitsTests.DebianUnit);
        var request = Request(temp);
        request.DockerHost = new[] { "tcp://127.0.0.1:2376" };
        var refused = Assert.Throws<DockerTlsException>(() => DaemonConfigPlan.Create(Host, request));

        request.SystemdRoot = temp.Combine("empty-root");
        DaemonConfigPlan.Create(Host, request).Apply(); // the same daemon.json, written where no unit objects
        var report = DaemonConfigReport.Build(Host, request.Path, temp.Combine("root"), DateTime.UtcNow);

        var listed = Assert.Single(report.Problems, p => p.Severity == FindingSeverity.Error);
        Assert.Equal(DaemonErrorIds.DaemonHostsConflict, refused.ErrorId);
        Assert.Equal(refused.ErrorId, listed.Id);
        Assert.Equal(listed.Message + " Nothing was written.", refused.Message);
    }

    [Fact]
    public void TheWarningsOfSetAreTheFindingsGetListsAfterwards()
    {
        using var temp = new TempFolder();
        temp.Write("root/lib/systemd/system/docker.service", SystemdUnitsTests.DebianUnit.Replace("-H fd:// ", ""));
        var request = Request(temp);
        request.NoHosts = true;
        var noHosts = DaemonConfigPlan.Create(Host, request);
        noHosts.Apply();
        var afterNoHosts = DaemonConfigReport.Build(Host, request.Path, request.SystemdRoot, DateTime.UtcNow);

        var plain = Request(temp);
        plain.Path = temp.Combine("plain/daemon.json");
        plain.SystemdRoot = temp.Combine("empty-root");
        plain.DockerHost = new[] { "tcp://127.0.0.1:2375" };
        plain.NoLocalSocket = true;
        plain.AllowInsecure = true;
        var insecure = DaemonConfigPlan.Create(Host, plain);
        insecure.Apply();
        var afterInsecure = DaemonConfigReport.Build(Host, plain.Path, plain.SystemdRoot, DateTime.UtcNow);

        var noTcp = Assert.Single(afterNoHosts.Problems);
        Assert.Equal("NoTcpHost", noTcp.Id);
        Assert.Contains(noTcp.Message, noHosts.Warnings);
        Assert.Equal(new[] { DaemonErrorIds.InsecureHost, "NoLocalSocket" }, afterInsecure.Problems.Select(p => p.Id));
        Assert.All(afterInsecure.Problems, p => Assert.Contains(p.Message, insecure.Warnings));
        Assert.Equal(FindingSeverity.Error, afterInsecure.Problems[0].Severity); // Get- has no -AllowInsecure
    }

    [Fact]
    public void TheDropInThatCannotResetAFlagIsAConflictOfItsOwn()
    {
        using var root = new TempFolder();
        root.Write("lib/systemd/system/docker.service", SystemdUnitsTests.DebianUnit);
        var units = SystemdUnits.Load(Host, root.Path);
        var dropIn = root.Combine(SystemdUnitFile.DropInRelativePath);
        var fixedUnits = SystemdUnits.Load(Host, root.Path, new System.Collections.Generic.Dictionary<string, string> { [SystemdUnitFile.DropInRelativePath] = SystemdUnitFile.DropInText(units) });
        Assert.Null(DaemonAssessment.FlagsTheDropInCannotReset(fixedUnits, dropIn));

        root.Write("etc/default/docker", "DOCKER_OPTS=\"-H tcp://0.0.0.0:2375\"\n");
        var withOpts = SystemdUnits.Load(Host, root.Path, new System.Collections.Generic.Dictionary<string, string> { [SystemdUnitFile.DropInRelativePath] = SystemdUnitFile.DropInText(units) });
        var left = DaemonAssessment.FlagsTheDropInCannotReset(withOpts, dropIn)!;
        Assert.Equal(DaemonErrorIds.DaemonHostsConflict, left.Id);
        Assert.Equal(root.Combine("etc/default/docker"), left.Target);
    }

    private DaemonConfigRequest Request(TempFolder temp) => new()
    {
        Path = temp.Combine("etc/docker/daemon.json"),
        PathGiven = true,
        CertPath = kits.ServerA,
        CertDestination = temp.Combine("etc/docker"),
        SystemdRoot = temp.Combine("root"),
        Now = DateTime.Now,
    };
}
