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
                throw new DockerTlsException("TargetChanged", ErrorKind.InvalidOperation,
                    $"'{file.Path}' changed after it was read (another command wrote it meanwhile). Nothing was written. Run again to apply the change to what is there now.", file.Path);
            }

            if (!File.Exists(file.Path) || _overwrite || file.Rewrite || IsUnchanged(file)) continue;
            throw new DockerTlsException("KeyFileExists", ErrorKind.ResourceExists,
                $"'{file.Path}' exists already. Nothing was written. Use -Force to replace it" + (_destinationParameter is null ? "." : $", or choose another {_destinationParameter}."), file.Path);
        }
    }

    /// <summary>
    /// Writes every planned file; returns the paths written. Every file is staged before any is moved into place,
    /// and what each target held is kept until the last one has landed: a failure at any step (a folder that cannot
    /// be written, a full disk, an immutable target, a read-only file system) puts back every file already moved and
    /// leaves no file, temporary file or folder of this transaction behind. Leftovers of a killed run in the same
    /// folders are removed first. Failures are <c>PermissionDenied</c>, <c>ReadOnlyFileSystem</c>, <c>DiskFull</c>
    /// or <c>FileSystemError</c>, naming the target and the system's words for the cause.
    /// </summary>
    public IReadOnlyList<string> Commit()
    {
        CheckTargets();
        var created = new List<string>();
        var staged = new List<(PlannedFile File, string Temp)>();
        var stagingFolders = new List<string>();
        var previous = new List<PreviousFile>();
        var locks = new List<FolderLock>();
        var moved = 0;
        try
        {
            foreach (var (path, mode) in _directories) EnsureDirectory(path, mode, created);
            // The claim on every target folder, in one order for every writer (no deadlock), held to the last rename;
            // the check is repeated under it, so that of two writers without -Force only the first writes.
            var folders = _files.Select(f => Path.GetDirectoryName(f.Path)!).Distinct().OrderBy(f => f, StringComparer.Ordinal).ToList();
            foreach (var folder in folders)
            {
                EnsureDirectory(folder, FileModes.PublicDirectory, created);
                locks.Add(FolderLock.Acquire(folder, FolderLock.DefaultWait));
            }

            CheckTargets();
            foreach (var folder in folders) StaleFiles.Remove(folder);
            var pending = _files.Where(f => !(File.Exists(f.Path) && IsUnchanged(f))).ToList();
            foreach (var group in pending.GroupBy(f => Path.GetDirectoryName(f.Path)!))
            {
                string? privateStaging = null; // Windows: made for the folder's first key
                foreach (var file in group)
                {
                    var folder = group.Key;
                    if (PlatformInfo.IsWindows && IsPrivate(file))
                    {
                        if (privateStaging == null) stagingFolders.Add(privateStaging = CreateStagingFolder(group.Key));
                        folder = privateStaging;
                    }
                    staged.Add((file, Stage(folder, file)));
                }
            }

            foreach (var (file, _) in staged) previous.Add(PreviousFile.Keep(file.Path, file.Mode));
            foreach (var (file, temp) in staged)
            {
                MoveIntoPlace(temp, file.Path);
                moved++;
                if (PlatformInfo.IsWindows && (file.Mode & 0x92) == 0) File.SetAttributes(file.Path, FileAttributes.ReadOnly);
            }

            foreach (var kept in previous) kept.Discard();
            previous.Clear();
            foreach (var (file, _) in staged)
                FileWritten?.Invoke(file.Path, PlatformInfo.IsWindows ? (IsPrivate(file) ? "owner-only ACL" : "inherited ACL") : FileModes.Format(file.Mode));
            return staged.Select(s => s.File.Path).ToList();
        }
        catch (Exception e)
        {
            var lost = new List<string>();
            for (var i = moved - 1; i >= 0; i--)
            {
                try { previous[i].Restore(); }
                catch (Exception restore) when (restore is IOException || restore is UnauthorizedAccessException || restore is DockerTlsException) { lost.Add(staged[i].File.Path); }
            }

            foreach (var kept in previous) kept.Discard();
            foreach (var (_, temp) in staged) TryDelete(() => File.Delete(temp));
            foreach (var folder in stagingFolders) TryDelete(() => Directory.Delete(folder, recursive: true));
            foreach (var claim in locks) claim.Dispose();
            for (var i = created.Count - 1; i >= 0; i--) TryDelete(() => Directory.Delete(created[i]));
            if (!(e is IOException || e is UnauthorizedAccessException || e is DockerTlsException)) throw;
            var failure = FileSystemErrors.FromException(e, staged.Count > moved ? staged[moved].File.Path : _files[0].Path);
            if (lost.Count == 0) throw failure;
            throw new DockerTlsException(failure.ErrorId, failure.Kind,
                failure.Message.Replace("Nothing was changed.", $"The new file is left in place of the old at '{string.Join("', '", lost)}', which could not be put back."), failure.Target, failure);
        }
        finally
        {
            foreach (var (_, temp) in staged) TryDelete(() => File.Delete(temp)); // only those not moved are left
            foreach (var folder in stagingFolders) TryDelete(() => Directory.Delete(folder, recursive: true));
            foreach (var claim in locks) claim.Dispose();
        }
    }

    private static bool IsPrivate(PlannedFile file) => FileModes.IsPrivate(file.Mode);

    private static bool Holds(string path, byte[]? content) =>
        content is null ? !File.Exists(path) : SafeFile.HoldsExactly(path, content);

    private static bool IsUnchanged(PlannedFile file) =>
        !IsPrivate(file) && SafeFile.HoldsExactly(file.Path, file.Content);

    /// <summary>Creates a folder and its missing parents; adds those it made to <paramref name="created"/>, parents first.</summary>
    private static void EnsureDirectory(string path, int mode, List<string> created)
    {
        if (Directory.Exists(path)) return;
        var parent = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(parent)) EnsureDirectory(parent!, FileModes.PublicDirectory, created);
        bool made;
        if (PlatformInfo.IsWindows)
        {
            made = !Directory.Exists(path);
            if (FileModes.IsPrivate(mode)) NativeMethods.CreatePrivateDirectoryWindows(path);
            else if (DockerDataFolderAcl.ForNewFolder(path, Environment.GetEnvironmentVariable("ProgramData")) is { } sddl) NativeMethods.CreateDirectoryWindows(path, sddl);
            else Directory.CreateDirectory(path);
        }
        else
        {
            made = NativeMethods.Mkdir(path, mode);
        }
        if (made) created.Add(path);
    }

    // Windows: a folder whose inheritable ACL admits the owner, SYSTEM and Administrators only.
    private static string CreateStagingFolder(string directory)
    {
        var staging = Path.Combine(directory, ".dockertls-" + Guid.NewGuid().ToString("N").Substring(0, 12));
        NativeMethods.CreatePrivateDirectoryWindows(staging);
        return staging;
    }

    private static void TryDelete(Action delete)
    {
        try { delete(); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string Stage(string folder, PlannedFile file)
    {
        var temp = PreviousFile.StagingName(file.Path, folder);
        try
        {
            if (PlatformInfo.IsWindows)
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    stream.Write(file.Content, 0, file.Content.Length);
                    stream.Flush(flushToDisk: true);
                }
                if (IsPrivate(file)) NativeMethods.SetPrivateAclWindows(temp); // inside the private staging folder
                return temp;
            }

            using (var stream = NativeMethods.CreateExclusive(temp, file.Mode))
            {
                var fd = stream.SafeFileHandle.DangerousGetHandle();
                if (file.Owner is not null) KeepOwner(fd, file);
                var errno = UnixFileCalls.WriteAll(fd, file.Content);
                if (errno != 0) throw FileSystemErrors.FromCode(errno, file.Path);
            }

            return temp;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is DockerTlsException)
        {
            TryDelete(() => File.Delete(temp)); // a half-written file is never left behind
            // The user asked for the target, not for our temporary name beside it.
            if (e is DockerTlsException known) throw new DockerTlsException(known.ErrorId, known.Kind, known.Message.Replace(temp, file.Path), file.Path, known);
            throw FileSystemErrors.FromException(e, file.Path);
        }
    }

    // The owner and group of the file being rewritten, on the staged file before it holds anything. Root may give it
    // away; another user keeps the file as theirs where the system refuses (they may not give a file away).
    private static void KeepOwner(IntPtr fd, PlannedFile file)
    {
        if (UnixFileCalls.Fchown(fd, file.Owner!.Value, file.Group!.Value) == 0) return;
        var errno = System.Runtime.InteropServices.Marshal.GetLastWin32Error();
        if (UnixFileCalls.Geteuid() == 0) throw FileSystemErrors.FromCode(errno, file.Path, "keep the owner of");
    }

    private static void MoveIntoPlace(string temp, string target)
    {
        if (!PlatformInfo.IsWindows)
        {
            NativeMethods.Rename(temp, target); // atomic, also over an existing file
            return;
        }
        if (File.Exists(target)) File.SetAttributes(target, FileAttributes.Normal); // a read-only target cannot be replaced
        NativeMethods.ReplaceWindows(temp, target);
    }

    private sealed class PlannedFile
    {
        public PlannedFile(string path, byte[] content, int mode) { Path = path; Content = content; Mode = mode; }
        public string Path { get; }
        public byte[] Content { get; }
        public int Mode { get; }
        public bool Rewrite { get; set; }
        public uint? Owner { get; set; }
        public uint? Group { get; set; }
    }
}
