using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace DockerTls.Core.Remote;

/// <summary>The lock of each host folder a script writes in (<see cref="IO.FolderLock"/>'s, taken in sh): the commit's and the roll-back's.</summary>
internal static class HostFolderLocks
{
    // The file descriptors the locks are held on: sh redirects only 0 to 9, and 0 to 2 are taken.
    private const int FirstLockDescriptor = 3, LastLockDescriptor = 9;

    /// <summary>The folders of <paramref name="paths"/>, each once, in the order of their first path (whose index names it in an error).</summary>
    public static List<(string Folder, int Index)> Of(IReadOnlyList<string> paths)
    {
        var locks = new List<(string Folder, int Index)>();
        for (var i = 0; i < paths.Count; i++)
        {
            var folder = HostSnapshot.FolderOf(paths[i]);
            if (!locks.Any(l => l.Folder == folder)) locks.Add((folder, i));
        }

        if (FirstLockDescriptor + locks.Count - 1 > LastLockDescriptor)
            throw new ArgumentException($"A host's set of files can span at most {LastLockDescriptor - FirstLockDescriptor + 1} folders; this one spans {locks.Count}.", nameof(paths));
        return locks;
    }

    // The lock a local FileTransaction takes (IO.FolderLock), taken the same way on the host, so that two writers of a
    // folder run one after the other whether they came over ssh or ran there: flock on .dockertls.lock (0600 under the
    // script's umask) in every existing folder of the set, from the checks to the last rename; a name that no longer
    // leads to the locked file (its holder removed it when done) is tried again; busy or not, every lock is let go
    // before the next try, so that two writers taking the same folders in another order never wait on each other. The
    // holder removes the lock files after its last rename (or its rollback), while it still holds them. A host without
    // flock (util-linux), or a file system that cannot lock, is written unlocked, as locally; the checks of what the
    // plan read still stop most overlaps.
    public static void Append(StringBuilder script, IReadOnlyList<(string Folder, int Index)> locks, TimeSpan wait)
    {
        if (locks.Count == 0) return;
        script.Append("lk() {\n");
        script.Append("if [ -L \"$2\" ] || { [ -e \"$2\" ] && [ ! -f \"$2\" ]; }; then echo \"$2 is not a regular file: the lock of its folder cannot be taken\" >&2; fail HostWriteFailed \"$3\"; fi\n");
        script.Append("eval \"command exec $1>>\\\"\\$2\\\"\" || fail HostWriteFailed \"$3\"\n");
        script.Append("flock -n \"$1\"; r=$?\n");
        script.Append("if [ \"$r\" -eq 0 ]; then { [ ! -e \"/dev/fd/$1\" ] || [ \"/dev/fd/$1\" -ef \"$2\" ]; } && return 0\n");
        script.Append("elif [ \"$r\" -ne 1 ]; then return 0; fi\n");
        script.Append("eval \"exec $1>&-\"; w=$3; return 1\n}\n");
        script.Append("lka() {\n");
        for (var k = 0; k < locks.Count; k++)
        {
            var folder = PosixShell.Quote(locks[k].Folder);
            script.Append($"l{k}={PosixShell.Quote(HostSnapshot.Join(locks[k].Folder, IO.FolderLock.FileName))}\n");
            script.Append($"if [ -d {folder} ]; then lk {FirstLockDescriptor + k} \"$l{k}\" {locks[k].Index} || return 1; q{k}=1; fi\n");
        }

        script.Append(":\n}\nulk() {\n");
        for (var k = 0; k < locks.Count; k++) script.Append($"if [ -n \"${{q{k}-}}\" ]; then exec {FirstLockDescriptor + k}>&-; q{k}=; fi\n");
        var tries = Math.Max(1, (int)Math.Ceiling(wait.TotalMilliseconds / 100));
        script.Append($":\n}}\nif command -v flock >/dev/null 2>&1; then n=0; until lka; do ulk; n=$((n + 1)); [ \"$n\" -lt {tries} ] || fail TargetBusy \"$w\"; sleep 0.1; done; fi\n");
    }
}
