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

    /// <summary>
    /// Creates a new file for writing with its permission bits set in the same call, so that it is never,
    /// even for an instant, more open than <paramref name="mode"/> (the umask may only take bits away), then sets
    /// exactly <paramref name="mode"/> on the open file. A chmod by path could be sent elsewhere: whoever may write
    /// in the folder could put a link to another file in the new file's place between the two calls.
    /// </summary>
    public static FileStream CreateExclusive(string path, int mode)
    {
        var stream = CreateNew(path, mode);
        if (UnixFchmod((int)stream.SafeFileHandle.DangerousGetHandle(), (uint)mode) != 0)
        {
            var errno = Marshal.GetLastWin32Error();
            stream.Dispose();
            throw Failure("fchmod", path, errno);
        }

        return stream;
    }

    /// <summary>
    /// The creation step of <see cref="CreateExclusive"/> alone: O_CREAT|O_EXCL (an existing file or link at
    /// <paramref name="path"/> is refused, never followed), with <paramref name="mode"/> less the umask as the mode
    /// the file is born with. No variadic function is called: <c>open(2)</c> is variadic, and a fixed-arity P/Invoke
    /// of it puts the mode in a register where Apple's arm64 ABI reads variadic arguments from the stack
    /// (https://github.com/dotnet/runtime/issues/48752), so a key's first mode would be whatever lay there. The file
    /// is created with FileStreamOptions.UnixCreateMode (.NET 7 and later: every supported PowerShell 7), through
    /// the runtime's own native shim, which passes the mode to open(2) from C; an older runtime is refused.
    /// </summary>
    internal static FileStream CreateNew(string path, int mode)
    {
        if (CreateWithUnixMode is { } create)
        {
            try
            {
                return create(path, mode);
            }
            catch (IOException e)
            {
                throw new DockerTlsException("FileSystemError", ErrorKind.PermissionDenied,
                    $"Could not create '{path}' ({e.Message}). Check that you may write there (root is needed for /etc/docker).", path, e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new DockerTlsException("FileSystemError", ErrorKind.PermissionDenied,
                    $"Could not create '{path}' ({e.Message}). Check that you may write there (root is needed for /etc/docker).", path, e);
            }
        }
        throw new DockerTlsException("RuntimeTooOld", ErrorKind.InvalidOperation,
            $"This .NET ({RuntimeInformation.FrameworkDescription}) cannot create '{path}' with its mode in one step. Use PowerShell 7.4 or later.", path);
    }

    /// <summary>True when this runtime creates files through FileStreamOptions.UnixCreateMode (.NET 7 and later).</summary>
    internal static bool HasUnixCreateMode => CreateWithUnixMode != null;

    private static readonly Func<string, int, FileStream>? CreateWithUnixMode = UnixCreateModeFactory();

    // netstandard2.0 has no FileStreamOptions: reached by reflection, where the runtime has it.
    private static Func<string, int, FileStream>? UnixCreateModeFactory()
    {
        if (PlatformInfo.IsWindows) return null;
        var options = typeof(FileStream).Assembly.GetType("System.IO.FileStreamOptions");
        var unixMode = options?.GetProperty("UnixCreateMode");
        var constructor = options == null ? null : typeof(FileStream).GetConstructor(new[] { typeof(string), options });
        if (options == null || unixMode == null || constructor == null) return null;
        var modeType = Nullable.GetUnderlyingType(unixMode.PropertyType) ?? unixMode.PropertyType;
        var fileMode = options.GetProperty("Mode")!;
        var access = options.GetProperty("Access")!;
        var share = options.GetProperty("Share")!;
        return (path, mode) =>
        {
            var settings = Activator.CreateInstance(options)!;
            fileMode.SetValue(settings, FileMode.CreateNew); // O_CREAT | O_EXCL
            access.SetValue(settings, FileAccess.Write);
            share.SetValue(settings, FileShare.None);
            unixMode.SetValue(settings, Enum.ToObject(modeType, mode));
            try
            {
                return (FileStream)constructor.Invoke(new[] { path, settings });
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        };
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

    // Windows: owned by the current user, a protected DACL (no inheritance) that grants that user, SYSTEM and
    // Administrators only (WindowsAcl). The folder form is inheritable so that files created inside are born with it.
    private static readonly Lazy<string> UserSid = new(WindowsAcl.CurrentUserSid);

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

    private const uint OwnerSecurityInformation = 0x1;
    private const uint DaclSecurityInformation = 0x4;
    private const uint ProtectedDaclSecurityInformation = 0x80000000;

    public static void CreatePrivateDirectoryWindows(string path) => CreateDirectoryWindows(path, WindowsAcl.PrivateFolder(UserSid.Value));

    /// <summary>Creates a folder born with the security descriptor <paramref name="sddl"/> (nothing inherited unless it says so).</summary>
    public static void CreateDirectoryWindows(string path, string sddl)
    {
        var descriptor = Descriptor(sddl);
        try
        {
            var attributes = new SecurityAttributes { Length = Marshal.SizeOf<SecurityAttributes>(), SecurityDescriptor = descriptor };
            if (!CreateDirectoryW(path, ref attributes)) throw WindowsFailure("CreateDirectory", path);
        }
        finally { LocalFree(descriptor); }
    }

    public static void SetPrivateAclWindows(string path)
    {
        var descriptor = Descriptor(WindowsAcl.PrivateFile(UserSid.Value));
        try
        {
            if (!SetFileSecurityW(path, OwnerSecurityInformation | DaclSecurityInformation | ProtectedDaclSecurityInformation, descriptor))
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
