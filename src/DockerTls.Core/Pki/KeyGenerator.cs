using System;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace DockerTls.Core.Pki;

/// <summary>
/// Makes key pairs. RSA comes from the platform's native generator (OpenSSL on Linux and macOS, CNG on
/// Windows): BouncyCastle's managed one is several times slower (bench/README.md, "RSA keys").
/// ECDSA keys come from the platform too (a fleet of hosts wants hundreds), with BouncyCastle as the fallback.
/// The keys go straight into their encoded form (<see cref="KeyPair"/>), never through BouncyCastle's RSA key
/// objects, which test the modulus for primality each time one is built.
/// </summary>
public static class KeyGenerator
{
    private static readonly SecureRandom Random = new();

    internal static KeyPair Generate(KeySpec spec) =>
        spec.Algorithm == KeyAlgorithm.RSA ? GenerateRsa(spec.KeySize) : GenerateEc(spec.Curve);

    /// <summary>The most workers an RSA race starts, however many cores there are.</summary>
    internal const int MostRaceWorkers = 8;

    /// <summary>
    /// <paramref name="count"/> keys made side by side and handed out as they are finished (<see cref="KeyRace{T}"/>).
    /// </summary>
    internal static KeyRace<KeyPair> Race(KeySpec spec, int count) =>
        new(() => Generate(spec), count, RaceWorkers(spec, count, Environment.ProcessorCount));

    /// <summary>
    /// Keys made on every core (up to <see cref="MostRaceWorkers"/>) for as long as they are asked for, with at most one
    /// finished key per worker waiting to be taken (<see cref="KeySource"/>).
    /// </summary>
    internal static KeyRace<KeyPair> Supply(KeySpec spec)
    {
        var workers = RaceWorkers(spec, int.MaxValue, Environment.ProcessorCount);
        return new(() => Generate(spec), int.MaxValue, workers, ahead: workers);
    }

    /// <summary>
    /// How many workers race for <paramref name="count"/> keys on <paramref name="cores"/> cores. RSA: one per core, up to
    /// <see cref="MostRaceWorkers"/>, even past <paramref name="count"/>, because an RSA key's time is random and the
    /// first keys done out of more tries come sooner (bench/README.md, "The key race"; bench/race-sim.py).
    /// On 2 and 3 cores, more workers than cores only slow each key down. ECDSA keys take a millisecond: one worker per
    /// key, up to one per core.
    /// </summary>
    internal static int RaceWorkers(KeySpec spec, int count, int cores)
    {
        var limit = spec.Algorithm == KeyAlgorithm.RSA ? MostRaceWorkers : count;
        return Math.Max(1, Math.Min(cores, limit));
    }

    private static KeyPair GenerateRsa(int bits) => GenerateRsa(RSA.Create, bits);

    /// <summary>
    /// An RSA key of <paramref name="bits"/> from the platform's RSA that <paramref name="create"/> gives. On .NET
    /// Framework (Windows PowerShell 5.1) that is an <see cref="RSACryptoServiceProvider"/>, which ignores the KeySize
    /// setter and would make a 1024-bit key: it is replaced by one made with the size. A key of any other size than
    /// asked is refused (<c>KeyGenerationFailed</c>), never written.
    /// </summary>
    internal static KeyPair GenerateRsa(Func<RSA> create, int bits)
    {
        var rsa = create();
        try
        {
            if (rsa is RSACryptoServiceProvider)
            {
                rsa.Dispose();
                rsa = new RSACryptoServiceProvider(bits);
            }
            else
            {
                rsa.KeySize = bits;
            }

            var p = rsa.ExportParameters(includePrivateParameters: true);
            try
            {
                var made = p.Modulus!.Length * 8;
                if (made != bits)
                    throw new DockerTlsException("KeyGenerationFailed", ErrorKind.InvalidOperation,
                        $"The platform's RSA ({rsa.GetType().FullName}) made a {made}-bit key where {bits} bits were asked. Nothing was written.", bits);
                return KeyPair.FromRsa(p);
            }
            finally
            {
                Clear(p.D); Clear(p.P); Clear(p.Q); Clear(p.DP); Clear(p.DQ); Clear(p.InverseQ);
            }
        }
        finally
        {
            rsa.Dispose();
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
