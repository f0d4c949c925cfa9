using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace DockerTls.Core.IO;

/// <summary>
/// Holds a file beside another one exclusively (an advisory lock: flock on Unix, a share mode on Windows) so that
/// two commands, in this process or another, that read, change and rewrite the same file one after the other do not
/// lose each other's change. Threads of this process queue on a monitor first, so that they do not poll.
/// As with <see cref="FolderLock"/>, the holder removes the lock file on Unix before it lets go, and a waiter that then
/// wins the lock of the removed file sees that the name no longer leads to it and tries again, so no lock file stays
/// beside the inventory. On Windows the file stays; it holds nothing.
/// </summary>
public sealed class InventoryLock : IDisposable
{
    private static readonly Dictionary<string, object> Gates = new(StringComparer.Ordinal);
    private readonly object _gate;
    private readonly FileStream _stream;
    private readonly string _lockPath;

    private InventoryLock(object gate, FileStream stream, string lockPath)
    {
        _gate = gate;
        _stream = stream;
        _lockPath = lockPath;
    }

    /// <summary>The lock file beside <paramref name="path"/>: its name with <c>.lock</c> appended.</summary>
    public static string LockPathFor(string path) => Path.GetFullPath(path) + ".lock";

    /// <summary>Waits up to <paramref name="timeout"/> for the lock of <paramref name="path"/>; <c>InventoryLocked</c> when another holds it longer.</summary>
    public static InventoryLock Acquire(string path, TimeSpan timeout)
    {
        var lockPath = LockPathFor(path);
        object gate;
        lock (Gates)
        {
            if (!Gates.TryGetValue(lockPath, out gate!)) Gates[lockPath] = gate = new object();
        }
        var waited = Stopwatch.StartNew();
        if (!Monitor.TryEnter(gate, timeout)) throw Locked(lockPath);
        try
        {
            while (true)
            {
                try
                {
                    var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    if (PlatformInfo.IsWindows || UnixFileCalls.SameFile(stream.SafeFileHandle.DangerousGetHandle(), lockPath))
                    {
                        return new InventoryLock(gate, stream, lockPath);
                    }
                    stream.Dispose(); // its holder removed it before letting go: lock the file the name leads to now
                    if (waited.Elapsed >= timeout) throw Locked(lockPath);
                }
                catch (IOException) when (waited.Elapsed < timeout && Directory.Exists(Path.GetDirectoryName(lockPath)))
                {
                    Thread.Sleep(10); // another process holds it, or has just removed it as it let go
                }
                catch (IOException e) when (File.Exists(lockPath))
                {
                    throw Locked(lockPath, e);
                }
            }
        }
        catch
        {
            Monitor.Exit(gate);
            throw;
        }
    }

    private static DockerTlsException Locked(string lockPath, Exception? inner = null) =>
        new("InventoryLocked", ErrorKind.ResourceUnavailable,
            $"Another command holds '{lockPath}' (it is writing the CA's inventory). Nothing was written. Run this again when it is done.", lockPath, inner);

    public void Dispose()
    {
        if (!PlatformInfo.IsWindows) UnixFileCalls.Unlink(_lockPath); // still locked: a waiter on this file sees it gone
        _stream.Dispose();
        Monitor.Exit(_gate);
    }
}
