using System.Collections.Generic;
using System.IO;
using System.Linq;
using DockerTls.Core.Daemon;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

public class SystemdUnitsTests
{
    internal const string DebianUnit =
        "[Unit]\n" +
        "Description=Docker Application Container Engine\n" +
        "Requires=docker.socket\n" +
        "\n" +
        "[Service]\n" +
        "Type=notify\n" +
        "# comment with ExecStart=/usr/sbin/dockerd -H tcp://ignored\n" +
        "EnvironmentFile=-/etc/default/docker\n" +
        "ExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $DOCKER_OPTS\n" +
        "ExecReload=/bin/kill -s HUP $MAINPID\n" +
        "\n" +
        "[Install]\n" +
        "WantedBy=multi-user.target\n";

    [Fact]
    public void DebianUnitPassesHostFlagOnItsExecStartLine()
    {
        using var root = new TempFolder();
        var unit = root.Write("lib/systemd/system/docker.service", DebianUnit);
        var units = SystemdUnits.Load(LocalDaemonHost.Current, root.Path);
        Assert.True(units.HasDockerService);
        Assert.Equal(unit, units.UnitFile);
        var flag = Assert.Single(units.HostFlags);
        Assert.Equal(unit, flag.File);
        Assert.Equal(9, flag.Line);
        Assert.Equal("-H fd://", flag.Flag);
        Assert.Contains("line 9 passes -H fd://", flag.ToString());
    }

    [Fact]
    public void DropInTextKeepsDockerdAndEveryOtherFlag()
    {
        using var root = new TempFolder();
        root.Write("lib/systemd/system/docker.service", DebianUnit);
        var text = SystemdUnitFile.DropInText(SystemdUnits.Load(LocalDaemonHost.Current, root.Path));
        Assert.EndsWith("[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd --containerd=/run/containerd/containerd.sock $DOCKER_OPTS\n", text);
        Assert.DoesNotContain("-H", text.Split('\n').Where(l => !l.StartsWith("#")));
    }

    [Fact]
    public void DropInResetsExecStartAndClearsTheConflict()
    {
        using var root = new TempFolder();
        root.Write("lib/systemd/system/docker.service", DebianUnit);
        var text = SystemdUnitFile.DropInText(SystemdUnits.Load(LocalDaemonHost.Current, root.Path));
        var planned = SystemdUnits.Load(LocalDaemonHost.Current, root.Path, new Dictionary<string, string> { [SystemdUnitFile.DropInRelativePath] = text });
        Assert.Empty(planned.HostFlags);
        Assert.Equal("/usr/sbin/dockerd --containerd=/run/containerd/containerd.sock $DOCKER_OPTS", Assert.Single(planned.ExecStart).Value);
        root.Write(SystemdUnitFile.DropInRelativePath, text);
        var written = SystemdUnits.Load(LocalDaemonHost.Current, root.Path);
        Assert.Empty(written.HostFlags);
        Assert.Equal(new[] { root.Combine(SystemdUnitFile.DropInRelativePath) }, written.DropIns);
    }

    [Fact]
    public void EtcUnitWinsOverLibUnit()
    {
        using var root = new TempFolder();
        root.Write("lib/systemd/system/docker.service", DebianUnit);
        var etc = root.Write("etc/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd\n");
        var units = SystemdUnits.Load(LocalDaemonHost.Current, root.Path);
        Assert.Equal(etc, units.UnitFile);
        Assert.Empty(units.HostFlags);
    }

    [Fact]
    public void UsrLibUnitIsFound()
    {
        using var root = new TempFolder();
        var unit = root.Write("usr/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n");
        var units = SystemdUnits.Load(LocalDaemonHost.Current, root.Path);
        Assert.Equal(unit, units.UnitFile);
        Assert.Equal("/usr/bin/dockerd --containerd=/run/containerd/containerd.sock", units.DockerdCommand!.WithoutHostFlags());
    }

    [Fact]
    public void DropInsApplyInNameOrderAndEtcMasksTheSameName()
    {
        using var root = new TempFolder();
        root.Write("lib/systemd/system/docker.service", DebianUnit);
        root.Write("lib/systemd/system/docker.service.d/10-host.conf", "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd -H tcp://0.0.0.0:2375\n");
        var masked = SystemdUnits.Load(LocalDaemonHost.Current, root.Path);
        Assert.Equal("-H tcp://0.0.0.0:2375", Assert.Single(masked.HostFlags).Flag);

        root.Write("etc/systemd/system/docker.service.d/10-host.conf", "[Service]\nEnvironment=HTTP_PROXY=http://proxy:3128\n");
        var late = root.Write("etc/systemd/system/docker.service.d/zz-late.conf", "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd \\\n  --host=unix:///run/d.sock\n");
        var units = SystemdUnits.Load(LocalDaemonHost.Current, root.Path);
        Assert.Equal(new[] { "10-host.conf", "zz-late.conf" }, units.DropIns.Select(Path.GetFileName));
        var flag = Assert.Single(units.HostFlags);
        Assert.Equal(late, flag.File);
        Assert.Equal(3, flag.Line);
        Assert.Equal("--host=unix:///run/d.sock", flag.Flag);
    }

    [Fact]
    public void ExtraExecStartWithoutResetStillCounts()
    {
        using var root = new TempFolder();
        root.Write("lib/systemd/system/docker.service", DebianUnit);
        root.Write("etc/systemd/system/docker.service.d/override.conf", "[Service]\nExecStart=/usr/sbin/dockerd --debug\n");
        var units = SystemdUnits.Load(LocalDaemonHost.Current, root.Path);
        Assert.Equal(2, units.ExecStart.Count);
        Assert.Single(units.HostFlags);
    }

    [Fact]
    public void DockerOptsWithHostFlagIsFoundInEnvironmentFile()
    {
        using var root = new TempFolder();
        root.Write("lib/systemd/system/docker.service", DebianUnit);
        var defaults = root.Write("etc/default/docker", "# Debian\n\nDOCKER_OPTS=\"--dns 8.8.8.8 -H tcp://0.0.0.0:2375\"\n");
        var units = SystemdUnits.Load(LocalDaemonHost.Current, root.Path);
        Assert.Equal(2, units.HostFlags.Count);
        var fromDefaults = units.HostFlags.Single(f => f.File == defaults);
        Assert.Equal(3, fromDefaults.Line);
        Assert.Equal("-H tcp://0.0.0.0:2375", fromDefaults.Flag);

        // The drop-in keeps $DOCKER_OPTS, so that conflict stays and is still reported.
        var planned = SystemdUnits.Load(LocalDaemonHost.Current, root.Path, new Dictionary<string, string> { [SystemdUnitFile.DropInRelativePath] = SystemdUnitFile.DropInText(units) });
        Assert.Equal(defaults, Assert.Single(planned.HostFlags).File);
    }

    [Fact]
    public void DefaultsFileCountsWithoutSystemdAndNotWhenTheUnitIgnoresIt()
    {
        using var root = new TempFolder();
        var defaults = root.Write("etc/default/docker", "export DOCKER_OPTS='-H unix:///var/run/docker.sock'\n");
        Assert.Equal(defaults, Assert.Single(SystemdUnits.Load(LocalDaemonHost.Current, root.Path).HostFlags).File);

        root.Write("lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock\n");
        Assert.Empty(SystemdUnits.Load(LocalDaemonHost.Current, root.Path).HostFlags);
    }

    [Fact]
    public void NoUnitGivesTheDefaultDockerd()
    {
        using var root = new TempFolder();
        var units = SystemdUnits.Load(LocalDaemonHost.Current, root.Path);
        Assert.False(units.HasDockerService);
        Assert.Empty(units.HostFlags);
        Assert.EndsWith("ExecStart=\nExecStart=/usr/bin/dockerd\n", SystemdUnitFile.DropInText(units));
    }

    [Fact]
    public void ExistingDropInKeepsItsOtherLines()
    {
        using var root = new TempFolder();
        root.Write("lib/systemd/system/docker.service", DebianUnit);
        var existing = "[Unit]\nAfter=network-online.target\n\n[Service]\nEnvironment=HTTP_PROXY=http://proxy:3128\nExecStart=\nExecStart=/usr/sbin/dockerd -H fd:// \\\n  --debug\nLimitNOFILE=1024\n";
        var text = SystemdUnitFile.DropInText(SystemdUnits.Load(LocalDaemonHost.Current, root.Path), existing);
        Assert.Equal(
            "[Unit]\nAfter=network-online.target\n\n[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd --containerd=/run/containerd/containerd.sock $DOCKER_OPTS\nEnvironment=HTTP_PROXY=http://proxy:3128\nLimitNOFILE=1024\n",
            text);
    }

    [Fact]
    public void SocketUnitIsCoreOsStyle()
    {
        var text = SystemdUnitFile.SocketUnitText(2376);
        Assert.Contains("[Socket]\nListenStream=2376\nBindIPv6Only=both\nService=docker.service\n", text);
        Assert.EndsWith("[Install]\nWantedBy=sockets.target\n", text);
        Assert.Throws<System.ArgumentOutOfRangeException>(() => SystemdUnitFile.SocketUnitText(0));
    }

    [Fact]
    public void SocketCommandsStartTheSocketBeforeDocker()
    {
        var commands = SystemdUnitFile.SocketCommands().ToList();
        Assert.Equal("systemctl daemon-reload", commands[0]);
        Assert.True(commands.IndexOf("systemctl start docker-tcp.socket") < commands.IndexOf("systemctl start docker"));
        Assert.True(commands.IndexOf("systemctl stop docker") < commands.IndexOf("systemctl start docker-tcp.socket"));
    }

    [Fact]
    public void EnvironmentFileParsing()
    {
        var values = SystemdUnits.ParseEnvironmentFile("# c\nA=1\nexport B=\"two words\"\n; x\nC='3'\nnot a line\n").ToList();
        Assert.Equal(new[] { ("A", "1", 2), ("B", "two words", 3), ("C", "3", 5) }, values);
    }
}
