using System;
using System.Collections.Generic;
using System.Linq;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.X509;

namespace DockerTls.Core.Pki;

/// <summary>
/// The one certificate verdict of the module. Builds the chain as Go and OpenSSL do (<see cref="CertificateChain"/>: every certificate in ca.pem is a
/// trust anchor; the certificates after the leaf in its own file may be intermediates) and applies the rules of
/// openssl <c>verify -x509_strict</c> at security level 2 (Debian's default, what Python and curl use) and of Go's
/// crypto/x509 (dockerd and the docker CLI): issuers are CAs (basicConstraints CA:TRUE, critical) whose keyUsage holds
/// keyCertSign, path lengths hold, the extended key usage allows the purpose, every link is within its validity, no
/// SHA-1 or MD5 signature and no RSA key below 2048 bits.
/// </summary>
public static class CertificateAssessment
{
    /// <summary>A certificate with fewer days left than this gets <see cref="CertificateFindingIds.CertificateExpiring"/>.</summary>
    public const int ExpiryWarningDays = 30;

    private static readonly HashSet<string> WeakSignatures = new(StringComparer.Ordinal)
    {
        "1.2.840.113549.1.1.2", // md2WithRSAEncryption
        "1.2.840.113549.1.1.4", // md5WithRSAEncryption
        "1.2.840.113549.1.1.5", // sha1WithRSAEncryption
        "1.3.14.3.2.29",        // sha1WithRSA (OIW)
        "1.2.840.10045.4.1",    // ecdsa-with-SHA1
        "1.2.840.10040.4.3",    // dsa-with-sha1
    };

    /// <summary>
    /// Assesses <paramref name="certificate"/> for <paramref name="purpose"/> (serverAuth, clientAuth, or null for none)
    /// at <paramref name="now"/>. With <paramref name="authorities"/> (the CAs of a ca.pem) the chain is built and judged;
    /// without, only the certificate itself. <paramref name="intermediates"/> are the certificates after the leaf in its file.
    /// </summary>
    public static CertificateVerdict Assess(X509Certificate certificate, IReadOnlyList<X509Certificate>? authorities, KeyPurposeID? purpose, DateTime now,
        IReadOnlyList<X509Certificate>? intermediates = null)
    {
        var findings = new List<CertificateFinding>();
        var chain = new List<X509Certificate> { certificate };
        var complete = authorities is not null && CertificateChain.Build(chain, authorities, intermediates ?? Array.Empty<X509Certificate>());
        if (authorities is not null && !complete)
        {
            var last = chain[chain.Count - 1];
            findings.Add(Finding(CertificateFindingIds.IssuerNotFound, FindingSeverity.Error, true, last, chain.Count - 1,
                $"'{Name(last)}' was not signed by a CA in the given ca.pem (it names '{last.IssuerDN}' as its issuer); clients that trust that CA fail with 'x509: certificate signed by unknown authority'. "
                + "Use the ca.pem of the CA that issued it, or issue a new certificate from this CA (New-DockerServerCert, New-DockerClientCert)."));
        }

        for (var i = 0; i < chain.Count; i++)
        {
            Validity(findings, chain[i], i, now);
        }

        Constraints(findings, chain);

        // A CA checked against itself (its own ca.pem) is a trust anchor alone, which verifiers accept whatever its
        // extensions; its faults are reported all the same, for they fail every certificate it issues.
        var anchorAlone = complete && chain.Count == 1;
        for (var i = 0; i < chain.Count; i++)
        {
            if (chain[i].GetBasicConstraints() >= 0)
            {
                CAProfile(findings, chain[i], i, breaksChain: !anchorAlone);
            }
        }

        // A certificate that is not for servers at all gets that one finding, not also the missing names of a server certificate.
        var leafFitsPurpose = Purpose(findings, chain, purpose);
        Algorithms(findings, chain, complete);
        if (purpose is not null && purpose.Equals(KeyPurposeID.id_kp_serverAuth) && certificate.GetSubjectAlternativeNames() is not { Count: > 0 }
            && leafFitsPurpose)
        {
            findings.Add(Finding(CertificateFindingIds.SubjectAltNameMissing, FindingSeverity.Error, false, certificate, 0,
                $"The server certificate '{Name(certificate)}' has no subjectAltName; Go ignores the common name, so clients fail with 'x509: certificate relies on legacy Common Name field'. Issue one that lists every name and address with New-DockerServerCert -DnsName ... -IPAddress ...."));
        }

        KeyIdentifiers(findings, chain);
        var ordered = findings.OrderBy(f => Rank(f)).ToList();
        return new CertificateVerdict(ordered, chain, authorities is null ? null : !ordered.Any(f => f.BreaksChain));
    }

    // Errors that end the chain first (validity, issuer), then the rest in the order they were found.
    private static int Rank(CertificateFinding finding) => finding.Id switch
    {
        CertificateFindingIds.CertificateExpired or CertificateFindingIds.CertificateNotYetValid => 0,
        CertificateFindingIds.IssuerNotFound => 1,
        _ => finding.Severity == FindingSeverity.Error ? 2 : finding.BreaksChain ? 3 : 4,
    };

    // Each issuer is a CA (basicConstraints CA:TRUE) whose path length allows the CAs below it.
    private static void Constraints(List<CertificateFinding> findings, List<X509Certificate> chain)
    {
        for (var i = 1; i < chain.Count; i++)
        {
            if (chain[i].GetBasicConstraints() < 0)
            {
                findings.Add(Finding(CertificateFindingIds.IssuerNotCA, FindingSeverity.Error, true, chain[i], i,
                    $"'{Name(chain[i])}' signed '{Name(chain[i - 1])}' but is not a CA (its basicConstraints do not say CA:TRUE); Go fails with 'x509: ... parent certificate cannot sign this kind of certificate'. Issue the certificate from a CA made with New-DockerCA."));
            }
            else if (chain[i].GetBasicConstraints() < i - 1)
            {
                findings.Add(Finding(CertificateFindingIds.PathLengthExceeded, FindingSeverity.Error, true, chain[i], i,
                    $"The CA '{Name(chain[i])}' allows {chain[i].GetBasicConstraints()} CA(s) below it (pathLenConstraint), but the chain has {i - 1}; verifiers fail with 'path length constraint exceeded'. Issue the certificate from a CA directly (New-DockerServerCert, New-DockerClientCert), or from a CA the constraint allows."));
            }
        }
    }

    private static void Validity(List<CertificateFinding> findings, X509Certificate certificate, int depth, DateTime now)
    {
        var what = depth == 0 ? "The certificate" : "The CA";
        var fix = depth == 0
            ? (certificate.GetBasicConstraints() >= 0 ? "Make a new CA with New-DockerCA." : "Issue a new one with New-DockerServerCert or New-DockerClientCert (the same names) and install it.")
            : "Make a new CA with New-DockerCA (or renew it with Update-DockerCertificate) and issue the certificates again.";
        var soon = depth == 0 && certificate.GetBasicConstraints() < 0
            ? "Issue a new one before then with New-DockerServerCert or New-DockerClientCert (the same names), or renew it with Update-DockerCertificate."
            : "Renew the CA before then with Update-DockerCertificate (same key and name), or make a new one with New-DockerCA.";
        var notAfter = certificate.NotAfter.ToUniversalTime();
        var notBefore = certificate.NotBefore.ToUniversalTime();
        if (notAfter < now)
        {
            findings.Add(Finding(CertificateFindingIds.CertificateExpired, FindingSeverity.Error, true, certificate, depth,
                FormattableString.Invariant($"{what} '{Name(certificate)}' expired on {notAfter:yyyy-MM-dd HH:mm} UTC; clients fail with 'x509: certificate has expired or is not yet valid'. {fix}")));
        }
        else if (notBefore > now)
        {
            findings.Add(Finding(CertificateFindingIds.CertificateNotYetValid, FindingSeverity.Error, true, certificate, depth,
                FormattableString.Invariant($"{what} '{Name(certificate)}' is not valid before {notBefore:yyyy-MM-dd HH:mm} UTC (it is {now:yyyy-MM-dd HH:mm} UTC here); clients fail with 'x509: certificate has expired or is not yet valid'. Check this host's clock (timedatectl set-ntp true), or {Lower(fix)}")));
        }
        else if (notAfter < now.AddDays(ExpiryWarningDays))
        {
            findings.Add(Finding(CertificateFindingIds.CertificateExpiring, FindingSeverity.Warning, false, certificate, depth,
                FormattableString.Invariant($"{what} '{Name(certificate)}' expires in {Math.Max(0, (int)(notAfter - now).TotalDays)} days ({notAfter:yyyy-MM-dd}). {soon}")));
        }
    }

    private static void CAProfile(List<CertificateFinding> findings, X509Certificate ca, int depth, bool breaksChain)
    {
        const string renew = "Renew the CA with Update-DockerCertificate (same key and name, strict profile), or make a new one with New-DockerCA; its leaves stay valid once the new ca.pem is in place.";
        var usage = ca.GetKeyUsage();
        if (usage is null)
        {
            findings.Add(Finding(CertificateFindingIds.CAKeyUsageMissing, FindingSeverity.Warning, breaksChain, ca, depth,
                $"The CA '{Name(ca)}' has no keyUsage extension (as the Docker docs' openssl recipe makes it); Docker accepts it, but openssl verify -x509_strict, Python 3.13 and docker-py refuse every certificate it issued ('CA cert does not include key usage extension'). {renew}"));
        }
        else if (usage.Length <= 5 || !usage[5])
        {
            findings.Add(Finding(CertificateFindingIds.CAKeyCertSignMissing, FindingSeverity.Error, breaksChain, ca, depth,
                $"The CA '{Name(ca)}' has a keyUsage without keyCertSign, so it may not sign certificates; for every certificate it issued, the docker CLI and dockerd fail with 'x509: ... parent certificate cannot sign this kind of certificate', openssl with 'invalid CA certificate'. {renew}"));
        }

        if (ca.GetCriticalExtensionOids()?.Contains(X509Extensions.BasicConstraints.Id) != true)
        {
            findings.Add(Finding(CertificateFindingIds.CABasicConstraintsNotCritical, FindingSeverity.Warning, breaksChain, ca, depth,
                $"The CA '{Name(ca)}' has a basicConstraints extension that is not marked critical; Docker accepts it, but openssl verify -x509_strict and Python 3.13 refuse every certificate it issued ('Basic Constraints of CA cert not marked critical'). {renew}"));
        }

        if (ca.GetExtensionValue(X509Extensions.SubjectKeyIdentifier) is null)
        {
            findings.Add(Finding(CertificateFindingIds.CASubjectKeyIdentifierMissing, FindingSeverity.Warning, breaksChain, ca, depth,
                $"The CA '{Name(ca)}' has no Subject Key Identifier, which RFC 5280 requires of a CA; Docker accepts it, but openssl verify -x509_strict and Python 3.13 refuse every certificate it issued ('Missing Subject Key Identifier'). {renew}"));
        }
    }

    // False when the leaf's own extended key usage does not allow the purpose.
    private static bool Purpose(List<CertificateFinding> findings, List<X509Certificate> chain, KeyPurposeID? purpose)
    {
        if (purpose is null)
        {
            return true;
        }

        var leafFits = true;
        var name = purpose.Equals(KeyPurposeID.id_kp_serverAuth) ? "serverAuth" : purpose.Equals(KeyPurposeID.id_kp_clientAuth) ? "clientAuth" : purpose.Id;
        for (var i = 0; i < chain.Count; i++)
        {
            var usages = ExtendedKeyUsages(chain[i]);
            if (usages is null || usages.Contains(purpose.Id) || usages.Contains(KeyPurposeID.AnyExtendedKeyUsage.Id))
            {
                continue;
            }

            leafFits &= i != 0;
            var fix = name == "serverAuth" ? "Issue a server certificate with New-DockerServerCert." : "Issue a client certificate with New-DockerClientCert.";
            findings.Add(Finding(CertificateFindingIds.ExtendedKeyUsageMismatch, FindingSeverity.Error, true, chain[i], i,
                i == 0
                    ? $"The certificate '{Name(chain[i])}' has no {name} extended key usage, so it may not be used for that; Go fails with 'x509: certificate specifies an incompatible key usage', openssl with 'unsuitable certificate purpose'. {fix}"
                    : $"The CA '{Name(chain[i])}' limits its extended key usage to other purposes than {name}; verifiers refuse every {name} certificate below it. Use a CA without that limit (New-DockerCA)."));
        }

        return leafFits;
    }

    private static void Algorithms(List<CertificateFinding> findings, List<X509Certificate> chain, bool complete)
    {
        for (var i = 0; i < chain.Count; i++)
        {
            var anchor = complete && i == chain.Count - 1 && CertificateChain.IsSelfIssued(chain[i]);
            if (WeakSignatures.Contains(chain[i].SigAlgOid))
            {
                findings.Add(anchor
                    ? Finding(CertificateFindingIds.WeakSignatureAlgorithm, FindingSeverity.Warning, false, chain[i], i,
                        $"The CA '{Name(chain[i])}' signed itself with {chain[i].SigAlgName}; verifiers do not check a trusted CA's own signature, but it marks an old CA. Make a new CA with New-DockerCA (SHA-256) when you can.")
                    : Finding(CertificateFindingIds.WeakSignatureAlgorithm, FindingSeverity.Error, true, chain[i], i,
                        $"'{Name(chain[i])}' is signed with {chain[i].SigAlgName}; the docker CLI (Go 1.18 on) fails with 'x509: ... insecure algorithm', openssl at security level 2 with 'CA signature digest algorithm too weak'. Issue it again with SHA-256 (New-DockerServerCert, New-DockerClientCert)."));
            }

            var bits = KeyBits(chain[i].CertificateStructure.SubjectPublicKeyInfo, out var rsa);
            if (bits > 0 && bits < (rsa ? 2048 : 224))
            {
                findings.Add(Finding(CertificateFindingIds.WeakKey, FindingSeverity.Warning, true, chain[i], i,
                    $"'{Name(chain[i])}' has a {(rsa ? "RSA" : "EC")} key of {bits} bits; OpenSSL at security level 2 (Python, curl, docker-py) refuses it ('key too weak'). Issue it again with a stronger key: New-DockerServerCert or New-DockerClientCert with -KeyAlgorithm RSA2048 or larger, or ECDSA."));
            }
        }
    }

    private static void KeyIdentifiers(List<CertificateFinding> findings, List<X509Certificate> chain)
    {
        for (var i = 0; i < chain.Count; i++)
        {
            if (!CertificateChain.IsSelfIssued(chain[i]) && chain[i].GetExtensionValue(X509Extensions.AuthorityKeyIdentifier) is null)
            {
                findings.Add(Finding(CertificateFindingIds.AuthorityKeyIdentifierMissing, FindingSeverity.Warning, true, chain[i], i,
                    $"'{Name(chain[i])}' has no Authority Key Identifier, which RFC 5280 requires; Docker accepts it, but openssl verify -x509_strict and Python 3.13 refuse it ('Missing Authority Key Identifier'). Issue it again from its CA with DockerTls (New-DockerServerCert, New-DockerClientCert, or Update-DockerCertificate)."));
            }
        }
    }

    private static HashSet<string>? ExtendedKeyUsages(X509Certificate certificate)
    {
        try
        {
            var usages = certificate.GetExtendedKeyUsage();
            return usages is null ? null : new HashSet<string>(usages.Select(o => o.Id));
        }
        catch (Org.BouncyCastle.Security.Certificates.CertificateParsingException)
        {
            return new HashSet<string>();
        }
    }

    private static int KeyBits(SubjectPublicKeyInfo key, out bool rsa)
    {
        rsa = PkcsObjectIdentifiers.RsaEncryption.Equals(key.Algorithm.Algorithm);
        if (rsa)
        {
            return RsaPublicKeyStructure.GetInstance(key.ParsePublicKey()).Modulus.BitLength;
        }

        if (X9ObjectIdentifiers.IdECPublicKey.Equals(key.Algorithm.Algorithm)
            && X962Parameters.GetInstance(key.Algorithm.Parameters) is { IsNamedCurve: true } named
            && DerObjectIdentifier.GetInstance(named.Parameters) is { } oid
            // BouncyCastle's own lookup order for a key's curve (the fast custom curves first), so that a check does
            // not build the generic curve too: for P-256 that is 25 ms of CPU more at the first certificate.
            && (CustomNamedCurves.GetByOid(oid) ?? ECNamedCurveTable.GetByOid(oid)) is { } curve)
        {
            return curve.Curve.FieldSize;
        }

        return 0;
    }

    private static string Name(X509Certificate certificate) => certificate.SubjectDN.ToString();

    private static string Lower(string sentence) => sentence.Length == 0 ? sentence : char.ToLowerInvariant(sentence[0]) + sentence.Substring(1);

    private static CertificateFinding Finding(string id, FindingSeverity severity, bool breaksChain, X509Certificate certificate, int depth, string message) =>
        new(id, severity, breaksChain, Name(certificate), message) { ChainDepth = depth };
}
