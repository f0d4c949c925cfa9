using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Threading;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace DockerTls.Core.Pki;

/// <summary>
/// Makes key pairs. RSA comes from the platform's native generator (OpenSSL on Linux and macOS, CNG on
/// Windows): BouncyCastle's managed one took 1 to 11 s for a 4096-bit key here against 1 to 1.8 s native.
/// ECDSA keys come from the platform too (a fleet of hosts wants hundreds), with BouncyCastle as the fallback.
/// The keys go straight into their encoded form (<see cref="KeyPair"/>), never through BouncyCastle's RSA key
/// objects, whose primality test of the modulus took longer here than making a 2048-bit key.
/// </summary>
public static class KeyGenerator
{
    private static readonly SecureRandom Random = new();

    internal static KeyPair Generate(KeySpec spec) =>
        spec.Algorithm == KeyAlgorithm.RSA ? GenerateRsa(spec.KeySize) : GenerateEc(spec.Curve);

    /// <summary>
    /// <paramref name="count"/> keys made side by side, one worker per core up to <paramref name="count"/>, handed out
    /// as they are finished: each call of the returned function gives the next finished key, waiting for it if need
    /// be, so the caller can sign with the first key while the others are still being made. The time an RSA key
    /// takes is random (its primes are found by trial), so the workers race: each makes keys until
    /// <paramref name="count"/> are done, and a key still in the making then is dropped when its worker finishes it.
    /// On 2 cores three keys would otherwise end with one core idle while the slowest key finishes.
    /// A worker's failure is thrown by the next call; a call after the <paramref name="count"/>th is an error.
    /// </summary>
    internal static Func<KeyPair> Race(KeySpec spec, int count) => Race(() => Generate(spec), count);

    /// <summary><see cref="Race(KeySpec, int)"/> with the key maker given.</summary>
    internal static Func<T> Race<T>(Func<T> make, int count)
    {
        var gate = new object();
        var finished = new Queue<T>(count);
        var done = 0;
        var taken = 0;
        ExceptionDispatchInfo? failure = null;
        var workers = Math.Max(1, Math.Min(count, Environment.ProcessorCount));
        for (var i = 0; i < workers; i++)
        {
            new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        lock (gate) { if (done >= count || failure != null) return; }
                        var key = make();
                        lock (gate)
                        {
                            if (done >= count) return;
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
            }) { IsBackground = true, Name = "DockerTls key" }.Start();
        }
        return () =>
        {
            lock (gate)
            {
                if (taken >= count) throw new InvalidOperationException($"All {count} keys of this race were taken.");
                while (finished.Count == 0 && failure == null) Monitor.Wait(gate);
                failure?.Throw();
                taken++;
                return finished.Dequeue();
            }
        };
    }

    private static KeyPair GenerateRsa(int bits)
    {
        using var rsa = RSA.Create();
        rsa.KeySize = bits;
        var p = rsa.ExportParameters(includePrivateParameters: true);
        try { return KeyPair.FromRsa(p); }
        finally
        {
            Clear(p.D); Clear(p.P); Clear(p.Q); Clear(p.DP); Clear(p.DQ); Clear(p.InverseQ);
        }
    }

    private static KeyPair GenerateEc(EcCurve curve)
    {
        var (oid, orderBits) = KeyPair.Curve(curve);
        try
        {
            using var ecdsa = ECDsa.Create(curve == EcCurve.P256 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384);
            var p = ecdsa.ExportParameters(includePrivateParameters: true);
            try { return KeyPair.FromEc(p, oid, orderBits); }
            finally { Clear(p.D); }
        }
        catch (Exception e) when (e is PlatformNotSupportedException or CryptographicException)
        {
            var generator = new ECKeyPairGenerator();
            generator.Init(new ECKeyGenerationParameters(oid, Random));
            var pair = generator.GenerateKeyPair();
            return KeyPair.FromBouncyCastle(pair.Private, pair.Public);
        }
    }

    private static void Clear(byte[]? bytes)
    {
        if (bytes != null) Array.Clear(bytes, 0, bytes.Length);
    }
}
