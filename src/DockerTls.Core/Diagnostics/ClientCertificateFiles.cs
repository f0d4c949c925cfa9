using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using DockerTls.Core.Pki;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace DockerTls.Core.Diagnostics;

/// <summary>
/// The client side of a Docker TLS connection as read from a certificate folder: the CAs of <c>ca.pem</c> that the
/// daemon's certificate must chain to, and the <c>cert.pem</c>/<c>key.pem</c> pair the client presents.
/// </summary>
public sealed class ClientCertificateFiles
{
    private ClientCertificateFiles(string folder)
    {
        Folder = folder;
        CAPath = Path.Combine(folder, "ca.pem");
        CertPath = Path.Combine(folder, "cert.pem");
        KeyPath = Path.Combine(folder, "key.pem");
    }

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

    /// <summary>The summary of <c>cert.pem</c> with its key and chain checked against <c>ca.pem</c>.</summary>
    public DockerCertificate Certificate { get; private set; } = null!;

    private BcCertificate clientCertificate = null!;

    /// <summary>
    /// Reads the three files. Missing or unreadable files, keys and certificates are <see cref="DockerTlsException"/>s
    /// from <see cref="PemFormat"/> and <see cref="CertificateReader"/>; the caller turns them into a diagnosis.
    /// </summary>
    public static ClientCertificateFiles Read(string folder)
    {
        var files = new ClientCertificateFiles(folder);
        files.Authorities = PemFormat.ReadCertificates(files.CAPath);
        files.clientCertificate = PemFormat.ReadCertificates(files.CertPath)[0];
        files.Certificate = CertificateReader.Read(files.CertPath, files.KeyPath, files.CAPath);
        return files;
    }

    /// <summary>
    /// The client certificate with its private key, for <c>SslStream</c>: netstandard2.0 cannot read PEM keys, so the pair
    /// travels as an in-memory PKCS#12 protected by a throwaway password. The key is kept out of any key store where the
    /// platform allows (Linux); elsewhere the platform's default, removed again when the certificate is disposed.
    /// </summary>
    public X509Certificate2 ToX509Certificate2()
    {
        var key = PemFormat.ReadPrivateKey(KeyPath, null);
        var store = new Pkcs12StoreBuilder().Build();
        store.SetKeyEntry("client", new AsymmetricKeyEntry(key), new[] { new X509CertificateEntry(clientCertificate) });
        var random = new SecureRandom();
        var password = Convert.ToBase64String(SecureRandom.GetNextBytes(random, 18));
        using var pfx = new MemoryStream();
        store.Save(pfx, password.ToCharArray(), random);
        var flags = RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
            ? (X509KeyStorageFlags)32 // EphemeralKeySet: not in netstandard2.0's enum, supported on Linux.
            : X509KeyStorageFlags.DefaultKeySet;
        return new X509Certificate2(pfx.ToArray(), password, flags);
    }
}
