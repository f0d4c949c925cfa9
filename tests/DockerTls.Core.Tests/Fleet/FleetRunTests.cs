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

    [Fact]
    public void AHostAddedStartsAtOnceAndItsResultIsReadyBeforeTheLastIsAdded()
    {
        using var started = new SemaphoreSlim(0);
        var run = new FleetRun<int, string>(2, i => { started.Release(); return $"ok {i}"; }, (i, e) => $"failed {i}");

        run.Add(0);
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)), "the first host did not start before Finish");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string? ready;
        while (!run.TryTake(out ready) && DateTime.UtcNow < deadline) Thread.Sleep(5);
        Assert.Equal("ok 0", ready);

        run.Add(1);
        run.Add(2);
        Assert.Equal(new[] { "ok 1", "ok 2" }, run.Finish().OrderBy(r => r, StringComparer.Ordinal).ToArray());
        Assert.Equal(3, run.Count);
    }

    [Fact]
    public void FinishWithNoHostEndsAtOnceAndACancelledRunEndsToo()
    {
        Assert.Empty(new FleetRun<int, int>(4, i => i, (i, _) => -i).Finish());

        using var cancel = new CancellationTokenSource();
        using var gate = new ManualResetEventSlim();
        using var working = new SemaphoreSlim(0);
        var run = new FleetRun<int, int>(1, i => { working.Release(); gate.Wait(TimeSpan.FromSeconds(10)); return i; }, (i, _) => -i, cancel.Token);
        run.Add(1);
        run.Add(2);
        Assert.True(working.Wait(TimeSpan.FromSeconds(10)));
        cancel.Cancel(); // host 1 is at work and finishes; host 2 has not started and never does
        gate.Set();
        var finished = System.Threading.Tasks.Task.Run(() => run.Finish().ToList());
        Assert.True(finished.Wait(TimeSpan.FromSeconds(10)), "Finish waited for a host the cancel had dropped");
        Assert.Equal(new[] { 1 }, finished.Result);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
