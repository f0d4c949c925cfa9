using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace DockerTls.Core.IO;

/// <summary>
/// Holds a lock file beside another file (<see cref="FolderLock.AcquireFile"/>: flock on Unix, LockFileEx on Windows,
/// removed on release on Unix) so that two commands, in this process or another, that read, change and rewrite the
/// same file one after the other do not lose each other's change. Threads of this process queue on a monitor first,
/// so that they do not poll.
/// </summary>
public sealed class InventoryLock : IDisposable
{
    private static readonly Dictionary<string, object> Gates = new(StringComparer.Ordinal);
    private readonly object _gate;
    private readonly FolderLock _file;

    private InventoryLock(object gate, FolderLock file)
    {
        _gate = gate;
        _file = file;
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
            var left = timeout - waited.Elapsed;
            return new InventoryLock(gate, FolderLock.AcquireFile(lockPath, left > TimeSpan.Zero ? left : TimeSpan.Zero, () => Locked(lockPath)));
        }
        catch
        {
            Monitor.Exit(gate);
            throw;
        }
    }

    private static DockerTlsException Locked(string lockPath) =>
        new("InventoryLocked", ErrorKind.ResourceUnavailable,
            $"Another command holds '{lockPath}' (it is writing the CA's inventory). Nothing was written. Run this again when it is done.", lockPath);

    public void Dispose()
    {
        _file.Dispose();
        Monitor.Exit(_gate);
    }
}
