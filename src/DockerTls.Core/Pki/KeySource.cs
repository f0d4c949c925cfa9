using System;

namespace DockerTls.Core.Pki;

/// <summary>
/// The keys of one command, one per certificate, taken as the command needs them. Each RSA key is made on a worker
/// thread, so that Ctrl+C (<see cref="Dispose"/> from PowerShell's other thread) ends the wait at once instead of
/// after the seconds a key takes. For a pipeline (many items, how many is not known), every core (up to eight) makes
/// keys from the first one asked until the command ends, with at most one finished key per worker waiting to be
/// taken, so that the hosts of a CSV get keys side by side instead of one after another; the keys not taken then are
/// dropped, and a worker finishes the key it is making in the background and writes nothing. A command with one
/// item makes exactly one key per ask and leaves nothing running, so a script that calls it in a loop does not pile
/// up spare keys. A command that knows how many keys it needs (Initialize-DockerTls: three) has them all made side by
/// side from the first ask, and no more. ECDSA keys take a millisecond and are made when asked.
/// </summary>
public sealed class KeySource : IDisposable
{
    private readonly object _gate = new();
    private readonly bool _pipeline;
    private readonly int _count;
    private KeyRace<KeyPair>? _race;
    private bool _ended;

    /// <param name="spec">The keys to make.</param>
    /// <param name="pipeline">True when the keys are for the items of a pipeline: they are then made ahead on every core.</param>
    public KeySource(KeySpec spec, bool pipeline)
    {
        Spec = spec;
        _pipeline = pipeline;
    }

    /// <param name="spec">The keys to make.</param>
    /// <param name="count">How many keys the command takes: all of them are made side by side from the first ask.</param>
    public KeySource(KeySpec spec, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), "A source gives at least one key.");
        Spec = spec;
        _count = count;
    }

    public KeySpec Spec { get; }

    /// <summary>
    /// The next key. Throws <see cref="OperationCanceledException"/> when the source is ended, also from another
    /// thread while it waits, and <c>KeyGenerationFailed</c> or the platform's error when a key cannot be made.
    /// </summary>
    internal KeyPair Next()
    {
        if (Spec.Algorithm != KeyAlgorithm.RSA && _count == 0) return KeyGenerator.Generate(Spec);
        KeyRace<KeyPair> race;
        lock (_gate)
        {
            if (_ended) throw new OperationCanceledException("The command's keys were ended before this one was made.");
            if (_count > 0)
            {
                race = _race ??= KeyGenerator.Race(Spec, _count);
            }
            else if (_pipeline)
            {
                race = _race ??= KeyGenerator.Supply(Spec);
            }
            else
            {
                _race?.Dispose();
                race = _race = new KeyRace<KeyPair>(() => KeyGenerator.Generate(Spec), 1, 1);
            }
        }
        return race.Next();
    }

    /// <summary>Ends the source, from any thread: no key is started any more, and a <see cref="Next"/> that waits is woken.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _ended = true;
            _race?.Dispose();
        }
    }
}
