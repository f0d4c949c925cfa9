using System;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace DockerTls.Core.IO;

/// <summary>What an open file is, from the type bits of its mode.</summary>
internal enum FileKind
{
    Unknown,
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
}

/// <summary>
/// The system calls <see cref="SafeFile"/> reads with: an open that cannot block, the type and size of the open file,
/// and the target of a link. netstandard2.0 has none of them; .NET's FileStream would block on a FIFO in the open itself.
/// </summary>
internal static class SafeFileNative
{
    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int ENXIO = 6;
    internal const int EACCES = 13;
    internal const int ENOTDIR = 20;
    private const int EINTR = 4;
    private const int ENOSYS = 38;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int UnixOpen(string path, int flags, uint mode);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern IntPtr UnixRead(int fd, byte[] buffer, IntPtr count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int UnixClose(int fd);

    [DllImport("libc", EntryPoint = "readlink", SetLastError = true)]
    private static extern IntPtr UnixReadlink(string path, byte[] buffer, IntPtr size);

    // Linux: statx has one layout on every architecture (glibc 2.28+, kernel 4.11+).
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int LinuxStatx(int dirfd, string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static extern int UnixFstat(int fd, byte[] buffer);

    // macOS on Intel: the 64-bit-inode struct stat is behind this name; on Apple silicon plain fstat has it.
    [DllImport("libc", EntryPoint = "fstat$INODE64", SetLastError = true)]
    private static extern int MacFstatInode64(int fd, byte[] buffer);

    [DllImport("kernel32.dll", SetLastError = true)]
    private static extern int GetFileType(SafeFileHandle handle);

    /// <summary>
    /// Opens for reading with O_NONBLOCK (a FIFO without a writer would otherwise block the open), O_NOCTTY (a terminal
    /// never becomes this process's) and O_CLOEXEC; -1 and the errno on failure.
    /// </summary>
    public static int OpenForReading(string path, out int errno)
    {
        var flags = PlatformInfo.IsMacOS ? 0x4 | 0x20000 | 0x1000000 : 0x800 | 0x100 | 0x80000;
        int fd;
        do
        {
            fd = UnixOpen(path, flags, 0);
            errno = fd < 0 ? Marshal.GetLastWin32Error() : 0;
        }
        while (fd < 0 && errno == EINTR);
        return fd;
    }

    /// <summary>Reads into <paramref name="buffer"/> from <paramref name="offset"/>; the count, 0 at the end, -1 and the errno on failure.</summary>
    public static int Read(int fd, byte[] buffer, int offset, out int errno)
    {
        var chunk = new byte[Math.Min(buffer.Length - offset, 65536)];
        while (true)
        {
            var read = (long)UnixRead(fd, chunk, (IntPtr)chunk.Length);
            errno = read < 0 ? Marshal.GetLastWin32Error() : 0;
            if (read < 0 && errno == EINTR) continue;
            if (read > 0) Buffer.BlockCopy(chunk, 0, buffer, offset, (int)read);
            return (int)read;
        }
    }

    public static void Close(int fd) => UnixClose(fd);

    /// <summary>The kind and size of the open file; <see cref="FileKind.Unknown"/> and -1 where this platform's layout is not known.</summary>
    public static (FileKind Kind, long Size) Status(int fd)
    {
        var buffer = new byte[512];
        int modeOffset, sizeOffset;
        if (PlatformInfo.IsMacOS)
        {
            var result = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? MacFstatInode64(fd, buffer) : UnixFstat(fd, buffer);
            if (result != 0) return (FileKind.Unknown, -1);
            (modeOffset, sizeOffset) = (4, 96);
        }
        else
        {
            const int AtEmptyPath = 0x1000;
            const uint TypeModeAndSize = 0x1 | 0x2 | 0x200;
            int result;
            try { result = LinuxStatx(fd, "", AtEmptyPath, TypeModeAndSize, buffer); }
            catch (EntryPointNotFoundException) { result = -1; }
            if (result == 0)
            {
                (modeOffset, sizeOffset) = (28, 40);
            }
            else if (RuntimeInformation.ProcessArchitecture == Architecture.X64 && TryFstat(fd, buffer))
            {
                (modeOffset, sizeOffset) = (24, 48);
            }
            else if (RuntimeInformation.ProcessArchitecture == Architecture.Arm64 && TryFstat(fd, buffer))
            {
                (modeOffset, sizeOffset) = (16, 48);
            }
            else
            {
                return (FileKind.Unknown, -1);
            }
        }

        var mode = BitConverter.ToUInt16(buffer, modeOffset);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Unknown,
        };
        return (kind, BitConverter.ToInt64(buffer, sizeOffset));
    }

    // glibc before 2.33 exports no fstat symbol (only __fxstat); statx covers every glibc since 2.28.
    private static bool TryFstat(int fd, byte[] buffer)
    {
        try { return UnixFstat(fd, buffer) == 0; }
        catch (EntryPointNotFoundException) { return false; }
    }

    /// <summary>The target of the link at <paramref name="path"/>, or null when it is no link (or on Windows).</summary>
    public static string? LinkTarget(string path)
    {
        if (PlatformInfo.IsWindows) return null;
        var buffer = new byte[4096];
        var length = (long)UnixReadlink(path, buffer, (IntPtr)buffer.Length);
        return length < 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)length);
    }

    /// <summary>Windows: true for a file on a disk, false for a console, a pipe or another device.</summary>
    public static bool IsDiskFileWindows(SafeFileHandle handle) => GetFileType(handle) == 1;
}
