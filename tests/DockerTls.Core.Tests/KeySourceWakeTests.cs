using System;
using System.Threading;
using System.Threading.Tasks;
using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests;

/// <summary>Tests that bound how long something takes run alone, so that the keys other tests make do not slow them.</summary>
[CollectionDefinition(nameof(TimingCollection), DisableParallelization = true)]
public sealed class TimingCollection { }

[Collection(nameof(TimingCollection))]
public class KeySourceWakeTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EndingAKeySourceFromAnotherThreadWakesTheTakeThatWaits(bool pipeline)
    {
        var source = new KeySource(new KeySpec(KeyAlgorithm.RSA, 4096), pipeline);
        // A thread of its own: a take queued on a busy thread pool may start only after the pool grows, half a second
        // later, which timed the pool instead of the wake-up (it failed so when this test ran alone).
        var take = Task.Factory.StartNew(() => source.Next(), TaskCreationOptions.LongRunning);
        Thread.Sleep(50); // an RSA 4096 key takes far longer

        var stop = System.Diagnostics.Stopwatch.StartNew();
        source.Dispose();

        var error = Assert.Throws<AggregateException>(() => take.Wait(TimeSpan.FromSeconds(10)));
        Assert.IsType<OperationCanceledException>(error.InnerException);
        Assert.True(stop.Elapsed < TimeSpan.FromSeconds(0.5), $"the take woke after {stop.Elapsed}");
    }
}
