using System;
using System.IO;
using System.Text;
using DockerTls.Core.Daemon;
using DockerTls.Core.Remote;
using DockerTls.Core.Tests.Daemon;
using Xunit;

namespace DockerTls.Core.Tests.Remote;

/// <summary>
/// The daemon plan run through an SshDaemonHost against a real sshd: "a few SSH connections per host whatever the
/// number of files" is counted by sshd itself. Linux as root only (CI); elsewhere these tests return at once.
/// </summary>
[Collection("sshd")]
public sealed class SshDaemonPlanTests : IClassFixture<TestSshd>, IClassFixture<TlsKitFixture>
{
    private readonly TestSshd sshd;
    private readonly TlsKitFixture kits;

    public SshDaemonPlanTests(TestSshd sshd, TlsKitFixture kits)
    {
        this.sshd = sshd;
        this.kits = kits;
    }

    [Fact]
    public void ThePlanReadsInOneConnectionAndTheWriteTakesOneMoreWhateverTheNumberOfFiles()
    {
        if (!TestSshd.Available) return;
        using var temp = new TempFolder();
        File.WriteAllText(temp.Write("etc/docker/daemon.json", "{\n  \"debug\": true\n}\n"), "{\n  \"debug\": true\n}\n");
        temp.Write("root/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock\n");
        temp.Write("root/etc/systemd/system/docker.service.d/proxy.conf", "[Service]\nEnvironment=HTTP_PROXY=http://proxy:3128\n");
        var request = new DaemonConfigRequest
        {
            Path = temp.Combine("etc/docker/daemon.json"),
            PathGiven = true,
            CertPath = kits.ServerA,
            CertDestination = temp.Combine("etc/docker"),
            SystemdRoot = temp.Combine("root"),
            DockerHost = new[] { "tcp://127.0.0.1:2376" },
            Now = DateTime.Now,
        };
        var logins = sshd.AcceptedLogins;
        var host = new SshDaemonHost(sshd.Target());
        host.PrefetchDaemon(request.Path, request.CertDestination, request.SystemdRoot);

        // -WhatIf's plan: the snapshot, then the check of every target (a read-only folder, a changed file).
        DaemonConfigPlan.Create(host, request);
        Assert.True(host.Connections == 2, "paths read outside the snapshot: " + string.Join(", ", host.Misses));

        // A run that writes: one login; its snapshot, then the commit's script (which checks before it writes) over the same login.
        host = new SshDaemonHost(sshd.Target()) { ChecksAtCommit = true };
        host.PrefetchDaemon(request.Path, request.CertDestination, request.SystemdRoot);
        var plan = DaemonConfigPlan.Create(host, request);
        Assert.Equal(1, host.Connections);
        plan.Apply();

        Assert.Equal(1, host.Connections);
        Assert.Equal(logins + 3, sshd.AcceptedLogins);
        Assert.Contains("\"tlsverify\": true", File.ReadAllText(request.Path));
        Assert.Equal(File.ReadAllBytes(Path.Combine(kits.ServerA, "server-key.pem")), File.ReadAllBytes(temp.Combine("etc/docker/server-key.pem")));
        Assert.Single(Directory.GetFiles(temp.Combine("etc/docker"), "daemon.json.*.bak"));
    }
}
