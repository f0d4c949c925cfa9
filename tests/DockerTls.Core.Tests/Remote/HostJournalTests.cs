using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.Daemon;
using DockerTls.Core.IO;
using DockerTls.Core.Remote;
using Xunit;

namespace DockerTls.Core.Tests.Remote;

/// <summary>
/// The journal of a commit over SSH (HostJournalScript): its script killed after any of its renames, as kill -9 or a
/// power cut leaves it (a stand-in mv first on the script's PATH kills the script's own sh at its k-th rename: the one
/// stand-in, for a kill at an exact instruction), then the next writing run over SSH, or DockerTls on the host, puts
/// the whole old set back; and the reverse, a killed local commit rolled back over SSH. Two folders, one with a
/// hostile name, a file new in the set. Linux as root with sshd only (CI); elsewhere these tests return at once.
/// </summary>
[Collection("sshd")]
public sealed class HostJournalTests : IClassFixture<TestSshd>, IDisposable
{
    private const string Hostile = "it's $(touch PWNED) `id`\nline -x";
    private static readonly FileCap Cap = new("a test file", 1 << 20);
    private readonly TestSshd sshd;
    private readonly string root;

    public HostJournalTests(TestSshd sshd)
    {
        this.sshd = sshd;
        root = Path.Combine(sshd.Folder, "journal-" + Guid.NewGuid().ToString("N").Substring(0, 6));
        Directory.CreateDirectory(Path.Combine(root, "x"));
        Directory.CreateDirectory(Path.Combine(root, Hostile));
    }

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    // The set: x/a.pem (a certificate that was there), x/c.pem (new in the set), Hostile/b.pem (a key that was there).
    private string A => Path.Combine(root, "x", "a.pem");
    private string C => Path.Combine(root, "x", "c.pem");
    private string B => Path.Combine(root, Hostile, "b.pem");
    private string[] Folders => new[] { Path.Combine(root, "x"), Path.Combine(root, Hostile) };

    private void WriteOldSet()
    {
        foreach (var f in Folders.SelectMany(Directory.GetFiles)) File.Delete(f);
        File.WriteAllText(A, "old a");
        File.WriteAllText(B, "old b");
    }

    private HostFileChanges NewSet()
    {
        var changes = new HostFileChanges();
        changes.Add(new HostFileChange(A, Encoding.ASCII.GetBytes("new a"), HostFileKind.Certificate, FileModes.Certificate));
        changes.Add(new HostFileChange(C, Encoding.ASCII.GetBytes("new c"), HostFileKind.Certificate, FileModes.Certificate));
        changes.Add(new HostFileChange(B, Encoding.ASCII.GetBytes("new b"), HostFileKind.Key, FileModes.Key));
        return changes;
    }

    // The commit's script run by the host's sh as ssh runs it, its k-th mv killing that sh before it renames.
    private void KilledAtRename(int k, HostFileChanges? set = null)
    {
        var counter = Path.Combine(root, "mv-count");
        File.WriteAllText(counter, "0");
        KilledBy("mv", $"n=$(cat '{counter}'); n=$((n + 1)); echo $n >'{counter}'\nif [ $n -ge {k} ]; then kill -9 $PPID; exit 1; fi\n", set);
        File.Delete(counter);
    }

    // The commit's script run by the host's sh as ssh runs it, a stand-in for command (first on its PATH) running
    // killer's sh first, which kills that sh where it must.
    private void KilledBy(string command, string killer, HostFileChanges? set = null)
    {
        var bin = Path.Combine(root, "bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, command), $"#!/bin/sh\n{killer}exec /bin/{command} \"$@\"\n");
        TestSshd.Run("chmod", "755", Path.Combine(bin, command));
        var start = new ProcessStartInfo("/bin/sh", "-s") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
        start.Environment["PATH"] = bin + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        using var sh = Process.Start(start)!;
        var script = HostFileScript.Commit(set ?? NewSet());
        sh.StandardInput.BaseStream.Write(script, 0, script.Length);
        sh.StandardInput.Close();
        var output = sh.StandardOutput.ReadToEnd();
        Assert.True(sh.WaitForExit(30000));
        Assert.Equal(137, sh.ExitCode); // killed, not failed: no roll-back of its own ran
        Assert.DoesNotContain(HostFileScript.Done, output);
        Directory.Delete(bin, recursive: true);
    }

    private void AssertOldSetAndNothingElse()
    {
        Assert.Equal("old a", File.ReadAllText(A));
        Assert.Equal("old b", File.ReadAllText(B));
        Assert.False(File.Exists(C));
        Assert.Equal(new[] { A, B }.OrderBy(p => p, StringComparer.Ordinal), Folders.SelectMany(Directory.GetFileSystemEntries).OrderBy(p => p, StringComparer.Ordinal));
    }

    // Every name in the set's folders but the lock files (the killed script's stay; a run that takes a lock removes it).
    private List<string> Entries() =>
        Folders.SelectMany(Directory.GetFileSystemEntries).Where(p => Path.GetFileName(p) != FolderLock.FileName).OrderBy(p => p, StringComparer.Ordinal).ToList();

    private SshDaemonHost Host(bool recovers)
    {
        var host = new SshDaemonHost(sshd.Target()) { RecoversInterrupted = recovers };
        host.Prefetch(new[] { A, B, C }, Folders.Select(f => (f, false)));
        return host;
    }

    [Fact]
    public void AScriptKilledAfterAnyRenameIsRolledBackToTheOldSetByTheNextWritingRunOverSsh()
    {
        if (!TestSshd.Available) return;
        for (var k = 1; k <= 3; k++)
        {
            WriteOldSet();
            KilledAtRename(k);
            // Killed at its k-th rename: k - 1 files are the new ones, and the journal is in both folders (0600).
            Assert.Equal(k > 1 ? "new a" : "old a", File.ReadAllText(A));
            Assert.Equal(k > 2, File.Exists(C));
            Assert.Equal("old b", File.ReadAllText(B));
            foreach (var folder in Folders) Assert.Equal("0600", FileModes.Format(FileModes.GetUnixMode(Path.Combine(folder, FileJournal.FileName))!.Value));

            var host = Host(recovers: true);
            Assert.Equal("old a", Encoding.ASCII.GetString(host.TryReadFile(A, Cap)!)); // what the plan reads is the old set
            Assert.Null(host.TryReadFile(C, Cap));

            AssertOldSetAndNothingElse();
            var expected = new List<(string, string)>();
            if (k > 2) expected.Add((C, JournalRecovery.RemovedNote));
            if (k > 1) expected.Add((A, JournalRecovery.RestoredNote));
            Assert.Equal(expected, host.Recovered);
            Assert.False(File.Exists(Path.Combine(root, "x", "PWNED")));

            // The next commit over the same host writes the whole new set.
            host.Commit(NewSet());
            Assert.Equal("new b", File.ReadAllText(B));
            Assert.Equal("new c", File.ReadAllText(C));
        }
    }

    [Fact]
    public void AScriptKilledAfterItsRenamesWereDurableKeepsTheNewSetAndTheNextRunClearsWhatItLeft()
    {
        if (!TestSshd.Available) return;
        WriteOldSet();
        // Killed at its last rm (the old files kept for a roll-back, the journals): every rename is durable and the journals are empty.
        KilledBy("rm", $"case \"$*\" in *{FileJournal.FileName}*) kill -9 $PPID; exit 1;; esac\n");
        foreach (var folder in Folders) Assert.Equal(0, new FileInfo(Path.Combine(folder, FileJournal.FileName)).Length);
        Assert.Contains(Entries(), p => Path.GetFileName(p).StartsWith(".a.pem.", StringComparison.Ordinal)); // the old a, kept

        var host = Host(recovers: true);
        Assert.Equal("new a", Encoding.ASCII.GetString(host.TryReadFile(A, Cap)!)); // an empty journal is not a set to roll back

        Assert.Empty(host.Recovered);
        Assert.Equal(new[] { A, C, B }.OrderBy(p => p, StringComparer.Ordinal), Entries());
        Assert.Equal("new b", File.ReadAllText(B));
        Assert.Equal("new c", File.ReadAllText(C));
        host.Commit(NewSet()); // and the next commit is not refused for a journal found
    }

    [Fact]
    public void ASetWrittenThroughALinkIntoAFolderTheRunDoesNotReadIsRolledBackToo()
    {
        if (!TestSshd.Available) return;
        // x/r.json is a link into z (daemon.json kept elsewhere); the set is z/r.json (rewritten through the link) and
        // z/e.pem (new), so its one journal is in z, a folder the run lists no file of.
        var z = Path.Combine(root, "z" + Hostile); // a hostile name on the path the link resolves to
        Directory.CreateDirectory(z);
        var linked = Path.Combine(z, "r.json");
        var link = Path.Combine(root, "x", "r.json");
        File.WriteAllText(linked, "old r");
        File.CreateSymbolicLink(link, linked);
        var set = new HostFileChanges();
        set.Add(new HostFileChange(link, Encoding.ASCII.GetBytes("new r"), HostFileKind.Rewrite, FileModes.PublicFile));
        set.Add(new HostFileChange(Path.Combine(z, "e.pem"), Encoding.ASCII.GetBytes("new e"), HostFileKind.Certificate, FileModes.Certificate));
        KilledAtRename(2, set);
        Assert.Equal("new r", File.ReadAllText(linked));
        Assert.True(File.Exists(Path.Combine(z, FileJournal.FileName)));
        Assert.False(File.Exists(Path.Combine(root, "x", FileJournal.FileName)));

        var host = new SshDaemonHost(sshd.Target()) { RecoversInterrupted = true };
        host.Prefetch(new[] { link }, new[] { (Path.Combine(root, "x"), false) });
        Assert.Equal("old r", Encoding.ASCII.GetString(host.TryReadFile(link, Cap)!));

        Assert.Equal(new[] { (linked, JournalRecovery.RestoredNote) }, host.Recovered);
        Assert.Equal(new[] { linked }, Directory.GetFileSystemEntries(z).Where(p => Path.GetFileName(p) != FolderLock.FileName));
        host.Commit(set); // not refused for a journal found
        Assert.Equal("new r", File.ReadAllText(linked));
        Assert.Equal("new e", File.ReadAllText(Path.Combine(z, "e.pem")));
        Assert.Equal(linked, new FileInfo(link).LinkTarget);
        Assert.False(File.Exists(Path.Combine(root, "x", "PWNED")) || File.Exists(Path.Combine(z, "PWNED")));
    }

    [Fact]
    public void WithoutRecoveryTheRunReadsTheHalfSetAsItIsAndWritesNothingOverTheJournal()
    {
        if (!TestSshd.Available) return;
        WriteOldSet();
        KilledAtRename(3);
        var before = Entries();

        var host = Host(recovers: false); // -WhatIf, or a journal left after the snapshot
        Assert.Equal("new a", Encoding.ASCII.GetString(host.TryReadFile(A, Cap)!));
        var e = Assert.Throws<DockerTlsException>(() => host.Commit(NewSet()));

        Assert.Equal("TargetChanged", e.ErrorId);
        Assert.Contains(FileJournal.FileName, e.Message, StringComparison.Ordinal);
        // The kept old files were not removed as leftovers: the next run can still roll back.
        Assert.Equal(before, Entries());
        Host(recovers: true).TryReadFile(A, Cap);
        AssertOldSetAndNothingElse();
    }

    [Fact]
    public void DockerTlsOnTheHostRollsBackWhatAKilledCommitOverSshLeft()
    {
        if (!TestSshd.Available) return;
        WriteOldSet();
        KilledAtRename(3);
        var reported = new List<string>();

        JournalRecovery.RecoverIn(new[] { Folders[1] }, (path, note) => reported.Add(path));

        AssertOldSetAndNothingElse();
        Assert.Equal(new[] { C, A }, reported);
    }

    [Fact]
    public void AKilledLocalCommitIsRolledBackOverSsh()
    {
        if (!TestSshd.Available) return;
        WriteOldSet();
        var local = new FileTransaction(overwrite: true);
        local.AddCertificate(A, Encoding.ASCII.GetBytes("new a"));
        local.AddCertificate(C, Encoding.ASCII.GetBytes("new c"));
        local.AddKey(B, Encoding.ASCII.GetBytes("new b"));
        var commit = local.Begin();
        commit.Prepare();
        commit.MoveNext();
        commit.MoveNext();
        commit.Abandon(); // as kill -9 leaves it: two of three renamed, the journals there

        Host(recovers: true).TryReadFile(A, Cap);

        AssertOldSetAndNothingElse();
    }

    [Theory]
    [InlineData("mode 0644")]
    [InlineData("a link")]
    public void AJournalThatIsNotRootsPrivateFileIsRefusedAndNothingChanges(string what)
    {
        if (!TestSshd.Available) return;
        WriteOldSet();
        KilledAtRename(3);
        var journal = Path.Combine(Folders[0], FileJournal.FileName);
        if (what == "a link")
        {
            File.Move(journal, journal + ".real");
            File.CreateSymbolicLink(journal, journal + ".real");
        }
        else
        {
            TestSshd.Run("chmod", "644", journal);
        }

        var before = Entries();

        var e = Assert.Throws<DockerTlsException>(() => Host(recovers: true).TryReadFile(A, Cap));

        Assert.Equal("JournalRefused", e.ErrorId);
        Assert.Equal(before, Entries());
        Assert.Equal("new a", File.ReadAllText(A));
    }
}
