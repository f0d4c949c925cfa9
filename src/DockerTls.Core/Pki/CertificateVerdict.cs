using System.Collections.Generic;
using System.Linq;
using Org.BouncyCastle.X509;

namespace DockerTls.Core.Pki;

/// <summary>The verdict on a certificate: its findings, the chain a verifier builds, and whether that chain holds.</summary>
public sealed class CertificateVerdict
{
    internal CertificateVerdict(IReadOnlyList<CertificateFinding> findings, IReadOnlyList<X509Certificate> chain, bool? chainValid)
    {
        Findings = findings;
        Chain = chain;
        ChainValid = chainValid;
    }

    /// <summary>Every finding, the leaf's validity first, then its issuer and the CAs above, then the profile.</summary>
    public IReadOnlyList<CertificateFinding> Findings { get; }

    /// <summary>The leaf and the CAs found above it, up to one of the trusted CAs when the chain is complete.</summary>
    public IReadOnlyList<X509Certificate> Chain { get; }

    /// <summary>What a strict verifier decides (openssl <c>verify -x509_strict</c> at OpenSSL's security level 2); null without CAs.</summary>
    public bool? ChainValid { get; }

    /// <summary>The first finding of severity Error that breaks the chain (what Docker itself refuses), or null.</summary>
    public CertificateFinding? ChainError => Findings.FirstOrDefault(f => f.BreaksChain && f.Severity == FindingSeverity.Error);
}
