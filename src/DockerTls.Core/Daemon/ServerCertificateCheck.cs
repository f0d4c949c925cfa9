using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Daemon;

/// <summary>
/// Checks the three files a TLS daemon serves with: ca.pem, server-cert.pem and server-key.pem. The certificate must
/// pass <see cref="CertificateAssessment"/> for serverAuth (chain to the CA, CAs that may sign, validity, SANs); the key
/// must be its pair and unencrypted (dockerd cannot read an encrypted key).
/// </summary>
public static class ServerCertificateCheck
{
    /// <summary>
    /// Checks the files read once from a host (<see cref="ServerTlsFiles"/>; a CA or key not given is skipped): the very bytes a plan installs. Returns the certificate summary (null when it cannot be read) and every problem
    /// found, each an error that blocks a daemon from serving TLS, except <c>ServerCertificateExpiring</c> and <c>ServerCertificateNotStrict</c>.
    /// The certificate's verdict is <see cref="CertificateAssessment"/>'s for serverAuth: one problem per finding, which it names
    /// (<see cref="DaemonConfigProblem.FindingId"/>), the real cause first (an expired certificate is expired, not from another CA).
    /// </summary>
    public static (DockerCertificate? Certificate, IReadOnlyList<DaemonConfigProblem> Problems) Assess(ServerTlsFiles files, DateTime nowUtc)
    {
        var problems = new List<DaemonConfigProblem>(files.Missing);
        if (files.Unreadable is not null)
        {
            problems.Add(files.Unreadable);
            return (null, problems);
        }

        if (files.Cert is null)
        {
            return (null, problems);
        }

        var certPath = files.CertPath;
        var caPath = files.CAPath;
        var keyPath = files.KeyPath;
        DockerCertificate certificate;
        try
        {
            certificate = CertificateReader.Read(files.Cert, files.Key, files.CA, Org.BouncyCastle.Asn1.X509.KeyPurposeID.id_kp_serverAuth, nowUtc);
        }
        catch (DockerTlsException e)
        {
            problems.Add(new DaemonConfigProblem(DaemonErrorIds.ServerCertificateInvalid,
                $"The server certificate '{certPath}' cannot be read ({e.Message}). Issue a new one with New-DockerServerCert."));
            return (null, problems);
        }

        foreach (var finding in certificate.Findings)
        {
            var id = finding.Severity == FindingSeverity.Error ? DaemonErrorIds.ServerCertificateInvalid
                : finding.Id == CertificateFindingIds.CertificateExpiring ? DaemonErrorIds.ServerCertificateExpiring
                : DaemonErrorIds.ServerCertificateNotStrict;
            problems.Add(new DaemonConfigProblem(id, $"The server certificate '{certPath}' (checked against '{caPath}'): {finding.Message}", finding.Id, finding.Severity, certPath));
        }

        if (certificate.KeyEncrypted == true)
        {
            problems.Add(new DaemonConfigProblem(DaemonErrorIds.ServerKeyInvalid,
                $"The server key '{keyPath}' is encrypted; dockerd cannot read an encrypted key. Write it without a passphrase (mode 0400) with New-DockerServerCert."));
        }
        else if (certificate.KeyMatches == false)
        {
            problems.Add(new DaemonConfigProblem(DaemonErrorIds.ServerKeyInvalid,
                $"The server key '{keyPath}' does not belong to the certificate '{certPath}' (tls: private key does not match public key). Install the key that was made with that certificate."));
        }

        return (certificate, problems);
    }

    /// <summary>
    /// The names and addresses among <paramref name="names"/> that the certificate's subjectAltName does not list
    /// (Go ignores the Common Name). Names compare case-insensitively, addresses by value.
    /// </summary>
    public static IReadOnlyList<string> MissingNames(DockerCertificate certificate, IEnumerable<string> names)
    {
        var dns = new HashSet<string>(certificate.DnsNames, StringComparer.OrdinalIgnoreCase);
        var ips = certificate.IPAddresses.Select(a => IPAddress.TryParse(a, out var ip) ? ip : null).Where(ip => ip is not null).ToList();
        var missing = new List<string>();
        foreach (var name in names.Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var covered = IPAddress.TryParse(name, out var ip)
                ? ips.Any(a => a!.Equals(ip))
                : dns.Contains(name) || dns.Any(d => d.StartsWith("*.", StringComparison.Ordinal) && name.EndsWith(d.Substring(1), StringComparison.OrdinalIgnoreCase) && name.IndexOf('.') == name.Length - d.Length + 1);
            if (!covered)
            {
                missing.Add(name);
            }
        }

        return missing;
    }
}
