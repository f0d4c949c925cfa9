using System;

namespace DockerTls.Core.Pki;

/// <summary>What a certificate is for in Docker's setup.</summary>
public enum CertificateKind
{
    CA,
    Server,
    Client,
    Other,
}

/// <summary>A certificate on disk as a Docker user sees it: where it is, what it names, when it ends, whether it fits.</summary>
public sealed class DockerCertificate
{
    /// <summary>The certificate file (ca.pem, server-cert.pem, cert.pem).</summary>
    public string Path { get; set; } = "";

    /// <summary>The private key beside it, when there is one.</summary>
    public string? KeyPath { get; set; }

    public CertificateKind Kind { get; set; }

    // The names below come from the certificate file, or from a peer not yet trusted: they reach the console, so each
    // is kept with its control and bidi characters replaced (TerminalText), whichever path sets it.
    private string _subject = "";
    private string _issuer = "";
    private string _commonName = "";
    private string[] _dnsNames = Array.Empty<string>();
    private string[] _ipAddresses = Array.Empty<string>();

    /// <summary>The subject's distinguished name, control and bidi characters replaced by '?'.</summary>
    public string Subject { get => _subject; set => _subject = TerminalText.Clean(value); }

    /// <summary>The issuer's distinguished name, control and bidi characters replaced by '?'.</summary>
    public string Issuer { get => _issuer; set => _issuer = TerminalText.Clean(value); }

    /// <summary>The subject's common name, control and bidi characters replaced by '?'.</summary>
    public string CommonName { get => _commonName; set => _commonName = TerminalText.Clean(value); }

    /// <summary>The DNS names of subjectAltName, control and bidi characters replaced by '?'.</summary>
    public string[] DnsNames { get => _dnsNames; set => _dnsNames = TerminalText.CleanAll(value); }

    /// <summary>The IP addresses of subjectAltName, in canonical text.</summary>
    public string[] IPAddresses { get => _ipAddresses; set => _ipAddresses = TerminalText.CleanAll(value); }

    /// <summary>Start of validity, UTC.</summary>
    public DateTime NotBefore { get; set; }

    /// <summary>End of validity, UTC.</summary>
    public DateTime NotAfter { get; set; }

    /// <summary>Whole days left until <see cref="NotAfter"/>; negative once expired.</summary>
    public int DaysRemaining { get; set; }

    /// <summary>"RSA 4096", "ECDSA P-256".</summary>
    public string KeyAlgorithm { get; set; } = "";

    /// <summary>Serial number in hex.</summary>
    public string SerialNumber { get; set; } = "";

    /// <summary>SHA-1 of the DER certificate, upper-case hex, as Windows shows it.</summary>
    public string Thumbprint { get; set; } = "";

    /// <summary>SHA-256 of the DER certificate, colon-separated, as <c>openssl x509 -fingerprint -sha256</c> shows it.</summary>
    public string Sha256Fingerprint { get; set; } = "";

    /// <summary>The key identifier (hex) of the CA that signed it (its AKI; a self-signed CA's own), or null: a rollover tells old-CA certificates by it.</summary>
    public string? AuthorityKeyId { get; set; }

    public bool IsCA { get; set; }

    /// <summary>Extended key usage serverAuth: a daemon may present it.</summary>
    public bool ServerAuth { get; set; }

    /// <summary>Extended key usage clientAuth: a client may present it.</summary>
    public bool ClientAuth { get; set; }

    /// <summary>Whether the key file belongs to this certificate; null when there is no key or it is encrypted.</summary>
    public bool? KeyMatches { get; set; }

    /// <summary>Whether the key file is encrypted (Docker refuses encrypted server and client keys); null without a key.</summary>
    public bool? KeyEncrypted { get; set; }

    /// <summary>
    /// What a strict verifier (openssl <c>verify -x509_strict</c>, Python 3.13's ssl) decides of its chain to the given ca.pem:
    /// signed by a CA there, every link within validity, CAs that may sign (CA:TRUE, critical; keyUsage with keyCertSign),
    /// the extended key usage of its kind, no SHA-1 and no weak key. Null when no CA was given. <see cref="Findings"/> say why.
    /// </summary>
    public bool? ChainValid { get; set; }

    /// <summary>The ca.pem <see cref="ChainValid"/> was checked against.</summary>
    public string? ChainCAPath { get; set; }

    /// <summary>Whether the CA's inventory marks it revoked; null when it was not read from an inventory.</summary>
    public bool? Revoked { get; set; }

    /// <summary>What strict verifiers have to say about it and its chain, each with an id, a severity and its fix; empty when all is well.</summary>
    public CertificateFinding[] Findings { get; set; } = Array.Empty<CertificateFinding>();

    public override string ToString() => $"{Kind} {Subject} ({Path})";
}
