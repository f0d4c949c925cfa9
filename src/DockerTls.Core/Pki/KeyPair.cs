using System;
using System.Linq;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace DockerTls.Core.Pki;

/// <summary>
/// A key pair as certificates and key files carry it: the encoded public key (SubjectPublicKeyInfo) and the
/// PKCS#8 private key. BouncyCastle's key objects are kept out of the way on purpose: BouncyCastle tests every RSA
/// modulus handed to them for primality, about 0.15 s per 4096-bit key and object, for keys this module has just
/// made natively or read from a file whose certificate it then compares field by field.
/// </summary>
internal sealed class KeyPair
{
    public KeyPair(SubjectPublicKeyInfo publicKey, PrivateKeyInfo privateKey)
    {
        PublicKey = publicKey;
        PrivateKey = privateKey;
    }

    public SubjectPublicKeyInfo PublicKey { get; }

    public PrivateKeyInfo PrivateKey { get; }

    public bool IsRsa => IsRsaAlgorithm(PublicKey.Algorithm);

    private static readonly AlgorithmIdentifier RsaAlgorithm = new(PkcsObjectIdentifiers.RsaEncryption, DerNull.Instance);

    /// <summary>A pair from the platform's RSA parameters (all of them, private ones included).</summary>
    public static KeyPair FromRsa(RSAParameters p)
    {
        var modulus = Positive(p.Modulus!);
        var exponent = Positive(p.Exponent!);
        var publicKey = new SubjectPublicKeyInfo(RsaAlgorithm, new RsaPublicKeyStructure(modulus, exponent));
        var privateKey = new PrivateKeyInfo(RsaAlgorithm, new RsaPrivateKeyStructure(modulus, exponent, Positive(p.D!),
            Positive(p.P!), Positive(p.Q!), Positive(p.DP!), Positive(p.DQ!), Positive(p.InverseQ!)));
        return new KeyPair(publicKey, privateKey);
    }

    /// <summary>A pair from the platform's EC parameters on a named curve: the key file keeps the public point.</summary>
    public static KeyPair FromEc(ECParameters p, DerObjectIdentifier curve, int orderBits)
    {
        var point = new byte[1 + p.Q.X!.Length + p.Q.Y!.Length];
        point[0] = 0x04; // uncompressed
        Buffer.BlockCopy(p.Q.X, 0, point, 1, p.Q.X.Length);
        Buffer.BlockCopy(p.Q.Y, 0, point, 1 + p.Q.X.Length, p.Q.Y.Length);
        return FromEc(curve, orderBits, Positive(p.D!), point);
    }

    /// <summary>A pair from BouncyCastle's key objects (its managed generator, or a key only its PEM reader opens).</summary>
    public static KeyPair FromBouncyCastle(AsymmetricKeyParameter privateKey, AsymmetricKeyParameter publicKey) =>
        privateKey is ECPrivateKeyParameters { PublicKeyParamSet: { } curve } ec && publicKey is ECPublicKeyParameters pub
            ? FromEc(curve, ec.Parameters.N.BitLength, ec.D, pub.Q.GetEncoded(false))
            : new KeyPair(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(publicKey), PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey));

    // With the public point in the key file, reading the key back needs no scalar multiplication.
    private static KeyPair FromEc(DerObjectIdentifier curve, int orderBits, BigInteger d, byte[] point)
    {
        var algorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.IdECPublicKey, curve);
        var privateKey = new PrivateKeyInfo(algorithm, new ECPrivateKeyStructure(orderBits, d, new DerBitString(point), null));
        return new KeyPair(new SubjectPublicKeyInfo(algorithm, point), privateKey);
    }

    /// <summary>
    /// The pair of a private key read from a file. RSA keys carry their public half; so do EC keys written by this
    /// module and by OpenSSL. Any other key is built by BouncyCastle to find its public half.
    /// </summary>
    public static KeyPair FromPrivateKey(PrivateKeyInfo privateKey)
    {
        var algorithm = privateKey.PrivateKeyAlgorithm;
        if (IsRsaAlgorithm(algorithm))
        {
            var rsa = RsaPrivateKeyStructure.GetInstance(privateKey.ParsePrivateKey());
            return new KeyPair(new SubjectPublicKeyInfo(RsaAlgorithm, new RsaPublicKeyStructure(rsa.Modulus, rsa.PublicExponent)), privateKey);
        }
        if (X9ObjectIdentifiers.IdECPublicKey.Equals(algorithm.Algorithm)
            && NamedCurve(algorithm) != null
            && ECPrivateKeyStructure.GetInstance(privateKey.ParsePrivateKey()).PublicKey is { } point)
        {
            return new KeyPair(new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.IdECPublicKey, algorithm.Parameters), point.GetBytes()), privateKey);
        }
        var key = PrivateKeyFactory.CreateKey(privateKey);
        return key switch
        {
            ECPrivateKeyParameters ec => new KeyPair(
                SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(new ECPublicKeyParameters(ec.AlgorithmName, ec.Parameters.G.Multiply(ec.D).Normalize(), ec.Parameters)),
                privateKey),
            RsaPrivateCrtKeyParameters rsa => new KeyPair(
                SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(new RsaKeyParameters(false, rsa.Modulus, rsa.PublicExponent)), privateKey),
            _ => throw new ArgumentException($"Keys of type {key.GetType().Name} are not supported (RSA or ECDSA only)."),
        };
    }

    /// <summary>
    /// Whether this is the key of <paramref name="certificate"/>: RSA moduli and exponents, or EC curves and points,
    /// compared as encoded.
    /// </summary>
    public bool Matches(X509Certificate certificate) => Matches(certificate.CertificateStructure.SubjectPublicKeyInfo);

    public bool Matches(SubjectPublicKeyInfo other)
    {
        if (IsRsaAlgorithm(PublicKey.Algorithm) && IsRsaAlgorithm(other.Algorithm))
        {
            var mine = RsaPublicKeyStructure.GetInstance(PublicKey.ParsePublicKey());
            var theirs = RsaPublicKeyStructure.GetInstance(other.ParsePublicKey());
            return mine.Modulus.Equals(theirs.Modulus) && mine.PublicExponent.Equals(theirs.PublicExponent);
        }
        if (X9ObjectIdentifiers.IdECPublicKey.Equals(PublicKey.Algorithm.Algorithm) && X9ObjectIdentifiers.IdECPublicKey.Equals(other.Algorithm.Algorithm))
        {
            var curve = NamedCurve(PublicKey.Algorithm);
            if (curve != null && curve.Equals(NamedCurve(other.Algorithm)) && PublicKey.PublicKey.GetBytes().SequenceEqual(other.PublicKey.GetBytes()))
                return true;
            // A compressed point or explicit curve parameters: compare the points BouncyCastle decodes.
            try
            {
                var a = (ECPublicKeyParameters)PublicKeyFactory.CreateKey(PublicKey);
                var b = (ECPublicKeyParameters)PublicKeyFactory.CreateKey(other);
                return a.Parameters.Equals(b.Parameters) && a.Q.Equals(b.Q);
            }
            catch (Exception e) when (e is ArgumentException or InvalidCastException or System.IO.IOException)
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>The named curve of an EC algorithm identifier, or null for explicit parameters.</summary>
    public static DerObjectIdentifier? NamedCurve(AlgorithmIdentifier algorithm)
    {
        if (algorithm.Parameters is DerObjectIdentifier oid) return oid;
        if (algorithm.Parameters is null) return null;
        try
        {
            return X962Parameters.GetInstance(algorithm.Parameters) is { IsNamedCurve: true } named ? DerObjectIdentifier.GetInstance(named.Parameters) : null;
        }
        catch (ArgumentException) { return null; }
    }

    private static bool IsRsaAlgorithm(AlgorithmIdentifier algorithm) => PkcsObjectIdentifiers.RsaEncryption.Equals(algorithm.Algorithm);

    private static BigInteger Positive(byte[] bytes) => new(1, bytes);

    /// <summary>The curve OID and order size for P-256 and P-384.</summary>
    public static (DerObjectIdentifier Oid, int OrderBits) Curve(EcCurve curve) =>
        curve == EcCurve.P256 ? (SecObjectIdentifiers.SecP256r1, 256) : (SecObjectIdentifiers.SecP384r1, 384);
}
