using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;

namespace DockerTls.Core.Remote;

/// <summary>
/// The <see cref="FileJournal"/> on a host, in sh. The commit script writes the text a local commit writes (its
/// paths as they are, or every byte as <c>%xx</c> where a path holds anything but letters, digits, <c>/ . _ -</c>):
/// after every staged file and kept old file is on disk and before the first rename, into every folder of the set,
/// synced with its folder; it empties them, synced again, after the last rename is durable and before the old files
/// go, and removes them with those. So a host whose script was killed in its renames is rolled back to its old set by
/// the next writing run, whether that run comes over SSH (<see cref="Recovery"/>) or runs on the host
/// (<see cref="JournalRecovery"/>), and either side rolls back the other's.
/// </summary>
internal static class HostJournalScript
{
    /// <summary>The line the roll-back prints for each file it put back: <c>dockertls-restored &lt;index&gt;</c>.</summary>
    public const string Restored = "dockertls-restored";

    /// <summary>The line the roll-back prints for each file it removed (the killed run had made it).</summary>
    public const string Removed = "dockertls-removed";

    // jq sets j to a path as a journal field: as it is when plain, else each byte as %xx (one od); it sets y too.
    private const string Encoder =
        "jq() { case $1 in *[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-]*) j=; for y in $(printf '%s' \"$1\" | od -An -v -tx1); do j=$j%$y; done;; *) j=$1;; esac; }\n";

    /// <summary>
    /// Under the locks, before any leftover is removed: a journal in a folder of the set is a killed run's (a live
    /// writer holds the lock while its journal is there), whose kept old files must not go as leftovers; the commit
    /// writes nothing (<c>JournalFound</c>) and the next run rolls that set back first.
    /// </summary>
    public static void AppendNoneLeft(StringBuilder script, int count)
    {
        for (var i = 0; i < count; i++)
            script.Append($"if [ -e {Journal(i)} ] || [ -L {Journal(i)} ]; then fail JournalFound {i}; fi\n");
    }

    /// <summary>The journal of the files staged (s&lt;i&gt;), with their targets and kept old files (p&lt;i&gt;), in each of their folders, synced with them.</summary>
    public static void AppendWrite(StringBuilder script, int count)
    {
        script.Append(Encoder).Append("nl='\n'\nF=; J=; n=0\n");
        for (var i = 0; i < count; i++)
        {
            // u<i>: the first file of its folder, whose journal it writes.
            script.Append($"if [ -n \"${{s{i}-}}\" ]; then u{i}=1");
            for (var k = 0; k < i; k++) script.Append($"; [ -n \"${{u{k}-}}\" ] && [ \"$d{k}\" = \"$d{i}\" ] && u{i}=");
            script.Append($"\njq \"$t{i}\"; ja=$j; jq \"$s{i}\"; jb=$j; if [ -n \"${{p{i}-}}\" ]; then jq \"$p{i}\"; else j=-; fi; J=\"$J\"\"file $ja $jb $j$nl\"; n=$((n + 1))\n");
            script.Append($"if [ -n \"$u{i}\" ]; then jq \"$d{i}\"; F=\"$F\"\"folder $j$nl\"; n=$((n + 1)); fi; fi\n");
        }

        script.Append($"jt=\"dockertls-journal 1${{nl}}id {Guid.NewGuid():N}$nl$F$J\"\"end $n$nl\"\n");
        for (var i = 0; i < count; i++)
            script.Append($"if [ -n \"${{u{i}-}}\" ]; then printf '%s' \"$jt\" >{Journal(i)} || fail HostWriteFailed {i}; jw{i}=1; fi\n");
        // One sync(1) before the first rename: every staged file (a power cut then leaves each target old or new, never
        // empty), each journal and its folder (with the names of the kept old files in it).
        script.Append("set --\n");
        for (var i = 0; i < count; i++) script.Append($"[ -n \"${{s{i}-}}\" ] && set -- \"$@\" \"$s{i}\"\n");
        for (var i = 0; i < count; i++) script.Append($"[ -n \"${{jw{i}-}}\" ] && set -- \"$@\" {Journal(i)} \"$d{i}\"\n");
        script.Append("[ $# -eq 0 ] || sync -- \"$@\" 2>/dev/null || :\n");
    }

    /// <summary>
    /// After the renames and the sync of their folders: each journal is emptied (a shell redirection, no process; an
    /// empty journal is not a whole one, so no run acts on it) and that is synced, before the old files go. The
    /// emptied journals are removed with them (<see cref="AppendNames"/>).
    /// </summary>
    public static void AppendVoid(StringBuilder script, int count)
    {
        for (var i = 0; i < count; i++) script.Append($"[ -n \"${{jw{i}-}}\" ] && : >|{Journal(i)}\n");
        AppendEach(script, count, "jw", Journal, "sync -- \"$@\" 2>/dev/null || :");
    }

    /// <summary>Adds the journals to the words of the commit's last rm.</summary>
    public static void AppendNames(StringBuilder script, int count) => AppendWords(script, count, "jw", Journal);

    // The sh word of the journal in the folder of file i.
    private static string Journal(int i) => $"\"$d{i}/{FileJournal.FileName}\"";

    /// <summary>In the commit's roll-back, once every file is back: its journals.</summary>
    public static void AppendRollbackRemove(StringBuilder script, int count)
    {
        for (var i = 0; i < count; i++) script.Append($"[ -n \"${{jw{i}-}}\" ] && rm -f -- {Journal(i)}\n");
    }

    // One command over the words of every index whose flag is set.
    private static void AppendEach(StringBuilder script, int count, string flag, Func<int, string> words, string command)
    {
        script.Append("set --\n");
        AppendWords(script, count, flag, words);
        script.Append("[ $# -eq 0 ] || ").Append(command).Append('\n');
    }

    // Adds to "$@" the words of every index whose flag is set.
    private static void AppendWords(StringBuilder script, int count, string flag, Func<int, string> words)
    {
        for (var i = 0; i < count; i++) script.Append($"[ -n \"${{{flag}{i}-}}\" ] && set -- \"$@\" {words(i)}\n");
    }

    /// <summary>
    /// The script that rolls back what the journals a snapshot found name, as <see cref="JournalRecovery"/> does, under
    /// the locks of every folder they name (<paramref name="folders"/>, each with the SHA-256 of the journal read there, or
    /// null where none was): each journal is checked to be the one read (else <c>TargetChanged</c>: another run acted
    /// meanwhile) and a regular file owned by root with mode 0600 (else <c>JournalRefused</c>); each whole set's files
    /// are put back in the reverse order of their renames; then the leftovers, and last the journals, go. Each step
    /// can be repeated, so a roll-back killed in turn is finished by the next run. <paramref name="targets"/> gets each
    /// file the lines <see cref="Restored"/> and <see cref="Removed"/> name by index.
    /// </summary>
    public static byte[] Recovery(IReadOnlyList<(string Folder, string? Sha256)> folders, IReadOnlyList<FileJournal> whole, TimeSpan lockWait, List<string> targets)
    {
        var script = new StringBuilder("set -C\numask 077\ntrap '' HUP PIPE\n");
        script.Append("h() { x=$(sha256sum <\"$1\" 2>/dev/null) || x=; x=${x%% *}; }\nfail() { echo \"").Append(HostFileScript.Failed).Append(" $1 $2\"; exit 3; }\n");
        var paths = folders.Select(f => HostSnapshot.Join(f.Folder, FileJournal.FileName)).ToList();
        HostFolderLocks.Append(script, HostFolderLocks.Of(paths), lockWait);
        for (var k = 0; k < folders.Count; k++)
        {
            var path = PosixShell.Quote(paths[k]);
            if (folders[k].Sha256 is not { } hash)
            {
                script.Append($"if [ -e {path} ] || [ -L {path} ]; then fail TargetChanged {k}; fi\n");
                continue;
            }

            script.Append($"if [ -L {path} ]; then fail JournalRefused {k}; fi; [ -f {path} ] || fail TargetChanged {k}; [ -O {path} ] || fail JournalRefused {k}\n");
            script.Append($"case $(ls -ld -- {path}) in '-rw------- '*|'-rw-------. '*) ;; *) fail JournalRefused {k};; esac; h {path}; [ \"$x\" = {hash} ] || fail TargetChanged {k}\n");
        }

        foreach (var journal in whole)
        {
            for (var i = journal.Entries.Count - 1; i >= 0; i--) AppendRollBack(script, journal.Entries[i], Index(folders, journal.Entries[i].Target), targets);
        }

        for (var k = 0; k < folders.Count; k++) script.Append($"if [ -d {PosixShell.Quote(folders[k].Folder)} ]; then ").Append(HostFileScript.RemoveLeftovers(PosixShell.Quote(folders[k].Folder)).TrimEnd('\n')).Append("; fi\n");
        var existing = string.Join(" ", folders.Select(f => PosixShell.Quote(f.Folder)));
        script.Append($"set --; for f in {existing}; do [ -d \"$f\" ] && set -- \"$@\" \"$f\"; done; sync -- \"$@\" 2>/dev/null || :\n");
        script.Append("rm -f -- ").Append(string.Join(" ", paths.Select(PosixShell.Quote))).Append(" || fail HostWriteFailed 0\nsync -- \"$@\" 2>/dev/null || :\n");
        for (var k = 0; k < folders.Count; k++) script.Append($"[ -n \"${{q{k}-}}\" ] && rm -f -- \"$l{k}\"\n");
        script.Append("echo ").Append(HostFileScript.Done).Append('\n');
        return PosixShell.Complete(script);
    }

    // One file of a killed set, as JournalRecovery.RollBack does it: a staged file still there was never moved (the
    // target is as it was); else the kept old file goes back, or a file the set made is removed.
    private static void AppendRollBack(StringBuilder script, JournalEntry entry, int folder, List<string> targets)
    {
        string Q(string p) => PosixShell.Quote(p);
        string There(string p) => $"{{ [ -e {Q(p)} ] || [ -L {Q(p)} ]; }}";
        script.Append($"if {There(entry.Staged)}; then rm -f -- {Q(entry.Staged)} || fail HostWriteFailed {folder}");
        if (entry.Kept is not null) script.Append($"; if {There(entry.Kept)}; then rm -f -- {Q(entry.Kept)} || fail HostWriteFailed {folder}; fi");
        if (entry.Kept is not null)
            script.Append($"\nelif {There(entry.Kept)}; then mv -f -- {Q(entry.Kept)} {Q(entry.Target)} || fail HostWriteFailed {folder}; echo \"{Restored} {targets.Count}\"");
        else if (!entry.Existed)
            script.Append($"\nelif {There(entry.Target)}; then rm -f -- {Q(entry.Target)} || fail HostWriteFailed {folder}; echo \"{Removed} {targets.Count}\"");
        script.Append("\nfi\n");
        targets.Add(entry.Target);
    }

    private static int Index(IReadOnlyList<(string Folder, string? Sha256)> folders, string target)
    {
        var folder = HostSnapshot.FolderOf(target);
        for (var k = 0; k < folders.Count; k++)
            if (folders[k].Folder == folder) return k;
        return 0;
    }
}
