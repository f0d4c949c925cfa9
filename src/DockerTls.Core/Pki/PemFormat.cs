using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using DockerTls.Core.IO;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities.IO.Pem;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.X509;

namespace DockerTls.Core.Pki;

/// <summary>Reads and writes the PEM files Docker uses: certificates and PKCS#8 private keys.</summary>
public static class PemFormat
{
    public static byte[] WriteCertificate(X509Certificate certificate) => Write(w => w.WriteObject(certificate));

    /// <summary>
    /// An unencrypted PKCS#8 key ("PRIVATE KEY"), or, with a passphrase, an AES-256-CBC PBES2/PBKDF2
    /// "ENCRYPTED PRIVATE KEY" that <c>openssl pkey -passin</c> opens. Docker refuses encrypted keys, so only
    /// the CA key may carry a passphrase.
    /// </summary>
    internal static byte[] WritePrivateKey(PrivateKeyInfo key, Pkcs8Encryption.PassphraseKey? encryption = null)
    {
        var pem = encryption is null
            ? new PemObject("PRIVATE KEY", key.GetEncoded())
            : new PemObject("ENCRYPTED PRIVATE KEY", encryption.Encrypt(key).GetEncoded());
        return Write(w => w.WriteObject(pem));
    }

    private static byte[] Write(Action<Org.BouncyCastle.OpenSsl.PemWriter> write)
    {
        using var text = new StringWriter { NewLine = "\n" };
        var writer = new Org.BouncyCastle.OpenSsl.PemWriter(text);
        write(writer);
        writer.Writer.Flush();
        return Encoding.ASCII.GetBytes(text.ToString().Replace("\r\n", "\n"));
    }

    /// <summary>Every certificate in a PEM file (a ca.pem may hold several CAs during a rollover).</summary>
    public static IReadOnlyList<X509Certificate> ReadCertificates(string path) =>
        ParseCertificates(path, ReadText(path) ?? throw NotFound(path));

    /// <summary>Every certificate in <paramref name="pem"/>, the bytes of the file <paramref name="path"/> read already (a host's file).</summary>
    public static IReadOnlyList<X509Certificate> ReadCertificates(string path, byte[] pem) => ParseCertificates(path, Encoding.UTF8.GetString(pem));

    private static IReadOnlyList<X509Certificate> ParseCertificates(string path, string text)
    {
        var result = new List<X509Certificate>();
        try
        {
            var reader = new Org.BouncyCastle.OpenSsl.PemReader(new StringReader(text));
            object? item;
            while ((item = ReadNextOrSkip(reader)) != null)
            {
                if (item is X509Certificate certificate) result.Add(certificate);
            }
        }
        catch (Exception e) when (e is IOException or PemException or ArgumentException or InvalidCastException)
        {
            throw Invalid(path, e);
        }
        if (result.Count == 0) throw Invalid(path, null);
        return result;
    }

    private static object? ReadNextOrSkip(Org.BouncyCastle.OpenSsl.PemReader reader)
    {
        // Keys beside certificates in one file are not an error; encrypted ones cannot be read without a password.
        try { return reader.ReadObject(); }
        catch (Org.BouncyCastle.OpenSsl.PasswordException) { return new object(); }
    }

    /// <summary>True when the key file is encrypted (PKCS#8 "ENCRYPTED PRIVATE KEY" or legacy "Proc-Type: 4,ENCRYPTED").</summary>
    public static bool IsEncryptedKey(string path) => IsEncryptedPem(ReadText(path) ?? throw NotFound(path));

    // PEM is ASCII; whatever else a file holds cannot be base64, so a lenient decoding is as good as a strict one here.
    private static string? ReadText(string path) =>
        SafeFile.TryReadAllBytes(path, SafeFile.Pem) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    internal static bool IsEncryptedPem(byte[] pem) => IsEncryptedPem(Encoding.ASCII.GetString(pem));

    private static bool IsEncryptedPem(string text) =>
        text.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.Contains("Proc-Type: 4,ENCRYPTED");

    /// <summary>
    /// Reads a private key (PKCS#1, PKCS#8, SEC1; encrypted with a passphrase). Errors: <c>KeyNotFound</c>,
    /// <c>PassphraseRequired</c>, <c>PassphraseWrong</c>, <c>KeyInvalid</c>, or the ids of <paramref name="ids"/>
    /// (<see cref="KeyFileErrorIds.CAKey"/>: <c>CAKeyNotFound</c> and so on).
    /// </summary>
    public static AsymmetricKeyParameter ReadPrivateKey(string path, char[]? passphrase, KeyFileErrorIds? ids = null) =>
        PrivateKeyFactory.CreateKey(ReadKeyPair(path, passphrase, ids).PrivateKey);

    /// <summary>
    /// The same key as its encoded halves, without BouncyCastle's key objects where the file allows (see
    /// <see cref="KeyPair"/>): how a CA's key is loaded to sign.
    /// </summary>
    internal static KeyPair ReadKeyPair(string path, char[]? passphrase, KeyFileErrorIds? ids = null)
    {
        ids ??= KeyFileErrorIds.Key;
        var text = ReadText(path)
            ?? throw new DockerTlsException(ids.NotFound, ErrorKind.ObjectNotFound,
                $"The private key '{path}' does not exist. It must sit beside its certificate with Docker's name (ca-key.pem, server-key.pem, key.pem).", path);
        return ParseKeyPair(path, text, passphrase, ids);
    }

    /// <summary><see cref="ReadKeyPair(string, char[], KeyFileErrorIds)"/> of the bytes of <paramref name="path"/> read already (a host's file).</summary>
    internal static KeyPair ReadKeyPair(string path, byte[] pem, char[]? passphrase) => ParseKeyPair(path, Encoding.UTF8.GetString(pem), passphrase, KeyFileErrorIds.Key);

    private static KeyPair ParseKeyPair(string path, string text, char[]? passphrase, KeyFileErrorIds ids)
    {
        var encrypted = IsEncryptedPem(text);
        if (encrypted && (passphrase is null || passphrase.Length == 0))
            throw new DockerTlsException(ids.PassphraseRequired, ErrorKind.SecurityError,
                $"The key '{path}' is encrypted. Give its passphrase (-CAPassphrase (Read-Host -AsSecureString)).", path);
        try
        {
            var info = encrypted ? ReadPkcs8Natively(text, passphrase!) : ReadPrivateKeyInfo(text);
            if (info != null) return KeyPair.FromPrivateKey(info);
            var item = new Org.BouncyCastle.OpenSsl.PemReader(new StringReader(text), new Password(passphrase)).ReadObject();
            return item switch
            {
                AsymmetricCipherKeyPair pair => KeyPair.FromBouncyCastle(pair.Private, pair.Public),
                AsymmetricKeyParameter { IsPrivate: true } key => KeyPair.FromPrivateKey(PrivateKeyInfoFactory.CreatePrivateKeyInfo(key)),
                _ => throw new DockerTlsException(ids.Invalid, ErrorKind.InvalidData, $"'{path}' holds no private key.", path),
            };
        }
        catch (Exception e) when (encrypted && e is not DockerTlsException)
        {
            throw new DockerTlsException(ids.PassphraseWrong, ErrorKind.SecurityError,
                $"The passphrase does not open '{path}'. Nothing was written. Check the passphrase and try again.", path, e);
        }
        catch (Exception e) when (e is IOException or PemException or ArgumentException or InvalidCastException)
        {
            throw new DockerTlsException(ids.Invalid, ErrorKind.InvalidData,
                $"'{path}' is not a PEM private key this module can read (PKCS#1, PKCS#8 or SEC1).", path, e);
        }
    }

    /// <summary>
    /// The PKCS#8 structure of an unencrypted key file ("PRIVATE KEY", or PKCS#1 "RSA PRIVATE KEY" and SEC1
    /// "EC PRIVATE KEY" wrapped as PKCS#8), without building the key; null for other contents.
    /// </summary>
    internal static PrivateKeyInfo? ReadPrivateKeyInfo(string text)
    {
        var pem = new Org.BouncyCastle.Utilities.IO.Pem.PemReader(new StringReader(text)).ReadPemObject();
        try
        {
            return pem?.Type switch
            {
                "PRIVATE KEY" => PrivateKeyInfo.GetInstance(pem.Content),
                "RSA PRIVATE KEY" => new PrivateKeyInfo(new AlgorithmIdentifier(PkcsObjectIdentifiers.RsaEncryption, DerNull.Instance),
                    RsaPrivateKeyStructure.GetInstance(pem.Content)),
                "EC PRIVATE KEY" when ECPrivateKeyStructure.GetInstance(pem.Content).Parameters is { } curve =>
                    new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.IdECPublicKey, curve), ECPrivateKeyStructure.GetInstance(pem.Content)),
                _ => null,
            };
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException)
        {
            return null;
        }
    }

    // The common case, a key this module encrypted, is opened with the platform's PBKDF2 and AES.
    private static PrivateKeyInfo? ReadPkcs8Natively(string text, char[] passphrase)
    {
        var pem = new Org.BouncyCastle.Utilities.IO.Pem.PemReader(new StringReader(text)).ReadPemObject();
        if (pem?.Type != "ENCRYPTED PRIVATE KEY") return null;
        return Pkcs8Encryption.TryDecrypt(EncryptedPrivateKeyInfo.GetInstance(pem.Content), passphrase);
    }

    internal static DockerTlsException NotFound(string path) =>
        new("CertificateNotFound", ErrorKind.ObjectNotFound, $"The certificate '{path}' does not exist.", path);

    private static DockerTlsException Invalid(string path, Exception? inner) =>
        new("CertificateInvalid", ErrorKind.InvalidData, $"'{path}' holds no PEM certificate that can be read.", path, inner);

    private sealed class Password : IPasswordFinder
    {
        private readonly char[]? _password;
        public Password(char[]? password) => _password = password;
        public char[] GetPassword() => (char[])(_password ?? Array.Empty<char>()).Clone();
    }
}
