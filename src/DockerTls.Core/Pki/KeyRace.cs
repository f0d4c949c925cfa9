using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace DockerTls.Core.Pki;

/// <summary>
/// A number of keys made side by side on worker threads and handed out as they are finished: <see cref="Next"/>
/// gives the next finished key, waiting for it if need be, so the caller can sign with the first key while the
/// others are still being made. The time an RSA key takes is random (its primes are found by trial), so the workers
/// race: each makes keys until enough are done, and a key still in the making then is dropped when its worker
/// finishes it. On 2 cores three keys would otherwise end with one core idle while the slowest key finishes.
/// A race may also run for as long as keys are asked for (a count of <see cref="int.MaxValue"/>, <see cref="KeySource"/>):
/// then a worker starts a key only while fewer than a given number of finished keys wait to be taken.
/// </summary>
internal sealed class KeyRace<T> : IDisposable
{
    private readonly object gate = new();
    private readonly Queue<T> finished;
    private readonly int count;
    private readonly int ahead;
    private int done;
    private int taken;
    private bool stopped;
    private ExceptionDispatchInfo? failure;

    /// <summary>
    /// Starts <paramref name="workers"/> threads (at least one) that call <paramref name="make"/> until <paramref name="count"/>
    /// keys are done; a worker starts a key only while fewer than <paramref name="ahead"/> finished keys wait to be taken.
    /// </summary>
    public KeyRace(Func<T> make, int count, int workers, int ahead = int.MaxValue)
    {
        this.count = count;
        this.ahead = Math.Max(1, ahead);
        finished = new Queue<T>();
        for (var i = 0; i < Math.Max(1, workers); i++)
        {
            new Thread(() => Work(make)) { IsBackground = true, Name = "DockerTls key" }.Start();
        }
    }

    /// <summary>
    /// The next finished key. A worker's failure is thrown here; a call after the last key is an error, and a call
    /// waiting when the race is ended (<see cref="Dispose"/>, from any thread) throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public T Next()
    {
        lock (gate)
        {
            if (taken >= count) throw new InvalidOperationException($"All {count} keys of this race were taken.");
            while (finished.Count == 0 && failure == null && !stopped) Monitor.Wait(gate);
            if (stopped) throw new OperationCanceledException("The key race was ended before its keys were made.");
            failure?.Throw();
            taken++;
            var key = finished.Dequeue();
            Monitor.PulseAll(gate); // a worker may wait for room
            return key;
        }
    }

    /// <summary>
    /// Ends the race, from any thread: each worker stops after the key it is making, which is dropped, as are keys not
    /// taken, and a <see cref="Next"/> that waits is woken.
    /// </summary>
    public void Dispose()
    {
        lock (gate)
        {
            stopped = true;
            finished.Clear();
            Monitor.PulseAll(gate);
        }
    }

    private void Work(Func<T> make)
    {
        try
        {
            while (true)
            {
                lock (gate)
                {
                    while (!stopped && failure == null && finished.Count >= ahead) Monitor.Wait(gate);
                    if (stopped || done >= count || failure != null) return;
                }
                var key = make();
                lock (gate)
                {
                    if (stopped || done >= count) return;
                    done++;
                    finished.Enqueue(key);
                    Monitor.PulseAll(gate);
                }
            }
        }
        catch (Exception e)
        {
            lock (gate)
            {
                failure ??= ExceptionDispatchInfo.Capture(e);
                Monitor.PulseAll(gate);
            }
        }
    }
}
