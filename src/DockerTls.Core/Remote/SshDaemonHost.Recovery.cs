using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;

namespace DockerTls.Core.Remote;

/// <summary>
/// A set that a killed run left half renamed on the host (its <see cref="FileJournal"/> is there, written by a commit
/// over SSH or by DockerTls on the host) is rolled back to its old files before a writing run plans anything, as a local
/// write does (<see cref="JournalRecovery"/>): the first snapshot reads the journal of every folder it looks at, the
/// journals of the other folders they name are read too, and one script rolls back under all their locks; the
/// snapshot is then taken again.
/// </summary>
public sealed partial class SshDaemonHost
{
    private readonly List<(string Path, string Note)> recovered = new();

    /// <summary>
    /// When true, the first snapshot rolls back what a killed run left half renamed in the folders it reads (a writing
    /// run); -WhatIf leaves it false and reads the host as it is.
    /// </summary>
    public bool RecoversInterrupted { get; set; }

    /// <summary>Each file that roll-back put back or removed, with its note (<see cref="JournalRecovery.RestoredNote"/>, <see cref="JournalRecovery.RemovedNote"/>).</summary>
    public IReadOnlyList<(string Path, string Note)> Recovered => recovered;

    // The journals the first snapshot reads: one in each folder it lists or reads a file in (and, by the snapshot's
    // script, one in each folder that a file it reads is a link into).
    private IEnumerable<string> JournalPaths() =>
        prefetchFolders.Select(f => f.Folder).Concat(prefetchFiles.Select(HostSnapshot.FolderOf)).Distinct(StringComparer.Ordinal)
            .Select(f => HostSnapshot.Join(f, FileJournal.FileName));

    // After the first snapshot: true when a killed run's set was rolled back (what the snapshot read is then stale).
    private bool RecoverInterrupted()
    {
        var seen = new SortedDictionary<string, (string? Sha256, FileJournal? Journal)>(StringComparer.Ordinal);
        var found = entries.Where(e => e.Key.EndsWith("/" + FileJournal.FileName, StringComparison.Ordinal) && e.Value.Kind != HostEntryKind.Missing);
        var wanted = new SortedSet<string>(found.Select(e => HostSnapshot.FolderOf(e.Key)), StringComparer.Ordinal);
        if (wanted.Count == 0) return false;
        for (var round = 0; round < 8; round++) // each round reads the folders the last one's journals named (a set spans at most 7)
        {
            var next = wanted.Where(f => !seen.ContainsKey(f)).ToList();
            if (next.Count == 0) break;
            foreach (var folder in next)
            {
                var bytes = TryReadFile(HostSnapshot.Join(folder, FileJournal.FileName), FileJournal.Cap);
                var journal = bytes is null ? null : FileJournal.OnHost(folder, bytes);
                seen[folder] = (bytes is null ? null : HostFileScript.Sha256(bytes), journal);
                if (journal is not null) wanted.UnionWith(journal.Folders);
            }
        }

        // A set is rolled back where every folder it names holds its journal; else it was still being journaled (no
        // rename yet) or already removing them (every rename durable), and only its journals and leftovers go.
        var whole = seen.Values.Where(s => s.Journal is not null).Select(s => s.Journal!).GroupBy(j => j.Id).Select(g => g.First())
            .Where(j => j.Folders.All(f => seen.TryGetValue(f, out var s) && s.Journal?.Id == j.Id)).ToList();
        var folders = seen.Select(s => (s.Key, s.Value.Sha256)).ToList();
        var targets = new List<string>();
        var script = HostJournalScript.Recovery(folders, whole, LockWait, targets);
        var open = session;
        session = null;
        var outcome = open is null ? Ssh(script, Timeout) : open.End(script, Timeout);
        Forget();
        keptOpen = false; // the next snapshot opens the commit's login
        var lines = Encoding.UTF8.GetString(outcome.Stdout).Split('\n');
        var failure = lines.FirstOrDefault(l => l.StartsWith(HostFileScript.Failed + " ", StringComparison.Ordinal));
        if (failure is not null) throw RecoveryError(failure, folders.Select(f => f.Key).ToList(), outcome.LastErrorLine);
        if (!lines.Contains(HostFileScript.Done)) throw Cut(outcome);
        foreach (var line in lines)
        {
            var fields = line.Split(' ');
            if (fields.Length != 2 || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var i) || i >= targets.Count) continue;
            if (fields[0] == HostJournalScript.Restored) recovered.Add((targets[i], JournalRecovery.RestoredNote));
            else if (fields[0] == HostJournalScript.Removed) recovered.Add((targets[i], JournalRecovery.RemovedNote));
        }

        return true;
    }

    private DockerTlsException RecoveryError(string line, IReadOnlyList<string> folders, string words)
    {
        var fields = line.Split(' ');
        var index = fields.Length > 2 && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < folders.Count ? i : 0;
        var path = HostSnapshot.Join(folders[index], FileJournal.FileName);
        var shown = $"'{Show(path)}' on {Name}";
        return (fields.Length > 1 ? fields[1] : string.Empty) switch
        {
            "TargetChanged" => new DockerTlsException("TargetChanged", ErrorKind.InvalidOperation,
                $"{shown}, the journal of a DockerTls run that was interrupted there, changed while this run read it (another command acted on it meanwhile). Nothing was written. Run again.", path),
            "JournalRefused" => new DockerTlsException("JournalRefused", ErrorKind.SecurityError,
                $"{shown} is not a journal of DockerTls that may be acted on: it is not a regular file owned by root with mode 0600. Nothing was changed. Remove it if you know where it came from, then run again.", path),
            FileSystemErrors.TargetBusy => new DockerTlsException(FileSystemErrors.TargetBusy, ErrorKind.ResourceUnavailable,
                $"Another DockerTls command is writing in '{Show(folders[index])}' on {Name} (it has held the folder's lock for more than {LockWait.TotalSeconds:0} s). Nothing was written. Wait for it to finish, then run again.", path),
            _ => new DockerTlsException(SshErrorIds.HostWriteFailed, ErrorKind.ResourceUnavailable,
                $"Rolling back the files an interrupted DockerTls run left in '{Show(folders[index])}' on {Name} failed ({words}). Nothing else was written; the next run finishes the roll-back. Check the disk there, then run again.", path),
        };
    }
}
