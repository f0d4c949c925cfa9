using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks;

namespace DockerTls.Core.IO;

/// <summary>
/// Runs the same step for many folders a few at a time: creating, writing and fsync'ing files waits on the disk, not on
/// the processor, so a set that spans 64 folders (a pipeline of renewals) commits sooner with its folders side by side.
/// Every step has ended when it returns; the error of the first item that failed (in list order) is thrown then.
/// </summary>
internal static class SideBySide
{
    /// <summary>How many folders at once.</summary>
    internal const int Width = 8;

    internal static void ForEach<T>(IReadOnlyList<T> items, Action<T> step)
    {
        if (items.Count <= 1)
        {
            foreach (var item in items) step(item);
            return;
        }
        var errors = new Exception?[items.Count];
        Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = Width }, i =>
        {
            try { step(items[i]); }
            catch (Exception e) { errors[i] = e; }
        });
        foreach (var error in errors)
            if (error != null) ExceptionDispatchInfo.Capture(error).Throw();
    }
}
