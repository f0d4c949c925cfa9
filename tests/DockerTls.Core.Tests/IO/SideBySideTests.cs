using System;
using System.Collections.Concurrent;
using System.Linq;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests.IO;

public sealed class SideBySideTests
{
    [Fact]
    public void EveryStepEndsBeforeTheFirstFailureInListOrderIsThrown()
    {
        var ran = new ConcurrentBag<int>();
        var error = Assert.Throws<InvalidOperationException>(() => SideBySide.ForEach(Enumerable.Range(0, 20).ToList(), i =>
        {
            ran.Add(i);
            if (i == 7 || i == 13) throw new InvalidOperationException("step " + i);
        }));
        Assert.Equal("step 7", error.Message);
        Assert.Equal(Enumerable.Range(0, 20), ran.OrderBy(i => i));
    }

    [Fact]
    public void StepsRunSideBySide()
    {
        var running = 0;
        var most = 0;
        SideBySide.ForEach(Enumerable.Range(0, 16).ToList(), _ =>
        {
            var now = System.Threading.Interlocked.Increment(ref running);
            lock (this) most = Math.Max(most, now);
            System.Threading.Thread.Sleep(30); // waits as an fsync does: not on the processor
            System.Threading.Interlocked.Decrement(ref running);
        });
        Assert.InRange(most, 2, SideBySide.Width);
    }
}
