using System;
using System.IO;
using System.Runtime.InteropServices;

namespace DockerTls.Core.IO;

/// <summary>
/// What a target held before a <see cref="FileTransaction"/> moved its new file there, kept until the whole set has
/// landed, so that a failure in the middle of the renames (an immutable file, a full disk, a file system gone
/// read-only) can put back every file already replaced, and so that the next run can do the same after a kill
/// (<see cref="FileJournal"/> names where each is kept). On Unix the old file is kept on disk beside it, named as a
/// temporary file (<c>.&lt;name&gt;.&lt;guid&gt;.tmp</c>): a hard link, which keeps its bytes, owner, mode and any ACL, or
/// where no link can be made (an immutable file, a file system without links) a copy made with its mode and owner from
/// the start. A kept file is found and removed by the next run if this one is killed. On Windows its bytes and mode are
/// kept in memory.
/// </summary>
internal sealed class PreviousFile
{
    private readonly string _target;
    private string? _link;
    private byte[]? _bytes;
    private UnixFileStatus? _status;
    private bool _existed;

    private PreviousFile(string target) => _target = target;

    /// <summary>Keeps what <paramref name="target"/> holds now (nothing, if it does not exist).</summary>
    public static PreviousFile Keep(string target, int mode)
    {
        var previous = new PreviousFile(target);
        if (!PlatformInfo.IsWindows)
        {
            var status = UnixFileCalls.Stat(target, followLinks: false);
            if (status is null) return previous;
            previous._existed = true;
            var link = StagingName(target);
            if (UnixFileCalls.Link(target, link) == 0 || (status.Value.IsRegular && WriteCopy(link, File.ReadAllBytes(target), status.Value, target)))
                previous._link = link;
            return previous; // a link that cannot be kept is not worth a fallback: it names its target
        }

        if (!File.Exists(target)) return previous;
        previous._existed = true;
        previous._bytes = File.ReadAllBytes(target);
        previous._status = new UnixFileStatus(mode, 0, 0);
        return previous;
    }

    /// <summary>Where the old file is kept on disk (null: nothing there before, or kept in memory).</summary>
    public string? KeptAt => _link;

    /// <summary>Whether the target existed when it was kept.</summary>
    public bool Existed => _existed;

    /// <summary>The hidden name beside a target that a staged file or a kept old one has: <c>.&lt;name&gt;.&lt;guid&gt;.tmp</c>.</summary>
    public static string StagingName(string target, string? folder = null) =>
        Path.Combine(folder ?? Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");

    /// <summary>Puts the old file back in place of the new one (or removes the new one where there was none).</summary>
    public void Restore()
    {
        if (!_existed)
        {
            File.Delete(_target);
            return;
        }

        if (_link is not null)
        {
            NativeMethods.Rename(_link, _target);
            _link = null;
            return;
        }

        if (_bytes is null) return;
        var temp = StagingName(_target);
        File.WriteAllBytes(temp, _bytes);
        if (FileModes.IsPrivate(_status?.Permissions ?? FileModes.PrivateFile)) NativeMethods.SetPrivateAclWindows(temp);
        if (File.Exists(_target)) File.SetAttributes(_target, FileAttributes.Normal);
        NativeMethods.ReplaceWindows(temp, _target);
    }

    // Unix: a copy of the old bytes with their mode and owner from the start (O_CREAT|O_EXCL, then fchown).
    private static bool WriteCopy(string path, byte[] bytes, UnixFileStatus status, string target)
    {
        using (var stream = NativeMethods.CreateExclusive(path, status.Permissions))
        {
            var fd = stream.SafeFileHandle.DangerousGetHandle();
            var errno = UnixFileCalls.Fchown(fd, status.Owner, status.Group) == 0 ? 0 : Marshal.GetLastWin32Error();
            if (errno == 0 || UnixFileCalls.Geteuid() != 0) errno = UnixFileCalls.WriteAll(fd, bytes); // another user keeps it as theirs
            Array.Clear(bytes, 0, bytes.Length);
            if (errno == 0) return true;
            UnixFileCalls.Unlink(path);
            throw FileSystemErrors.FromCode(errno, target);
        }
    }

    /// <summary>Drops what was kept, once the whole set has landed.</summary>
    public void Discard()
    {
        if (_link is not null) UnixFileCalls.Unlink(_link);
        _link = null;
        if (_bytes is not null) Array.Clear(_bytes, 0, _bytes.Length);
    }
}
