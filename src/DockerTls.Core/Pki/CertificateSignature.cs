using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace DockerTls.Core.Pki;

/// <summary>
/// Checks that a CA signed a certificate with the platform's cryptography. BouncyCastle 2 tests every RSA modulus it
/// loads for primality, which costs about 0.15 s per RSA 4096 key: too slow for a connection test that should take a
/// fraction of a second. Signature algorithms the platform cannot check here fall back to BouncyCastle.
/// </summary>
public static class CertificateSignature
{
    private static readonly Dictionary<string, HashAlgorithmName> RsaPkcs1 = new()
    {
        ["1.2.840.113549.1.1.11"] = HashAlgorithmName.SHA256,
        ["1.2.840.113549.1.1.12"] = HashAlgorithmName.SHA384,
        ["1.2.840.113549.1.1.13"] = HashAlgorithmName.SHA512,
    };

    private static readonly Dictionary<string, HashAlgorithmName> Ecdsa = new()
    {
        ["1.2.840.10045.4.3.2"] = HashAlgorithmName.SHA256,
        ["1.2.840.10045.4.3.3"] = HashAlgorithmName.SHA384,
        ["1.2.840.10045.4.3.4"] = HashAlgorithmName.SHA512,
    };

    // The platform's public key of each issuer, made once: a pipeline checks 500 leaves against the same CA, and
    // importing its certificate for each took longer than the check itself. Gone with the issuer's certificate.
    private static readonly ConditionalWeakTable<BcCertificate, IssuerKey> IssuerKeys = new();

    private sealed class IssuerKey
    {
        internal IssuerKey(BcCertificate issuer)
        {
            using var ca = new X509Certificate2(issuer.GetEncoded());
            Rsa = ca.GetRSAPublicKey();
            Ecdsa = ca.GetECDsaPublicKey();
        }

        internal RSA? Rsa { get; }
        internal ECDsa? Ecdsa { get; }
    }

    /// <summary>Whether <paramref name="issuer"/>'s key made the signature on <paramref name="certificate"/>.</summary>
    public static bool IsSignedBy(BcCertificate certificate, BcCertificate issuer)
    {
        try
        {
            var key = IssuerKeys.GetValue(issuer, i => new IssuerKey(i));
            var tbs = certificate.GetTbsCertificate();
            var signature = certificate.GetSignature();
            lock (key) // one check at a time per key object
            {
                if (RsaPkcs1.TryGetValue(certificate.SigAlgOid, out var rsaHash))
                {
                    if (key.Rsa != null) return key.Rsa.VerifyData(tbs, signature, rsaHash, RSASignaturePadding.Pkcs1);
                }
                else if (Ecdsa.TryGetValue(certificate.SigAlgOid, out var ecHash))
                {
                    if (key.Ecdsa != null) return key.Ecdsa.VerifyData(tbs, ToIeeeP1363(signature, (key.Ecdsa.KeySize + 7) / 8), ecHash);
                }
            }
        }
        catch (Exception e) when (e is CryptographicException || e is ArgumentException || e is InvalidOperationException)
        {
            return false;
        }

        return IsSignedByBouncyCastle(certificate, issuer);
    }

    // X.509 carries ECDSA signatures as DER SEQUENCE { r, s }; netstandard2.0's ECDsa reads r || s, each of the field size.
    private static byte[] ToIeeeP1363(byte[] der, int fieldBytes)
    {
        var sequence = (Asn1Sequence)Asn1Object.FromByteArray(der);
        var result = new byte[2 * fieldBytes];
        for (var i = 0; i < 2; i++)
        {
            var value = DerInteger.GetInstance(sequence[i]).PositiveValue.ToByteArrayUnsigned();
            if (value.Length > fieldBytes)
            {
                throw new ArgumentException("ECDSA signature value longer than the curve's field");
            }

            Buffer.BlockCopy(value, 0, result, ((i + 1) * fieldBytes) - value.Length, value.Length);
        }

        return result;
    }

    private static bool IsSignedByBouncyCastle(BcCertificate certificate, BcCertificate issuer)
    {
        try
        {
            certificate.Verify(issuer.GetPublicKey());
            return true;
        }
        catch (Exception e) when (e is Org.BouncyCastle.Security.GeneralSecurityException || e is ArgumentException
            || e is InvalidOperationException || e is Org.BouncyCastle.Crypto.CryptoException)
        {
            return false;
        }
    }
}
