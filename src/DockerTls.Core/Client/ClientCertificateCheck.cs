using System;
using System.IO;
using System.Linq;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Client;

/// <summary>
/// Checks a client certificate folder (<c>ca.pem</c>, <c>cert.pem</c>, <c>key.pem</c>) the way the docker CLI and a
/// <c>tlsverify</c> daemon will judge it, so that a bad set is refused before it is copied anywhere.
/// </summary>
public static class ClientCertificateCheck
{
    /// <summary>
    /// Reads the folder's client certificate and throws unless it is usable: all three files present
    /// (<c>ClientCertFolderIncomplete</c>), the key unencrypted (<c>EncryptedKey</c>) and the pair of the certificate
    /// (<c>ClientKeyMismatch</c>), within its validity (<c>ClientCertificateExpired</c>), with <c>clientAuth</c> and
    /// a chain to a CA in <c>ca.pem</c> that Docker accepts (<c>ClientCertificateInvalid</c>, naming the finding of
    /// <see cref="CertificateAssessment"/>). Returns the certificate read, with its findings.
    /// </summary>
    public static DockerCertificate Check(string folder)
    {
        ClientEnvironment.RequireCertificateFiles(folder);
        var certPath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        var caPath = Path.Combine(folder, "ca.pem");
        var certificate = CertificateReader.Read(certPath, keyPath, caPath, Org.BouncyCastle.Asn1.X509.KeyPurposeID.id_kp_clientAuth);
        var problem = Problem(certificate, untilConnect: false);
        if (problem is not null)
        {
            throw problem;
        }

        return certificate;
    }

    /// <summary>
    /// The first reason Docker refuses the client certificate <paramref name="certificate"/> (read with its key and
    /// <c>ca.pem</c>), as the error <see cref="Check"/> throws, or null. With <paramref name="untilConnect"/> only what the
    /// docker CLI meets before it connects (an encrypted key, a key that is not the pair, a certificate out of its
    /// validity); the connection test leaves the rest to the daemon, whose answer it diagnoses.
    /// </summary>
    public static DockerTlsException? Problem(DockerCertificate certificate, bool untilConnect)
    {
        var certPath = certificate.Path;
        var keyPath = certificate.KeyPath ?? CertificateReader.KeyPathFor(certPath);
        if (certificate.KeyEncrypted == true)
        {
            return new DockerTlsException(
                "EncryptedKey",
                ErrorKind.InvalidData,
                $"The key '{keyPath}' is encrypted with a passphrase; Docker refuses encrypted client keys (\"private key is encrypted\"). "
                + $"Write it without one (openssl pkey -in key.pem -out key.pem) or issue a new client certificate with New-DockerClientCert.",
                keyPath);
        }

        if (certificate.KeyMatches != true)
        {
            return new DockerTlsException(
                "ClientKeyMismatch",
                ErrorKind.InvalidData,
                $"The key '{keyPath}' is not the pair of '{certPath}' (\"tls: private key does not match public key\"). Put the key that was made with this certificate beside it.",
                keyPath);
        }

        // The certificate's own validity, as the assessment found it; an expired CA is a fault of the chain, below.
        var validity = certificate.Findings.FirstOrDefault(f => f.ChainDepth == 0
            && (f.Id == CertificateFindingIds.CertificateExpired || f.Id == CertificateFindingIds.CertificateNotYetValid));
        if (validity is not null)
        {
            var when = validity.Id == CertificateFindingIds.CertificateExpired
                ? FormattableString.Invariant($"expired on {certificate.NotAfter:yyyy-MM-dd HH:mm} UTC")
                : FormattableString.Invariant($"is not valid before {certificate.NotBefore:yyyy-MM-dd HH:mm} UTC (check this machine's clock)");
            return new DockerTlsException(
                "ClientCertificateExpired",
                ErrorKind.InvalidData,
                $"The client certificate '{certPath}' {when}. Issue a new one with New-DockerClientCert.",
                certPath);
        }

        return untilConnect ? null : DaemonProblem(certificate);
    }

    // What a daemon with tlsverify refuses; what only strict verifiers refuse stays in the certificate's Findings.
    private static DockerTlsException? DaemonProblem(DockerCertificate certificate)
    {
        var certPath = certificate.Path;
        var caPath = certificate.ChainCAPath ?? Path.Combine(Path.GetDirectoryName(certPath)!, "ca.pem");
        if (!certificate.ClientAuth)
        {
            return new DockerTlsException(
                "ClientCertificateInvalid",
                ErrorKind.InvalidData,
                $"The certificate '{certPath}' has no clientAuth extended key usage, so a daemon with tlsverify answers \"bad certificate\". "
                + "Issue a client certificate with New-DockerClientCert.",
                certPath);
        }

        var chainError = certificate.Findings.FirstOrDefault(f => f.BreaksChain && f.Severity == FindingSeverity.Error);
        if (chainError?.Id == CertificateFindingIds.IssuerNotFound)
        {
            return new DockerTlsException(
                "ClientCertificateInvalid",
                ErrorKind.InvalidData,
                $"The certificate '{certPath}' is not signed by a valid CA in '{caPath}', so the daemon will refuse it (\"bad certificate\"). "
                + "Put the ca.pem of the CA that issued it beside it, or issue a new client certificate from the daemon's CA.",
                certPath);
        }

        return chainError is null ? null : new DockerTlsException(
            "ClientCertificateInvalid",
            ErrorKind.InvalidData,
            $"The certificate '{certPath}' and its chain to '{caPath}' would be refused by the docker CLI and the daemon ({chainError.Id}): {chainError.Message}",
            certPath);
    }
}
