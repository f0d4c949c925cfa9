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
        if (items.Count == 0) yield break;
        var results = new BlockingCollection<TResult>();
        var next = -1;
        var running = Math.Max(1, Math.Min(throttle, items.Count));
        var left = running;
        for (var t = 0; t < running; t++)
        {
            var thread = new Thread(() =>
            {
                try
                {
                    int i;
                    while (!cancel.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < items.Count)
                    {
                        TResult result;
                        try
                        {
                            result = work(items[i]);
                        }
                        catch (Exception e)
                        {
                            result = onError(items[i], e);
                        }

                        results.Add(result);
                    }
                }
                finally
                {
                    if (Interlocked.Decrement(ref left) == 0) results.CompleteAdding();
                }
            }) { IsBackground = true, Name = "DockerTls fleet " + t };
            thread.Start();
        }

        foreach (var result in results.GetConsumingEnumerable()) yield return result;
    }
}
