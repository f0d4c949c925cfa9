using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using DockerTls.Core.Pki;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace DockerTls.Core.Diagnostics;

/// <summary>
/// Judges the certificate a daemon presents the way the docker CLI (Go's crypto/x509) does, but names what is wrong:
/// not signed by a CA in the client's <c>ca.pem</c>, expired or not yet valid, not for servers, or without the name used.
/// </summary>
public static class ServerCertificateCheck
{
    /// <summary>
    /// <see cref="ConnectionFailure.None"/> when <paramref name="certificate"/> is signed by one of <paramref name="authorities"/>,
    /// it and that CA are valid at <paramref name="now"/>, and <paramref name="host"/> (a name or IP address) is among the
    /// subject alternative names of its <paramref name="summary"/>; else the first problem found, in that order.
    /// </summary>
    public static ConnectionFailure Check(BcCertificate certificate, DockerCertificate summary, IReadOnlyList<BcCertificate> authorities, string host, DateTime now)
    {
        var issuer = FindIssuer(certificate, authorities);
        if (issuer is null)
        {
            return ConnectionFailure.UnknownAuthority;
        }

        foreach (var c in new[] { certificate, issuer })
        {
            if (c.NotAfter.ToUniversalTime() < now)
            {
                return ConnectionFailure.ServerCertificateExpired;
            }

            if (c.NotBefore.ToUniversalTime() > now)
            {
                return ConnectionFailure.NotYetValid;
            }
        }

        if (!AllowsServerAuth(certificate))
        {
            return ConnectionFailure.IncompatibleKeyUsage;
        }

        return MatchesHost(summary, host) ? ConnectionFailure.None : ConnectionFailure.NameMismatch;
    }

    /// <summary>As Go decides it: no extended key usage at all, serverAuth, or anyExtendedKeyUsage.</summary>
    public static bool AllowsServerAuth(BcCertificate certificate)
    {
        var usages = certificate.GetExtendedKeyUsage();
        return usages is null || usages.Any(u => u.Id is "1.3.6.1.5.5.7.3.1" or "2.5.29.37.0");
    }

    /// <summary>The CA of <paramref name="authorities"/> that signed the certificate, or null.</summary>
    public static BcCertificate? FindIssuer(BcCertificate certificate, IReadOnlyList<BcCertificate> authorities) =>
        authorities.FirstOrDefault(ca => ca.SubjectDN.Equivalent(certificate.IssuerDN) && CertificateSignature.IsSignedBy(certificate, ca));

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
