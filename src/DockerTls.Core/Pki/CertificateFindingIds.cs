namespace DockerTls.Core.Pki;

/// <summary>
/// The ids of <see cref="CertificateFinding"/>s, one catalogue: Get-DockerCertificate, the daemon's server check, the
/// connection test and the client check report these, and about_DockerTls lists them.
/// </summary>
public static class CertificateFindingIds
{
    /// <summary>The certificate (or a CA of its chain) is past its notAfter. Error.</summary>
    public const string CertificateExpired = "CertificateExpired";

    /// <summary>The certificate (or a CA of its chain) is before its notBefore: issued in the future, or a clock is wrong. Error.</summary>
    public const string CertificateNotYetValid = "CertificateNotYetValid";

    /// <summary>Fewer than 30 days left. Warning.</summary>
    public const string CertificateExpiring = "CertificateExpiring";

    /// <summary>No CA in the given ca.pem (or among the certificates after the leaf) issued and signed it. Error.</summary>
    public const string IssuerNotFound = "IssuerNotFound";

    /// <summary>The certificate that signed it is not a CA (no basicConstraints CA:TRUE). Error.</summary>
    public const string IssuerNotCA = "IssuerNotCA";

    /// <summary>The CA has a keyUsage without keyCertSign: Go's "parent certificate cannot sign this kind of certificate". Error.</summary>
    public const string CAKeyCertSignMissing = "CAKeyCertSignMissing";

    /// <summary>A CA's pathLenConstraint allows fewer CAs below it than the chain has. Error.</summary>
    public const string PathLengthExceeded = "PathLengthExceeded";

    /// <summary>The leaf's (or a CA's) extended key usage does not allow the purpose (serverAuth, clientAuth). Error.</summary>
    public const string ExtendedKeyUsageMismatch = "ExtendedKeyUsageMismatch";

    /// <summary>Signed with SHA-1 or MD5, which Go (1.18 on) and OpenSSL at level 2 refuse. Error (a Warning on a CA's own self-signature).</summary>
    public const string WeakSignatureAlgorithm = "WeakSignatureAlgorithm";

    /// <summary>A server certificate without subjectAltName: Go ignores the common name, so no name matches. Error.</summary>
    public const string SubjectAltNameMissing = "SubjectAltNameMissing";

    /// <summary>The CA has no keyUsage at all (the Docker docs' openssl recipe): Python 3.13's "CA cert does not include key usage extension". Warning.</summary>
    public const string CAKeyUsageMissing = "CAKeyUsageMissing";

    /// <summary>The CA's basicConstraints is not marked critical: OpenSSL's "Basic Constraints of CA cert not marked critical". Warning.</summary>
    public const string CABasicConstraintsNotCritical = "CABasicConstraintsNotCritical";

    /// <summary>An RSA key below 2048 bits or an EC key below 224: OpenSSL at level 2 refuses it ("key too weak"). Warning.</summary>
    public const string WeakKey = "WeakKey";

    /// <summary>The CA has no Subject Key Identifier: openssl -x509_strict's "Missing Subject Key Identifier". Warning.</summary>
    public const string CASubjectKeyIdentifierMissing = "CASubjectKeyIdentifierMissing";

    /// <summary>A certificate issued by a CA carries no Authority Key Identifier: openssl -x509_strict's "Missing Authority Key Identifier". Warning.</summary>
    public const string AuthorityKeyIdentifierMissing = "AuthorityKeyIdentifierMissing";
}
