using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Linq;
using System.Threading;

namespace DockerTls.Core.IO;

/// <summary>
/// Runs the same step for many folders a few at a time: creating, writing and fsync'ing files waits on the disk, not on
/// the processor, so a set that spans 64 folders (a pipeline of renewals) commits sooner with its folders side by side.
/// Every step has ended when it returns; the error of the first item that failed (in list order) is thrown then.
/// </summary>
internal static class SideBySide
{
    /// <summary>How many folders at once.</summary>
    internal const int Width = 4;

    internal static void ForEach<T>(IReadOnlyList<T> items, Action<T> step)
    {
        if (items.Count <= 1)
        {
            foreach (var item in items) step(item);
            return;
        }
        var errors = new Exception?[items.Count];
        var next = -1;
        void Work()
        {
            for (var i = Interlocked.Increment(ref next); i < items.Count; i = Interlocked.Increment(ref next))
            {
                try { step(items[i]); }
                catch (Exception e) { errors[i] = e; }
            }
        }
        // Threads of its own: the thread pool grows slowly while its threads wait on the disk (or are taken by others).
        var helpers = Enumerable.Range(0, Math.Min(Width, items.Count) - 1).Select(_ => new Thread(Work) { IsBackground = true }).ToList();
        foreach (var helper in helpers) helper.Start();
        Work();
        foreach (var helper in helpers) helper.Join();
        foreach (var error in errors)
            if (error != null) ExceptionDispatchInfo.Capture(error).Throw();
    }
}
