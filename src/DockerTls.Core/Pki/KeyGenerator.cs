using System;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace DockerTls.Core.Pki;

/// <summary>
/// Makes key pairs. RSA comes from the platform's native generator (OpenSSL on Linux and macOS, CNG on
/// Windows): BouncyCastle's managed one took 1 to 11 s for a 4096-bit key here against 1 to 1.8 s native.
/// ECDSA keys come from the platform too (a fleet of hosts wants hundreds), with BouncyCastle as the fallback.
/// </summary>
public static class KeyGenerator
{
    private static readonly SecureRandom Random = new();

    public static AsymmetricCipherKeyPair Generate(KeySpec spec) =>
        spec.Algorithm == KeyAlgorithm.RSA ? GenerateRsa(spec.KeySize) : GenerateEc(spec.Curve);

    private static AsymmetricCipherKeyPair GenerateRsa(int bits)
    {
        using var rsa = RSA.Create();
        rsa.KeySize = bits;
        var p = rsa.ExportParameters(includePrivateParameters: true);
        try
        {
            var modulus = Positive(p.Modulus!);
            var exponent = Positive(p.Exponent!);
            var privateKey = new RsaPrivateCrtKeyParameters(modulus, exponent, Positive(p.D!), Positive(p.P!), Positive(p.Q!),
                Positive(p.DP!), Positive(p.DQ!), Positive(p.InverseQ!));
            return new AsymmetricCipherKeyPair(new RsaKeyParameters(false, modulus, exponent), privateKey);
        }
        finally
        {
            Clear(p.D); Clear(p.P); Clear(p.Q); Clear(p.DP); Clear(p.DQ); Clear(p.InverseQ);
        }
    }

    private static AsymmetricCipherKeyPair GenerateEc(EcCurve curve)
    {
        var oid = curve == EcCurve.P256 ? SecObjectIdentifiers.SecP256r1 : SecObjectIdentifiers.SecP384r1;
        try
        {
            using var ecdsa = ECDsa.Create(curve == EcCurve.P256 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384);
            var p = ecdsa.ExportParameters(includePrivateParameters: true);
            try
            {
                var domain = ECNamedDomainParameters.LookupOid(oid);
                var q = domain.Curve.CreatePoint(Positive(p.Q.X!), Positive(p.Q.Y!));
                return new AsymmetricCipherKeyPair(new ECPublicKeyParameters("EC", q, oid), new ECPrivateKeyParameters("EC", Positive(p.D!), oid));
            }
            finally { Clear(p.D); }
        }
        catch (Exception e) when (e is PlatformNotSupportedException or CryptographicException)
        {
            return GenerateEcManaged(oid);
        }
    }

    private static AsymmetricCipherKeyPair GenerateEcManaged(DerObjectIdentifier oid)
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(oid, Random));
        return generator.GenerateKeyPair();
    }

    private static BigInteger Positive(byte[] bytes) => new(1, bytes);

    private static void Clear(byte[]? bytes)
    {
        if (bytes != null) Array.Clear(bytes, 0, bytes.Length);
    }
}
