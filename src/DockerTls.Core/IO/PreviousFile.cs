using System;
using System.IO;
using System.Runtime.InteropServices;

namespace DockerTls.Core.IO;

/// <summary>
/// What a target held before a <see cref="FileTransaction"/> moved its new file there, kept until the whole set has
/// landed, so that a failure in the middle of the renames (an immutable file, a full disk, a file system gone
/// read-only) can put back every file already replaced. On Unix the old file is kept as a hard link beside it, named
/// as a temporary file (<c>.&lt;name&gt;.&lt;guid&gt;.tmp</c>), which keeps its bytes, owner, mode and any ACL, and is
/// found and removed by the next run if this one is killed; where no link can be made (an immutable file, a file system
/// without links, Windows) its bytes, mode and owner are kept in memory instead.
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
            if (UnixFileCalls.Link(target, link) == 0)
            {
                previous._link = link;
                return previous;
            }

            previous._status = status;
            if (status.Value.IsLink) return previous; // a link put back as a link is not worth a fallback: it names its target
        }
        else if (!File.Exists(target))
        {
            return previous;
        }

        previous._existed = true;
        previous._bytes = File.ReadAllBytes(target);
        if (PlatformInfo.IsWindows) previous._status = new UnixFileStatus(mode, 0, 0);
        return previous;
    }

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
        var mode = _status?.Permissions ?? FileModes.PrivateFile;
        if (PlatformInfo.IsWindows)
        {
            File.WriteAllBytes(temp, _bytes);
            if (FileModes.IsPrivate(mode)) NativeMethods.SetPrivateAclWindows(temp);
            if (File.Exists(_target)) File.SetAttributes(_target, FileAttributes.Normal);
            NativeMethods.ReplaceWindows(temp, _target);
            return;
        }

        using (var stream = NativeMethods.CreateExclusive(temp, mode))
        {
            var fd = stream.SafeFileHandle.DangerousGetHandle();
            var errno = UnixFileCalls.WriteAll(fd, _bytes);
            if (errno == 0 && _status is not null && UnixFileCalls.Fchown(fd, _status.Value.Owner, _status.Value.Group) != 0) errno = Marshal.GetLastWin32Error();
            if (errno != 0)
            {
                UnixFileCalls.Unlink(temp);
                throw FileSystemErrors.FromCode(errno, _target);
            }
        }

        NativeMethods.Rename(temp, _target);
    }

    /// <summary>Drops what was kept, once the whole set has landed.</summary>
    public void Discard()
    {
        if (_link is not null) UnixFileCalls.Unlink(_link);
        _link = null;
        if (_bytes is not null) Array.Clear(_bytes, 0, _bytes.Length);
    }
}
