using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.Daemon;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

/// <summary>This machine as a Docker host, against its real file system and real programs (chattr, sleep, sh, printf).</summary>
public class LocalDaemonHostTests
{
    private static readonly LocalDaemonHost Host = LocalDaemonHost.Current;

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    private static HostFileChanges Changes(TempFolder temp, string prefix, params string[] names)
    {
        var changes = new HostFileChanges();
        foreach (var name in names)
        {
            var path = temp.Combine(name);
            var kind = name.EndsWith("key.pem", StringComparison.Ordinal) ? HostFileKind.Key : HostFileKind.Rewrite;
            changes.Add(new HostFileChange(path, Bytes(prefix + name), kind, FileModes.PublicFile));
            changes.Expect(path, File.Exists(path) ? File.ReadAllBytes(path) : null);
        }

        return changes;
    }

    [Fact]
    public void CommitWritesEveryFileWithItsModeAndNamesEach()
    {
        using var temp = new TempFolder();
        var written = new System.Collections.Generic.List<string>();
        var paths = Host.Commit(Changes(temp, "new ", "etc/docker/daemon.json", "etc/docker/server-key.pem"), (path, _) => written.Add(path));
        Assert.Equal(new[] { temp.Combine("etc/docker/daemon.json"), temp.Combine("etc/docker/server-key.pem") }, paths);
        Assert.Equal(paths, written);
        Assert.Equal("new etc/docker/daemon.json", File.ReadAllText(paths[0]));
        if (!PlatformInfo.IsWindows) Assert.Equal("0400", FileModes.Format(FileModes.GetUnixMode(paths[1])!.Value));
    }

    // A real failure half-way: the last target cannot be replaced (immutable), after the others were moved into place.
    [Fact]
    public void CommitIsAllOrNoneWhenATargetCannotBeReplaced()
    {
        if (!FileTransactionFaultTests.IsRootLinux) return; // chattr needs root (CAP_LINUX_IMMUTABLE) and Linux
        using var temp = new TempFolder();
        var names = new[] { "a/daemon.json", "a/server-key.pem", "b/docker.conf" };
        Host.Commit(Changes(temp, "old ", names));
        Assert.True(FileTransactionFaultTests.Run("chattr", "+i", temp.Combine("b/docker.conf")));
        try
        {
            var error = Assert.Throws<DockerTlsException>(() => Host.Commit(Changes(temp, "new ", names)));
            Assert.Equal(FileSystemErrors.PermissionDenied, error.ErrorId);
            Assert.Contains(temp.Combine("b/docker.conf"), error.Message);
        }
        finally
        {
            FileTransactionFaultTests.Run("chattr", "-i", temp.Combine("b/docker.conf"));
        }

        foreach (var name in names) Assert.Equal("old " + name, File.ReadAllText(temp.Combine(name)));
        Assert.Equal(2, Directory.GetFileSystemEntries(temp.Combine("a")).Length); // no temporary file left
        Assert.Single(Directory.GetFileSystemEntries(temp.Combine("b")));
    }

    [Fact]
    public void AFolderWhereAFileShouldGoStopsCheckAndCommitBeforeAnyWrite()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("etc/docker/server-key.pem"));
        var changes = Changes(temp, "new ", "etc/docker/daemon.json", "etc/docker/server-key.pem");
        Assert.Equal("TargetIsFolder", Assert.Throws<DockerTlsException>(() => Host.Check(changes)).ErrorId);
        Assert.Equal("TargetIsFolder", Assert.Throws<DockerTlsException>(() => Host.Commit(changes)).ErrorId);
        Assert.False(File.Exists(temp.Combine("etc/docker/daemon.json")));
        Assert.Single(Directory.GetFileSystemEntries(temp.Combine("etc/docker")));
    }

    [Fact]
    public void AnotherWritersChangeSinceThePlanIsTargetChanged()
    {
        using var temp = new TempFolder();
        var path = temp.Write("daemon.json", "{}\n");
        var changes = Changes(temp, "new ", "daemon.json");
        File.WriteAllText(path, "{\"debug\": true}\n");
        Assert.Equal("TargetChanged", Assert.Throws<DockerTlsException>(() => Host.Commit(changes)).ErrorId);
        Assert.Equal("{\"debug\": true}\n", File.ReadAllText(path));
    }

    [Fact]
    public void ListFilesGivesTheNamesOfRegularFilesWithTheSuffixInOrdinalOrder()
    {
        using var temp = new TempFolder();
        foreach (var name in new[] { "b.conf", "B.conf", "a.conf", "notes.txt", "a.conf.bak" }) temp.Write("d/" + name, "x");
        Directory.CreateDirectory(temp.Combine("d/folder.conf"));
        Assert.Equal(new[] { "B.conf", "a.conf", "b.conf" }, Host.ListFiles(temp.Combine("d"), ".conf"));
        Assert.Empty(Host.ListFiles(temp.Combine("missing"), ".conf"));
    }

    [Fact]
    public void ReadsExistsAndIsDirectoryAreThoseOfThisMachine()
    {
        using var temp = new TempFolder();
        var file = temp.Write("daemon.json", "{}");
        Assert.Equal(Bytes("{}"), Host.TryReadFile(file, SafeFile.DaemonConfig));
        Assert.Null(Host.TryReadFile(temp.Combine("missing.json"), SafeFile.DaemonConfig));
        Assert.True(Host.Exists(file) && !Host.IsDirectory(file) && Host.IsDirectory(temp.Path));
        Assert.False(Host.Exists(temp.Combine("missing.json")));
    }

    [Fact]
    public void RunStopsACommandThatOutlivesItsTime()
    {
        if (PlatformInfo.IsWindows) return; // sleep is a program on Unix
        var clock = Stopwatch.StartNew();
        var result = Host.Run(new[] { "sleep", "10" }, TimeSpan.FromMilliseconds(300));
        Assert.True(result.TimedOut);
        Assert.Equal(-1, result.ExitCode);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.25, 5);
    }

    [Fact]
    public void RunGivesTheExitCodeAndBothStreamsAndPassesEachWordAsIs()
    {
        if (PlatformInfo.IsWindows) return;
        var result = Host.Run(new[] { "sh", "-c", "echo out; echo err >&2; exit 3" }, TimeSpan.FromSeconds(10));
        Assert.Equal((3, false), (result.ExitCode, result.TimedOut));
        Assert.Contains("out", result.Output);
        Assert.Contains("err", result.Output);

        var words = Host.Run(new[] { "printf", "%s|", "a b", "c\"d", "e\\\"f", "$(id)", "" }, TimeSpan.FromSeconds(10));
        Assert.Equal("a b|c\"d|e\\\"f|$(id)||", words.Output);
    }

    [Fact]
    public void RunOfAProgramThatIsNotThereIsAResultNotACrash()
    {
        var result = Host.Run(new[] { "dockertls-no-such-program" }, TimeSpan.FromSeconds(5));
        Assert.Equal((-1, false), (result.ExitCode, result.TimedOut));
        Assert.Contains("dockertls-no-such-program", result.Output);
    }
}
