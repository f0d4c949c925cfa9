using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace DockerTls.Core.IO;

/// <summary>
/// A claim on a folder, held by one <see cref="FileTransaction"/> from the check of its targets to its last rename, so
/// that two DockerTls commands writing into the same folder run one after the other: without -Force exactly one
/// writes and the others find its files; with -Force the folder holds one writer's whole set.
/// The claim is an exclusive lock on <c>.dockertls.lock</c> in the folder (flock on Linux and macOS, LockFileEx on
/// Windows), created 0600 so that no other user can open and hold it. On Unix the holder removes the file before it
/// lets go, and a waiter that then wins the lock of the removed file sees that the name no longer leads to it and
/// tries again, so nothing is left behind. On Windows the empty file stays (hidden); it holds nothing.
/// </summary>
internal sealed class FolderLock : IDisposable
{
    public const string FileName = ".dockertls.lock";

    /// <summary>How long a writer waits for another to finish before it gives up with <c>TargetBusy</c>.</summary>
    public static TimeSpan DefaultWait { get; set; } = TimeSpan.FromSeconds(60);

    private readonly string _path;
    private FileStream? _stream;

    private FolderLock(string path, FileStream stream) { _path = path; _stream = stream; }

    /// <summary>Takes the lock of an existing folder, waiting up to <paramref name="wait"/> for another holder.</summary>
    public static FolderLock Acquire(string folder, TimeSpan wait) =>
        AcquireFile(Path.Combine(folder, FileName), wait, () => FileSystemErrors.Busy(folder, wait));

    /// <summary>
    /// Takes the lock of the lock file <paramref name="path"/> (made 0600 if missing, removed on release as above), waiting
    /// up to <paramref name="wait"/>; <paramref name="busy"/> is the error when another holds it longer.
    /// </summary>
    public static FolderLock AcquireFile(string path, TimeSpan wait, Func<DockerTlsException> busy)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(Guid.NewGuid().GetHashCode());
        while (true)
        {
            var stream = Open(path);
            if (stream is not null)
            {
                if (TryLock(stream) && StillNamed(stream, path)) return new FolderLock(path, stream);
                stream.Dispose();
            }

            if (clock.Elapsed > wait) throw busy();
            Thread.Sleep(random.Next(2, 20));
        }
    }

    public void Dispose()
    {
        if (_stream is null) return;
        if (!PlatformInfo.IsWindows) UnixFileCalls.Unlink(_path); // still locked: a waiter on this file will see it gone
        _stream.Dispose();
        _stream = null;
    }

    /// <summary>Lets go as a killed holder does: the lock goes, the file stays.</summary>
    internal void Abandon()
    {
        _stream?.Dispose();
        _stream = null;
    }

    // The lock file, made 0600 if missing; null when it vanished between the two tries (its holder removed it).
    private static FileStream? Open(string path)
    {
        if (PlatformInfo.IsWindows)
        {
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                File.SetAttributes(path, FileAttributes.Hidden);
                return stream;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw FileSystemErrors.FromException(e, path, "lock");
            }
        }

        var fd = UnixFileCalls.OpenExistingForWrite(path);
        if (fd >= 0) return new FileStream(new SafeFileHandle((IntPtr)fd, ownsHandle: true), FileAccess.Write);
        var errno = Marshal.GetLastWin32Error();
        if (errno != 2) throw FileSystemErrors.FromCode(errno, path, "lock"); // ENOENT: make it
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return NativeMethods.CreateExclusive(path, FileModes.PrivateFile);
            }
            catch (DockerTlsException) when (File.Exists(path))
            {
                return null; // another writer made it first: open that one on the next try
            }
            catch (DockerTlsException) when (attempt < 3)
            {
                // Another writer made it and its holder removed it again between our create and the look: try again.
                // A fault that lasts (no permission, a read-only file system) fails every attempt and is thrown.
            }
        }
    }

    private static bool TryLock(FileStream stream)
    {
        var handle = stream.SafeFileHandle.DangerousGetHandle();
        if (PlatformInfo.IsWindows)
        {
            var overlapped = new NativeOverlapped();
            return LockFileEx(handle, LockfileExclusiveLock | LockfileFailImmediately, 0, 1, 0, ref overlapped);
        }

        if (UnixFileCalls.Flock(handle, UnixFileCalls.LockExclusive | UnixFileCalls.LockNonBlocking) == 0) return true;
        var errno = Marshal.GetLastWin32Error();
        if (errno == UnixFileCalls.WouldBlock || errno == UnixFileCalls.WouldBlockMac) return false;
        // A file system without flock (some network and FUSE ones: ENOLCK, EOPNOTSUPP, EINVAL) is written unlocked, as before.
        if (errno is 37 or 77 or 95 or 45 or 22) return true;
        throw FileSystemErrors.FromCode(errno, Path.GetDirectoryName(stream.Name) ?? stream.Name, "lock");
    }

    // True when the name still leads to the file just locked, not to one made after its holder removed it.
    private static bool StillNamed(FileStream stream, string path) =>
        PlatformInfo.IsWindows || UnixFileCalls.SameFile(stream.SafeFileHandle.DangerousGetHandle(), path);

    private const uint LockfileFailImmediately = 0x1, LockfileExclusiveLock = 0x2;

    [DllImport("kernel32.dll", SetLastError = true)]
    private static extern bool LockFileEx(IntPtr file, uint flags, uint reserved, uint bytesLow, uint bytesHigh, ref NativeOverlapped overlapped);
}
