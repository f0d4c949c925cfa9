using System;
using System.ComponentModel;
using System.IO;

namespace DockerTls.Core.IO;

/// <summary>
/// What a failed write is called and what to do about it: a full disk, a read-only file system and a refused
/// permission each have their own id, and every message names the path the user asked for (never a temporary
/// name) and the system's own words for the failure ("No space left on device"), not an errno.
/// </summary>
public static class FileSystemErrors
{
    public const string DiskFull = "DiskFull";
    public const string ReadOnlyFileSystem = "ReadOnlyFileSystem";
    public const string PermissionDenied = "PermissionDenied";
    public const string FileSystemError = "FileSystemError";
    public const string TargetBusy = "TargetBusy";

    /// <summary>The error for an errno (Unix) or a Win32 error code (Windows) met while writing <paramref name="path"/>.</summary>
    public static DockerTlsException FromCode(int code, string path, string? action = null)
    {
        var words = new Win32Exception(code).Message; // strerror on Unix, FormatMessage on Windows
        var what = action ?? "write";
        string id;
        if (PlatformInfo.IsWindows)
        {
            id = code switch
            {
                5 or 1314 => PermissionDenied,           // ERROR_ACCESS_DENIED, ERROR_PRIVILEGE_NOT_HELD
                19 => ReadOnlyFileSystem,                // ERROR_WRITE_PROTECT
                39 or 112 => DiskFull,                   // ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL
                _ => FileSystemError,
            };
        }
        else
        {
            var quota = PlatformInfo.IsMacOS ? 69 : 122; // EDQUOT
            id = code switch
            {
                1 or 13 => PermissionDenied,             // EPERM (also an immutable file), EACCES
                30 => ReadOnlyFileSystem,                // EROFS
                28 => DiskFull,                          // ENOSPC
                _ when code == quota => DiskFull,
                _ => FileSystemError,
            };
        }

        var immutable = !PlatformInfo.IsWindows && code == 1
            ? " An immutable file (lsattr shows 'i') must first be made mutable with chattr -i."
            : string.Empty;
        return Create(id, path, $"Cannot {what} '{path}': {words}.", immutable);
    }

    /// <summary>The error for a .NET exception met while reading or writing <paramref name="path"/>.</summary>
    public static DockerTlsException FromException(Exception e, string path, string? action = null)
    {
        if (e is DockerTlsException known) return known;
        if (e is UnauthorizedAccessException) return Create(PermissionDenied, path, $"Cannot {action ?? "write"} '{path}': permission denied.");
        return Create(FileSystemError, path, $"Cannot {action ?? "write"} '{path}': {e.Message.TrimEnd('.')}.");
    }

    /// <summary>
    /// The error a write into <paramref name="folder"/> (made if missing) would meet, found without writing
    /// (access(2) with W_OK|X_OK on the folder, or the nearest one that exists), or null. Unix only; -WhatIf uses it
    /// to report what a real run would.
    /// </summary>
    public static DockerTlsException? ProbeWrite(string folder, string target)
    {
        if (PlatformInfo.IsWindows) return null;
        var existing = folder;
        while (!Directory.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (string.IsNullOrEmpty(parent)) return null;
            existing = parent!;
        }

        var code = UnixFileCalls.ProbeWrite(existing);
        return code == 0 ? null : FromCode(code, target);
    }

    /// <summary>Another DockerTls run holds the folder's lock for longer than the wait.</summary>
    public static DockerTlsException Busy(string folder, TimeSpan waited) =>
        new(TargetBusy, ErrorKind.ResourceUnavailable,
            $"Another DockerTls command is writing in '{folder}' (it has held the lock '{Path.Combine(folder, FolderLock.FileName)}' for more than {waited.TotalSeconds:0} s). Nothing was written. Wait for it to finish, then run again.", folder);

    private static DockerTlsException Create(string id, string path, string what, string extra = "")
    {
        var (kind, next) = id switch
        {
            PermissionDenied => (ErrorKind.PermissionDenied, PlatformInfo.IsWindows
                ? "Run PowerShell as Administrator (needed for %ProgramData%\\docker), or choose a path you may write."
                : "Run as root (sudo; needed for /etc/docker and /etc/systemd), or choose a path you may write."),
            ReadOnlyFileSystem => (ErrorKind.PermissionDenied, "The file system is mounted read-only: remount it read-write, or choose a path on another one."),
            DiskFull => (ErrorKind.ResourceUnavailable, "Free some space (or quota) on that file system, then run again."),
            _ => (ErrorKind.ResourceUnavailable, "Check the path and the file system, then run again."),
        };
        return new DockerTlsException(id, kind, $"{what} Nothing was changed. {next}{extra}", path);
    }
}
