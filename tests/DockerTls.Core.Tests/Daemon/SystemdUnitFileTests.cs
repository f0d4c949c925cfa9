using System.IO;
using DockerTls.Core.Daemon;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

public class SystemdUnitFileTests
{
    [Fact]
    public void SocketIsWrittenAndNotReplacedWithoutForce()
    {
        using var root = new TempFolder();
        var unit = SystemdUnitFile.Create(LocalDaemonHost.Current, SystemdUnitKind.Socket, root.Path, 2376);
        Assert.Equal(root.Combine("etc/systemd/system/docker-tcp.socket"), unit.Path);
        unit.Write(force: false);
        Assert.Equal(unit.Text, File.ReadAllText(unit.Path));

        var other = SystemdUnitFile.Create(LocalDaemonHost.Current, SystemdUnitKind.Socket, root.Path, 2377);
        Assert.True(other.Exists);
        Assert.Equal("SystemdUnitExists", Assert.Throws<DockerTlsException>(() => other.Write(force: false)).ErrorId);
        Assert.Contains("ListenStream=2376", File.ReadAllText(unit.Path));
        other.Write(force: true);
        Assert.Contains("ListenStream=2377", File.ReadAllText(unit.Path));
    }

    [Fact]
    public void DropInFollowsTheInstalledUnit()
    {
        using var root = new TempFolder();
        root.Write("lib/systemd/system/docker.service", SystemdUnitsTests.DebianUnit);
        var unit = SystemdUnitFile.Create(LocalDaemonHost.Current, SystemdUnitKind.DropIn, root.Path, 2376);
        Assert.Equal(root.Combine("etc/systemd/system/docker.service.d/docker.conf"), unit.Path);
        Assert.Contains("ExecStart=\nExecStart=/usr/sbin/dockerd --containerd=/run/containerd/containerd.sock $DOCKER_OPTS\n", unit.Text);
        Assert.Equal(new[] { "systemctl daemon-reload", "systemctl restart docker" }, unit.Commands);
        unit.Write(force: false);
        // The same text again is not a conflict.
        SystemdUnitFile.Create(LocalDaemonHost.Current, SystemdUnitKind.DropIn, root.Path, 2376).Write(force: false);
    }
}
