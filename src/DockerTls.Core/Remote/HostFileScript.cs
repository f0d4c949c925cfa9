using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using DockerTls.Core.Daemon;
using DockerTls.Core.IO;

namespace DockerTls.Core.Remote;

/// <summary>
/// The sh script that writes one <see cref="HostFileChanges"/> on a host in one connection, all or none, as
/// <see cref="IO.FileTransaction"/> does locally: every target is checked first (what it held at planning, by
/// SHA-256), every file is staged beside its target (under the umask that gives its mode: a key 0400 and a
/// certificate 0444 from its first byte), the bytes of all of them checked at once, then all are renamed into place;
/// a failure at any step puts back every file already moved and removes what was staged. Between the last staged
/// byte and the last rename a <see cref="IO.FileJournal"/> in each folder names the set (<see cref="HostJournalScript"/>), so
/// that a script killed there (kill -9, a power cut) is rolled back by the next run, from this machine or on the host.
/// Leftovers of a run killed on the host (<c>.name.32hex.tmp</c>, the names the local transaction uses) are removed from
/// each target folder first, unless a journal is there.
/// The check-only script stops after the checks. Each process a host starts costs about a millisecond of its CPU
/// and a fleet's hosts run these at once, so the script starts few: one <c>sha256sum</c> per file it must compare,
/// one <c>base64</c> (and a <c>cp -p</c> where owner and mode are kept) and one <c>mv</c> per file it writes, one
/// <c>cat | sha256sum</c> for everything staged, one <c>sync</c> of the staged files and the journals before the
/// renames and one of their folders after, one <c>sync</c> of the emptied journals, one <c>flock</c> a folder (the
/// lock a local write takes) and one <c>rm</c> for the old files kept until the end and the journals.
/// </summary>
internal static class HostFileScript
{
    private const string Hex32 = "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
        + "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]";

    /// <summary>The line the script ends with when it did all it should.</summary>
    public const string Done = "dockertls-ok";

    /// <summary>The start of the line naming a failure: <c>dockertls-fail &lt;id&gt; &lt;index&gt;</c>.</summary>
    public const string Failed = "dockertls-fail";

    /// <summary>The start of the line naming a file written: <c>dockertls-written &lt;index&gt;</c>.</summary>
    public const string Written = "dockertls-written";

    /// <summary>How long a commit waits for another writer's lock on a folder before it gives up with <c>TargetBusy</c>.</summary>
    public static readonly TimeSpan DefaultLockWait = TimeSpan.FromSeconds(30);

    /// <summary>The script that checks every target and writes nothing (it takes no lock: it writes nothing).</summary>
    public static byte[] Check(HostFileChanges changes) => Build(changes, write: false, DefaultLockWait, then: null);

    /// <summary>The script that locks the targets' folders, checks every target, then writes every file.</summary>
    public static byte[] Commit(HostFileChanges changes) => Commit(changes, DefaultLockWait);

    /// <summary>
    /// <see cref="Commit(HostFileChanges)"/> that waits at most <paramref name="lockWait"/> for another writer's lock and, once
    /// every file is written and the locks are let go (a daemon it starts must not hold them), runs <paramref name="then"/>
    /// (sh text) after the line <see cref="Done"/>.
    /// </summary>
    public static byte[] Commit(HostFileChanges changes, TimeSpan lockWait, string? then = null) => Build(changes, write: true, lockWait, then);

    /// <summary>The sh line that removes a killed run's staged and kept files (regular files named <c>.name.32hex.tmp</c>) from the folder <paramref name="folder"/> (an sh word).</summary>
    internal static string RemoveLeftovers(string folder) =>
        $"for f in {folder}/.*.tmp; do case ${{f##*/}} in .?*.{Hex32}.tmp) [ -f \"$f\" ] && [ ! -L \"$f\" ] && rm -f -- \"$f\";; esac; done\n";

    /// <summary>The paths the script's indexes stand for: the files first, in order, then expectations of other paths.</summary>
    public static IReadOnlyList<string> Targets(HostFileChanges changes) =>
        changes.Files.Select(f => f.Path).Concat(changes.Expected.Keys.Where(k => changes.Files.All(f => f.Path != k))).ToList();

    private static byte[] Build(HostFileChanges changes, bool write, TimeSpan lockWait, string? then)
    {
        var files = changes.Files;
        var targets = Targets(changes);
        var hashes = files.Select(f => Sha256(f.Content)).ToList(); // each new file's SHA-256, once: the checks, the staging and the staged check use it
        var script = new StringBuilder();
        script.Append("set -C\numask 077\ntrap '' HUP PIPE\n");
        script.Append("for c in base64 sha256sum cat readlink mv ln cp chmod rm mkdir rmdir; do command -v \"$c\" >/dev/null 2>&1 || { echo \"").Append(Failed).Append(" HostToolMissing 0 $c\"; exit 3; }; done\n");
        // h sets x to a file's SHA-256 (empty when it cannot be read): one process, where $(h ...) would start two.
        script.Append("h() { x=$(sha256sum <\"$1\" 2>/dev/null) || x=; x=${x%% *}; }\n");
        var folders = write ? NewFolders(files.Select(f => f.Path)) : new List<string>();
        var locks = write ? HostFolderLocks.Of(files.Select(f => f.Path).ToList()) : new List<(string Folder, int Index)>();
        AppendRollback(script, files.Count, folders, locks.Count);
        script.Append("fail() { echo \"").Append(Failed).Append(" $1 $2\"; rollback; exit 3; }\n");

        AppendTargets(script, targets, files);
        if (write) HostFolderLocks.Append(script, locks, lockWait);
        if (write) HostJournalScript.AppendNoneLeft(script, files.Count);
        for (var i = 0; i < targets.Count; i++)
        {
            if (changes.Expected.TryGetValue(targets[i], out var expected)) AppendExpectation(script, i, expected, i < files.Count ? hashes[i] : "none");
        }

        if (write)
        {
            for (var k = 0; k < folders.Count; k++)
                script.Append("if [ ! -d ").Append(PosixShell.Quote(folders[k])).Append(" ]; then mkdir -m 755 -- ").Append(PosixShell.Quote(folders[k])).Append($" || fail HostWriteFailed 0; k{k}=1; fi\n");
            // Leftovers first, in every folder, before this run stages anything there.
            for (var i = 0; i < files.Count; i++)
                script.Append(RemoveLeftovers($"\"$d{i}\""));
            for (var i = 0; i < files.Count; i++) AppendStage(script, i, files[i], hashes[i], changes.Expected.ContainsKey(targets[i]), HashedIndex(changes, targets, files[i].BackupOf));
            AppendStagedCheck(script, files, hashes);
            // Every old file is kept (a hard link, or a copy) before the journal names it, and the journal is on disk before the first rename.
            for (var i = 0; i < files.Count; i++)
                script.Append($"if [ -n \"${{s{i}-}}\" ] && {{ [ -e \"$t{i}\" ] || [ -L \"$t{i}\" ]; }}; then p{i}=\"$d{i}/.${{t{i}##*/}}.{Guid.NewGuid():N}.tmp\"; ln -- \"$t{i}\" \"$p{i}\" 2>/dev/null || cp -p -- \"$t{i}\" \"$p{i}\" || fail HostWriteFailed {i}; fi\n");
            HostJournalScript.AppendWrite(script, files.Count);
            for (var i = 0; i < files.Count; i++)
                script.Append($"if [ -n \"${{s{i}-}}\" ]; then mv -f -- \"$s{i}\" \"$t{i}\" || fail HostWriteFailed {i}; m{i}=1; fi\n");

            AppendSync(script, files.Count, "m", "d"); // the folders of the files renamed
            HostJournalScript.AppendVoid(script, files.Count); // durably, before the old files go

            // The old files kept for a rollback go in one rm, with the emptied journals.
            script.Append("set --\n");
            for (var i = 0; i < files.Count; i++) script.Append($"[ -n \"${{p{i}-}}\" ] && set -- \"$@\" \"$p{i}\"\n");
            HostJournalScript.AppendNames(script, files.Count);
            // The locks' files go in it too, while still held: a writer waiting on one then finds its name gone and tries again.
            for (var k = 0; k < locks.Count; k++) script.Append($"[ -n \"${{q{k}-}}\" ] && set -- \"$@\" \"$l{k}\"\n");
            script.Append("[ $# -eq 0 ] || rm -f -- \"$@\"\n");
            if (locks.Count > 0) script.Append("ulk\n");
            for (var i = 0; i < files.Count; i++) script.Append($"[ -n \"${{m{i}-}}\" ] && echo \"{Written} {i}\"\n");
        }

        script.Append("echo ").Append(Done).Append('\n');
        if (then is not null) script.Append(then);
        return PosixShell.Complete(script);
    }

    // One sync(1) of the folders (d<i>) of the files moved (m<i>) after the renames, so that the renames last (the
    // staged files are synced with the journal, before the first rename: HostJournalScript.AppendWrite). Where sync
    // takes no file (not coreutils 8.24+) it fails or syncs everything: either way the write goes on.
    private static void AppendSync(StringBuilder script, int count, string when, string variable)
    {
        script.Append("set --\n");
        for (var i = 0; i < count; i++) script.Append($"[ -n \"${{{when}{i}-}}\" ] && set -- \"$@\" \"${variable}{i}\"\n");
        script.Append("[ $# -eq 0 ] || sync -- \"$@\" 2>/dev/null || :\n");
    }

    // Each target's path in t<i> (a rewritten link: the file it names) and its folder in d<i>, with the checks that need no read.
    private static void AppendTargets(StringBuilder script, IReadOnlyList<string> targets, IReadOnlyList<HostFileChange> files)
    {
        for (var i = 0; i < targets.Count; i++)
        {
            var file = i < files.Count ? files[i] : null;
            script.Append($"t{i}=").Append(PosixShell.Quote(targets[i])).Append('\n');
            if (file?.Kind == HostFileKind.Rewrite)
                script.Append($"if [ -L \"$t{i}\" ]; then [ -e \"$t{i}\" ] || fail LinkedFileRefused {i}; r=$(readlink -f -- \"$t{i}\" && echo x); [ -n \"$r\" ] || fail LinkedFileRefused {i}; t{i}=${{r%?x}}; fi\n");
            script.Append($"d{i}=${{t{i}%/*}}; [ -n \"$d{i}\" ] || d{i}=/\n");
            if (file is not null) script.Append($"[ -d \"$t{i}\" ] && fail TargetIsFolder {i}\n");
            if (file is not null) script.Append($"if [ -d \"$d{i}\" ]; then [ -w \"$d{i}\" ] || fail ReadOnlyFileSystem {i}; fi\n");
        }
    }

    // The target's hash is kept in c<i>: the staging step then knows, without reading it again, whether it already holds the new bytes.
    // Only a regular file is read: what is not one (a FIFO put there since the plan, whose read would wait) has changed.
    private static void AppendExpectation(StringBuilder script, int i, byte[]? expected, string next)
    {
        if (expected is null)
            script.Append($"if [ -e \"$t{i}\" ] || [ -L \"$t{i}\" ]; then [ -f \"$t{i}\" ] || fail TargetChanged {i}; h \"$t{i}\"; [ \"$x\" = {next} ] || fail TargetChanged {i}; c{i}=$x; fi\n");
        else
            script.Append($"if [ -f \"$t{i}\" ] && h \"$t{i}\" && c{i}=$x && {{ [ \"$x\" = {Sha256(expected)} ] || [ \"$x\" = {next} ]; }}; then :; else fail TargetChanged {i}; fi\n");
    }

    private static void AppendStage(StringBuilder script, int i, HostFileChange file, string hash, bool hashed, int? backupOf)
    {
        // An identical certificate or file is left alone, as locally; a key is always written anew (never compared in place).
        if (file.Kind != HostFileKind.Key)
            script.Append(hashed ? $"if [ -f \"$t{i}\" ] && [ \"${{c{i}-}}\" = {hash} ]; then :; else\n" : $"if [ -f \"$t{i}\" ] && h \"$t{i}\" && [ \"$x\" = {hash} ]; then :; else\n");
        script.Append($"s{i}=\"$d{i}/.${{t{i}##*/}}.{Guid.NewGuid():N}.tmp\"\n");
        if (file.Kind is HostFileKind.Rewrite or HostFileKind.Backup)
        {
            // Owner, group and mode are those of the file it replaces or backs up: cp -p makes the staged file with
            // them, and the new bytes are then written over it (only from a regular file: cp would wait on a FIFO for a
            // writer); a backup of a file that holds its bytes now is that copy alone.
            var reference = file.Kind == HostFileKind.Rewrite ? $"\"$t{i}\"" : PosixShell.Quote(file.BackupOf ?? file.Path);
            if (backupOf is int j) script.Append($"if [ \"${{c{j}-}}\" = {hash} ]; then cp -p -- {reference} \"$s{i}\" || fail HostWriteFailed {i}; else\n");
            script.Append($"if [ -f {reference} ]; then cp -p -- {reference} \"$s{i}\" || fail HostWriteFailed {i}; else : >\"$s{i}\" && chmod {Octal(file.NewFileMode)} -- \"$s{i}\" || fail HostWriteFailed {i}; fi\n");
            PosixShell.AppendWithData(script, $"(umask 077 && base64 -d >|\"$s{i}\")", file.Content, $"|| fail HostWriteFailed {i}");
            if (backupOf is not null) script.Append("fi\n");
        }
        else
        {
            var umask = StagingUmask(file);
            PosixShell.AppendWithData(script, $"(umask {umask} && base64 -d >\"$s{i}\")", file.Content, $"|| fail HostWriteFailed {i}");
            if (umask == "077") script.Append($"chmod {Octal(file.NewFileMode)} -- \"$s{i}\" || fail HostWriteFailed {i}\n");
        }

        if (file.Kind != HostFileKind.Key) script.Append("fi\n");
    }

    // The index of the target a backup copies, when the checks hashed it (its hash is then in c<j>).
    private static int? HashedIndex(HostFileChanges changes, IReadOnlyList<string> targets, string? backupOf)
    {
        if (backupOf is null || !changes.Expected.ContainsKey(backupOf)) return null;
        for (var j = 0; j < targets.Count; j++)
            if (targets[j] == backupOf) return j;
        return null;
    }

    // The umask a staged file is created under: its final mode where a umask can give it (a new file is at most 0666),
    // so that a key is 0400 and a certificate 0444 from their first byte; else 077, and chmod after.
    private static string StagingUmask(HostFileChange file) => file.Kind switch
    {
        HostFileKind.Key => "277",
        HostFileKind.Certificate => "333",
        _ when (file.NewFileMode & 0xFFF & ~0x1B6) == 0 => Convert.ToString(0x1FF & ~file.NewFileMode, 8).PadLeft(3, '0'),
        _ => "077",
    };

    // One read of every staged file (and of each target left alone, which holds the same bytes) against the SHA-256 of
    // all the new bytes in order; only when that differs is each staged file read again, to name the one that differs.
    private static void AppendStagedCheck(StringBuilder script, IReadOnlyList<HostFileChange> files, IReadOnlyList<string> hashes)
    {
        if (files.Count == 0) return; // cat with no file would read the script's stdin
        script.Append("x=$(cat --");
        for (var i = 0; i < files.Count; i++) script.Append($" \"${{s{i}:-$t{i}}}\"");
        script.Append(" 2>/dev/null | sha256sum) || x=; x=${x%% *}\n");
        script.Append("if [ \"$x\" != ").Append(Sha256(files.SelectMany(f => f.Content).ToArray())).Append(" ]; then\n");
        for (var i = 0; i < files.Count; i++)
            script.Append($"if [ -n \"${{s{i}-}}\" ]; then h \"$s{i}\"; [ \"$x\" = {hashes[i]} ] || fail HostWriteFailed {i}; fi\n");
        script.Append("fail HostWriteFailed 0\nfi\n");
    }

    private static void AppendRollback(StringBuilder script, int count, List<string> folders, int locks)
    {
        script.Append("rollback() {\n:\n");
        for (var i = count - 1; i >= 0; i--)
            script.Append($"if [ -n \"${{m{i}-}}\" ]; then if [ -n \"${{p{i}-}}\" ]; then mv -f -- \"$p{i}\" \"$t{i}\"; else rm -f -- \"$t{i}\"; fi; fi\n");
        for (var i = 0; i < count; i++)
            script.Append($"[ -n \"${{s{i}-}}\" ] && rm -f -- \"$s{i}\"; [ -n \"${{p{i}-}}\" ] && rm -f -- \"$p{i}\"\n");
        HostJournalScript.AppendRollbackRemove(script, count); // once every file is back
        for (var k = 0; k < locks; k++) script.Append($"[ -n \"${{q{k}-}}\" ] && rm -f -- \"$l{k}\"\n");
        for (var k = folders.Count - 1; k >= 0; k--)
            script.Append($"[ -n \"${{k{k}-}}\" ] && rmdir -- ").Append(PosixShell.Quote(folders[k])).Append('\n');
        script.Append("}\n");
    }

    // Every folder above the targets, parents first: the script makes the missing ones and removes them on failure.
    private static List<string> NewFolders(IEnumerable<string> paths)
    {
        var folders = new List<string>();
        foreach (var path in paths)
        {
            var parts = path.Split('/');
            for (var n = 2; n < parts.Length; n++)
            {
                var folder = string.Join("/", parts.Take(n));
                if (folder.Length > 0 && !folders.Contains(folder, StringComparer.Ordinal)) folders.Add(folder);
            }
        }

        return folders;
    }

    private static string Octal(int mode) => Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0');

    internal static string Sha256(byte[] content)
    {
        // Digest, not SHA256.Create(): Windows PowerShell 5.1 under the FIPS policy refuses SHA256Managed.
        return string.Concat(Digest.Sha256(content).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
