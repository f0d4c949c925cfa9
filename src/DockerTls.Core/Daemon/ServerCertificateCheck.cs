using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Daemon;

/// <summary>
/// Checks the three files a TLS daemon serves with: ca.pem, server-cert.pem and server-key.pem. The certificate must
/// chain to the CA, carry serverAuth and be within its validity; the key must be its pair and unencrypted (dockerd
/// cannot read an encrypted key).
/// </summary>
public static class ServerCertificateCheck
{
    /// <summary>A certificate with fewer days left than this is reported as soon expiring.</summary>
    public const int ExpiryWarningDays = 30;

    /// <summary>
    /// Reads and checks the files (a null CA or key path is skipped). Returns the certificate summary (null when it cannot be read) and every problem
    /// found, each an error that blocks a daemon from serving TLS, except <c>ServerCertificateExpiring</c>.
    /// </summary>
    public static (DockerCertificate? Certificate, IReadOnlyList<DaemonConfigProblem> Problems) Assess(string? caPath, string certPath, string? keyPath, DateTime nowUtc)
    {
        var problems = new List<DaemonConfigProblem>();
        foreach (var (path, what) in new[] { (caPath, "CA certificate (tlscacert)"), (certPath, "server certificate (tlscert)"), (keyPath, "server key (tlskey)") })
        {
            if (path is not null && !File.Exists(path))
            {
                problems.Add(new DaemonConfigProblem(DaemonErrorIds.ServerCertificateNotFound,
                    $"The {what} '{path}' does not exist; dockerd will not start. Install it with Set-DockerDaemonConfig -CertPath <folder with ca.pem, server-cert.pem, server-key.pem>, or make one with New-DockerServerCert."));
            }
        }

        if (!File.Exists(certPath))
        {
            return (null, problems);
        }

        DockerCertificate certificate;
        try
        {
            certificate = CertificateReader.Read(certPath, keyPath is not null && File.Exists(keyPath) ? keyPath : null, caPath is not null && File.Exists(caPath) ? caPath : null);
        }
        catch (DockerTlsException e)
        {
            problems.Add(new DaemonConfigProblem(DaemonErrorIds.ServerCertificateInvalid,
                $"The server certificate '{certPath}' cannot be read ({e.Message}). Issue a new one with New-DockerServerCert."));
            return (null, problems);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            problems.Add(new DaemonConfigProblem(DaemonErrorIds.ServerCertificateInvalid,
                $"The server files cannot be read ({e.Message}). Run as a user that can read them (root on Linux, Administrator on Windows)."));
            return (null, problems);
        }

        if (certificate.ChainValid == false)
        {
            problems.Add(new DaemonConfigProblem(DaemonErrorIds.ServerCertificateInvalid,
                $"The server certificate '{certPath}' was not signed by a CA in '{caPath}' (or one of them has expired); clients that trust that CA will fail with 'x509: certificate signed by unknown authority'. Use the ca.pem of the CA that issued it, or issue a new server certificate from this CA with New-DockerServerCert."));
        }

        if (!certificate.ServerAuth)
        {
            problems.Add(new DaemonConfigProblem(DaemonErrorIds.ServerCertificateInvalid,
                $"The certificate '{certPath}' is not a server certificate (no serverAuth extended key usage); clients reject it. Issue one with New-DockerServerCert."));
        }

        if (certificate.NotAfter < nowUtc)
        {
            problems.Add(new DaemonConfigProblem(DaemonErrorIds.ServerCertificateInvalid,
                FormattableString.Invariant($"The server certificate '{certPath}' expired on {certificate.NotAfter:yyyy-MM-dd}; clients fail with 'certificate has expired or is not yet valid'. Issue a new one with New-DockerServerCert and install it.")));
        }
        else if (certificate.NotBefore > nowUtc)
        {
            problems.Add(new DaemonConfigProblem(DaemonErrorIds.ServerCertificateInvalid,
                FormattableString.Invariant($"The server certificate '{certPath}' is not valid before {certificate.NotBefore:yyyy-MM-dd HH:mm} UTC; check this host's clock.")));
        }
        else if (certificate.NotAfter < nowUtc.AddDays(ExpiryWarningDays))
        {
            problems.Add(new DaemonConfigProblem("ServerCertificateExpiring",
                FormattableString.Invariant($"The server certificate '{certPath}' expires in {Math.Max(0, (int)(certificate.NotAfter - nowUtc).TotalDays)} days ({certificate.NotAfter:yyyy-MM-dd}). Renew it before then with Update-DockerCertificate '{certPath}' -CAPath <the CA folder>, and restart dockerd.")));
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
