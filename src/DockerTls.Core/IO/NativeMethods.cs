using System;
using System.ComponentModel;
using System.IO;
using Microsoft.Win32.SafeHandles;
using System.Runtime.InteropServices;

namespace DockerTls.Core.IO;

/// <summary>
/// The few system calls netstandard2.0 lacks: creating a file or a folder with its mode in one step, setting the
/// mode of an open file, and an atomic rename over an existing file (Unix); a protected owner-only ACL, and a rename over an existing
/// file that keeps the renamed file's own ACL (Windows).
/// </summary>
internal static class NativeMethods
{
    [DllImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static extern int UnixFchmod(int fd, uint mode);

    [DllImport("libc", EntryPoint = "mkdir", SetLastError = true)]
    private static extern int UnixMkdir(string path, uint mode);

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int UnixRename(string oldPath, string newPath);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int UnixOpen(string path, int flags, uint mode);

    /// <summary>
    /// Creates a new file for writing with its permission bits set in the same call, so that it is never,
    /// even for an instant, more open than <paramref name="mode"/> (the umask may only take bits away), then sets
    /// exactly <paramref name="mode"/> on the open file. A chmod by path could be sent elsewhere: whoever may write
    /// in the folder could put a link to another file in the new file's place between the two calls.
    /// </summary>
    public static FileStream CreateExclusive(string path, int mode)
    {
        // O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC; the values differ between Linux and macOS. O_EXCL also refuses a link.
        var flags = PlatformInfo.IsMacOS ? 0x1 | 0x200 | 0x800 | 0x1000000 : 0x1 | 0x40 | 0x80 | 0x80000;
        var fd = UnixOpen(path, flags, (uint)mode);
        Check(fd < 0 ? -1 : 0, "open", path);
        var stream = new FileStream(new SafeFileHandle((IntPtr)fd, ownsHandle: true), FileAccess.Write);
        if (UnixFchmod(fd, (uint)mode) != 0)
        {
            var errno = Marshal.GetLastWin32Error();
            stream.Dispose();
            throw Failure("fchmod", path, errno);
        }

        return stream;
    }

    /// <summary>
    /// Creates a folder with <paramref name="mode"/> as the umask leaves it (it may narrow a public folder, never widen a
    /// private one; no chmod by path follows, which a swapped link could send elsewhere); false when it exists already
    /// (made meanwhile by another writer).
    /// </summary>
    public static bool Mkdir(string path, int mode)
    {
        const int AlreadyExists = 17; // EEXIST on Linux and macOS
        if (UnixMkdir(path, (uint)mode) == 0) return true;
        var errno = Marshal.GetLastWin32Error();
        if (errno == AlreadyExists && Directory.Exists(path)) return false;
        throw Failure("mkdir", path, errno);
    }

    public static void Rename(string from, string to) => Check(UnixRename(from, to), "rename", to);

    private static void Check(int result, string call, string path)
    {
        if (result != 0) throw Failure(call, path, Marshal.GetLastWin32Error());
    }

    // PermissionDenied, ReadOnlyFileSystem, DiskFull or FileSystemError, in the system's words, not an errno.
    private static DockerTlsException Failure(string call, string path, int errno) => FileSystemErrors.FromCode(errno, path);

    // Windows: a protected DACL (no inheritance) that grants the owner, SYSTEM and Administrators only.
    // Folder form is inheritable so that files created inside are born with it.
    internal const string PrivateFileSddl = "D:P(A;;FA;;;OW)(A;;FA;;;SY)(A;;FA;;;BA)";
    internal const string PrivateFolderSddl = "D:P(A;OICI;FA;;;OW)(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";

    [StructLayout(LayoutKind.Sequential)]
    private struct SecurityAttributes
    {
        public int Length;
        public IntPtr SecurityDescriptor;
        public int InheritHandle;
    }

    [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool ConvertStringSecurityDescriptorToSecurityDescriptorW(string sddl, uint revision, out IntPtr descriptor, IntPtr size);

    [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool CreateDirectoryW(string path, ref SecurityAttributes attributes);

    [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool SetFileSecurityW(string path, uint information, IntPtr descriptor);

    [DllImport("kernel32.dll")]
    private static extern IntPtr LocalFree(IntPtr memory);

    [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool MoveFileExW(string existing, string replacement, uint flags);

    private const uint MoveFileReplaceExisting = 0x1;
    private const uint MoveFileWriteThrough = 0x8;

    private const uint DaclSecurityInformation = 0x4;
    private const uint ProtectedDaclSecurityInformation = 0x80000000;

    public static void CreatePrivateDirectoryWindows(string path)
    {
        var descriptor = Descriptor(PrivateFolderSddl);
        try
        {
            var attributes = new SecurityAttributes { Length = Marshal.SizeOf<SecurityAttributes>(), SecurityDescriptor = descriptor };
            if (!CreateDirectoryW(path, ref attributes)) throw WindowsFailure("CreateDirectory", path);
        }
        finally { LocalFree(descriptor); }
    }

    public static void SetPrivateAclWindows(string path)
    {
        var descriptor = Descriptor(PrivateFileSddl);
        try
        {
            if (!SetFileSecurityW(path, DaclSecurityInformation | ProtectedDaclSecurityInformation, descriptor))
                throw WindowsFailure("SetFileSecurity", path);
        }
        finally { LocalFree(descriptor); }
    }

    /// <summary>
    /// Renames <paramref name="from"/> to <paramref name="to"/>, replacing it if it exists (same folder or volume). The
    /// file keeps its own ACL, which File.Replace would not do: ReplaceFile gives the new file the replaced one's DACL,
    /// so a key written over a file that others may read would be readable by them too.
    /// </summary>
    public static void ReplaceWindows(string from, string to)
    {
        // Antivirus and the indexer may hold the new file for a moment: retried briefly (TransientRetry).
        var code = TransientRetry.Run(
            () => MoveFileExW(from, to, MoveFileReplaceExisting | MoveFileWriteThrough) ? 0 : Marshal.GetLastWin32Error(),
            TransientRetry.IsTransientWindows,
            delay => System.Threading.Thread.Sleep(delay));
        if (code != 0) throw FileSystemErrors.FromCode(code, to);
    }

    private static IntPtr Descriptor(string sddl)
    {
        if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, 1, out var descriptor, IntPtr.Zero))
            throw WindowsFailure("ConvertStringSecurityDescriptorToSecurityDescriptor", sddl);
        return descriptor;
    }

    private static DockerTlsException WindowsFailure(string call, string path) => FileSystemErrors.FromCode(Marshal.GetLastWin32Error(), path);
}
