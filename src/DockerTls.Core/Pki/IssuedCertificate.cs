using Org.BouncyCastle.X509;

namespace DockerTls.Core.Pki;

/// <summary>A certificate and its key, made in memory and not yet written.</summary>
public sealed class IssuedCertificate
{
    internal IssuedCertificate(X509Certificate certificate, byte[] certificatePem, byte[] keyPem, KeyPair key, string? warning)
    {
        Key = key;
        Certificate = certificate;
        CertificatePem = certificatePem;
        KeyPem = keyPem;
        Warning = warning;
    }

    public X509Certificate Certificate { get; }

    internal KeyPair Key { get; }
    public byte[] CertificatePem { get; }

    /// <summary>The private key in PEM; encrypted only for a CA key with a passphrase.</summary>
    public byte[] KeyPem { get; }

    /// <summary>Something the user should know (validity shortened to the CA's), or null.</summary>
    public string? Warning { get; }

    /// <summary>The summary of the certificate as it will be at <paramref name="path"/>, with its key at <paramref name="keyPath"/>.</summary>
    public DockerCertificate Describe(string path, string keyPath)
    {
        var summary = CertificateReader.Summarize(Certificate, path, System.DateTime.UtcNow);
        summary.KeyPath = System.IO.Path.GetFullPath(keyPath);
        return summary;
    }
}
