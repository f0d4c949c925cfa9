using System;
using System.Collections.Generic;
using System.Linq;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Diagnostics;

/// <summary>The diagnoses of the client's side: its certificate folder, its key, and the daemon's refusal of its certificate.</summary>
public sealed partial class ConnectionDiagnosis
{
    /// <summary>One or more of ca.pem, cert.pem and key.pem is missing or holds no certificate.</summary>
    public void ClientCertificateMissing(IReadOnlyList<string> missing, string? unreadable = null)
    {
        var what = unreadable != null
            ? $"'{unreadable}' holds no PEM certificate"
            : $"{string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} missing from '{CertPath}'";
        var effect = missing.Contains("ca.pem")
            ? $"so the docker CLI stops before it connects (\"open {System.IO.Path.Combine(CertPath, "ca.pem")}: no such file or directory\")"
            : unreadable?.EndsWith("ca.pem", StringComparison.Ordinal) ?? false
            ? "so the docker CLI cannot check the daemon's certificate"
            : "so the docker CLI sends no client certificate and a daemon with tlsverify refuses it (\"remote error: tls: bad certificate\" or \"connection reset by peer\")";
        Fail(ConnectionFailure.ClientCertificateMissing,
            $"{what}, {effect}.",
            $"Install the client files from the kit's client folder: {InstallClient()}, "
            + "or make a client certificate first: New-DockerClientCert -CAPath <kit>/ca -OutputPath <kit>/client.");
    }

    /// <summary>ca.pem, cert.pem or key.pem is not a regular file that can be read (a FIFO, a device, a link to nothing, no permission).</summary>
    public void ClientFileUnusable(string errorId, string message) => Fail(ConnectionFailure.ClientCertificateMissing,
        $"{message} ({errorId}) The docker CLI cannot use that folder either.",
        $"Install the client files from the kit's client folder: {InstallClient()}.");

    /// <summary>key.pem is encrypted.</summary>
    public void EncryptedKey(string keyPath) => Fail(ConnectionFailure.EncryptedKey,
        $"The client key '{keyPath}' is encrypted with a passphrase, and Docker refuses encrypted client keys (\"private key is encrypted\" or \"failed to parse private key\", the words of Docker before 23).",
        $"Issue a new client certificate without a passphrase and install it: New-DockerClientCert -CAPath <kit>/ca -OutputPath <kit>/client -Force; {InstallClient()} "
        + "(or decrypt the key in place: openssl pkey -in key.pem -out key.pem).");

    /// <summary>key.pem is not the pair of cert.pem, or no key at all.</summary>
    public void KeyMismatch(string certPath, string keyPath, bool unreadable) => Fail(ConnectionFailure.KeyMismatch,
        unreadable
            ? $"'{keyPath}' is not a private key Docker can read, so it cannot be the pair of '{certPath}'."
            : $"The key '{keyPath}' is not the pair of the certificate '{certPath}' (\"tls: private key does not match public key\"): they come from different certificates.",
        $"Put the key.pem made with this cert.pem beside it, or install a matching pair again: {InstallClient()}.");

    /// <summary>The system's TLS could not use the client key (Windows key store without a profile, SChannel credentials).</summary>
    public void ClientCredentialsUnavailable(string keyPath, string error) => Fail(ConnectionFailure.ClientCredentialsUnavailable,
        $"This system's TLS could not use the client key '{keyPath}' ({error}), before any server certificate arrived; the files may be fine (the docker CLI reads key.pem itself).",
        "On Windows, run Test-DockerTlsConnection where the user's profile is loaded (an interactive session, or a scheduled task or service with its user profile loaded); under PowerShell remoting, connect with a profile-loading configuration, or test from an interactive session.");

    /// <summary>The client certificate has expired or is not valid yet.</summary>
    public void ClientCertificateOutOfValidity(DockerCertificate client, DateTime now)
    {
        var renew = $"New-DockerClientCert -CAPath <kit>/ca -OutputPath <kit>/client -Force; {InstallClient()}";
        if (client.Findings.Any(f => f.ChainDepth == 0 && f.Id == CertificateFindingIds.CertificateExpired))
        {
            Fail(ConnectionFailure.ClientCertificateExpired,
                $"The client certificate '{client.Path}' (CN={client.CommonName}) expired on {Date(client.NotAfter)}, so the daemon refuses it.",
                $"Issue a new client certificate and install it: {renew}.");
        }
        else
        {
            Fail(ConnectionFailure.NotYetValid,
                $"The client certificate '{client.Path}' (CN={client.CommonName}) is not valid before {Date(client.NotBefore)}; it is now {Date(now)} here, so this clock or the issuer's is wrong.",
                $"Set the clocks right (timedatectl set-ntp true), or issue a certificate that is valid now: {renew}.");
        }
    }

    /// <summary>
    /// The daemon refused the client certificate; <paramref name="client"/> says why it likely did. The TLS stack's own
    /// message (OpenSSL's <c>error:0A000412:...</c>) is left out: it names the alert, which the CLI's words name too.
    /// </summary>
    public void ClientCertificateRejected(DockerCertificate client, IReadOnlyList<string> caSubjects)
    {
        string reason;
        var unsigned = client.Findings.Any(f => f.Id == CertificateFindingIds.IssuerNotFound);
        var chainError = client.Findings.FirstOrDefault(f => f.BreaksChain && f.Severity == FindingSeverity.Error);
        if (!client.ClientAuth)
        {
            reason = $"'{client.Path}' has no clientAuth extended key usage, so it is not a client certificate";
        }
        else if (unsigned && caSubjects.Contains(client.Issuer))
        {
            reason = $"'{client.Path}' names '{client.Issuer}' as its issuer but was not signed by the CA in ca.pem of that name (a CA made again, with a new key)";
        }
        else if (unsigned)
        {
            reason = $"'{client.Path}' is issued by '{client.Issuer}', not by the CA in ca.pem ('{string.Join("', '", caSubjects)}') that the daemon trusts";
        }
        else if (chainError is not null)
        {
            reason = $"its chain is one Go refuses ({chainError.Id}: {chainError.Message.TrimEnd('.')})";
        }
        else
        {
            reason = $"the daemon trusts another CA than '{client.Issuer}', which issued '{client.Path}' (its tlscacert is not this ca.pem)";
        }

        Fail(ConnectionFailure.ClientCertificateRejected,
            $"The daemon refused the client certificate (the docker CLI says \"remote error: tls: bad certificate\" or \"connection reset by peer\"): most likely {reason}.",
            $"Issue a client certificate from the daemon's CA and install it: New-DockerClientCert -CAPath <kit>/ca -OutputPath <kit>/client -Force; {InstallClient()}; "
            + "on the daemon's host, Get-DockerDaemonConfig shows which CA it trusts (tlscacert).");
    }

    // The command that puts a client set from the kit where this test read it: the context's own copy, the CLI's default
    // folder, or the folder given.
    private string InstallClient()
    {
        if (settings.ContextName != null)
        {
            return $"New-DockerContext -Name {settings.ContextName} -DockerHost {Address} -CertPath <kit>/client -Force";
        }

        return settings.IsDefaultCertPath
            ? "Install-DockerClientCert -Path <kit>/client -Force"
            : $"Install-DockerClientCert -Path <kit>/client -Destination '{CertPath}' -Force";
    }
}
