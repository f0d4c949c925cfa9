using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using DockerTls.Core.Pki;
using Org.BouncyCastle.Asn1.X509;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace DockerTls.Core.Diagnostics;

/// <summary>
/// Judges the certificate a daemon presents the way the docker CLI (Go's crypto/x509) does, with the one verdict of
/// <see cref="CertificateAssessment"/>, and names what is wrong: not signed by a CA in the client's <c>ca.pem</c>,
/// expired or not yet valid, a CA that may not sign, an insecure signature, not for servers, or without the name used.
/// </summary>
public static class ServerCertificateCheck
{
    /// <summary>
    /// <see cref="ConnectionFailure.None"/> when the docker CLI would accept <paramref name="certificate"/> from a daemon at
    /// <paramref name="host"/> (a name or IP address) with <paramref name="authorities"/> as its <c>ca.pem</c>; else the first
    /// problem, the real cause first (an expired certificate is expired, not from another CA). Fills the
    /// <paramref name="summary"/>'s <see cref="DockerCertificate.Findings"/> and <see cref="DockerCertificate.ChainValid"/>.
    /// </summary>
    public static ConnectionFailure Check(BcCertificate certificate, DockerCertificate summary, IReadOnlyList<BcCertificate> authorities, string host, DateTime now)
    {
        var verdict = CertificateAssessment.Assess(certificate, authorities, KeyPurposeID.id_kp_serverAuth, now);
        summary.Findings = verdict.Findings.ToArray();
        summary.ChainValid = verdict.ChainValid;
        var failure = verdict.ChainError?.Id switch
        {
            null => ConnectionFailure.None,
            CertificateFindingIds.IssuerNotFound => ConnectionFailure.UnknownAuthority,
            CertificateFindingIds.CertificateExpired => ConnectionFailure.ServerCertificateExpired,
            CertificateFindingIds.CertificateNotYetValid => ConnectionFailure.NotYetValid,
            CertificateFindingIds.ExtendedKeyUsageMismatch => ConnectionFailure.IncompatibleKeyUsage,
            CertificateFindingIds.WeakSignatureAlgorithm => ConnectionFailure.InsecureAlgorithm,
            _ => ConnectionFailure.InvalidCertificateAuthority,
        };
        if (failure != ConnectionFailure.None)
        {
            return failure;
        }

        return MatchesHost(summary, host) ? ConnectionFailure.None : ConnectionFailure.NameMismatch;
    }

    /// <summary>
    /// Whether <paramref name="host"/> is one of the certificate's IP addresses (for an address) or DNS names (for a name,
    /// case-insensitive, a leading <c>*.</c> matching one label). The Common Name is ignored, as Go ignores it.
    /// </summary>
    public static bool MatchesHost(DockerCertificate certificate, string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return certificate.IPAddresses.Any(ip => IPAddress.TryParse(ip, out var a) && a.Equals(address));
        }

        var name = host.TrimEnd('.');
        return certificate.DnsNames.Any(dns => NameMatches(dns, name));
    }

    private static bool NameMatches(string pattern, string host)
    {
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            var dot = host.IndexOf('.');
            return dot > 0 && string.Equals(pattern.Substring(1), host.Substring(dot), StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }
}
