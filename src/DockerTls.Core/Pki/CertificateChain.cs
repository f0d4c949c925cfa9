using System.Collections.Generic;
using System.Linq;
using Org.BouncyCastle.X509;

namespace DockerTls.Core.Pki;

/// <summary>
/// A certificate's chain built as Go and OpenSSL build it: every certificate in ca.pem is a trust anchor, and the
/// certificates after the leaf in its own file may be intermediates. <see cref="CertificateAssessment"/> judges the chain.
/// </summary>
internal static class CertificateChain
{
    private const int MaxDepth = 8;

    /// <summary>Whether <paramref name="certificate"/> names itself as its issuer (a root).</summary>
    internal static bool IsSelfIssued(X509Certificate certificate) => certificate.SubjectDN.Equivalent(certificate.IssuerDN);

    // True when the chain reaches a trusted CA. A certificate that is itself in ca.pem is its own anchor (ca.pem checked against itself).
    internal static bool Build(List<X509Certificate> chain, IReadOnlyList<X509Certificate> authorities, IReadOnlyList<X509Certificate> intermediates)
    {
        if (authorities.Any(a => a.Equals(chain[0])))
        {
            return true;
        }

        while (chain.Count <= MaxDepth)
        {
            var current = chain[chain.Count - 1];
            var anchor = FindIssuer(current, authorities);
            if (anchor is not null)
            {
                chain.Add(anchor);
                return true;
            }

            var next = IsSelfIssued(current) ? null : FindIssuer(current, intermediates.Where(c => !chain.Contains(c)));
            if (next is null)
            {
                return false;
            }

            chain.Add(next);
        }

        return false;
    }

    /// <summary>The certificate among <paramref name="candidates"/> whose name is the issuer's and whose key made the signature, or null.</summary>
    internal static X509Certificate? FindIssuer(X509Certificate certificate, IEnumerable<X509Certificate> candidates) =>
        candidates.FirstOrDefault(ca => ca.SubjectDN.Equivalent(certificate.IssuerDN) && CertificateSignature.IsSignedBy(certificate, ca));
}
