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

    /// <param name="overwrite">Replace existing files (-Force); otherwise an existing file is an error.</param>
    public FileTransaction(bool overwrite) => _overwrite = overwrite;

    /// <summary>Raised after each file lands, with its path and mode, for -Verbose.</summary>
    public event Action<string, string>? FileWritten;

    /// <summary>A private key: 0400, or an owner, SYSTEM and Administrators ACL on Windows.</summary>
    public void AddKey(string path, byte[] content) => Add(path, content, FileModes.Key);

    /// <summary>A certificate: 0444. An identical file already in place is left alone.</summary>
    public void AddCertificate(string path, byte[] content) => Add(path, content, FileModes.Certificate);

    /// <summary>Any file with its Unix mode; a mode with no group or other bits is treated as private.</summary>
    public void AddFile(string path, byte[] content, int unixMode) => Add(path, content, unixMode);

    /// <summary>A folder to create if missing, with that mode.</summary>
    public void AddDirectory(string path, int unixMode) => _directories.Add((Path.GetFullPath(path), unixMode));

    private void Add(string path, byte[] content, int mode)
    {
        var full = Path.GetFullPath(path);
        if (_files.Any(f => string.Equals(f.Path, full, StringComparison.Ordinal)))
            throw new ArgumentException($"'{full}' is planned twice.", nameof(path));
        _files.Add(new PlannedFile(full, content, mode));
    }

    /// <summary>
    /// Fails with <c>KeyFileExists</c> if any target exists and overwriting is off (an identical
    /// non-private file is not a conflict), without writing anything.
    /// </summary>
    public void CheckTargets()
    {
        foreach (var file in _files)
        {
            if (Directory.Exists(file.Path))
                throw new DockerTlsException("TargetIsFolder", ErrorKind.InvalidArgument,
                    $"'{file.Path}' is a folder; a file should be written there. Choose another -OutputPath.", file.Path);
            if (!File.Exists(file.Path) || _overwrite || IsUnchanged(file)) continue;
            throw new DockerTlsException("KeyFileExists", ErrorKind.ResourceExists,
                $"'{file.Path}' exists already. Nothing was written. Use -Force to replace it, or choose another -OutputPath.", file.Path);
        }
    }

    /// <summary>
    /// Writes every planned file; returns the paths written. Every file is staged before any is moved into
    /// place, so a failure while staging (a folder that cannot be written, a full disk) leaves no file and no
    /// folder of this transaction behind.
    /// </summary>
    public IReadOnlyList<string> Commit()
    {
        CheckTargets();
        var created = new List<string>();
        var staged = new List<(PlannedFile File, string Temp)>();
        var stagingFolders = new List<string>();
        var written = new List<string>();
        try
        {
            foreach (var (path, mode) in _directories) EnsureDirectory(path, mode, created);
            var pending = _files.Where(f => !(File.Exists(f.Path) && IsUnchanged(f)));
            foreach (var group in pending.GroupBy(f => Path.GetDirectoryName(f.Path)!))
            {
                EnsureDirectory(group.Key, FileModes.PublicDirectory, created);
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
            foreach (var (file, temp) in staged)
            {
                MoveIntoPlace(temp, file.Path);
                if (PlatformInfo.IsWindows && (file.Mode & 0x92) == 0) File.SetAttributes(file.Path, FileAttributes.ReadOnly);
                written.Add(file.Path);
                FileWritten?.Invoke(file.Path, PlatformInfo.IsWindows ? (IsPrivate(file) ? "owner-only ACL" : "inherited ACL") : FileModes.Format(file.Mode));
            }
            return written;
        }
        catch when (written.Count == 0)
        {
            // Nothing landed yet: take back the folders this transaction made, deepest first.
            foreach (var (_, temp) in staged) TryDelete(() => File.Delete(temp));
            foreach (var folder in stagingFolders) TryDelete(() => Directory.Delete(folder, recursive: true));
            for (var i = created.Count - 1; i >= 0; i--) TryDelete(() => Directory.Delete(created[i]));
            throw;
        }
        finally
        {
            foreach (var (_, temp) in staged) TryDelete(() => File.Delete(temp)); // only those not moved are left
            foreach (var folder in stagingFolders) TryDelete(() => Directory.Delete(folder, recursive: true));
        }
    }

    private static bool IsPrivate(PlannedFile file) => FileModes.IsPrivate(file.Mode);

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
        var temp = Path.Combine(folder, $".{Path.GetFileName(file.Path)}.{Guid.NewGuid():N}.tmp");
        using (var stream = PlatformInfo.IsWindows ? new FileStream(temp, FileMode.CreateNew, FileAccess.Write) : NativeMethods.CreateExclusive(temp, file.Mode))
        {
            stream.Write(file.Content, 0, file.Content.Length);
            stream.Flush();
        }
        if (PlatformInfo.IsWindows && IsPrivate(file)) NativeMethods.SetPrivateAclWindows(temp); // inside the private staging folder
        return temp;
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
    }
}
