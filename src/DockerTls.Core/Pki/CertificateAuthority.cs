using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DockerTls.Core.IO;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.X509;

namespace DockerTls.Core.Pki;

/// <summary>
/// A CA that issues Docker's server and client certificates: made new with <c>Create</c>, or loaded
/// from a ca.pem and ca-key.pem with <see cref="Load"/>.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private readonly ISignatureFactory _signer;
    private readonly KeyPair _key;

    /// <summary>The CA just made by <c>Create</c>, ready to issue before its files are written.</summary>
    internal static CertificateAuthority FromIssued(IssuedCertificate ca) =>
        new(ca.Certificate, ca.Key, ca.CertificatePem, null);

    private CertificateAuthority(X509Certificate certificate, KeyPair key, byte[] bundlePem, string? path)
    {
        Certificate = certificate;
        _key = key;
        _signer = CertificateProfile.SignatureFactory(key);
        BundlePem = bundlePem;
        CertificatePath = path;
    }

    public X509Certificate Certificate { get; }

    /// <summary>What to copy as ca.pem next to issued certificates: the whole CA file, every CA it trusts.</summary>
    public byte[] BundlePem { get; }

    /// <summary>
    /// What strict verifiers have to say about the CA certificate itself (<see cref="CertificateAssessment"/>): a CA
    /// without keyUsage, as the Docker docs' openssl recipe makes it, issues leaves that Python 3.13 refuses.
    /// </summary>
    public IReadOnlyList<CertificateFinding> Findings => CertificateAssessment.Assess(Certificate, null, null, DateTime.UtcNow).Findings;

    /// <summary>The ca.pem this CA was loaded from.</summary>
    public string? CertificatePath { get; }

    /// <summary>The inventory beside the ca.pem this CA was loaded from (<see cref="CertificateInventory"/>), or null.</summary>
    public string? InventoryPath => CertificatePath == null ? null : CertificateInventory.PathFor(CertificatePath);

    public void Dispose() => (_signer as IDisposable)?.Dispose();

    /// <summary>Makes a self-signed CA with a key of <paramref name="spec"/>. With a passphrase its key is written encrypted.</summary>
    public static IssuedCertificate Create(string commonName, KeySpec spec, int validityDays, char[]? passphrase = null)
    {
        using var keys = new KeySource(spec, pipeline: false);
        return Create(commonName, keys, validityDays, passphrase);
    }

    /// <summary>
    /// Makes a self-signed CA with a key from <paramref name="keys"/>. With a passphrase, its AES key is derived while
    /// the key is being made, and the key is written encrypted.
    /// </summary>
    public static IssuedCertificate Create(string commonName, KeySource keys, int validityDays, char[]? passphrase = null)
    {
        CheckValidity(validityDays);
        using var encryption = Pkcs8Encryption.PassphraseKey.Start(passphrase);
        return Create(commonName, validityDays, encryption, keys.Next);
    }

    internal static IssuedCertificate Create(string commonName, int validityDays, Pkcs8Encryption.PassphraseKey? encryption, Func<KeyPair> newKey)
    {
        CheckValidity(validityDays);
        var name = CertificateProfile.Name(commonName);
        var pair = newKey();
        var now = DateTime.UtcNow;
        var generator = CertificateProfile.NewGenerator(name, name, pair.PublicKey, now, now.AddDays(validityDays));
        CertificateProfile.AddCAExtensions(generator);
        var signer = CertificateProfile.SignatureFactory(pair);
        try
        {
            var certificate = generator.Generate(signer);
            return new IssuedCertificate(certificate, PemFormat.WriteCertificate(certificate), PemFormat.WritePrivateKey(pair.PrivateKey, encryption), pair, null);
        }
        finally { (signer as IDisposable)?.Dispose(); }
    }

    /// <summary>
    /// The error for an empty passphrase given to encrypt a new key (<c>EmptyPassphrase</c>): an empty SecureString
    /// (<c>Read-Host -AsSecureString</c> answered with Enter) would otherwise make an unencrypted key without a word.
    /// </summary>
    public static DockerTlsException EmptyPassphrase(string parameterName) =>
        new("EmptyPassphrase", ErrorKind.InvalidArgument,
            $"The passphrase given with {parameterName} is empty, which would leave the CA key unencrypted. "
            + $"Give a passphrase that is not empty, or leave {parameterName} out to write the key unencrypted on purpose.",
            parameterName);

    /// <summary>
    /// Loads a CA from a folder holding ca.pem and ca-key.pem, or from the path of its ca.pem (the key beside it).
    /// Refuses a certificate that is not a CA, a CA whose keyUsage lacks keyCertSign (<c>CACannotSign</c>), an expired
    /// CA (<c>CAExpired</c>), a key that is not its pair, and a wrong passphrase. With <paramref name="forRenewal"/> a
    /// CA that cannot sign or has expired is loaded all the same, so that it can renew itself (same key and name, the
    /// strict profile); it refuses to issue or renew a leaf until then.
    /// </summary>
    public static CertificateAuthority Load(string path, char[]? passphrase = null, bool forRenewal = false)
    {
        var certPath = Directory.Exists(path) ? Path.Combine(path, "ca.pem") : path;
        if (!File.Exists(certPath))
            throw new DockerTlsException("CANotFound", ErrorKind.ObjectNotFound,
                $"No CA certificate at '{certPath}'. Point -CAPath at the folder New-DockerCA wrote (ca.pem and ca-key.pem) or at its ca.pem.", path);
        var certificates = PemFormat.ReadCertificates(certPath);
        var authorities = certificates.Where(CertificateReader.IsCertificateAuthority).ToList();
        if (authorities.Count == 0)
            throw new DockerTlsException("NotACertificateAuthority", ErrorKind.InvalidData,
                $"'{certPath}' is not a CA certificate (its basicConstraints do not say CA:TRUE). Use the ca.pem that New-DockerCA made.", certPath);

        var keyPath = CertificateReader.KeyPathFor(certPath);
        var key = PemFormat.ReadKeyPair(keyPath, passphrase, KeyFileErrorIds.CAKey);
        var certificate = authorities.FirstOrDefault(key.Matches)
            ?? throw new DockerTlsException("CAKeyMismatch", ErrorKind.InvalidData,
                $"'{keyPath}' is not the private key of the CA in '{certPath}'. Keep each ca.pem with its own ca-key.pem.", keyPath);
        var refusal = IssueRefusal(certificate, certPath);
        if (refusal != null && !forRenewal) throw refusal();
        if (!forRenewal && !certificate.IsValid(DateTime.UtcNow)) throw Expired(certificate, certPath, DateTime.UtcNow);
        var retiring = CARolloverLayout.RetiringCertificatePath(Path.GetDirectoryName(Path.GetFullPath(certPath))!);
        return new CertificateAuthority(certificate, key, SafeFile.ReadAllBytes(certPath, SafeFile.Pem), Path.GetFullPath(certPath))
        {
            _refusal = refusal,
            Retiring = File.Exists(retiring) ? PemFormat.ReadCertificates(retiring).Where(c => !key.Matches(c)).ToList() : Array.Empty<X509Certificate>(),
        };
    }

    // Why this CA may never issue a leaf as it is (CACannotSign), or null.
    private static Func<DockerTlsException>? IssueRefusal(X509Certificate certificate, string certPath) =>
        CertificateProfile.CanSignCertificates(certificate) ? null : () => new DockerTlsException("CACannotSign", ErrorKind.InvalidData,
            $"The CA in '{certPath}' has a keyUsage without keyCertSign, so what it issues is refused by the docker CLI, dockerd and openssl (\"x509: ... parent certificate cannot sign this kind of certificate\"); nothing was issued. Renew the CA first with Update-DockerCertificate '{certPath}' -CAPath (same key and name, strict profile), or make a new one with New-DockerCA.", certPath);

    private static DockerTlsException Expired(X509Certificate certificate, string? certPath, DateTime now) =>
        new("CAExpired", ErrorKind.InvalidData,
            FormattableString.Invariant($"The CA in '{certPath}' is valid only from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}, not at {now:u}. Renew it first with Update-DockerCertificate '{certPath}' -CAPath (same key and name), or make a new CA with New-DockerCA."), certPath);

    private Func<DockerTlsException>? _refusal;

    /// <summary>
    /// The certificates of the CA a rollover retires (retiring/ca.pem beside ca.pem, <see cref="CARolloverLayout"/>):
    /// leaves they signed are re-issued by this CA. Empty outside a rollover.
    /// </summary>
    public IReadOnlyList<X509Certificate> Retiring { get; private set; } = Array.Empty<X509Certificate>();

    /// <summary>Whether a CA this one retires signed <paramref name="certificate"/>.</summary>
    internal bool RetiringSigned(X509Certificate certificate) =>
        Retiring.Any(ca => ca.SubjectDN.Equivalent(certificate.IssuerDN) && CertificateSignature.IsSignedBy(certificate, ca));

    /// <summary><c>CACannotSign</c>, or <c>CAExpired</c> when the CA is not valid at <paramref name="now"/>: a CA loaded for its own renewal may be either.</summary>
    internal void CheckCanIssue(DateTime now)
    {
        if (_refusal != null) throw _refusal();
        if (now < Certificate.NotBefore.ToUniversalTime() - CertificateProfile.Backdate || now >= Certificate.NotAfter.ToUniversalTime())
            throw Expired(Certificate, CertificatePath, now);
    }

    /// <summary>
    /// The common name a server certificate gets: the one given, else the first DNS name, else the first
    /// address. Checks the names on the way (<c>InvalidDnsName</c>, <c>InvalidIPAddress</c>, <c>NoServerNames</c>).
    /// </summary>
    public static string ServerCommonName(string? commonName, IEnumerable<string>? dnsNames, IEnumerable<string>? ipAddresses) =>
        ServerNames(commonName, dnsNames, ipAddresses).CommonName;

    private static (string CommonName, IReadOnlyList<string> Dns, IReadOnlyList<string> IPs) ServerNames(
        string? commonName, IEnumerable<string>? dnsNames, IEnumerable<string>? ipAddresses)
    {
        var dns = SubjectAltNames.NormalizeDnsNames(dnsNames);
        var ips = SubjectAltNames.NormalizeIPAddresses(ipAddresses);
        if (dns.Count == 0 && ips.Count == 0)
            throw new DockerTlsException("NoServerNames", ErrorKind.InvalidArgument,
                "A server certificate needs the names clients use: give -DnsName and/or -IPAddress (Go ignores the common name).");
        return (string.IsNullOrWhiteSpace(commonName) ? dns.FirstOrDefault() ?? ips[0] : commonName!, dns, ips);
    }

    /// <summary>A server certificate: serverAuth, and every DNS name and IP address in its subjectAltName.</summary>
    public IssuedCertificate IssueServer(string? commonName, IEnumerable<string>? dnsNames, IEnumerable<string>? ipAddresses, KeySpec spec, int validityDays)
    {
        using var keys = new KeySource(spec, pipeline: false);
        return IssueServer(commonName, dnsNames, ipAddresses, keys, validityDays);
    }

    /// <summary>A server certificate with a key from <paramref name="keys"/> (the keys of a command's pipeline).</summary>
    public IssuedCertificate IssueServer(string? commonName, IEnumerable<string>? dnsNames, IEnumerable<string>? ipAddresses, KeySource keys, int validityDays) =>
        IssueServer(commonName, dnsNames, ipAddresses, validityDays, keys.Next);

    internal IssuedCertificate IssueServer(string? commonName, IEnumerable<string>? dnsNames, IEnumerable<string>? ipAddresses, int validityDays, Func<KeyPair> newKey)
    {
        var (cn, dns, ips) = ServerNames(commonName, dnsNames, ipAddresses);
        return Issue(cn, newKey, validityDays, KeyPurposeID.id_kp_serverAuth, g => CertificateProfile.AddSubjectAltNames(g, dns, ips));
    }

    /// <summary>A client certificate: clientAuth, no alternative names.</summary>
    public IssuedCertificate IssueClient(string? commonName, KeySpec spec, int validityDays)
    {
        using var keys = new KeySource(spec, pipeline: false);
        return IssueClient(commonName, keys, validityDays);
    }

    /// <summary>A client certificate with a key from <paramref name="keys"/> (the keys of a command's pipeline).</summary>
    public IssuedCertificate IssueClient(string? commonName, KeySource keys, int validityDays) =>
        IssueClient(commonName, validityDays, keys.Next);

    internal IssuedCertificate IssueClient(string? commonName, int validityDays, Func<KeyPair> newKey) =>
        Issue(string.IsNullOrWhiteSpace(commonName) ? "client" : commonName!, newKey, validityDays, KeyPurposeID.id_kp_clientAuth, _ => { });

    private IssuedCertificate Issue(string commonName, Func<KeyPair> newKey, int validityDays, KeyPurposeID purpose, Action<X509V3CertificateGenerator> addNames)
    {
        CheckValidity(validityDays);
        CheckCanIssue(DateTime.UtcNow);
        var subject = CertificateProfile.Name(commonName);
        var now = DateTime.UtcNow;
        var notAfter = now.AddDays(validityDays);
        string? warning = null;
        if (notAfter > Certificate.NotAfter)
        {
            notAfter = Certificate.NotAfter;
            warning = FormattableString.Invariant($"The CA expires on {Certificate.NotAfter:yyyy-MM-dd}, so '{commonName}' is valid only until then. Renew the CA before it expires.");
        }
        var pair = newKey();
        var generator = CertificateProfile.NewGenerator(subject, Certificate.SubjectDN, pair.PublicKey, now, notAfter);
        CertificateProfile.AddLeafExtensions(generator, Certificate, pair, purpose);
        addNames(generator);
        var certificate = generator.Generate(_signer);
        return new IssuedCertificate(certificate, PemFormat.WriteCertificate(certificate), PemFormat.WritePrivateKey(pair.PrivateKey), pair, warning);
    }

    /// <summary>Whether <paramref name="certificate"/> is this CA's own certificate (or an earlier one): a CA with this CA's key.</summary>
    internal bool IsOwnCertificate(X509Certificate certificate) => CertificateReader.IsCertificateAuthority(certificate) && _key.Matches(certificate);

    /// <summary>Whether this CA issued <paramref name="certificate"/>: its name as the issuer, and its key's signature.</summary>
    internal bool Signed(X509Certificate certificate) =>
        Certificate.SubjectDN.Equivalent(certificate.IssuerDN) && CertificateSignature.IsSignedBy(certificate, Certificate);

    /// <summary>
    /// A leaf issued again from <paramref name="old"/>: the same subject, subjectAltName and extended key usage, a new
    /// serial, the key <paramref name="pair"/>, the strict profile, valid from <paramref name="now"/> for <paramref name="validityDays"/>.
    /// </summary>
    internal IssuedCertificate Reissue(X509Certificate old, KeyPair pair, int validityDays, DateTime now)
    {
        CheckValidity(validityDays);
        CheckCanIssue(now);
        var notAfter = now.AddDays(validityDays);
        string? warning = null;
        if (notAfter > Certificate.NotAfter)
        {
            notAfter = Certificate.NotAfter;
            warning = FormattableString.Invariant($"The CA expires on {Certificate.NotAfter:yyyy-MM-dd}, so the renewed '{old.SubjectDN}' is valid only until then. Renew the CA first.");
        }
        var generator = CertificateProfile.NewGenerator(old.SubjectDN, Certificate.SubjectDN, pair.PublicKey, now, notAfter);
        var eku = old.GetExtensionValue(X509Extensions.ExtendedKeyUsage);
        var purposes = eku == null ? new Org.BouncyCastle.Asn1.DerObjectIdentifier[] { KeyPurposeID.id_kp_serverAuth } : ExtendedKeyUsage.GetInstance(Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(eku.GetOctets())).GetAllUsages().ToArray();
        CertificateProfile.AddLeafExtensions(generator, Certificate, pair, purposes);
        var san = old.GetExtensionValue(X509Extensions.SubjectAlternativeName);
        if (san != null) generator.AddExtension(X509Extensions.SubjectAlternativeName, false, Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(san.GetOctets()));
        var certificate = generator.Generate(_signer);
        return new IssuedCertificate(certificate, PemFormat.WriteCertificate(certificate), PemFormat.WritePrivateKey(pair.PrivateKey), pair, warning);
    }

    /// <summary>
    /// This CA's certificate made again: the same key, the same name and subjectKeyIdentifier (so that every leaf's
    /// AKI still finds it), the strict profile, valid from <paramref name="now"/> for <paramref name="validityDays"/>.
    /// A new serial, except in a repair (a CA made elsewhere without keyUsage, without keyCertSign or with basicConstraints
    /// not critical): that keeps its serial too, so that leaves whose AKI names the issuer and serial
    /// (openssl's <c>authorityKeyIdentifier=keyid,issuer:always</c>) still find it. The key is not written again
    /// (<see cref="IssuedCertificate.KeyPem"/> is empty). The warning says what an expired CA or a repair means.
    /// </summary>
    internal IssuedCertificate RenewSelf(int validityDays, DateTime now)
    {
        CheckValidity(validityDays);
        var ski = Certificate.GetExtensionValue(X509Extensions.SubjectKeyIdentifier);
        var keyId = ski == null ? null : SubjectKeyIdentifier.GetInstance(Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(ski.GetOctets()));
        var generator = CertificateProfile.NewGenerator(Certificate.SubjectDN, Certificate.SubjectDN, _key.PublicKey, now, now.AddDays(validityDays), keyId);
        var repair = !CertificateProfile.IsStrictAuthority(Certificate);
        if (repair) generator.SetSerialNumber(Certificate.SerialNumber);
        CertificateProfile.AddCAExtensions(generator);
        var certificate = generator.Generate(_signer);
        string? warning = null;
        if (now > Certificate.NotAfter.ToUniversalTime())
            warning = FormattableString.Invariant($"The CA '{Certificate.SubjectDN}' expired on {Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}: renewed with the same key and name. Its leaves expired with it (none outlives its CA): renew them next, and copy the new ca.pem to every daemon and client.");
        else if (repair)
            warning = $"The CA '{Certificate.SubjectDN}' was repaired to the strict profile (basicConstraints critical, keyUsage keyCertSign, cRLSign, digitalSignature) with the same key, name and serial: the leaves it issued pass strict verifiers once the new ca.pem is beside them (copy it to every daemon and client).";
        return new IssuedCertificate(certificate, PemFormat.WriteCertificate(certificate), Array.Empty<byte>(), _key, warning);
    }

    /// <summary><c>InvalidValidity</c> unless 1 to 36500 days.</summary>
    public static void CheckValidity(int validityDays)
    {
        if (validityDays <= 0 || validityDays > 36500)
            throw new DockerTlsException("InvalidValidity", ErrorKind.InvalidArgument,
                $"A validity of {validityDays} days is not possible. Give -ValidityDays between 1 and 36500.", validityDays);
    }
}
