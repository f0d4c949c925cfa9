using System;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.Daemon;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

public class DaemonConfigPlanTests : IClassFixture<TlsKitFixture>
{
    private const string Existing = "{\n  \"data-root\": \"/srv/docker\",\n  \"log-opts\": {\n    \"max-size\": \"10m\"\n  },\n  \"live-restore\": true\n}\n";

    private readonly TlsKitFixture kits;

    public DaemonConfigPlanTests(TlsKitFixture kits)
    {
        this.kits = kits;
    }

    private DaemonConfigRequest Request(TempFolder temp) => new()
    {
        Path = temp.Combine("etc/docker/daemon.json"),
        PathGiven = true,
        CertPath = kits.ServerA,
        CertDestination = temp.Combine("etc/docker"),
        SystemdRoot = temp.Combine("root"),
        Now = now,
    };

    // The certificates are made when the test runs, so the plan's clock must be the real one.
    private readonly DateTime now = DateTime.Now;

    private string Stamp => now.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void InstallsFilesMergesAndBacksUp()
    {
        using var temp = new TempFolder();
        var path = temp.Write("etc/docker/daemon.json", Existing);
        var plan = DaemonConfigPlan.Create(LocalDaemonHost.Current, Request(temp));
        Assert.Equal(path + $".{Stamp}.bak", plan.BackupPath);
        Assert.Contains(plan.Changes, c => c == "set \"tlsverify\": true");
        Assert.DoesNotContain(plan.Warnings, w => w.Contains("live-restore"));
        Assert.Equal(Existing, File.ReadAllText(path)); // planning writes nothing

        var written = plan.Apply();
        Assert.Contains(path, written);
        Assert.Equal(Existing, File.ReadAllText(plan.BackupPath!));
        var after = DaemonConfigFile.Load(LocalDaemonHost.Current, path);
        Assert.Equal(new[] { "data-root", "log-opts", "live-restore", "tlsverify", "tlscacert", "tlscert", "tlskey", "hosts" }, after.Root.Keys);
        Assert.Equal(temp.Combine("etc/docker/server-key.pem"), after.TlsKey);
        Assert.Equal(new[] { "unix:///var/run/docker.sock", "tcp://0.0.0.0:2376" }, after.Hosts);
        Assert.Equal(File.ReadAllBytes(Path.Combine(kits.ServerA, "server-key.pem")), File.ReadAllBytes(after.TlsKey!));
        if (!PlatformInfo.IsWindows)
        {
            Assert.Equal(FileModes.Key, FileModes.GetUnixMode(after.TlsKey!));
            Assert.Equal(FileModes.Certificate, FileModes.GetUnixMode(after.TlsCert!));
            Assert.Equal(FileModes.PublicFile, FileModes.GetUnixMode(path));
        }
    }

    [Fact]
    public void ANewFileIsCreatedWithoutBackupAndLiveRestoreWarning()
    {
        using var temp = new TempFolder();
        var plan = DaemonConfigPlan.Create(LocalDaemonHost.Current, Request(temp));
        Assert.Null(plan.BackupPath);
        Assert.Contains(plan.Warnings, w => w.Contains("live-restore"));
        plan.Apply();
        Assert.True(File.Exists(plan.Path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(plan.Path)!, "*.bak"));
    }

    [Fact]
    public void NoBackupMakesNone()
    {
        using var temp = new TempFolder();
        temp.Write("etc/docker/daemon.json", Existing);
        var request = Request(temp);
        request.NoBackup = true;
        var plan = DaemonConfigPlan.Create(LocalDaemonHost.Current, request);
        plan.Apply();
        Assert.Empty(Directory.GetFiles(temp.Combine("etc/docker"), "*.bak"));
    }

    [Fact]
    public void ReplacedServerFilesAreBackedUp()
    {
        using var temp = new TempFolder();
        TlsKitFixture.Assemble(temp.Combine("etc/docker"), Path.Combine(kits.KitB, "server", "ca.pem"), Path.Combine(kits.KitB, "server", "server-cert.pem"), Path.Combine(kits.KitB, "server", "server-key.pem"));
        var plan = DaemonConfigPlan.Create(LocalDaemonHost.Current, Request(temp));
        plan.Apply();
        var backups = Directory.GetFiles(temp.Combine("etc/docker"), "*.bak").Select(Path.GetFileName).OrderBy(n => n).ToArray();
        Assert.Equal(new[] { $"ca.pem.{Stamp}.bak", $"server-cert.pem.{Stamp}.bak", $"server-key.pem.{Stamp}.bak" }, backups);
    }

    [Fact]
    public void RunningTwiceChangesNothingTheSecondTime()
    {
        using var temp = new TempFolder();
        DaemonConfigPlan.Create(LocalDaemonHost.Current, Request(temp)).Apply();
        var second = DaemonConfigPlan.Create(LocalDaemonHost.Current, Request(temp));
        Assert.True(second.ConfigUnchanged);
        Assert.Null(second.BackupPath);
    }

    [Fact]
    public void InvalidJsonLeavesTheFileByteIdentical()
    {
        using var temp = new TempFolder();
        var path = temp.Write("etc/docker/daemon.json", "{\n  \"debug\": true,\n}\n");
        var before = File.ReadAllBytes(path);
        var ex = Assert.Throws<DockerTlsException>(() => DaemonConfigPlan.Create(LocalDaemonHost.Current, Request(temp)));
        Assert.Equal("DaemonConfigInvalidJson", ex.ErrorId);
        Assert.Contains("line 2, column 16", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(temp.Combine("etc/docker")));
    }

    [Fact]
    public void Port2375IsInsecureUnlessAllowed()
    {
        using var temp = new TempFolder();
        var request = Request(temp);
        request.DockerHost = new[] { "tcp://0.0.0.0:2375" };
        Assert.Equal("InsecureHost", Assert.Throws<DockerTlsException>(() => DaemonConfigPlan.Create(LocalDaemonHost.Current, request)).ErrorId);
        request.AllowInsecure = true;
        Assert.Contains(DaemonConfigPlan.Create(LocalDaemonHost.Current, request).Warnings, w => w.Contains("root on this host"));
    }

    [Fact]
    public void HostsConflictIsRefusedThenFixedWithDropIn()
    {
        using var temp = new TempFolder();
        var unit = temp.Write("root/lib/systemd/system/docker.service", SystemdUnitsTests.DebianUnit);
        var request = Request(temp);
        var ex = Assert.Throws<DockerTlsException>(() => DaemonConfigPlan.Create(LocalDaemonHost.Current, request));
        Assert.Equal("DaemonHostsConflict", ex.ErrorId);
        Assert.Contains(unit + " line 9 passes -H fd://", ex.Message);
        Assert.False(File.Exists(request.Path));

        request.ConfigureSystemd = true;
        var plan = DaemonConfigPlan.Create(LocalDaemonHost.Current, request);
        Assert.Equal(temp.Combine("root/etc/systemd/system/docker.service.d/docker.conf"), plan.DropInPath);
        plan.Apply();
        Assert.Contains("ExecStart=/usr/sbin/dockerd --containerd=/run/containerd/containerd.sock $DOCKER_OPTS", File.ReadAllText(plan.DropInPath!));
        Assert.Empty(SystemdUnits.Load(LocalDaemonHost.Current, request.SystemdRoot!).HostFlags);
        Assert.Equal("systemctl daemon-reload && systemctl restart docker", plan.RestartCommand);
    }

    [Fact]
    public void ConflictTheDropInCannotFixIsRefused()
    {
        using var temp = new TempFolder();
        temp.Write("root/lib/systemd/system/docker.service", SystemdUnitsTests.DebianUnit);
        temp.Write("root/etc/default/docker", "DOCKER_OPTS=\"-H tcp://0.0.0.0:2375\"\n");
        var request = Request(temp);
        request.ConfigureSystemd = true;
        var ex = Assert.Throws<DockerTlsException>(() => DaemonConfigPlan.Create(LocalDaemonHost.Current, request));
        Assert.Equal("DaemonHostsConflict", ex.ErrorId);
        Assert.Contains("etc/default/docker", ex.Message.Replace('\\', '/'));
        Assert.False(Directory.Exists(temp.Combine("root/etc/systemd")));
    }

    [Fact]
    public void NoHostsRemovesHostsAndAcceptsTheSocketUnitsDashH()
    {
        using var temp = new TempFolder();
        temp.Write("root/lib/systemd/system/docker.service", SystemdUnitsTests.DebianUnit);
        var request = Request(temp);
        temp.Write("etc/docker/daemon.json", "{\n  \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2376\"],\n  \"live-restore\": true\n}\n");
        request.NoHosts = true;

        var plan = DaemonConfigPlan.Create(LocalDaemonHost.Current, request);
        plan.Apply();

        Assert.Contains("remove \"hosts\": [\"unix:///var/run/docker.sock\",\"tcp://0.0.0.0:2376\"]", plan.Changes);
        Assert.Null(plan.DropInPath);
        Assert.DoesNotContain(plan.Warnings, w => w.Contains("has no -H"));
        var written = DaemonConfigFile.Load(LocalDaemonHost.Current, request.Path);
        Assert.False(written.Root.ContainsKey("hosts"));
        Assert.Equal(TlsMode.TlsVerify, written.TlsMode);
        Assert.Equal(temp.Combine("etc/docker/server-key.pem"), written.TlsKey);
        Assert.True(written.LiveRestore);
        Assert.False(Directory.Exists(temp.Combine("root/etc/systemd")));
    }

    [Fact]
    public void NoHostsWarnsWhenDockerdsCommandLineHasNoDashH()
    {
        using var temp = new TempFolder();
        temp.Write("root/lib/systemd/system/docker.service", SystemdUnitsTests.DebianUnit.Replace("-H fd:// ", ""));
        var request = Request(temp);
        request.NoHosts = true;

        var plan = DaemonConfigPlan.Create(LocalDaemonHost.Current, request);

        Assert.Contains(plan.Warnings, w => w.Contains("has no -H") && w.Contains("New-DockerSystemdUnit -Kind Socket"));
    }

    [Theory]
    [InlineData("-DockerHost")]
    [InlineData("-NoLocalSocket")]
    [InlineData("-ConfigureSystemd")]
    public void NoHostsWithAParameterForHostsIsRefused(string other)
    {
        using var temp = new TempFolder();
        var request = Request(temp);
        request.NoHosts = true;
        if (other == "-DockerHost") request.DockerHost = new[] { "tcp://0.0.0.0:2376" };
        if (other == "-NoLocalSocket") request.NoLocalSocket = true;
        if (other == "-ConfigureSystemd") request.ConfigureSystemd = true;

        var ex = Assert.Throws<DockerTlsException>(() => DaemonConfigPlan.Create(LocalDaemonHost.Current, request));

        Assert.Equal("NoHostsConflict", ex.ErrorId);
        Assert.Contains(other, ex.Message);
        Assert.False(Directory.Exists(temp.Combine("etc")));
    }

    [Fact]
    public void TlsFilesMustBeGivenAllThree()
    {
        using var temp = new TempFolder();
        var request = Request(temp);
        request.CertPath = null;
        request.TlsCert = Path.Combine(kits.ServerA, "server-cert.pem");
        Assert.Equal("DaemonTlsFilesIncomplete", Assert.Throws<DockerTlsException>(() => DaemonConfigPlan.Create(LocalDaemonHost.Current, request)).ErrorId);
    }

    [Fact]
    public void ExplicitTlsFilesAreWrittenAsTheyAre()
    {
        using var temp = new TempFolder();
        var request = Request(temp);
        request.CertPath = null;
        request.TlsCACert = Path.Combine(kits.ServerA, "ca.pem");
        request.TlsCert = Path.Combine(kits.ServerA, "server-cert.pem");
        request.TlsKey = Path.Combine(kits.ServerA, "server-key.pem");
        var plan = DaemonConfigPlan.Create(LocalDaemonHost.Current, request);
        plan.Apply();
        Assert.Equal(request.TlsKey, DaemonConfigFile.Load(LocalDaemonHost.Current, request.Path).TlsKey);
        Assert.False(File.Exists(temp.Combine("etc/docker/server-key.pem")));
    }

    [Fact]
    public void BadServerFilesWriteNothing()
    {
        using var temp = new TempFolder();
        var request = Request(temp);
        request.CertPath = temp.Combine("empty");
        Directory.CreateDirectory(request.CertPath);
        Assert.Equal("ServerCertificateNotFound", Assert.Throws<DockerTlsException>(() => DaemonConfigPlan.Create(LocalDaemonHost.Current, request)).ErrorId);
        request.CertPath = TlsKitFixture.Assemble(temp.Combine("mixed"), Path.Combine(kits.KitB, "ca", "ca.pem"), Path.Combine(kits.ServerA, "server-cert.pem"), Path.Combine(kits.ServerA, "server-key.pem"));
        Assert.Equal("ServerCertificateInvalid", Assert.Throws<DockerTlsException>(() => DaemonConfigPlan.Create(LocalDaemonHost.Current, request)).ErrorId);
        Assert.False(Directory.Exists(temp.Combine("etc")));
    }

    [Fact]
    public void BackupNamesNeverCollide()
    {
        using var temp = new TempFolder();
        var path = temp.Write("daemon.json", "{}");
        var now = new DateTime(2026, 1, 2, 3, 4, 5);
        var first = BackupFileName.Next(path, now, File.Exists);
        Assert.Equal(path + ".20260102030405.bak", first);
        File.WriteAllText(first, "{}");
        Assert.Equal(path + ".20260102030405-2.bak", BackupFileName.Next(path, now, File.Exists));
    }
}
