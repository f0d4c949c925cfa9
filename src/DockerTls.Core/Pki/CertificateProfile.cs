using System;
using System.Collections.Generic;
using System.Linq;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace DockerTls.Core.Pki;

/// <summary>
/// The X.509 profile every strict verifier accepts (RFC 5280, and what openssl <c>verify -x509_strict</c>, Go's crypto/x509 and Python 3.13's <c>VERIFY_X509_STRICT</c> check): what a CA, a server
/// and a client certificate carry, a random 128-bit serial, and a notBefore backdated five minutes for clock skew.
/// </summary>
internal static class CertificateProfile
{
    public static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);
    private static readonly SecureRandom Random = new();

    public static X509V3CertificateGenerator NewGenerator(X509Name subject, X509Name issuer, SubjectPublicKeyInfo publicKey, DateTime now, DateTime notAfter,
        SubjectKeyIdentifier? keyId = null)
    {
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(RandomSerial());
        generator.SetSubjectDN(subject);
        generator.SetIssuerDN(issuer);
        generator.SetNotBefore(Truncate(now - Backdate));
        generator.SetNotAfter(Truncate(notAfter));
        generator.SetSubjectPublicKeyInfo(publicKey);
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, keyId ?? X509ExtensionUtilities.CreateSubjectKeyIdentifier(publicKey));
        return generator;
    }

    public static void AddCAExtensions(X509V3CertificateGenerator generator)
    {
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(0));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign | KeyUsage.DigitalSignature));
    }

    /// <summary>Whether a CA's keyUsage allows it to sign certificates (no keyUsage at all does, under RFC 5280 and Go).</summary>
    public static bool CanSignCertificates(X509Certificate ca) => ca.GetKeyUsage() is not { } usage || (usage.Length > 5 && usage[5]);

    /// <summary>Whether a CA carries what <see cref="AddCAExtensions"/> gives: basicConstraints critical, keyUsage with keyCertSign.</summary>
    public static bool IsStrictAuthority(X509Certificate ca) =>
        ca.GetKeyUsage() is { } usage && usage.Length > 5 && usage[5]
        && ca.GetCriticalExtensionOids()?.Contains(X509Extensions.BasicConstraints.Id) == true;

    public static void AddLeafExtensions(X509V3CertificateGenerator generator, X509Certificate issuer, KeyPair key, params DerObjectIdentifier[] purposes)
    {
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, AuthorityKeyIdentifierFor(issuer));
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        var usage = key.IsRsa ? KeyUsage.DigitalSignature | KeyUsage.KeyEncipherment : KeyUsage.DigitalSignature;
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(usage));
        generator.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(purposes));
    }

    /// <summary>
    /// The key identifier of the issuer only: with its name and serial too (BouncyCastle's default), a CA renewed with
    /// the same key and name but a new serial no longer matches its leaves, and OpenSSL, Python and Node refuse them
    /// ("unable to get local issuer certificate"). The issuer's own subjectKeyIdentifier is used where it has one, so
    /// that a CA made elsewhere (another hash of the key) is still found.
    /// </summary>
    public static AuthorityKeyIdentifier AuthorityKeyIdentifierFor(X509Certificate issuer)
    {
        var ski = issuer.GetExtensionValue(X509Extensions.SubjectKeyIdentifier);
        var keyId = ski != null
            ? SubjectKeyIdentifier.GetInstance(Asn1Object.FromByteArray(ski.GetOctets())).GetKeyIdentifier()
            : X509ExtensionUtilities.CreateSubjectKeyIdentifier(issuer.CertificateStructure.SubjectPublicKeyInfo).GetKeyIdentifier();
        return new AuthorityKeyIdentifier(keyId);
    }

    public static void AddSubjectAltNames(X509V3CertificateGenerator generator, IEnumerable<string> dnsNames, IEnumerable<string> ipAddresses)
    {
        var names = dnsNames.Select(n => new GeneralName(GeneralName.DnsName, n))
            .Concat(ipAddresses.Select(a => new GeneralName(GeneralName.IPAddress, a)))
            .ToArray();
        generator.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(names));
    }

    public static X509Name Name(string commonName)
    {
        if (string.IsNullOrWhiteSpace(commonName))
            throw new DockerTlsException("InvalidCommonName", ErrorKind.InvalidArgument, "The common name is empty. Give -CommonName a name.", commonName);
        if (TerminalText.HasControl(commonName))
            throw new DockerTlsException("InvalidCommonName", ErrorKind.InvalidArgument,
                $"The common name '{TerminalText.Clean(commonName)}' holds a line break or another control character (shown as '?'), which would land in the certificate and reach every terminal that shows it. Give a name without them.", commonName);
        if (commonName.Length > 64)
            throw new DockerTlsException("InvalidCommonName", ErrorKind.InvalidArgument,
                $"The common name '{commonName}' is longer than the 64 characters X.509 allows.", commonName);
        return new X509Name(new List<DerObjectIdentifier> { X509Name.CN }, new List<string> { commonName });
    }

    /// <summary>
    /// The signer that fits the signing key: SHA-256, or SHA-384 for P-384; native where the platform has
    /// the algorithm, BouncyCastle's otherwise.
    /// </summary>
    public static ISignatureFactory SignatureFactory(KeyPair key)
    {
        try
        {
            return NativeSignatureFactory.For(key);
        }
        catch (Exception e) when (e is PlatformNotSupportedException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            var signingKey = PrivateKeyFactory.CreateKey(key.PrivateKey);
            // The native import refuses a key whose public point is not its own; BouncyCastle would sign with it.
            if (signingKey is ECPrivateKeyParameters owner
                && !owner.Parameters.G.Multiply(owner.D).Normalize().Equals(owner.Parameters.Curve.DecodePoint(key.PublicKey.PublicKey.GetBytes())))
                throw new DockerTlsException(KeyFileErrorIds.CAKey.Invalid, ErrorKind.InvalidData,
                    "The CA key is damaged: the public key stored in it does not belong to its private key. Restore ca-key.pem from a backup or make a new CA.", null, e);
            var algorithm = signingKey is ECPrivateKeyParameters ec
                ? ec.Parameters.Curve.FieldSize > 256 ? "SHA384WITHECDSA" : "SHA256WITHECDSA"
                : "SHA256WITHRSA";
            return new Asn1SignatureFactory(algorithm, signingKey, Random);
        }
    }

    private static BigInteger RandomSerial()
    {
        var bytes = new byte[16];
        Random.NextBytes(bytes);
        bytes[0] = (byte)((bytes[0] & 0x7F) | 0x40); // positive, and always 16 bytes long
        return new BigInteger(1, bytes);
    }

    private static DateTime Truncate(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
}
