using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using DockerTls.Core.IO;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.X509;

namespace DockerTls.Core.Pki;

/// <summary>Reads certificates back from disk into <see cref="DockerCertificate"/> summaries and checks them.</summary>
public static class CertificateReader
{
    // Docker's file names: certificate -> key.
    private static readonly Dictionary<string, string> KeyNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ca.pem"] = "ca-key.pem",
        ["server-cert.pem"] = "server-key.pem",
        ["cert.pem"] = "key.pem",
    };

    /// <summary>
    /// <see cref="Read(string, string, string, KeyPurposeID, DateTime)"/> of the certificate alone, for its own kind: the
    /// overload the cmdlets call, whose signature names no BouncyCastle type (those live in the module's load context).
    /// </summary>
    public static DockerCertificate Read(string certPath) => Read(certPath, null, null, null, DateTime.UtcNow);

    /// <summary>
    /// Reads the first certificate of <paramref name="certPath"/> (those after it are taken as intermediates) and
    /// assesses it with <see cref="CertificateAssessment"/> for <paramref name="purpose"/> (by default the one of its
    /// kind). With <paramref name="keyPath"/>, tells whether the key belongs to it and is encrypted; with
    /// <paramref name="caPath"/>, whether its chain to a CA there holds as a strict verifier decides.
    /// </summary>
    public static DockerCertificate Read(string certPath, string? keyPath = null, string? caPath = null, KeyPurposeID? purpose = null) =>
        Read(certPath, keyPath, caPath, purpose, DateTime.UtcNow);

    /// <summary><see cref="Read(string, string?, string?, KeyPurposeID?)"/> at <paramref name="nowUtc"/>.</summary>
    public static DockerCertificate Read(string certPath, string? keyPath, string? caPath, KeyPurposeID? purpose, DateTime nowUtc)
    {
        var certificate = new PemFile(Path.GetFullPath(certPath), SafeFile.TryReadAllBytes(certPath, SafeFile.Pem) ?? throw PemFormat.NotFound(certPath));
        var key = keyPath != null && File.Exists(keyPath) ? new PemFile(Path.GetFullPath(keyPath), SafeFile.ReadAllBytes(keyPath, SafeFile.Pem)) : null;
        var ca = caPath is null ? null : new PemFile(Path.GetFullPath(caPath), SafeFile.TryReadAllBytes(caPath, SafeFile.Pem) ?? throw PemFormat.NotFound(caPath));
        return Read(certificate, key, ca, purpose, nowUtc);
    }

    /// <summary>
    /// <see cref="Read(string, string?, string?, KeyPurposeID?, DateTime)"/> of files read already (a Docker host's, which
    /// may be remote): the paths only name them, as the host names them.
    /// </summary>
    public static DockerCertificate Read(PemFile cert, PemFile? key, PemFile? ca, KeyPurposeID? purpose, DateTime nowUtc)
    {
        var certificates = PemFormat.ReadCertificates(cert.Path, cert.Bytes);
        var certificate = certificates[0];
        var summary = SummarizeAt(certificate, cert.Path, nowUtc);
        if (key != null)
        {
            summary.KeyPath = key.Path;
            summary.KeyEncrypted = PemFormat.IsEncryptedPem(key.Bytes);
            if (summary.KeyEncrypted == false) summary.KeyMatches = PemFormat.ReadKeyPair(key.Path, key.Bytes, null).Matches(certificate);
        }
        var authorities = ca is null ? null : PemFormat.ReadCertificates(ca.Path, ca.Bytes);
        var verdict = CertificateAssessment.Assess(certificate, authorities, purpose ?? PurposeOf(summary.Kind), nowUtc, certificates.Skip(1).ToList());
        if (ca != null) summary.ChainCAPath = ca.Path;
        summary.ChainValid = verdict.ChainValid;
        summary.Findings = verdict.Findings.ToArray();
        return summary;
    }

    /// <summary>
    /// Every certificate file in a folder (any *.pem holding a certificate), each with the key that Docker's
    /// naming puts beside it and checked against the folder's ca.pem (or <paramref name="caPath"/>). With
    /// <paramref name="onError"/>, a file that cannot be read (a FIFO named *.pem, a certificate that is not PEM) is
    /// reported there and the others are read; without, it is thrown.
    /// </summary>
    public static IReadOnlyList<DockerCertificate> ReadFolder(string folder, string? caPath = null, Action<DockerTlsException>? onError = null)
    {
        if (!Directory.Exists(folder))
            throw new DockerTlsException("CertificateNotFound", ErrorKind.ObjectNotFound, $"The folder '{folder}' does not exist.", folder);
        var result = new List<DockerCertificate>();
        foreach (var file in Directory.GetFiles(folder, "*.pem").OrderBy(f => f, StringComparer.Ordinal))
        {
            try
            {
                var bytes = SafeFile.TryReadAllBytes(file, SafeFile.Pem);
                if (bytes is null || !System.Text.Encoding.ASCII.GetString(bytes).Contains("-----BEGIN CERTIFICATE-----")) continue;
                result.Add(ReadWithNeighbours(file, caPath));
            }
            catch (DockerTlsException e) when (onError is not null)
            {
                onError(e);
            }
        }
        return result;
    }

    /// <summary>
    /// Whole days left, counting a day begun as a day: a new 365-day certificate shows 365, not 364 (its notAfter is
    /// 365 days from a moment that has just passed); one that expires within the day shows 1; an expired one a negative count.
    /// </summary>
    public static int DaysLeft(TimeSpan left) => left >= TimeSpan.Zero ? (int)Math.Ceiling(left.TotalDays) : (int)Math.Floor(left.TotalDays);

    /// <summary>Reads a certificate with the key Docker's naming puts beside it and the ca.pem of its folder.</summary>
    public static DockerCertificate ReadWithNeighbours(string certPath, string? caPath = null)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(certPath))!;
        var key = KeyPathFor(certPath);
        var ca = caPath ?? Path.Combine(folder, "ca.pem");
        return Read(certPath, File.Exists(key) ? key : null, File.Exists(ca) ? ca : null);
    }

    /// <summary>The key file Docker's naming pairs with a certificate file: ca.pem/ca-key.pem, X-cert.pem/X-key.pem, X.pem/X-key.pem.</summary>
    public static string KeyPathFor(string certPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(certPath))!;
        var name = Path.GetFileName(certPath);
        if (KeyNames.TryGetValue(name, out var keyName)) return Path.Combine(folder, keyName);
        var stem = Path.GetFileNameWithoutExtension(name);
        if (stem.EndsWith("-cert", StringComparison.OrdinalIgnoreCase)) stem = stem.Substring(0, stem.Length - 5);
        return Path.Combine(folder, stem + "-key.pem");
    }

    /// <summary>
    /// Whether the private key in <paramref name="keyPath"/> is the pair of the certificate's public key:
    /// the RSA moduli, or the EC public points, compared as encoded, without building key objects
    /// (BouncyCastle tests each RSA modulus it loads for primality, a sixth of a second for 4096 bits).
    /// </summary>
    public static bool KeyMatches(X509Certificate certificate, string keyPath) => PemFormat.ReadKeyPair(keyPath, null).Matches(certificate);

    /// <summary>The extended key usage a certificate of <paramref name="kind"/> is used for: serverAuth, clientAuth, or none.</summary>
    public static KeyPurposeID? PurposeOf(CertificateKind kind) =>
        kind == CertificateKind.Server ? KeyPurposeID.id_kp_serverAuth : kind == CertificateKind.Client ? KeyPurposeID.id_kp_clientAuth : null;

    internal static bool IsCertificateAuthority(X509Certificate certificate) => certificate.GetBasicConstraints() >= 0;

    internal static DockerCertificate Summarize(X509Certificate certificate, string path, DateTime now) => SummarizeAt(certificate, Path.GetFullPath(path), now);

    // A host's path as the host names it: never through this machine's GetFullPath (a remote /etc/docker is not C:\etc\docker).
    private static DockerCertificate SummarizeAt(X509Certificate certificate, string path, DateTime now)
    {
        var der = certificate.GetEncoded();
        var eku = ExtendedKeyUsages(certificate);
        var isCA = IsCertificateAuthority(certificate);
        var serverAuth = eku.Contains(KeyPurposeID.id_kp_serverAuth.Id);
        var clientAuth = eku.Contains(KeyPurposeID.id_kp_clientAuth.Id);
        var (dns, ips) = AltNames(certificate);
        return new DockerCertificate
        {
            Path = path,
            Kind = isCA ? CertificateKind.CA : serverAuth ? CertificateKind.Server : clientAuth ? CertificateKind.Client : CertificateKind.Other,
            Subject = certificate.SubjectDN.ToString(),
            Issuer = certificate.IssuerDN.ToString(),
            CommonName = certificate.SubjectDN.GetValueList(X509Name.CN).FirstOrDefault() ?? "",
            DnsNames = dns,
            IPAddresses = ips,
            NotBefore = certificate.NotBefore.ToUniversalTime(),
            NotAfter = certificate.NotAfter.ToUniversalTime(),
            DaysRemaining = DaysLeft(certificate.NotAfter.ToUniversalTime() - now),
            KeyAlgorithm = DescribeKey(certificate.CertificateStructure.SubjectPublicKeyInfo),
            SerialNumber = certificate.SerialNumber.ToString(16).ToUpperInvariant(),
            Thumbprint = Hex(Digest.Sha1(der), ""),
            Sha256Fingerprint = Hex(Digest.Sha256(der), ":"),
            AuthorityKeyId = KeyIdentifiers.AuthorityOf(certificate),
            IsCA = isCA,
            ServerAuth = serverAuth,
            ClientAuth = clientAuth,
        };
    }

    /// <summary>"RSA 4096", "ECDSA P-256": read from the encoded key, which is cheaper than building it.</summary>
    internal static string DescribeKey(SubjectPublicKeyInfo key)
    {
        if (PkcsObjectIdentifiers.RsaEncryption.Equals(key.Algorithm.Algorithm))
            return $"RSA {RsaPublicKeyStructure.GetInstance(key.ParsePublicKey()).Modulus.BitLength}";
        if (X9ObjectIdentifiers.IdECPublicKey.Equals(key.Algorithm.Algorithm)
            && X962Parameters.GetInstance(key.Algorithm.Parameters) is { IsNamedCurve: true } named
            && DerObjectIdentifier.GetInstance(named.Parameters) is var curve)
            return "ECDSA " + (curve.Equals(SecObjectIdentifiers.SecP256r1) ? "P-256"
                : curve.Equals(SecObjectIdentifiers.SecP384r1) ? "P-384"
                : curve.Equals(SecObjectIdentifiers.SecP521r1) ? "P-521"
                : curve.Id);
        return key.Algorithm.Algorithm.Id;
    }

    private static HashSet<string> ExtendedKeyUsages(X509Certificate certificate)
    {
        try { return new HashSet<string>(certificate.GetExtendedKeyUsage()?.Select(o => o.Id) ?? Enumerable.Empty<string>()); }
        catch (Org.BouncyCastle.Security.Certificates.CertificateParsingException) { return new HashSet<string>(); }
    }

    private static (string[] Dns, string[] IPs) AltNames(X509Certificate certificate)
    {
        var dns = new List<string>();
        var ips = new List<string>();
        var names = certificate.GetSubjectAlternativeNames();
        if (names == null) return (dns.ToArray(), ips.ToArray());
        foreach (var entry in names)
        {
            var list = entry.Cast<object>().ToList();
            var tag = Convert.ToInt32(list[0]);
            var value = Convert.ToString(list[1]) ?? "";
            if (tag == GeneralName.DnsName) dns.Add(value);
            else if (tag == GeneralName.IPAddress) ips.Add(NormalizeIp(value));
        }
        return (dns.ToArray(), ips.ToArray());
    }

    private static string NormalizeIp(string value)
    {
        // BouncyCastle renders IP SANs as "#7f000001"-style hex or dotted text depending on version.
        if (value.StartsWith("#", StringComparison.Ordinal))
        {
            var hex = value.Substring(1);
            var bytes = Enumerable.Range(0, hex.Length / 2).Select(i => Convert.ToByte(hex.Substring(i * 2, 2), 16)).ToArray();
            return new IPAddress(bytes).ToString();
        }
        return IPAddress.TryParse(value, out var address) ? address.ToString() : value;
    }

    private static string Hex(byte[] bytes, string separator) =>
        string.Join(separator, bytes.Select(b => b.ToString("X2")));
}
