using System;
using System.Linq;
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

    [Fact]
    public void ACountedSourceGivesItsKeysAndEndingItWakesTheTakeThatWaits()
    {
        // Initialize-DockerTls's three keys (TlsKit.KeysFor), taken through the same source as every command's keys.
        using (var ec = TlsKit.KeysFor(new KeySpec(KeyAlgorithm.ECDSA, 2048, EcCurve.P256)))
        {
            var keys = new[] { ec.Next(), ec.Next(), ec.Next() };
            Assert.Equal(3, keys.Select(k => Convert.ToBase64String(k.PublicKey.GetEncoded())).Distinct().Count());
            Assert.Throws<InvalidOperationException>(() => ec.Next()); // three, and no more made
        }

        var source = TlsKit.KeysFor(new KeySpec(KeyAlgorithm.RSA, 4096));
        var take = Task.Factory.StartNew(() => source.Next(), TaskCreationOptions.LongRunning);
        Thread.Sleep(50);
        var stop = System.Diagnostics.Stopwatch.StartNew();
        source.Dispose();
        var error = Assert.Throws<AggregateException>(() => take.Wait(TimeSpan.FromSeconds(10)));
        Assert.IsType<OperationCanceledException>(error.InnerException);
        Assert.True(stop.Elapsed < TimeSpan.FromSeconds(0.5), $"the take woke after {stop.Elapsed}");
    }
}
