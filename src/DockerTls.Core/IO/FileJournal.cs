using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace DockerTls.Core.IO;

/// <summary>
/// The record that lets a set survive <c>kill -9</c> or a power cut inside its rename phase (Unix). Before its first
/// rename a commit writes <c>.dockertls.journal</c> (0600) beside <c>.dockertls.lock</c> in every folder of the set: the
/// set's id, its folders and, for each file, the target, its staged file and the hard link (or copy) that keeps the old
/// file, or <c>-</c> where there was none. It names files, never holds their bytes. Each journal is written under a
/// temporary name, fsync'ed and renamed into place, and every folder is fsync'ed after it, before any target is touched; after the
/// last rename the folders are fsync'ed, the journals removed and the folders fsync'ed again. A live writer holds the
/// locks of every folder of its set until its journals are gone, so a journal found under a folder's lock is always a
/// killed run's; <see cref="JournalRecovery"/> then puts the old set back.
/// </summary>
internal sealed class FileJournal
{
    public const string FileName = ".dockertls.journal";
    private const string Header = "dockertls-journal 1";
    internal static readonly FileCap Cap = new("a DockerTls journal", 1 << 20);
    private static readonly Regex IdPattern = new("^[0-9a-f]{32}$", RegexOptions.CultureInvariant);

    private FileJournal(string id, IReadOnlyList<string> folders, IReadOnlyList<JournalEntry> entries)
    {
        Id = id;
        Folders = folders;
        Entries = entries;
    }

    /// <summary>The set's id, the same in the journal of each of its folders; empty for a damaged journal.</summary>
    public string Id { get; }

    /// <summary>Every folder the set writes, in ordinal order.</summary>
    public IReadOnlyList<string> Folders { get; }

    /// <summary>Each file of the set, in the order of its renames.</summary>
    public IReadOnlyList<JournalEntry> Entries { get; }

    /// <summary>A journal that cannot be read as one (cut short): it was never complete, so no rename followed it.</summary>
    public bool IsDamaged => Id.Length == 0;

    public static string PathIn(string folder) => Path.Combine(folder, FileName);

    /// <summary>The journal of a set about to be renamed into place.</summary>
    public static FileJournal For(IEnumerable<JournalEntry> entries)
    {
        var list = entries.ToList();
        var folders = list.Select(e => Path.GetDirectoryName(e.Target)!).Distinct().OrderBy(f => f, StringComparer.Ordinal).ToList();
        return new FileJournal(Guid.NewGuid().ToString("N"), folders, list);
    }

    /// <summary>
    /// Writes the journal into every folder of the set, durably. The staged files' bytes are durable already (each was
    /// fsync'ed); the fsync of each folder after its journal's rename makes their names and the kept links durable with
    /// it. Should the power fail before that, a journal found afterwards may name a staged file or link that is gone:
    /// no target was renamed yet, and <see cref="JournalRecovery"/> leaves each target as it is.
    /// </summary>
    public void Write()
    {
        var bytes = Encoding.UTF8.GetBytes(Text());
        SideBySide.ForEach(Folders, folder =>
        {
            var path = PathIn(folder);
            var temp = Path.Combine(folder, $"{FileName}.{Guid.NewGuid():N}.tmp"); // a stale temporary name if killed here
            using (var stream = NativeMethods.CreateExclusive(temp, FileModes.PrivateFile))
            {
                var errno = UnixFileCalls.WriteAll(stream.SafeFileHandle.DangerousGetHandle(), bytes);
                if (errno != 0)
                {
                    UnixFileCalls.Unlink(temp);
                    throw FileSystemErrors.FromCode(errno, path);
                }
            }

            NativeMethods.Rename(temp, path);
            Sync(folder);
        });
    }

    /// <summary>Removes the journal from every folder of the set once what was renamed is durable, and makes that durable.</summary>
    public void Remove()
    {
        SideBySide.ForEach(Folders.Where(Directory.Exists).ToList(), Sync); // every rename durable before any journal goes
        SideBySide.ForEach(Folders, folder =>
        {
            UnixFileCalls.Unlink(PathIn(folder)); // one already gone is no matter
            if (Directory.Exists(folder)) Sync(folder);
        });
    }

    /// <summary>
    /// The journal in <paramref name="folder"/>, or null when there is none. One that is not a regular file owned by
    /// the caller or root with mode 0600, or that names a file outside the folders of its set or not by the staged
    /// naming, is <c>JournalRefused</c>: another user may have planted it, and it is never acted on.
    /// </summary>
    public static FileJournal? Read(string folder)
    {
        var path = PathIn(folder);
        var status = UnixFileCalls.Stat(path, followLinks: false);
        if (status is null) return null;
        var owner = status.Value.Owner;
        if (!status.Value.IsRegular || (owner != UnixFileCalls.Geteuid() && owner != 0) || status.Value.Permissions != FileModes.PrivateFile)
            throw Refused(path, $"it is not a regular file with mode 0600 owned by this user or root (owner uid {owner}, mode {FileModes.Format(status.Value.Permissions)})");
        var bytes = SafeFile.TryReadAllBytes(path, Cap);
        if (bytes is null) return null;
        var journal = Parse(Encoding.UTF8.GetString(bytes));
        if (journal is null) return new FileJournal("", new[] { folder }, Array.Empty<JournalEntry>());
        var problem = journal.Problem(folder, onHost: false);
        if (problem is not null) throw Refused(path, problem);
        return journal;
    }

    /// <summary>
    /// The journal a Linux host holds in <paramref name="folder"/>, read over SSH as <paramref name="bytes"/> (its paths
    /// are POSIX whatever this machine is): null when it is not a whole journal (cut short: no rename followed it),
    /// <c>JournalRefused</c> when it names a file outside its set, as <see cref="Read"/> does; the host's script checks
    /// owner and mode under the folder's lock.
    /// </summary>
    public static FileJournal? OnHost(string folder, byte[] bytes)
    {
        var journal = Parse(Encoding.UTF8.GetString(bytes));
        var problem = journal?.Problem(folder, onHost: true);
        if (problem is not null) throw Refused(folder.TrimEnd('/') + "/" + FileName, problem);
        return journal;
    }

    private string Text()
    {
        var text = new StringBuilder(Header).Append('\n').Append("id ").Append(Id).Append('\n');
        foreach (var folder in Folders) text.Append("folder ").Append(Escape(folder)).Append('\n');
        foreach (var entry in Entries)
            text.Append("file ").Append(Escape(entry.Target)).Append(' ').Append(Escape(entry.Staged)).Append(' ').Append(entry.Kept is null ? (entry.Existed ? "=" : "-") : Escape(entry.Kept)).Append('\n');
        return text.Append("end ").Append(Folders.Count + Entries.Count).Append('\n').ToString();
    }

    // Null when the text is not a whole journal (the last line "end <count of folder and file lines>" is its seal).
    private static FileJournal? Parse(string text)
    {
        var lines = text.Split('\n');
        if (lines.Length < 4 || lines[0] != Header || lines[lines.Length - 1] != "" || !lines[1].StartsWith("id ", StringComparison.Ordinal)) return null;
        var id = lines[1].Substring(3);
        var folders = new List<string>();
        var entries = new List<JournalEntry>();
        for (var i = 2; i < lines.Length - 2; i++)
        {
            var fields = lines[i].Split(' ');
            if (fields.Length == 2 && fields[0] == "folder") folders.Add(Unescape(fields[1]));
            else if (fields.Length == 4 && fields[0] == "file") entries.Add(new JournalEntry(Unescape(fields[1]), Unescape(fields[2]), fields[3] is "-" or "=" ? null : Unescape(fields[3]), fields[3] != "-"));
            else return null;
        }

        if (lines[lines.Length - 2] != $"end {folders.Count + entries.Count}" || !IdPattern.IsMatch(id)) return null;
        return new FileJournal(id, folders, entries);
    }

    // Why a well-formed journal is not acted on: every path absolute and plain, every file in a folder of the set,
    // its staged and kept names beside it with the staged naming, and the folder it was found in one of the set's.
    private string? Problem(string foundIn, bool onHost)
    {
        if (!Folders.Contains(foundIn, StringComparer.Ordinal)) return $"it was found in '{foundIn}', which is not a folder of its set";
        foreach (var folder in Folders)
        {
            if (!Plain(folder, onHost)) return $"it names the folder '{folder}', which is not a full path";
        }

        foreach (var entry in Entries)
        {
            var folder = FolderOf(entry.Target, onHost);
            if (!Plain(entry.Target, onHost) || folder is null || !Folders.Contains(folder, StringComparer.Ordinal))
                return $"it names '{entry.Target}', which is not in a folder of its set";
            var staged = new Regex("^\\." + Regex.Escape(NameOf(entry.Target, onHost)) + "\\.[0-9a-f]{32}\\.tmp$", RegexOptions.CultureInvariant);
            foreach (var name in new[] { entry.Staged, entry.Kept })
            {
                if (name is not null && (!string.Equals(FolderOf(name, onHost), folder, StringComparison.Ordinal) || !staged.IsMatch(NameOf(name, onHost))))
                    return $"it names '{name}', which is not a staged file beside '{entry.Target}'";
            }
        }

        return null;
    }

    // A host's paths are POSIX: absolute, no empty, "." or ".." part, no '/' at the end.
    private static bool Plain(string path, bool onHost) => path.IndexOf('\0') < 0 && (onHost
        ? path == "/" || (path.StartsWith("/", StringComparison.Ordinal) && path.Substring(1).Split('/').All(p => p.Length > 0 && p != "." && p != ".."))
        : Path.IsPathRooted(path) && string.Equals(Path.GetFullPath(path), path, StringComparison.Ordinal));

    private static string? FolderOf(string path, bool onHost)
    {
        if (!onHost) return Path.GetDirectoryName(path);
        var slash = path.LastIndexOf('/');
        return slash > 0 ? path.Substring(0, slash) : slash == 0 && path.Length > 1 ? "/" : null;
    }

    private static string NameOf(string path, bool onHost) => onHost ? path.Substring(path.LastIndexOf('/') + 1) : Path.GetFileName(path);

    private static DockerTlsException Refused(string path, string why) =>
        new("JournalRefused", ErrorKind.SecurityError,
            $"'{path}' is not a journal of DockerTls that this user may act on: {why}. Nothing was changed. Remove it if you know where it came from, then run again.", path);

    private static void Sync(string folder)
    {
        var errno = UnixFileCalls.FsyncFolder(folder);
        if (errno != 0) throw FileSystemErrors.FromCode(errno, folder);
    }

    private static string Escape(string path) => Uri.EscapeDataString(path);

    private static string Unescape(string field) => Uri.UnescapeDataString(field);
}

/// <summary>
/// One file of a journaled set: its target, its staged file, and where the old file is kept (null: there was none, or,
/// when <see cref="Existed"/>, a link that could not be kept and is left as it is).
/// </summary>
internal sealed class JournalEntry
{
    public JournalEntry(string target, string staged, string? kept, bool existed)
    {
        Target = target;
        Staged = staged;
        Kept = kept;
        Existed = existed;
    }

    public string Target { get; }
    public string Staged { get; }
    public string? Kept { get; }
    public bool Existed { get; }
}
