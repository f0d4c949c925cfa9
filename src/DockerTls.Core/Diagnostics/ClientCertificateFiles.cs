using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DockerTls.Core.Pki;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace DockerTls.Core.Diagnostics;

/// <summary>
/// The client side of a Docker TLS connection as read from a certificate folder: the CAs of <c>ca.pem</c> that the
/// daemon's certificate must chain to, and the <c>cert.pem</c>/<c>key.pem</c> pair the client presents.
/// Reading is cheap; the full <see cref="DockerCertificate"/> summary (fingerprints, key pair and chain checks) is
/// made only when a diagnosis needs it.
/// </summary>
public sealed class ClientCertificateFiles
{
    // X509Certificate2.CreateFromPemFile exists from .NET 5 on (PowerShell 7), not in netstandard2.0's surface.
    private static readonly MethodInfo? CreateFromPemFile =
        typeof(X509Certificate2).GetMethod("CreateFromPemFile", new[] { typeof(string), typeof(string) });

    private DockerCertificate? summary;

    private ClientCertificateFiles(string folder)
    {
        Folder = folder;
        CAPath = Path.Combine(folder, "ca.pem");
        CertPath = Path.Combine(folder, "cert.pem");
        KeyPath = Path.Combine(folder, "key.pem");
    }

    /// <summary>The file names the docker CLI reads from the folder.</summary>
    public static IReadOnlyList<string> FileNames { get; } = new[] { "ca.pem", "cert.pem", "key.pem" };

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>The folder's <c>ca.pem</c>.</summary>
    public string CAPath { get; }

    /// <summary>The folder's <c>cert.pem</c>.</summary>
    public string CertPath { get; }

    /// <summary>The folder's <c>key.pem</c>.</summary>
    public string KeyPath { get; }

    /// <summary>The CA certificates in <c>ca.pem</c> (several during a rollover).</summary>
    public IReadOnlyList<BcCertificate> Authorities { get; private set; } = Array.Empty<BcCertificate>();

    /// <summary>The client certificate, <c>cert.pem</c>.</summary>
    public BcCertificate Certificate { get; private set; } = null!;

    /// <summary>Whether <c>key.pem</c> is encrypted with a passphrase.</summary>
    public bool KeyEncrypted { get; private set; }

    /// <summary>
    /// Reads the certificates and looks at the key. Unreadable certificates are <see cref="DockerTlsException"/>s
    /// <c>CertificateNotFound</c> or <c>CertificateInvalid</c> from <see cref="PemFormat"/>.
    /// </summary>
    public static ClientCertificateFiles Read(string folder)
    {
        var files = new ClientCertificateFiles(folder);
        files.Authorities = PemFormat.ReadCertificates(files.CAPath);
        files.Certificate = PemFormat.ReadCertificates(files.CertPath)[0];
        files.KeyEncrypted = PemFormat.IsEncryptedKey(files.KeyPath);
        return files;
    }

    /// <summary>The summary of <c>cert.pem</c> with its key and chain checked against <c>ca.pem</c>.</summary>
    public DockerCertificate Summary() => summary ??= CertificateReader.Read(CertPath, KeyPath, CAPath);

    /// <summary>
    /// The client certificate with its private key, for <c>SslStream</c>. Throws <see cref="DockerTlsException"/>
    /// <c>ClientKeyMismatch</c> when <c>key.pem</c> is not the pair of <c>cert.pem</c>, or <c>KeyInvalid</c> when it holds no
    /// key that can be read.
    /// </summary>
    public X509Certificate2 LoadWithKey()
    {
        if (CreateFromPemFile != null)
        {
            try
            {
                var certificate = (X509Certificate2)CreateFromPemFile.Invoke(null, new object[] { CertPath, KeyPath })!;
                if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && !RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                {
                    return certificate;
                }

                // Windows' TLS (SChannel) cannot use an ephemeral key, and Apple's TLS sends a client certificate only
                // for a keychain-backed identity (https://github.com/dotnet/runtime/issues/56543): give each a PKCS#12
                // that it imports itself (on macOS into a temporary keychain, removed when the certificate is disposed).
                using (certificate)
                {
                    return ImportPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
                }
            }
            catch (TargetInvocationException e) when (e.InnerException is CryptographicException || e.InnerException is ArgumentException)
            {
                // Mismatch or unreadable: the slow reader tells which.
            }
        }

        if (!CertificateReader.KeyMatches(Certificate, KeyPath))
        {
            throw new DockerTlsException("ClientKeyMismatch", ErrorKind.InvalidData, $"'{KeyPath}' is not the pair of '{CertPath}'.", KeyPath);
        }

        return FromPkcs12();
    }

    // netstandard2.0 on .NET Framework cannot read PEM keys: the pair travels as an in-memory PKCS#12 under a throwaway password.
    private X509Certificate2 FromPkcs12()
    {
        var key = PemFormat.ReadPrivateKey(KeyPath, null);
        var store = new Pkcs12StoreBuilder().Build();
        store.SetKeyEntry("client", new AsymmetricKeyEntry(key), new[] { new X509CertificateEntry(Certificate) });
        var random = new SecureRandom();
        var password = Convert.ToBase64String(SecureRandom.GetNextBytes(random, 18));
        using var pfx = new MemoryStream();
        store.Save(pfx, password.ToCharArray(), random);
        return ImportPkcs12(pfx.ToArray(), password);
    }

    /// <summary>
    /// Imports a PKCS#12 into the user key store, or where no user profile is loaded (remoting, scheduled tasks,
    /// service accounts: the user store throws) into the machine key store, whose key file only its creator, SYSTEM and
    /// Administrators may read and which is deleted with the certificate. Neither: <c>ClientKeyStoreUnavailable</c>.
    /// </summary>
    private X509Certificate2 ImportPkcs12(byte[] pfx, string? password)
    {
        try
        {
            return new X509Certificate2(pfx, password, X509KeyStorageFlags.DefaultKeySet);
        }
        catch (CryptographicException) when (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            try
            {
                return new X509Certificate2(pfx, password, X509KeyStorageFlags.MachineKeySet);
            }
            catch (CryptographicException e)
            {
                throw new DockerTlsException("ClientKeyStoreUnavailable", ErrorKind.ResourceUnavailable,
                    $"Windows could not take up the client key '{KeyPath}' in a key store ({e.Message}).", KeyPath, e);
            }
        }
    }
}
