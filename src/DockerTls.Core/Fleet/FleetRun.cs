using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;

namespace DockerTls.Core.Fleet;

/// <summary>
/// Runs one piece of work per host on at most <c>throttle</c> threads at once and hands back each result as soon
/// as it is ready, on the caller's thread (a cmdlet writes objects and warnings only there). Work that throws gives
/// the result of <c>onError</c>: one host failing never stops the others.
/// </summary>
public static class FleetRun
{
    /// <summary>The results of <paramref name="work"/> over <paramref name="items"/>, in the order they finish.</summary>
    public static IEnumerable<TResult> Run<T, TResult>(IReadOnlyList<T> items, int throttle, Func<T, TResult> work, Func<T, Exception, TResult> onError, CancellationToken cancel = default)
    {
        var run = new FleetRun<T, TResult>(throttle, work, onError, cancel);
        foreach (var item in items) run.Add(item);
        return run.Finish();
    }
}

/// <summary>
/// <see cref="FleetRun"/> fed as a pipeline runs: each host added starts at once while fewer than the throttle are at
/// work (a pipeline of hosts logs in to the first while it still reads the rest); <see cref="TryTake"/> hands back
/// what is done so far without waiting, <see cref="Finish"/> the rest as each finishes.
/// </summary>
public sealed class FleetRun<T, TResult>
{
    private readonly BlockingCollection<T> waiting = new();
    private readonly BlockingCollection<TResult> results = new();
    private readonly int throttle;
    private readonly Func<T, TResult> work;
    private readonly Func<T, Exception, TResult> onError;
    private readonly CancellationToken cancel;
    private int threads;
    private int running;
    private int added;

    /// <summary>A run with no host yet.</summary>
    public FleetRun(int throttle, Func<T, TResult> work, Func<T, Exception, TResult> onError, CancellationToken cancel = default)
    {
        this.throttle = Math.Max(1, throttle);
        this.work = work ?? throw new ArgumentNullException(nameof(work));
        this.onError = onError ?? throw new ArgumentNullException(nameof(onError));
        this.cancel = cancel;
    }

    /// <summary>How many hosts were added.</summary>
    public int Count => added;

    /// <summary>Adds a host; it starts now when a thread is free, else when one is.</summary>
    public void Add(T item)
    {
        added++;
        waiting.Add(item);
        if (threads >= throttle) return;
        threads++;
        Interlocked.Increment(ref running);
        new Thread(Work) { IsBackground = true, Name = "DockerTls fleet " + (threads - 1) }.Start();
    }

    /// <summary>A result that is ready now, without waiting; false when none is.</summary>
    public bool TryTake(out TResult result) => results.TryTake(out result!);

    /// <summary>No more hosts: the results not taken yet, in the order they finish, once each is ready.</summary>
    public IEnumerable<TResult> Finish()
    {
        waiting.CompleteAdding();
        if (Volatile.Read(ref running) == 0) Done(); // no thread, or all stopped by the cancel
        return results.GetConsumingEnumerable();
    }

    private void Done()
    {
        lock (results)
        {
            if (!results.IsAddingCompleted) results.CompleteAdding();
        }
    }

    private void Work()
    {
        try
        {
            foreach (var item in waiting.GetConsumingEnumerable())
            {
                if (cancel.IsCancellationRequested) break;
                TResult result;
                try
                {
                    result = work(item);
                }
                catch (Exception e)
                {
                    result = onError(item, e);
                }

                results.Add(result);
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref running) == 0 && waiting.IsAddingCompleted) Done();
        }
    }
}
