using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DockerTls.Core.Daemon;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

/// <summary>
/// The plan on a host that is not <see cref="LocalDaemonHost"/>, as the SSH host of issue 16 will be: what the plan
/// does differently there (where it reads the server files from, what counts as the same file, whose names the
/// certificate must list). The host is this machine's files under another name (the SSH host itself is tested
/// against a real sshd in its own tests); every read and write still goes through IDaemonHost.
/// </summary>
public class DaemonPlanOnAnotherHostTests : IClassFixture<TlsKitFixture>
{
    private readonly TlsKitFixture kits;

    public DaemonPlanOnAnotherHostTests(TlsKitFixture kits) => this.kits = kits;

    [Fact]
    public void ServerFilesFromCertPathAreReadHereAndInstalledThroughTheHost()
    {
        using var temp = new TempFolder();
        var host = new RenamedHost("docker1.example");
        var plan = DaemonConfigPlan.Create(host, Request(temp, kits.ServerA));
        Assert.Equal(
            new[] { "ca.pem", "server-cert.pem", "server-key.pem", "daemon.json" }.Select(n => temp.Combine("etc/docker/" + n)),
            plan.Files.Files.Select(f => f.Path));
        Assert.Equal(File.ReadAllBytes(Path.Combine(kits.ServerA, "server-key.pem")), plan.Files.Files[2].Content);
        Assert.Equal(HostFileKind.Key, plan.Files.Files[2].Kind);

        plan.Apply();
        Assert.Equal(4, host.Commits.Single());
        Assert.Equal(File.ReadAllBytes(Path.Combine(kits.ServerA, "ca.pem")), File.ReadAllBytes(temp.Combine("etc/docker/ca.pem")));
    }

    [Fact]
    public void WithoutCertPathTheInstalledFilesAreReadFromTheHostAndNotInstalledAgain()
    {
        using var temp = new TempFolder();
        var host = new RenamedHost("docker1.example");
        DaemonConfigPlan.Create(host, Request(temp, kits.ServerA)).Apply();
        var again = DaemonConfigPlan.Create(host, Request(temp, certPath: null));
        Assert.True(again.ConfigUnchanged);
        Assert.True(again.Files.IsEmpty);
        Assert.Contains(temp.Combine("etc/docker/server-key.pem"), host.Reads);
    }

    [Fact]
    public void TheCertificateMustListTheNameTheHostWasReachedBy()
    {
        using var temp = new TempFolder();
        var plan = DaemonConfigPlan.Create(new RenamedHost("docker1.example"), Request(temp, kits.ServerA));
        Assert.Contains(plan.Warnings, w => w.StartsWith("The server certificate does not list docker1.example (it lists ", StringComparison.Ordinal));
        Assert.Equal(new[] { "docker1.example", "10.0.0.5" }, LocalIdentity.NamesOf(new RenamedHost("docker1.example"), new[] { "unix:///var/run/docker.sock", "tcp://0.0.0.0:2376", "tcp://10.0.0.5:2376" }));
    }

    private static DaemonConfigRequest Request(TempFolder temp, string? certPath) => new()
    {
        Path = temp.Combine("etc/docker/daemon.json"),
        PathGiven = true,
        CertPath = certPath,
        CertDestination = temp.Combine("etc/docker"),
        SystemdRoot = temp.Combine("root"),
        DockerHost = new[] { "tcp://127.0.0.1:2376" },
        Now = DateTime.Now,
    };

    /// <summary>This machine's files and commands under another host name; it counts the reads and commits it serves.</summary>
    private sealed class RenamedHost : IDaemonHost
    {
        private readonly LocalDaemonHost local = LocalDaemonHost.Current;

        public RenamedHost(string name) => Name = name;

        public string Name { get; }

        public DaemonPlatform Platform => DaemonPlatform.Linux;

        public List<string> Reads { get; } = new();

        public List<int> Commits { get; } = new();

        public byte[]? TryReadFile(string path, FileCap cap)
        {
            Reads.Add(path);
            return local.TryReadFile(path, cap);
        }

        public bool Exists(string path) => local.Exists(path);

        public bool IsDirectory(string path) => local.IsDirectory(path);

        public IReadOnlyList<string> ListFiles(string folder, string suffix) => local.ListFiles(folder, suffix);

        public void Check(HostFileChanges changes) => local.Check(changes);

        public IReadOnlyList<string> Commit(HostFileChanges changes, Action<string, string>? onWritten = null)
        {
            Commits.Add(changes.Files.Count);
            return local.Commit(changes, onWritten);
        }

        public HostCommandResult Run(IReadOnlyList<string> argv, TimeSpan timeout) => local.Run(argv, timeout);

        public (IReadOnlyList<string> Written, HostCommandResult Then) CommitThenRun(HostFileChanges changes, IReadOnlyList<string> argv, TimeSpan timeout, Action<string, string>? onWritten = null) =>
            (Commit(changes, onWritten), Run(argv, timeout));
    }
}
