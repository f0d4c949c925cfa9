namespace DockerTls.Core.Pki;

/// <summary>How much a <see cref="CertificateFinding"/> matters.</summary>
public enum FindingSeverity
{
    /// <summary>Docker itself (dockerd and the docker CLI, Go's crypto/x509) refuses the certificate for it.</summary>
    Error,

    /// <summary>Docker works, but strict verifiers (openssl <c>-x509_strict</c>, Python 3.13's ssl, docker-py) refuse it, or it ends soon.</summary>
    Warning,
}

/// <summary>
/// One thing a strict verifier has to say about a certificate or its chain: a stable id (see
/// <see cref="CertificateFindingIds"/>), a severity, and a sentence that says what is wrong and how to fix it.
/// </summary>
public sealed class CertificateFinding
{
    /// <summary>Creates a finding.</summary>
    public CertificateFinding(string id, FindingSeverity severity, bool breaksChain, string subject, string message)
    {
        Id = id;
        Severity = severity;
        BreaksChain = breaksChain;
        // Both carry names from a certificate file or a peer not yet trusted: they reach the console cleaned.
        Subject = TerminalText.Clean(subject);
        Message = TerminalText.Clean(message);
    }

    /// <summary>A stable id, e.g. <c>CAKeyCertSignMissing</c>; scripts and tests compare against it.</summary>
    public string Id { get; }

    /// <summary>Error: Docker refuses it; Warning: strict verifiers refuse it, or it is a notice (expiry soon).</summary>
    public FindingSeverity Severity { get; }

    /// <summary>Whether a strict verifier (openssl <c>verify -x509_strict</c> at security level 2) refuses the chain for it.</summary>
    public bool BreaksChain { get; }

    /// <summary>The subject of the certificate it is about (the leaf, or a CA of its chain), control and bidi characters replaced by '?'.</summary>
    public string Subject { get; }

    /// <summary>Which certificate of the chain it is about: 0 the certificate itself, 1 its issuer, and so on up to the trusted CA.</summary>
    public int ChainDepth { get; internal set; }

    /// <summary>What is wrong and what to do about it.</summary>
    public string Message { get; }

    /// <summary>The id and the message.</summary>
    public override string ToString() => $"{Id}: {Message}";
}
