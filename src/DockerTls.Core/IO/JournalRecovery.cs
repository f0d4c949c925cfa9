using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DockerTls.Core.IO;

/// <summary>
/// Finishes what a killed commit left (Unix): takes the locks of the folders a commit will write and of every folder a
/// <see cref="FileJournal"/> found there names, in one ordinal order for every writer (no deadlock), and rolls each
/// interrupted set back to its old files before anything else is done. Back, not forward: a killed run is a failed run,
/// and a failure in the rename phase puts back the old set too, so "all or none" means one thing; the old files are on
/// disk by construction (kept before the journal is written), and rolling back is idempotent, so a kill during the
/// roll-back itself (the commit's own or this one) is finished by the next run. A set whose journal is missing from
/// one of its folders is either still being journaled (no rename yet) or already removing its journals (every rename
/// done and durable): its files are whole either way, and only the journals and stale files are removed.
/// </summary>
internal static class JournalRecovery
{
    /// <summary>The roll-back's words for -Verbose, after the path: what an interrupted run's file became.</summary>
    public const string RestoredNote = "put back: an interrupted run's set was rolled back";
    public const string RemovedNote = "removed: an interrupted run had made it, and its set was rolled back";

    /// <summary>
    /// Locks <paramref name="folders"/> (which exist) and every folder their journals name, rolls back every interrupted
    /// set found, and returns the locks, held by the caller to its last rename; <paramref name="report"/> is told each
    /// file put back or removed.
    /// </summary>
    public static List<FolderLock> ClaimAndRecover(IEnumerable<string> folders, Action<string, string> report)
    {
        var wanted = new SortedSet<string>(folders, StringComparer.Ordinal);
        for (var attempt = 0; attempt < 4; attempt++)
        {
            // Read before the locks only to learn which folders to lock; read again, and acted on, under them.
            foreach (var folder in wanted.ToList()) wanted.UnionWith(Named(folder));
            var locks = new List<FolderLock>();
            try
            {
                foreach (var folder in wanted.Where(Directory.Exists)) locks.Add(FolderLock.Acquire(folder, FolderLock.DefaultWait));
                var journals = wanted.Where(Directory.Exists).Select(FileJournal.Read).Where(j => j is not null).Select(j => j!).ToList();
                var more = journals.SelectMany(j => j.Folders).Where(f => !wanted.Contains(f)).ToList();
                if (more.Count == 0)
                {
                    foreach (var journal in journals.GroupBy(j => j.Id).Select(g => g.First())) RollBack(journal, report);
                    return locks;
                }

                wanted.UnionWith(more); // a set that reaches a folder not locked yet: all of them, in order, from the start
            }
            catch
            {
                foreach (var claim in locks) claim.Dispose();
                throw;
            }

            foreach (var claim in locks) claim.Dispose();
        }

        throw FileSystemErrors.Busy(wanted.First(), FolderLock.DefaultWait);
    }

    /// <summary>Rolls back what a killed run left in any of <paramref name="folders"/>, if a journal is there; holds no lock after.</summary>
    public static void RecoverIn(IEnumerable<string> folders, Action<string, string> report)
    {
        var existing = folders.Where(Directory.Exists).ToList();
        if (!existing.Any(f => UnixFileCalls.Stat(FileJournal.PathIn(f), followLinks: false) is not null)) return;
        foreach (var claim in ClaimAndRecover(existing, report)) claim.Dispose();
    }

    private static IEnumerable<string> Named(string folder) =>
        Directory.Exists(folder) ? FileJournal.Read(folder)?.Folders ?? Array.Empty<string>() : Array.Empty<string>();

    // Under the locks of every folder of the set. Each step can be repeated: the journals go last.
    private static void RollBack(FileJournal journal, Action<string, string> report)
    {
        var here = journal.Folders.Where(f => Directory.Exists(f) && FileJournal.Read(f)?.Id == journal.Id).ToList();
        if (!journal.IsDamaged && here.Count == journal.Folders.Count)
        {
            for (var i = journal.Entries.Count - 1; i >= 0; i--) RollBack(journal.Entries[i], report);
        }

        foreach (var folder in journal.Folders.Where(Directory.Exists)) StaleFiles.Remove(folder); // all locked: no live writer's

        journal.Remove();
    }

    private static void RollBack(JournalEntry entry, Action<string, string> report)
    {
        if (Exists(entry.Staged))
        {
            // Never moved: the target is as it was.
            Unlink(entry.Staged, entry.Target);
            if (entry.Kept is not null && Exists(entry.Kept)) Unlink(entry.Kept, entry.Target);
            return;
        }

        if (entry.Kept is not null)
        {
            if (!Exists(entry.Kept)) return; // put back already
            NativeMethods.Rename(entry.Kept, entry.Target);
            report(entry.Target, RestoredNote);
        }
        else if (!entry.Existed && Exists(entry.Target))
        {
            Unlink(entry.Target, entry.Target);
            report(entry.Target, RemovedNote);
        }
    }

    private static bool Exists(string path) => UnixFileCalls.Stat(path, followLinks: false) is not null;

    private static void Unlink(string path, string target)
    {
        if (UnixFileCalls.Unlink(path) == 0) return;
        var errno = System.Runtime.InteropServices.Marshal.GetLastWin32Error();
        if (errno != 2) throw FileSystemErrors.FromCode(errno, target, "roll back");
    }
}
