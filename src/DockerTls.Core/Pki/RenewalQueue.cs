using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DockerTls.Core.Pki;

/// <summary>A renewal handed to <see cref="RenewalQueue"/>, and how its write ended.</summary>
public sealed class QueuedRenewal
{
    internal QueuedRenewal(RenewalWrite write) => Write = write;

    public RenewalWrite Write { get; }

    /// <summary>Each file written, with its mode; empty until written, and when the write failed.</summary>
    public IReadOnlyList<(string Path, string Mode)> FilesWritten => Written;

    internal List<(string Path, string Mode)> Written { get; } = new();

    /// <summary>Why nothing of this renewal was written; null when it was.</summary>
    public DockerTlsException? Error { get; internal set; }

    /// <summary>A failure that is not the file system's (a defect): rethrown by the command.</summary>
    public Exception? Fault { get; internal set; }

    internal bool Finished { get; set; }
}

/// <summary>
/// Writes the renewals of one command in the background while the command plans and signs the next ones: whatever is
/// waiting when the writer is free (up to <see cref="MaxGroup"/>) goes into one transaction with its inventory records,
/// so that a pipeline of 500 renewals does not take the inventory's lock and rewrite it 500 times. The group lands all
/// or none; when it fails, each of its renewals is written alone, so that one bad folder fails only its own renewal, with
/// its own error. Renewals of one folder are never in flight together (<see cref="WaitForFolder"/>), and results come
/// back in the order they were queued.
/// </summary>
public sealed class RenewalQueue
{
    public const int MaxGroup = 64;

    private readonly CertificateRenewal _renewal;
    private readonly object _gate = new();
    private readonly List<QueuedRenewal> _waiting = new();
    private readonly Queue<QueuedRenewal> _unreported = new();
    private readonly Dictionary<string, int> _busyFolders = new(StringComparer.Ordinal);
    private Task _writer = Task.CompletedTask;
    private bool _writing;
    private bool _stopped;

    public RenewalQueue(CertificateRenewal renewal) => _renewal = renewal;

    /// <summary>How many transactions the writer has committed or tried (a group, and each of a failed group's renewals alone).</summary>
    public int Transactions { get; private set; }

    /// <summary>Queues a prepared renewal for writing.</summary>
    public void Enqueue(RenewalWrite write)
    {
        var item = new QueuedRenewal(write);
        lock (_gate)
        {
            if (_stopped) return;
            foreach (var folder in FoldersOf(write)) _busyFolders[folder] = _busyFolders.TryGetValue(folder, out var n) ? n + 1 : 1;
            _waiting.Add(item);
            _unreported.Enqueue(item);
            if (_writing) return;
            _writing = true;
            _writer = Task.Run(WriteWaiting);
        }
    }

    /// <summary>Waits until no queued renewal writes into <paramref name="folder"/>: one about to be planned reads what they write.</summary>
    public void WaitForFolder(string folder)
    {
        lock (_gate)
        {
            while (_busyFolders.ContainsKey(Path.GetFullPath(folder))) Monitor.Wait(_gate);
        }
    }

    /// <summary>The renewals at the head of the queue that are written or failed (or, with <paramref name="waitForAll"/>, all of them), in queued order.</summary>
    public IEnumerable<QueuedRenewal> TakeFinished(bool waitForAll)
    {
        while (true)
        {
            QueuedRenewal item;
            lock (_gate)
            {
                if (_unreported.Count == 0) yield break;
                if (!_unreported.Peek().Finished && !waitForAll) yield break;
                while (!_unreported.Peek().Finished) Monitor.Wait(_gate);
                item = _unreported.Dequeue();
            }
            yield return item;
        }
    }

    /// <summary>Ctrl+C: what is waiting is never written; a group being written is finished, so that it lands all or none.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            foreach (var item in _waiting) Finish(item);
            _waiting.Clear();
            _unreported.Clear();
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits for the group being written, if any.</summary>
    public void WaitForWriter()
    {
        Task writer;
        lock (_gate) writer = _writer;
        try { writer.Wait(); } catch (AggregateException) { } // a fault is carried by its renewals
    }

    private void WriteWaiting()
    {
        while (true)
        {
            List<QueuedRenewal> group;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }
                group = _waiting.Take(MaxGroup).ToList();
                _waiting.RemoveRange(0, group.Count);
            }
            try
            {
                Write(group);
            }
            catch (Exception e)
            {
                foreach (var item in group) item.Fault ??= e;
            }
            lock (_gate)
            {
                foreach (var item in group) Finish(item);
                Monitor.PulseAll(_gate);
            }
        }
    }

    // Under the gate: the item's folders are free again.
    private void Finish(QueuedRenewal item)
    {
        item.Finished = true;
        foreach (var folder in FoldersOf(item.Write))
        {
            if (!_busyFolders.TryGetValue(folder, out var n)) continue;
            if (n <= 1) _busyFolders.Remove(folder);
            else _busyFolders[folder] = n - 1;
        }
    }

    private void Write(List<QueuedRenewal> group)
    {
        var failure = TryCommit(group);
        if (failure == null) return;
        if (group.Count == 1)
        {
            group[0].Error = failure;
            return;
        }
        foreach (var item in group) item.Error = TryCommit(new[] { item }); // the group left nothing: each alone
    }

    private DockerTlsException? TryCommit(IReadOnlyList<QueuedRenewal> items)
    {
        Transactions++;
        var owner = new Dictionary<string, QueuedRenewal>(StringComparer.Ordinal);
        foreach (var item in items)
            foreach (var file in item.Write.Files) owner[Path.GetFullPath(file)] = item;
        try
        {
            _renewal.Commit(items.Select(i => i.Write).ToList(), (path, mode) =>
            {
                if (owner.TryGetValue(Path.GetFullPath(path), out var item)) item.Written.Add((path, mode));
            });
            return null;
        }
        catch (Exception e) when (e is DockerTlsException || e is IOException || e is UnauthorizedAccessException)
        {
            foreach (var item in items) item.Written.Clear();
            return e as DockerTlsException ?? new DockerTlsException("FileWriteFailed", ErrorKind.PermissionDenied,
                $"Writing the renewed files of '{items[0].Write.Certificate.Path}' failed: {e.Message}", items[0].Write.Certificate.Path, e);
        }
    }

    private static IEnumerable<string> FoldersOf(RenewalWrite write) =>
        write.Files.Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!).Distinct(StringComparer.Ordinal);
}
