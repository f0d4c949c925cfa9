using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DockerTls.Core.IO;

/// <summary>
/// Writes a set of files all or none. Every target is checked before anything is written; each file is
/// written to a temporary name beside its target and renamed into place, so no file is ever seen
/// half-written. A key is never readable by others, not even while it is being written: on Unix the
/// temporary file is created with its final mode in the same system call (O_CREAT|O_EXCL), on Windows
/// inside a staging folder whose ACL admits the owner, SYSTEM and Administrators only, and it keeps that ACL
/// when it is renamed over an existing file. Other files on Windows get the ACL their folder hands down.
/// </summary>
public sealed class FileTransaction
{
    private readonly bool _overwrite;
    private readonly List<PlannedFile> _files = new();
    private readonly List<(string Path, int Mode)> _directories = new();
    private readonly Dictionary<string, byte[]?> _expected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal); // a link's path -> the file it names

    /// <param name="overwrite">Replace existing files (-Force); otherwise an existing file is an error.</param>
    /// <param name="destinationParameter">The calling cmdlet's parameter that chooses where the files go, named in the
    /// errors; null when the cmdlet has none.</param>
    public FileTransaction(bool overwrite, string? destinationParameter = "-OutputPath")
    {
        _overwrite = overwrite;
        _destinationParameter = destinationParameter;
    }

    // The parameter of the calling cmdlet that chooses where the files go, for the messages; null when no parameter does.
    private readonly string? _destinationParameter;

    /// <summary>Raised after each file lands, with its path and mode, for -Verbose.</summary>
    public event Action<string, string>? FileWritten;

    /// <summary>A private key: 0400, or an owner, SYSTEM and Administrators ACL on Windows.</summary>
    public void AddKey(string path, byte[] content) => Add(path, content, FileModes.Key);

    /// <summary>A certificate: 0444. An identical file already in place is left alone.</summary>
    public void AddCertificate(string path, byte[] content) => Add(path, content, FileModes.Certificate);

    /// <summary>Any file with its Unix mode; a mode with no group or other bits is treated as private.</summary>
    public void AddFile(string path, byte[] content, int unixMode) => Add(path, content, unixMode);

    /// <summary>
    /// A file rewritten in place (daemon.json, a unit, a profile, docker's config.json): an existing one keeps its
    /// owner, group and mode (set on the staged file with fchown/fchmod before the rename); a new one gets
    /// <paramref name="newFileMode"/> and the caller as owner. A symbolic link is followed to the file it names
    /// (<see cref="LinkedFile"/>), which is then rewritten beside itself; returns that path. A rewritten file is
    /// never a <c>KeyFileExists</c> conflict, with or without -Force (an inventory a record is appended to, daemon.json).
    /// </summary>
    public string AddRewrite(string path, byte[] content, int newFileMode)
    {
        var full = Path.GetFullPath(path);
        var target = LinkedFile.Resolve(full);
        if (!string.Equals(target, full, StringComparison.Ordinal)) _aliases[full] = target;
        var status = PlatformInfo.IsWindows ? null : UnixFileCalls.Stat(target, followLinks: false);
        if (status is null) Add(target, content, newFileMode, rewrite: true);
        else Add(target, content, status.Value.Permissions & 0x1FF, status.Value.Owner, status.Value.Group, rewrite: true);
        return target;
    }

    /// <summary>A backup of <paramref name="original"/> (its bytes before the change), with its owner, group and mode.</summary>
    public void AddBackup(string path, string original, byte[] content, int newFileMode)
    {
        var status = PlatformInfo.IsWindows ? null : UnixFileCalls.Stat(LinkedFile.Resolve(Path.GetFullPath(original)), followLinks: true);
        if (status is null) Add(path, content, newFileMode);
        else Add(path, content, status.Value.Permissions & 0x1FF, status.Value.Owner, status.Value.Group);
    }

    /// <summary>
    /// The bytes a planned file held when its plan was made (null: it did not exist). If another writer has changed it
    /// since, to anything but what this transaction writes, the commit fails with <c>TargetChanged</c> and writes nothing,
    /// instead of replacing that writer's work unseen (and backing up what was no longer there).
    /// </summary>
    public void Expect(string path, byte[]? current)
    {
        var full = Path.GetFullPath(path);
        _expected[_aliases.TryGetValue(full, out var target) ? target : full] = current;
    }

    /// <summary>A folder to create if missing, with that mode.</summary>
    public void AddDirectory(string path, int unixMode) => _directories.Add((Path.GetFullPath(path), unixMode));

    private void Add(string path, byte[] content, int mode, uint? owner = null, uint? group = null, bool rewrite = false)
    {
        var full = Path.GetFullPath(path);
        if (_files.Any(f => string.Equals(f.Path, full, StringComparison.Ordinal)))
            throw new ArgumentException($"'{full}' is planned twice.", nameof(path));
        _files.Add(new PlannedFile(full, content, mode) { Owner = owner, Group = group, Rewrite = rewrite });
    }

    /// <summary>
    /// Fails with <c>PermissionDenied</c> or <c>ReadOnlyFileSystem</c> where a folder cannot be written, and with
    /// <c>KeyFileExists</c> if any target exists and overwriting is off (an identical non-private file is not a
    /// conflict), without writing anything.
    /// </summary>
    public void CheckTargets()
    {
        // What a real run would meet in each folder (no permission, a read-only file system), found without writing.
        foreach (var file in _files.GroupBy(f => Path.GetDirectoryName(f.Path)!).Select(g => g.First()))
        {
            var denied = FileSystemErrors.ProbeWrite(Path.GetDirectoryName(file.Path)!, file.Path);
            if (denied is not null) throw denied;
        }

        foreach (var file in _files)
        {
            if (Directory.Exists(file.Path))
                throw new DockerTlsException("TargetIsFolder", ErrorKind.InvalidArgument,
                    $"'{file.Path}' is a folder; a file should be written there. " + (_destinationParameter is null ? "Move that folder away." : $"Choose another {_destinationParameter}."), file.Path);
            if (_expected.TryGetValue(file.Path, out var expected) && !Holds(file.Path, expected) && !Holds(file.Path, file.Content))
            {
                throw TargetChanged(file.Path);
            }

            if (!File.Exists(file.Path) || _overwrite || file.Rewrite || file.IsUnchanged()) continue;
            throw new DockerTlsException("KeyFileExists", ErrorKind.ResourceExists,
                $"'{file.Path}' exists already. Nothing was written. Use -Force to replace it" + (_destinationParameter is null ? "." : $", or choose another {_destinationParameter}."), file.Path);
        }

        // A path expected but not written (a file of the set left alone because it held the new bytes) must still hold them.
        foreach (var expected in _expected)
        {
            if (_files.Any(f => string.Equals(f.Path, expected.Key, StringComparison.Ordinal)) || Holds(expected.Key, expected.Value)) continue;
            throw TargetChanged(expected.Key);
        }
    }

    /// <summary>
    /// Writes every planned file; returns the paths written. Every file is staged before any is moved into place,
    /// and what each target held is kept until the last one has landed: a failure at any step (a folder that cannot
    /// be written, a full disk, an immutable target, a read-only file system) puts back every file already moved and
    /// leaves no file, temporary file or folder of this transaction behind. Leftovers of a killed run in the same
    /// folders are removed first, and a set that a killed run left half renamed (its <see cref="FileJournal"/> is there) is
    /// rolled back to its old files before anything is checked (Unix). Failures are <c>PermissionDenied</c>, <c>ReadOnlyFileSystem</c>, <c>DiskFull</c>
    /// or <c>FileSystemError</c>, naming the target and the system's words for the cause.
    /// </summary>
    public IReadOnlyList<string> Commit()
    {
        RecoverInterrupted();
        CheckTargets();
        return Begin().Run();
    }

    /// <summary>
    /// Rolls back a set that a killed run left half renamed in any folder of this transaction (Unix; its
    /// <see cref="FileJournal"/> is there), so that what is checked next is a whole set. A real run calls it before its
    /// first check; -WhatIf never does, and writes nothing. Each file put back is told to <see cref="FileWritten"/>.
    /// </summary>
    public void RecoverInterrupted()
    {
        if (!PlatformInfo.IsWindows) JournalRecovery.RecoverIn(Folders(), Recovered);
    }

    /// <summary>The commit, step by step (the tests of <see cref="JournalRecovery"/> stop it after any rename).</summary>
    internal FileCommit Begin() => new(_files, _directories, CheckTargets, Written, Recovered);

    private IEnumerable<string> Folders() => _files.Select(f => Path.GetDirectoryName(f.Path)!).Distinct();

    private void Recovered(string path, string note) => FileWritten?.Invoke(path, note);

    private void Written(PlannedFile file)
    {
        FileWritten?.Invoke(file.Path, PlatformInfo.IsWindows ? (file.IsPrivate ? "owner-only ACL" : "inherited ACL") : FileModes.Format(file.Mode));
    }

    private static DockerTlsException TargetChanged(string path) => new("TargetChanged", ErrorKind.InvalidOperation,
        $"'{path}' changed after it was read (another command wrote it meanwhile). Nothing was written. Run again to apply the change to what is there now.", path);

    private static bool Holds(string path, byte[]? content) =>
        content is null ? !File.Exists(path) : SafeFile.HoldsExactly(path, content);
}
