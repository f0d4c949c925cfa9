using System;
using System.Runtime.InteropServices;

namespace DockerTls.Core.IO;

/// <summary>
/// The Unix calls of the write path beyond creating a file (<see cref="NativeMethods"/>): advisory locks, hard links,
/// owner and mode of an open file, raw writes whose errno is kept, a write-access probe, and the owner of a file.
/// None is called with variadic arguments (<c>open</c> only with its two fixed ones, which every ABI passes alike),
/// and none takes libc's struct stat, whose layout differs between systems and CPUs.
/// </summary>
internal static class UnixFileCalls
{
    public const int LockExclusive = 2, LockNonBlocking = 4;
    public const int WouldBlock = 11; // EWOULDBLOCK on Linux; macOS's is 35
    public const int WouldBlockMac = 35;

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static extern int Flock(IntPtr fd, int operation);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenNoMode(string path, int flags);

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    public static extern int Link(string existing, string newPath);

    [DllImport("libc", EntryPoint = "unlink", SetLastError = true)]
    public static extern int Unlink(string path);

    [DllImport("libc", EntryPoint = "fchown", SetLastError = true)]
    public static extern int Fchown(IntPtr fd, uint owner, uint group);

    [DllImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static extern int Fchmod(IntPtr fd, uint mode);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern IntPtr Write(IntPtr fd, byte[] buffer, UIntPtr count);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static extern int Fsync(IntPtr fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "access", SetLastError = true)]
    private static extern int Access(string path, int mode);

    [DllImport("libc", EntryPoint = "geteuid")]
    public static extern uint Geteuid();

    /// <summary>
    /// Opens an existing file for writing, not through a link (O_WRONLY|O_NOFOLLOW|O_CLOEXEC), and without the flock that
    /// .NET's FileStream takes on its own; -1 and errno on failure. Only the two fixed arguments of open are passed.
    /// </summary>
    public static int OpenExistingForWrite(string path) =>
        OpenNoMode(path, PlatformInfo.IsMacOS ? 0x1 | 0x100 | 0x1000000 : 0x1 | 0x20000 | 0x80000);

    /// <summary>Writes all of <paramref name="content"/>; 0, or the errno of the write that failed (ENOSPC, EDQUOT, EIO).</summary>
    public static int WriteAll(IntPtr fd, byte[] content)
    {
        var done = 0;
        while (done < content.Length)
        {
            var chunk = new byte[Math.Min(content.Length - done, 1 << 20)];
            Buffer.BlockCopy(content, done, chunk, 0, chunk.Length);
            var n = (long)Write(fd, chunk, (UIntPtr)chunk.Length);
            Array.Clear(chunk, 0, chunk.Length);
            if (n < 0)
            {
                var errno = Marshal.GetLastWin32Error();
                if (errno == 4) continue; // EINTR
                return errno;
            }

            done += (int)n;
        }

        return Fsync(fd) == 0 ? 0 : Marshal.GetLastWin32Error();
    }

    /// <summary>
    /// Makes the names in <paramref name="folder"/> durable (fsync of the folder, opened O_RDONLY|O_CLOEXEC):
    /// what a rename, link or unlink there did survives a power cut. 0, or the errno.
    /// </summary>
    public static int FsyncFolder(string folder)
    {
        var fd = OpenNoMode(folder, PlatformInfo.IsMacOS ? 0x1000000 : 0x80000);
        if (fd < 0) return Marshal.GetLastWin32Error();
        var result = Fsync((IntPtr)fd) == 0 ? 0 : Marshal.GetLastWin32Error();
        Close(fd);
        return result == 22 ? 0 : result; // EINVAL: a file system that cannot sync a folder (some FUSE ones) has nothing to sync
    }

    /// <summary>0 when the caller may write in <paramref name="folder"/> (W_OK|X_OK), else the errno (EACCES, EROFS).</summary>
    public static int ProbeWrite(string folder) => Access(folder, 2 | 1) == 0 ? 0 : Marshal.GetLastWin32Error();

    // .NET's own System.Native library stats a file into a struct of its own, the same on every Unix and CPU
    // (pal_io.h FileStatus: Flags, Mode, Uid, Gid, then 64-bit fields), unlike libc's struct stat.
    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    private static extern int SystemLStat(string path, byte[] status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int SystemStat(string path, byte[] status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_FStat", SetLastError = true)]
    private static extern int SystemFStat(IntPtr fd, byte[] status);

    // Dev, (RDev,) Ino: bytes 88-111 of FileStatus in every .NET since Core 3.0; equal for two names of one file.
    private const int IdentityOffset = 88, IdentityLength = 24;

    /// <summary>True when the open file <paramref name="fd"/> is the file that <paramref name="path"/> names now.</summary>
    public static bool SameFile(IntPtr fd, string path)
    {
        var open = new byte[512];
        var named = new byte[512];
        if (SystemFStat(fd, open) != 0 || SystemStat(path, named) != 0) return false;
        for (var i = IdentityOffset; i < IdentityOffset + IdentityLength; i++)
        {
            if (open[i] != named[i]) return false;
        }

        return true;
    }

    /// <summary>Type and permission bits, owner and group of a file (of the link itself when <paramref name="followLinks"/> is off); null if it does not exist.</summary>
    public static UnixFileStatus? Stat(string path, bool followLinks)
    {
        var buffer = new byte[512];
        if ((followLinks ? SystemStat(path, buffer) : SystemLStat(path, buffer)) != 0) return null;
        return new UnixFileStatus(BitConverter.ToInt32(buffer, 4), BitConverter.ToUInt32(buffer, 8), BitConverter.ToUInt32(buffer, 12));
    }
}

/// <summary>What <see cref="UnixFileCalls.Stat"/> tells of a file.</summary>
internal readonly struct UnixFileStatus
{
    public UnixFileStatus(int mode, uint owner, uint group) { Mode = mode; Owner = owner; Group = group; }

    /// <summary>st_mode: type (S_IFMT) and permission bits.</summary>
    public int Mode { get; }
    public uint Owner { get; }
    public uint Group { get; }

    public int Permissions => Mode & 0xFFF;
    public bool IsLink => (Mode & 0xF000) == 0xA000;
    public bool IsRegular => (Mode & 0xF000) == 0x8000;
}
