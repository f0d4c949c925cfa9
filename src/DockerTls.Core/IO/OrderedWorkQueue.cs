using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace DockerTls.Core.IO;

/// <summary>
/// Runs jobs on the thread pool, a few at a time, and hands them back finished in the order they were
/// queued. Writing a host's files waits mostly on the disk (creating a folder and three files), so several
/// hosts written side by side finish sooner than one after another (bench/README.md, "Writing many hosts").
/// </summary>
public sealed class OrderedWorkQueue<T>
{
    private readonly Queue<Task<T>> _queued = new();
    private readonly SemaphoreSlim _slots;

    public OrderedWorkQueue(int maxConcurrency) => _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);

    /// <summary>Starts <paramref name="job"/> once a slot is free (waiting here until one is).</summary>
    public void Enqueue(Func<T> job)
    {
        _slots.Wait();
        _queued.Enqueue(Task.Run(() =>
        {
            try { return job(); }
            finally { _slots.Release(); }
        }));
    }

    /// <summary>
    /// The jobs at the head of the queue that have finished (or, with <paramref name="waitForAll"/>, every job,
    /// waiting for each), in queued order; a failed job's task carries its exception.
    /// </summary>
    public IEnumerable<Task<T>> TakeFinished(bool waitForAll)
    {
        while (_queued.Count > 0 && (waitForAll || _queued.Peek().IsCompleted))
        {
            var task = _queued.Dequeue();
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
            yield return task;
        }
    }
}
