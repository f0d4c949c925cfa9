using System;
using System.Linq;
using System.Threading;
using DockerTls.Core.Fleet;
using Xunit;

namespace DockerTls.Core.Tests.Fleet;

public class FleetRunTests
{
    [Fact]
    public void RunsAtMostThrottleAtOnceAndOneFailureStopsNoOther()
    {
        var running = 0;
        var most = 0;
        var items = Enumerable.Range(0, 12).ToArray();

        var results = FleetRun.Run(items, 3, i =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Thread.Sleep(50);
            Interlocked.Decrement(ref running);
            if (i == 4) throw new InvalidOperationException("host 4 is down");
            return $"ok {i}";
        }, (i, e) => $"failed {i}: {e.Message}").ToList();

        Assert.Equal(12, results.Count);
        Assert.Contains("failed 4: host 4 is down", results);
        Assert.Equal(11, results.Count(r => r.StartsWith("ok ", StringComparison.Ordinal)));
        Assert.InRange(most, 2, 3);
    }

    [Fact]
    public void HandsBackEachResultAsSoonAsItIsReady()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var first = FleetRun.Run(new[] { 0, 1 }, 2, i => { Thread.Sleep(i == 0 ? 50 : 3000); return clock.Elapsed; }, (_, _) => TimeSpan.Zero).First();
        Assert.True(first < TimeSpan.FromSeconds(2), $"the first result came after {first}");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
