using System;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.Daemon;
using DockerTls.Core.IO;
using DockerTls.Core.Remote;
using Xunit;

namespace DockerTls.Core.Tests.Remote;

/// <summary>
/// SshDaemonHost against a real sshd on loopback (root by key, host key in this run's known_hosts). The "host" is this
/// machine, reached only through ssh and the host's sh, so every path below is read and written by the scripts.
/// Linux as root only (CI runs so); elsewhere these tests return at once.
/// </summary>
[Collection("sshd")]
public sealed class SshDaemonHostTests : IClassFixture<TestSshd>, IDisposable
{
    // Names a careless script would break on: a quote, a command substitution, a newline, a leading dash.
    private const string Hostile = "it's $(touch PWNED) `id`\nline -x";
    private readonly TestSshd sshd;
    private readonly string root;

    public SshDaemonHostTests(TestSshd sshd)
    {
        this.sshd = sshd;
        root = Path.Combine(sshd.Folder, "host-" + Guid.NewGuid().ToString("N").Substring(0, 6));
        Directory.CreateDirectory(root);
    }

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    private string P(string relative) => Path.Combine(root, relative);

    [Fact]
    public void OneSnapshotReadsEveryFileAndFolderTheHostIsAskedFor()
    {
        if (!TestSshd.Available) return;
        var binary = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        File.WriteAllBytes(P("daemon.json"), Encoding.UTF8.GetBytes("{\"debug\": true}\n"));
        Directory.CreateDirectory(P("docker.service.d"));
        File.WriteAllBytes(P("docker.service.d/" + Hostile + ".conf"), binary);
        File.WriteAllText(P("docker.service.d/a.conf"), "[Service]\n");
        File.WriteAllText(P("docker.service.d/notes.txt"), "x");
        Directory.CreateDirectory(P("docker.service.d/sub.conf"));
        // A name of letters, digits, '.', '_' and '-' goes as it is; any other (a space, a leading '=', non-ASCII) as base64.
        File.WriteAllText(P("docker.service.d/two words.conf"), "x");
        File.WriteAllText(P("docker.service.d/=eq.conf"), "x");
        File.WriteAllText(P("docker.service.d/\u00fcber_1-2.conf"), "x");
        Directory.CreateDirectory(P("docker.service.d/" + Hostile + ".d"));
        var logins = sshd.AcceptedLogins;
        var host = new SshDaemonHost(sshd.Target());
        host.Prefetch(new[] { P("daemon.json"), P("missing.json"), P("docker.service.d") }, new[] { (P("docker.service.d"), true) });

        Assert.Equal("{\"debug\": true}\n", Encoding.UTF8.GetString(host.TryReadFile(P("daemon.json"), SafeFile.DaemonConfig)!));
        Assert.Null(host.TryReadFile(P("missing.json"), SafeFile.DaemonConfig));
        Assert.False(host.Exists(P("missing.json")));
        Assert.True(host.IsDirectory(P("docker.service.d")));
        Assert.Equal(new[] { Hostile + ".conf", "a.conf", "two words.conf", "=eq.conf", "\u00fcber_1-2.conf" }.OrderBy(n => n, StringComparer.Ordinal), host.ListFiles(P("docker.service.d"), ".conf"));
        Assert.True(host.IsDirectory(P("docker.service.d/" + Hostile + ".d")));
        Assert.Equal(binary, host.TryReadFile(P("docker.service.d/" + Hostile + ".conf"), SafeFile.SystemdUnit));
        Assert.False(host.Exists(P("docker.service.d/b.conf.bak"))); // absent from a listed folder: known without a run
        Assert.True(host.Exists(P("docker.service.d/sub.conf")));
        Assert.Equal(1, host.Connections);
        Assert.Equal(logins + 1, sshd.AcceptedLogins);
        Assert.False(File.Exists(Path.Combine("/", "PWNED")) || File.Exists(P("PWNED")));

        // A path outside the snapshot costs one round trip, then it is known.
        File.WriteAllText(P("other.pem"), "pem");
        Assert.Equal("pem", Encoding.UTF8.GetString(host.TryReadFile(P("other.pem"), SafeFile.Pem)!));
        Assert.Equal("pem", Encoding.UTF8.GetString(host.TryReadFile(P("other.pem"), SafeFile.Pem)!));
        Assert.Equal(2, host.Connections);
    }

    [Fact]
    public void AFifoAFolderAndALinkToNothingAreRefusedAsOnThisMachine()
    {
        if (!TestSshd.Available) return;
        TestSshd.Run("mkfifo", P("fifo"));
        File.CreateSymbolicLink(P("dangling"), P("nowhere"));
        var host = new SshDaemonHost(sshd.Target());
        Assert.Equal("FileNotRegular", Assert.Throws<DockerTlsException>(() => host.TryReadFile(P("fifo"), SafeFile.DaemonConfig)).ErrorId);
        Assert.Equal("FileNotRegular", Assert.Throws<DockerTlsException>(() => host.TryReadFile(root, SafeFile.DaemonConfig)).ErrorId);
        Assert.Equal("LinkedFileRefused", Assert.Throws<DockerTlsException>(() => host.TryReadFile(P("dangling"), SafeFile.DaemonConfig)).ErrorId);
        Assert.True(host.Exists(P("dangling")));
    }

    [Fact]
    public void CommitWritesEveryFileInOneConnectionWithTheModesOfALocalWrite()
    {
        if (!TestSshd.Available) return;
        File.WriteAllText(P("daemon.json"), "{}");
        File.SetUnixFileMode(P("daemon.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        TestSshd.Run("chown", "1000:4", P("daemon.json"));
        File.WriteAllText(P(".daemon.json.0123456789abcdef0123456789abcdef.tmp"), "left by a run killed on the host");
        File.WriteAllText(P(".notes.tmp"), "not ours: kept");
        var folder = P("new folder/" + Hostile);
        var key = Encoding.ASCII.GetBytes("-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n");
        var changes = new HostFileChanges();
        changes.Add(new HostFileChange(folder + "/server-key.pem", key, HostFileKind.Key, FileModes.Key));
        changes.Add(new HostFileChange(folder + "/ca.pem", Encoding.ASCII.GetBytes("ca"), HostFileKind.Certificate, FileModes.Certificate));
        changes.Add(new HostFileChange(P("daemon.json.bak"), Encoding.ASCII.GetBytes("{}"), HostFileKind.Backup, FileModes.PublicFile, P("daemon.json")));
        changes.Add(new HostFileChange(P("daemon.json"), Encoding.ASCII.GetBytes("{\"tls\": true}"), HostFileKind.Rewrite, FileModes.PublicFile));
        changes.Expect(P("daemon.json"), Encoding.ASCII.GetBytes("{}"));
        changes.Expect(folder + "/server-key.pem", null);
        var host = new SshDaemonHost(sshd.Target());
        var seen = new System.Collections.Generic.List<string>();

        var written = host.Commit(changes, (path, what) => seen.Add(path + " " + what));

        Assert.Equal(1, host.Connections);
        Assert.Equal(4, written.Count);
        Assert.Contains(folder + "/server-key.pem 0400", seen);
        Assert.Equal(key, File.ReadAllBytes(folder + "/server-key.pem"));
        Assert.Equal("400", Stat("%a", folder + "/server-key.pem"));
        Assert.Equal("444", Stat("%a", folder + "/ca.pem"));
        Assert.Equal("640", Stat("%a", P("daemon.json")));
        Assert.Equal("640", Stat("%a", P("daemon.json.bak")));
        Assert.Equal("1000:4", Stat("%u:%g", P("daemon.json")));
        Assert.Equal("1000:4", Stat("%u:%g", P("daemon.json.bak")));
        Assert.Equal("{\"tls\": true}", File.ReadAllText(P("daemon.json")));
        Assert.Equal("{}", File.ReadAllText(P("daemon.json.bak")));
        Assert.Equal(new[] { P(".notes.tmp") }, Directory.GetFiles(root, "*.tmp", SearchOption.AllDirectories));
        Assert.False(File.Exists(P("PWNED")));

        // Run again: the certificate is identical and left alone; the key is always written anew.
        var again = new HostFileChanges();
        again.Add(new HostFileChange(folder + "/ca.pem", Encoding.ASCII.GetBytes("ca"), HostFileKind.Certificate, FileModes.Certificate));
        again.Add(new HostFileChange(folder + "/server-key.pem", key, HostFileKind.Key, FileModes.Key));
        Assert.Equal(new[] { folder + "/server-key.pem" }, host.Commit(again));
    }

    [Fact]
    public void ABackupOfAFifoTakesTheNewFileModeAndNeverReadsTheFifo()
    {
        if (!TestSshd.Available) return;
        TestSshd.Run("mkfifo", P("daemon.json"));
        var changes = new HostFileChanges();
        changes.Add(new HostFileChange(P("daemon.json.bak"), Encoding.ASCII.GetBytes("{}"), HostFileKind.Backup, FileModes.PublicFile, P("daemon.json")));
        var host = new SshDaemonHost(sshd.Target()) { Timeout = TimeSpan.FromSeconds(15) }; // a read of the FIFO would wait for a writer until then

        Assert.Equal(new[] { P("daemon.json.bak") }, host.Commit(changes));
        Assert.Equal("{}", File.ReadAllText(P("daemon.json.bak")));
        Assert.Equal("644", Stat("%a", P("daemon.json.bak")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AFifoPutWhereThePlanSawAFileOrNothingIsAChangeAndIsNeverRead(bool planSawAFile)
    {
        if (!TestSshd.Available) return;
        TestSshd.Run("mkfifo", P("ca.pem"));
        var changes = new HostFileChanges();
        changes.Add(new HostFileChange(P("ca.pem"), Encoding.ASCII.GetBytes("ca"), HostFileKind.Certificate, FileModes.Certificate));
        changes.Expect(P("ca.pem"), planSawAFile ? Encoding.ASCII.GetBytes("old ca") : null);
        var host = new SshDaemonHost(sshd.Target()) { Timeout = TimeSpan.FromSeconds(15) }; // a read of the FIFO would wait for a writer until then

        Assert.Equal("TargetChanged", Assert.Throws<DockerTlsException>(() => host.Commit(changes)).ErrorId);
        Assert.Equal("fifo", Stat("%F", P("ca.pem"))); // left as it was
    }

    [Fact]
    public void ATargetChangedSinceThePlanWritesNothing()
    {
        if (!TestSshd.Available) return;
        File.WriteAllText(P("daemon.json"), "{\"someone\": \"else\"}");
        var changes = new HostFileChanges();
        changes.Add(new HostFileChange(P("ca.pem"), Encoding.ASCII.GetBytes("ca"), HostFileKind.Certificate, FileModes.Certificate));
        changes.Add(new HostFileChange(P("daemon.json"), Encoding.ASCII.GetBytes("{}"), HostFileKind.Rewrite, FileModes.PublicFile));
        changes.Expect(P("daemon.json"), Encoding.ASCII.GetBytes("{\"as\": \"planned\"}"));
        var host = new SshDaemonHost(sshd.Target());

        Assert.Equal("TargetChanged", Assert.Throws<DockerTlsException>(() => host.Check(changes)).ErrorId);
        var e = Assert.Throws<DockerTlsException>(() => host.Commit(changes));

        Assert.Equal("TargetChanged", e.ErrorId);
        Assert.Equal(P("daemon.json"), e.Target);
        Assert.False(File.Exists(P("ca.pem")));
        Assert.Equal("{\"someone\": \"else\"}", File.ReadAllText(P("daemon.json")));
    }

    [Fact]
    public void ACommitTakesTheFolderLockALocalWriterTakesAndGivesUpWithTargetBusy()
    {
        if (!TestSshd.Available) return;
        File.WriteAllText(P("ca.pem"), "old ca");
        var changes = new HostFileChanges();
        changes.Add(new HostFileChange(P("ca.pem"), Encoding.ASCII.GetBytes("new ca"), HostFileKind.Certificate, FileModes.Certificate));
        changes.Expect(P("ca.pem"), Encoding.ASCII.GetBytes("old ca"));

        // Held by a local DockerTls writer (FolderLock, as FileTransaction takes it) for longer than the commit waits.
        using (FolderLock.Acquire(root, TimeSpan.FromSeconds(1)))
        {
            var host = new SshDaemonHost(sshd.Target()) { LockWait = TimeSpan.FromSeconds(2) };
            var e = Assert.Throws<DockerTlsException>(() => host.Commit(changes));

            Assert.Equal(FileSystemErrors.TargetBusy, e.ErrorId);
            Assert.Equal(P("ca.pem"), e.Target);
            Assert.Contains(P(FolderLock.FileName), e.Message);
            Assert.Equal("old ca", File.ReadAllText(P("ca.pem")));
            Assert.Equal(new[] { P(FolderLock.FileName) }, Directory.GetFiles(root, ".*")); // the holder's, and nothing staged
        }

        // Let go while the commit waits: it writes after that moment, and leaves no lock file behind.
        var holder = FolderLock.Acquire(root, TimeSpan.FromSeconds(1));
        var releasedAt = DateTime.MaxValue;
        var release = new System.Threading.Thread(() =>
        {
            System.Threading.Thread.Sleep(1500);
            releasedAt = DateTime.UtcNow;
            holder.Dispose();
        });
        release.Start();
        var waiting = new SshDaemonHost(sshd.Target()) { LockWait = TimeSpan.FromSeconds(20) };

        Assert.Equal(new[] { P("ca.pem") }, waiting.Commit(changes));
        Assert.True(release.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal("new ca", File.ReadAllText(P("ca.pem")));
        Assert.True(File.GetLastWriteTimeUtc(P("ca.pem")) >= releasedAt - TimeSpan.FromMilliseconds(20), "the file was written while the local writer held the folder");
        Assert.Empty(Directory.GetFiles(root, ".*"));
    }

    [Fact]
    public void CommitThenRunWritesThenRunsInTheSameLoginWithoutTheLocks()
    {
        if (!TestSshd.Available) return;
        File.WriteAllText(P("daemon.json"), "{}");
        var changes = new HostFileChanges();
        changes.Add(new HostFileChange(P("daemon.json"), Encoding.ASCII.GetBytes("{\"tls\": true}"), HostFileKind.Rewrite, FileModes.PublicFile));
        changes.Expect(P("daemon.json"), Encoding.ASCII.GetBytes("{}"));
        var host = new SshDaemonHost(sshd.Target());
        // The command sees the new file, holds none of the script's lock descriptors (a daemon it starts would keep the
        // folder locked), and prints a line shaped like the script's own failure line, which must not be read as one.
        var command = "cat \"$1\"; echo; for f in 3 4 5 6 7 8 9; do [ -e /proc/self/fd/$f ] && echo \"open $f\"; done; echo 'dockertls-fail TargetChanged 0'; exit 7";

        var (written, then) = host.CommitThenRun(changes, new[] { "sh", "-c", command, "sh", P("daemon.json") }, TimeSpan.FromSeconds(20));

        Assert.Equal(1, host.Connections);
        Assert.Equal(new[] { P("daemon.json") }, written);
        Assert.Equal(7, then.ExitCode);
        Assert.Equal("{\"tls\": true}\ndockertls-fail TargetChanged 0\n", then.Output);
        Assert.Empty(Directory.GetFiles(root, ".*"));

        // A commit that fails runs nothing after it.
        var stale = new HostFileChanges();
        stale.Add(new HostFileChange(P("daemon.json"), Encoding.ASCII.GetBytes("{}"), HostFileKind.Rewrite, FileModes.PublicFile));
        stale.Expect(P("daemon.json"), Encoding.ASCII.GetBytes("{\"as\": \"planned\"}"));
        var e = Assert.Throws<DockerTlsException>(() => host.CommitThenRun(stale, new[] { "touch", P("ran") }, TimeSpan.FromSeconds(20)));
        Assert.Equal("TargetChanged", e.ErrorId);
        Assert.False(File.Exists(P("ran")));
    }

    [Fact]
    public void EveryStagedFileAndTheJournalAreOnDiskBeforeTheFirstRenameAndTheJournalIsEmptiedBeforeTheOldFilesGo()
    {
        if (!TestSshd.Available || !File.Exists("/usr/bin/strace")) return;
        File.WriteAllText(P("ca.pem"), "old ca");
        var changes = new HostFileChanges();
        changes.Add(new HostFileChange(P("ca.pem"), Encoding.ASCII.GetBytes("new ca"), HostFileKind.Certificate, FileModes.Certificate));
        changes.Add(new HostFileChange(P("key.pem"), Encoding.ASCII.GetBytes("key"), HostFileKind.Key, FileModes.Key));
        changes.Expect(P("ca.pem"), Encoding.ASCII.GetBytes("old ca"));
        var log = P("strace.txt");
        // strace on sshd sees every process of the login; -y names the file behind each descriptor.
        var strace = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/strace",
            $"-f -y -qq -e trace=openat,fsync,fdatasync,rename,renameat,renameat2,unlink,unlinkat -o {log} -p {sshd.Pid}") { UseShellExecute = false, RedirectStandardError = true })!;
        try
        {
            System.Threading.Thread.Sleep(1000); // attached
            Assert.Equal(2, new SshDaemonHost(sshd.Target()).Commit(changes).Count);
        }
        finally
        {
            TestSshd.Run("kill", "-INT", strace.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            strace.WaitForExit(10000);
        }

        var calls = File.ReadAllLines(log).Where(l => l.Contains(root, StringComparison.Ordinal)).ToList();
        int First(Func<string, bool> match) => calls.FindIndex(l => match(l));
        int Last(Func<string, bool> match) => calls.FindLastIndex(l => match(l));
        bool IsRename(string l) => l.Contains("rename", StringComparison.Ordinal) && l.Contains(".tmp", StringComparison.Ordinal);
        var firstRename = First(IsRename);
        Assert.True(firstRename >= 0, "no rename of a staged file was seen:\n" + string.Join("\n", calls));
        foreach (var name in new[] { ".ca.pem.", ".key.pem." })
        {
            var synced = First(l => l.Contains("sync(", StringComparison.Ordinal) && l.Contains("/" + name, StringComparison.Ordinal));
            Assert.True(synced >= 0 && synced < firstRename, $"{name} was not synced before the first rename:\n" + string.Join("\n", calls));
        }

        bool IsFolderSync(string l) => l.Contains("sync(", StringComparison.Ordinal) && l.Contains("<" + root + ">", StringComparison.Ordinal);
        var folderSynced = calls.FindIndex(Last(IsRename) + 1, l => IsFolderSync(l));
        Assert.True(folderSynced > 0, "the folder was not synced after the last rename:\n" + string.Join("\n", calls));

        // The journal: on disk before the first rename; emptied once the renames are synced, and that synced, before the old file kept for a roll-back goes.
        bool IsJournalSync(string l) => l.Contains("sync(", StringComparison.Ordinal) && l.Contains("/" + FileJournal.FileName + ">", StringComparison.Ordinal);
        var journalSynced = First(IsJournalSync);
        Assert.True(journalSynced >= 0 && journalSynced < firstRename, "the journal was not synced before the first rename:\n" + string.Join("\n", calls));
        var emptied = calls.FindIndex(folderSynced + 1, l => l.Contains("openat(", StringComparison.Ordinal) && l.Contains("/" + FileJournal.FileName + "\"", StringComparison.Ordinal) && l.Contains("O_TRUNC", StringComparison.Ordinal));
        Assert.True(emptied > folderSynced, "the journal was not emptied after the renames were synced:\n" + string.Join("\n", calls));
        var journalVoided = calls.FindIndex(emptied + 1, l => IsJournalSync(l));
        Assert.True(journalVoided > folderSynced, "the emptied journal was not synced after the renames were:\n" + string.Join("\n", calls));
        var keptGone = Last(l => l.Contains("unlink", StringComparison.Ordinal) && l.Contains("/.ca.pem.", StringComparison.Ordinal));
        Assert.True(keptGone > journalVoided, "the old file kept for a roll-back went before the journal was emptied:\n" + string.Join("\n", calls));
        Assert.True(Last(l => l.Contains("unlink", StringComparison.Ordinal) && l.Contains("/" + FileJournal.FileName + "\"", StringComparison.Ordinal)) > journalVoided, "the journal was not removed:\n" + string.Join("\n", calls));
        File.Delete(log);
    }

    [Fact]
    public void EightCommitsAtOnceLeaveOneWritersWholeSet()
    {
        if (!TestSshd.Available) return;
        for (var round = 0; round < 4; round++)
        {
            File.WriteAllText(P("a.pem"), "old");
            File.WriteAllText(P("b.pem"), "old");
            var barrier = new System.Threading.Barrier(8);
            var outcomes = new string[8];
            var writers = Enumerable.Range(0, 8).Select(w => new System.Threading.Thread(() =>
            {
                // Each writer planned from the same old files; a large file makes the staging between its checks and its renames last.
                var changes = new HostFileChanges();
                changes.Add(new HostFileChange(P("a.pem"), Encoding.ASCII.GetBytes($"writer {w} " + new string('a', 512 * 1024)), HostFileKind.Certificate, FileModes.Certificate));
                changes.Add(new HostFileChange(P("b.pem"), Encoding.ASCII.GetBytes($"writer {w}"), HostFileKind.Certificate, FileModes.Certificate));
                changes.Expect(P("a.pem"), Encoding.ASCII.GetBytes("old"));
                changes.Expect(P("b.pem"), Encoding.ASCII.GetBytes("old"));
                var host = new SshDaemonHost(sshd.Target());
                barrier.SignalAndWait();
                try { host.Commit(changes); outcomes[w] = "written"; }
                catch (DockerTlsException e) { outcomes[w] = e.ErrorId; }
            })).ToList();
            writers.ForEach(t => t.Start());
            writers.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(60))));

            Assert.Equal(1, outcomes.Count(o => o == "written"));
            Assert.All(outcomes.Where(o => o != "written"), o => Assert.Equal("TargetChanged", o));
            var winner = Array.IndexOf(outcomes, "written");
            Assert.Equal($"writer {winner}", File.ReadAllText(P("b.pem")));
            Assert.StartsWith($"writer {winner} ", File.ReadAllText(P("a.pem")));
            Assert.Empty(Directory.GetFiles(root, ".*"));
        }
    }

    [Fact]
    public void AFullDiskInTheMiddlePutsBackEveryFileAndLeavesNoTemporaryFile()
    {
        if (!TestSshd.Available) return;
        Directory.CreateDirectory(P("small"));
        TestSshd.Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", P("small"));
        try
        {
            File.WriteAllText(P("a.pem"), "old a");
            var changes = new HostFileChanges();
            changes.Add(new HostFileChange(P("a.pem"), Encoding.ASCII.GetBytes("new a"), HostFileKind.Certificate, FileModes.Certificate));
            changes.Add(new HostFileChange(P("small/big.json"), new byte[512 * 1024], HostFileKind.Rewrite, FileModes.PublicFile));
            var host = new SshDaemonHost(sshd.Target());

            var e = Assert.Throws<DockerTlsException>(() => host.Commit(changes));

            Assert.Equal(SshErrorIds.HostWriteFailed, e.ErrorId);
            Assert.Equal(P("small/big.json"), e.Target);
            Assert.Equal("old a", File.ReadAllText(P("a.pem")));
            Assert.False(File.Exists(P("small/big.json")));
            Assert.Empty(Directory.GetFiles(root, ".*", SearchOption.AllDirectories));
        }
        finally
        {
            TestSshd.Run("umount", P("small"));
        }
    }

    [Fact]
    public void AConnectionCutInTheMiddleOfTheTransferLeavesTheOldFilesAndNothingElse()
    {
        if (!TestSshd.Available) return;
        File.WriteAllText(P("daemon.json"), "old");
        File.WriteAllText(P("ca.pem"), "old ca");
        var changes = new HostFileChanges();
        changes.Add(new HostFileChange(P("ca.pem"), Encoding.ASCII.GetBytes("new ca"), HostFileKind.Certificate, FileModes.Certificate));
        changes.Add(new HostFileChange(P("daemon.json"), new byte[2 << 20], HostFileKind.Rewrite, FileModes.PublicFile));
        var proxy = Path.Combine(Support(), "cut_proxy.py");
        var host = new SshDaemonHost(sshd.Target(null, null, ("ProxyCommand", $"python3 {proxy} %h %p 1000000")));

        var e = Assert.Throws<DockerTlsException>(() => host.Commit(changes));

        Assert.Equal(SshErrorIds.SshTransferFailed, e.ErrorId);
        Assert.Equal("old", File.ReadAllText(P("daemon.json")));
        Assert.Equal("old ca", File.ReadAllText(P("ca.pem")));
        Assert.Empty(Directory.GetFiles(root, ".*", SearchOption.AllDirectories));
    }

    [Fact]
    public void AnUnknownAChangedOrAnUncheckedHostKeyAndAClosedPortAreTheirOwnErrors()
    {
        if (!TestSshd.Available) return;
        File.WriteAllText(P("empty_known_hosts"), string.Empty);
        TestSshd.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", P("other_key"));
        File.WriteAllText(P("wrong_known_hosts"), $"[127.0.0.1]:{sshd.Port} {File.ReadAllText(P("other_key.pub")).Trim()}\n");

        DockerTlsException Fails(SshTarget target) => Assert.Throws<DockerTlsException>(() => new SshDaemonHost(target).Exists("/etc"));

        Assert.Equal(SshErrorIds.SshHostKeyUnknown, Fails(sshd.Target(P("empty_known_hosts"))).ErrorId);
        Assert.Equal(SshErrorIds.SshHostKeyChanged, Fails(sshd.Target(P("wrong_known_hosts"))).ErrorId);
        Assert.Equal(SshErrorIds.SshUnreachable, Fails(sshd.Target(null, TestSshd.FreePort())).ErrorId);
        Assert.Equal(SshErrorIds.SshHostKeyCheckingOff, Assert.Throws<DockerTlsException>(() => sshd.Target(null, null, ("StrictHostKeyChecking", "no"))).ErrorId);
        Assert.Equal(SshErrorIds.SshTargetInvalid, Assert.Throws<DockerTlsException>(() => new SshTarget("-oProxyCommand=x")).ErrorId);
        Assert.Empty(File.ReadAllText(P("empty_known_hosts")));
    }

    [Fact]
    public void RunPassesEveryWordAsItIsAndIsBoundedInTime()
    {
        if (!TestSshd.Available) return;
        var host = new SshDaemonHost(sshd.Target());

        var result = host.Run(new[] { "printf", "[%s]", "a b", "$(id)", "it's", "x\ny" }, TimeSpan.FromSeconds(20));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("[a b][$(id)][it's][x\ny]", result.Output.TrimEnd('\n'));
        Assert.Equal(3, host.Run(new[] { "sh", "-c", "exit 3" }, TimeSpan.FromSeconds(20)).ExitCode);

        var started = DateTime.UtcNow;
        var slow = host.Run(new[] { "sleep", "30" }, TimeSpan.FromSeconds(1));
        Assert.True(slow.TimedOut);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));
    }

    private static string Stat(string format, string path) => TestSshd.Run("stat", "-c", format, "--", path).Trim();

    private static string Support()
    {
        var core = LayerTests.CoreSource();
        return Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(core))!, "tests", "Support");
    }
}
