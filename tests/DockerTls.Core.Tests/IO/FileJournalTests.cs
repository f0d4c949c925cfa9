using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests.IO;

/// <summary>
/// A commit stopped after its k-th rename, for every k, as <c>kill -9</c> leaves it (the locks go, nothing is undone),
/// then the next run: every target holds the whole old set, byte for byte and with its mode, and no staged file, kept
/// file, journal or lock file is left. Also a kill while the journals are written or removed, a live writer's journal,
/// and journals planted by someone else. Unix only: Windows writes no journal.
/// </summary>
public class FileJournalTests
{
    // Three folders; c/new.pem is new in the second set, a/ca.pem a certificate, the rest keys.
    private static readonly string[] OldNames = { "a/ca.pem", "a/key.pem", "b/cert.pem", "b/key.pem", "c/ca.pem" };
    private static readonly string[] NewNames = OldNames.Concat(new[] { "c/new.pem" }).ToArray();

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    private static FileTransaction Set(TempFolder temp, string generation, string[] names, bool overwrite)
    {
        var transaction = new FileTransaction(overwrite);
        foreach (var name in names)
        {
            if (name.EndsWith("ca.pem", StringComparison.Ordinal)) transaction.AddCertificate(temp.Combine(name), Bytes($"{generation} {name}"));
            else transaction.AddKey(temp.Combine(name), Bytes($"{generation} {name}"));
        }

        return transaction;
    }

    // Prepared (journaled) and moved k files, then killed.
    private static FileCommit KilledAfter(TempFolder temp, int renames)
    {
        Set(temp, "old", OldNames, overwrite: false).Commit();
        var commit = Set(temp, "new", NewNames, overwrite: true).Begin();
        commit.Prepare();
        for (var i = 0; i < renames; i++) commit.MoveNext();
        commit.Abandon();
        return commit;
    }

    private static void AssertWholeSet(TempFolder temp, string generation)
    {
        foreach (var name in generation == "old" ? OldNames : NewNames)
        {
            Assert.Equal($"{generation} {name}", File.ReadAllText(temp.Combine(name)));
            Assert.Equal(name.EndsWith("ca.pem", StringComparison.Ordinal) ? "0444" : "0400", FileModes.Format(FileModes.GetUnixMode(temp.Combine(name))!.Value));
        }

        if (generation == "old") Assert.False(File.Exists(temp.Combine("c/new.pem")));
    }

    // Only the set's files: no staged or kept file, no journal, no lock file.
    private static void AssertNoLeftovers(TempFolder temp, string generation)
    {
        var expected = (generation == "old" ? OldNames : NewNames).Select(temp.Combine).OrderBy(p => p, StringComparer.Ordinal);
        var found = new[] { "a", "b", "c" }.SelectMany(f => Directory.GetFileSystemEntries(temp.Combine(f))).OrderBy(p => p, StringComparer.Ordinal);
        Assert.Equal(expected, found);
    }

    private static List<string> Recover(TempFolder temp, string folder)
    {
        var reported = new List<string>();
        JournalRecovery.RecoverIn(new[] { temp.Combine(folder) }, (path, note) => reported.Add($"{path} {note}"));
        return reported;
    }

    [Fact]
    public void AKillAfterAnyRenameIsRolledBackToTheWholeOldSetByTheNextRunOnAnyFolderOfTheSet()
    {
        if (OperatingSystem.IsWindows()) return;
        for (var renames = 0; renames <= NewNames.Length; renames++)
        {
            foreach (var folder in new[] { "a", "b", "c" })
            {
                using var temp = new TempFolder();
                KilledAfter(temp, renames);
                foreach (var f in new[] { "a", "b", "c" }) Assert.True(File.Exists(temp.Combine($"{f}/{FileJournal.FileName}")));
                var reported = Recover(temp, folder);
                AssertWholeSet(temp, "old");
                AssertNoLeftovers(temp, "old");
                Assert.Equal(renames, reported.Count);
                Assert.All(reported, line => Assert.Contains("rolled back", line));
            }
        }
    }

    [Fact]
    public void TheNextCommitRollsBackFirstThenWrites()
    {
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempFolder();
        KilledAfter(temp, 3);
        var next = new FileTransaction(overwrite: false);
        next.AddCertificate(temp.Combine("b/other.pem"), Bytes("other"));
        var notes = new List<string>();
        next.FileWritten += (path, note) => notes.Add(path + " " + note);
        next.Commit();
        AssertWholeSet(temp, "old");
        File.Delete(temp.Combine("b/other.pem"));
        AssertNoLeftovers(temp, "old");
        Assert.Equal(4, notes.Count); // three put back, then the file written
        Assert.Contains(notes, n => n.EndsWith(JournalRecovery.RestoredNote, StringComparison.Ordinal));
    }

    [Fact]
    public void AKillWhileTheJournalsAreRemovedLeavesTheWholeNewSet()
    {
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempFolder();
        var commit = KilledAfter(temp, NewNames.Length);
        File.Delete(temp.Combine($"a/{FileJournal.FileName}")); // Remove goes folder by folder, in order
        Assert.Empty(Recover(temp, "c"));
        AssertWholeSet(temp, "new");
        AssertNoLeftovers(temp, "new");
        GC.KeepAlive(commit);
    }

    [Fact]
    public void AKillWhileTheJournalsAreWrittenLeavesTheWholeOldSet()
    {
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempFolder();
        KilledAfter(temp, 0);
        // Written folder by folder: a's is in place, b's was cut short under its temporary name, c's never began.
        var b = temp.Combine($"b/{FileJournal.FileName}");
        var text = File.ReadAllText(b);
        File.Move(b, temp.Combine($"b/{FileJournal.FileName}.{Guid.NewGuid():N}.tmp"));
        File.WriteAllText(temp.Combine($"b/{FileJournal.FileName}.{Guid.NewGuid():N}.tmp"), text.Substring(0, text.Length / 2));
        File.Delete(temp.Combine($"c/{FileJournal.FileName}"));
        Assert.Empty(Recover(temp, "a")); // and the stale files of every folder of the set go
        AssertWholeSet(temp, "old");
        AssertNoLeftovers(temp, "old");
    }

    [Fact]
    public void APowerCutThatKeptTheJournalsButLostTheStagedAndKeptNamesLeavesTheWholeOldSet()
    {
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempFolder();
        KilledAfter(temp, 0);
        // The journals were made durable with their folders; a power cut before that may keep a journal and lose the
        // names of the staged files and of the links that keep the old ones (each folder is fsync'ed once, after its journal).
        foreach (var f in new[] { "a", "b", "c" })
            foreach (var entry in Directory.GetFileSystemEntries(temp.Combine(f)).Where(e => !OldNames.Select(temp.Combine).Contains(e) && !e.EndsWith(FileJournal.FileName, StringComparison.Ordinal) && !e.EndsWith(".lock", StringComparison.Ordinal)))
                File.Delete(entry);
        Assert.Empty(Recover(temp, "b"));
        AssertWholeSet(temp, "old");
        AssertNoLeftovers(temp, "old");
    }

    [Fact]
    public void AJournalCutShortIsRemovedWithTheStaleFiles()
    {
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempFolder();
        KilledAfter(temp, 0);
        foreach (var f in new[] { "a", "b", "c" })
        {
            var path = temp.Combine($"{f}/{FileJournal.FileName}");
            var text = File.ReadAllText(path);
            File.WriteAllText(path, text.Substring(0, text.Length - 4));
        }

        foreach (var f in new[] { "a", "b", "c" }) Recover(temp, f);
        AssertWholeSet(temp, "old");
        AssertNoLeftovers(temp, "old");
    }

    [Fact]
    public void ALiveWritersJournalIsLeftAlone()
    {
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempFolder();
        Set(temp, "old", OldNames, overwrite: false).Commit();
        var live = Set(temp, "new", NewNames, overwrite: true).Begin();
        live.Prepare();
        live.MoveNext();
        var wait = FolderLock.DefaultWait;
        FolderLock.DefaultWait = TimeSpan.FromMilliseconds(300);
        try
        {
            var error = Assert.Throws<DockerTlsException>(() => Recover(temp, "b"));
            Assert.Equal(FileSystemErrors.TargetBusy, error.ErrorId);
        }
        finally
        {
            FolderLock.DefaultWait = wait;
        }

        while (live.Pending > 0) live.MoveNext();
        live.Finish();
        live.Abandon();
        foreach (var f in new[] { "a", "b", "c" }) File.Delete(temp.Combine($"{f}/{FolderLock.FileName}"));
        AssertWholeSet(temp, "new");
        AssertNoLeftovers(temp, "new");
    }

    [Theory]
    [InlineData("mode 0644")]
    [InlineData("a link")]
    [InlineData("another user's")]
    [InlineData("a file outside the set")]
    [InlineData("a folder it was not found in")]
    public void AJournalThisUserDidNotWriteIsRefusedAndNothingIsTouched(string planted)
    {
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempFolder();
        KilledAfter(temp, 2);
        var journal = temp.Combine($"a/{FileJournal.FileName}");
        var text = File.ReadAllText(journal);
        switch (planted)
        {
            case "mode 0644": File.SetUnixFileMode(journal, (UnixFileMode)0x1A4); break;
            case "a link":
                File.Move(journal, temp.Combine("journal-elsewhere"));
                File.CreateSymbolicLink(journal, temp.Combine("journal-elsewhere"));
                break;
            case "another user's":
                if (UnixFileCalls.Geteuid() != 0) return; // only root can give a file away
                Assert.True(FileTransactionFaultTests.Run("chown", "65534:65534", journal));
                break;
            case "a file outside the set":
                File.WriteAllText(journal, text.Replace(Uri.EscapeDataString(temp.Combine("b/cert.pem")), Uri.EscapeDataString(temp.Combine("elsewhere/cert.pem"))));
                break;
            default:
                File.WriteAllText(journal, text.Replace("folder " + Uri.EscapeDataString(temp.Combine("a")) + "\n", "").Replace("end 9\n", "end 8\n"));
                break;
        }

        var before = Snapshot(temp);
        var error = Assert.Throws<DockerTlsException>(() => Recover(temp, "a"));
        Assert.Equal("JournalRefused", error.ErrorId);
        Assert.Contains(journal, error.Message);
        Assert.Equal(before, Snapshot(temp));
    }

    private static string Snapshot(TempFolder temp) =>
        string.Join("\n", Directory.GetFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => File.Exists(p) ? p + " " + Convert.ToBase64String(File.ReadAllBytes(p)) : p));
}
