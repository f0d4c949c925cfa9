using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace DockerTls.Core.Pki;

/// <summary>
/// The key identifiers that tie a certificate to the CA that signed it, as hex: a CA's subjectKeyIdentifier stays the
/// same when the CA is renewed with its own key, so it tells the certificates of a retiring CA from those of its
/// successor in a rollover, where names and serials do not.
/// </summary>
internal static class KeyIdentifiers
{
    /// <summary>The certificate's subjectKeyIdentifier, or the SHA-1 of its key where it has none (RFC 5280's method 1).</summary>
    public static string SubjectOf(X509Certificate certificate)
    {
        var ski = certificate.GetExtensionValue(X509Extensions.SubjectKeyIdentifier);
        var id = ski != null
            ? SubjectKeyIdentifier.GetInstance(Asn1Object.FromByteArray(ski.GetOctets())).GetKeyIdentifier()
            : X509ExtensionUtilities.CreateSubjectKeyIdentifier(certificate.CertificateStructure.SubjectPublicKeyInfo).GetKeyIdentifier();
        return Hex(id);
    }

    /// <summary>
    /// The key identifier of the CA that signed the certificate: its authorityKeyIdentifier's, or for a self-issued CA
    /// without one its own; null for a leaf without an AKI key identifier.
    /// </summary>
    public static string? AuthorityOf(X509Certificate certificate)
    {
        var aki = certificate.GetExtensionValue(X509Extensions.AuthorityKeyIdentifier);
        var id = aki == null ? null : AuthorityKeyIdentifier.GetInstance(Asn1Object.FromByteArray(aki.GetOctets())).KeyIdentifier?.GetOctets();
        if (id != null) return Hex(id);
        return certificate.SubjectDN.Equivalent(certificate.IssuerDN) && CertificateReader.IsCertificateAuthority(certificate) ? SubjectOf(certificate) : null;
    }

    private static string Hex(byte[] bytes) => Org.BouncyCastle.Utilities.Encoders.Hex.ToHexString(bytes).ToUpperInvariant();
}
