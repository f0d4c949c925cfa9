using System;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using DockerTls.Core.IO;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace DockerTls.Core.Pki;

/// <summary>
/// PKCS#8 private keys encrypted with PBES2: PBKDF2 with HMAC-SHA256, then AES-256-CBC, the scheme
/// <c>openssl pkey -aes256</c> writes. The key derivation runs natively where the runtime offers it
/// (every .NET that PowerShell runs on does; netstandard2.0 only lacks its declaration), and it is the
/// costly part, which BouncyCastle's managed PBKDF2 does several times slower (bench/README.md).
/// </summary>
internal static class Pkcs8Encryption
{
    /// <summary>PBKDF2 rounds: slow for a guesser, a fraction of a second for the admin.</summary>
    public const int Iterations = 200_000;

    private static readonly SecureRandom Random = new();

    private static readonly ConstructorInfo? NativePbkdf2 = typeof(Rfc2898DeriveBytes).GetConstructor(
        new[] { typeof(byte[]), typeof(byte[]), typeof(int), typeof(HashAlgorithmName) });

    /// <summary>
    /// A passphrase turned into the AES key of one encrypted key file, with its salt. PBKDF2 is the costly part and
    /// needs nothing of the key it will encrypt, so <see cref="Start"/> runs it in the background while keys are made.
    /// </summary>
    public sealed class PassphraseKey : IDisposable
    {
        private readonly byte[] _salt = new byte[16];
        private readonly Task<byte[]> _key;

        private PassphraseKey(char[] passphrase)
        {
            Random.NextBytes(_salt);
            var copy = (char[])passphrase.Clone();
            _key = Task.Run(() =>
            {
                try { return DeriveKey(copy, _salt, Iterations); }
                finally { Array.Clear(copy, 0, copy.Length); }
            });
        }

        /// <summary>
        /// Starts deriving the AES key on another thread, while the key to encrypt is made; <see cref="Encrypt"/> waits
        /// for it. Null for no passphrase (null): the key is then written unencrypted. An empty passphrase is refused
        /// (<see cref="CertificateAuthority.EmptyPassphrase"/>): taken as none, it would write the key in the clear while the user asked for it encrypted.
        /// </summary>
        public static PassphraseKey? Start(char[]? passphrase) =>
            passphrase is null ? null : passphrase.Length > 0 ? new(passphrase) : throw CertificateAuthority.EmptyPassphrase("-Passphrase");

        public EncryptedPrivateKeyInfo Encrypt(PrivateKeyInfo privateKey)
        {
            var key = _key.GetAwaiter().GetResult();
            var iv = new byte[16];
            Random.NextBytes(iv);
            var plain = privateKey.GetEncoded();
            byte[] cipher;
            try { cipher = Transform(key, iv, plain, encrypt: true); }
            finally { Array.Clear(plain, 0, plain.Length); }
            var kdf = new KeyDerivationFunc(PkcsObjectIdentifiers.IdPbkdf2,
                new Pbkdf2Params(_salt, Iterations, new AlgorithmIdentifier(PkcsObjectIdentifiers.IdHmacWithSha256, DerNull.Instance)));
            var scheme = new EncryptionScheme(NistObjectIdentifiers.IdAes256Cbc, new DerOctetString(iv));
            var algorithm = new AlgorithmIdentifier(PkcsObjectIdentifiers.IdPbeS2, new PbeS2Parameters(kdf, scheme));
            return new EncryptedPrivateKeyInfo(algorithm, cipher);
        }

        /// <summary>Clears the AES key, once it is derived if that is still under way.</summary>
        public void Dispose() => _key.ContinueWith(t =>
        {
            if (t.Status == TaskStatus.RanToCompletion) Array.Clear(t.Result, 0, t.Result.Length);
        }, TaskContinuationOptions.ExecuteSynchronously);
    }

    /// <summary>
    /// Decrypts a PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) key natively; returns null for other schemes,
    /// which BouncyCastle's PEM reader handles. A wrong passphrase throws <see cref="CryptographicException"/>.
    /// </summary>
    public static PrivateKeyInfo? TryDecrypt(EncryptedPrivateKeyInfo info, char[] passphrase)
    {
        var algorithm = info.EncryptionAlgorithm;
        if (!PkcsObjectIdentifiers.IdPbeS2.Equals(algorithm.Algorithm)) return null;
        var pbes2 = PbeS2Parameters.GetInstance(algorithm.Parameters);
        if (!PkcsObjectIdentifiers.IdPbkdf2.Equals(pbes2.KeyDerivationFunc.Algorithm)
            || !NistObjectIdentifiers.IdAes256Cbc.Equals(pbes2.EncryptionScheme.Algorithm)) return null;
        var kdf = Pbkdf2Params.GetInstance(pbes2.KeyDerivationFunc.Parameters);
        if (!PkcsObjectIdentifiers.IdHmacWithSha256.Equals(kdf.Prf.Algorithm)) return null;

        var iv = Asn1OctetString.GetInstance(pbes2.EncryptionScheme.Parameters).GetOctets();
        var key = DeriveKey(passphrase, kdf.GetSalt(), kdf.IterationCount.IntValueExact);
        byte[] plain;
        try { plain = Transform(key, iv, info.GetEncryptedData(), encrypt: false); }
        finally { Array.Clear(key, 0, key.Length); }
        try
        {
            var decrypted = PrivateKeyInfo.GetInstance(Asn1Object.FromByteArray(plain));
            decrypted.ParsePrivateKey(); // a wrong passphrase that happens to unpad cleanly still fails here
            return decrypted;
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or System.IO.IOException)
        {
            throw new CryptographicException("The passphrase does not open the key.", e);
        }
        finally { Array.Clear(plain, 0, plain.Length); }
    }

    private static byte[] DeriveKey(char[] passphrase, byte[] salt, int iterations)
    {
        var password = Encoding.UTF8.GetBytes(passphrase);
        try
        {
            // .NET Framework's PBKDF2 hashes with HMACSHA256, whose managed SHA-256 may be refused under the Windows
            // FIPS policy: there BouncyCastle's PBKDF2 (the same PBKDF2-HMAC-SHA256) is used instead.
            if (NativePbkdf2 != null && !PlatformInfo.IsNetFramework)
            {
                using var pbkdf2 = (Rfc2898DeriveBytes)NativePbkdf2.Invoke(new object[] { password, salt, iterations, HashAlgorithmName.SHA256 });
                return pbkdf2.GetBytes(32);
            }
            var generator = new Pkcs5S2ParametersGenerator(new Sha256Digest());
            generator.Init(password, salt, iterations);
            return ((KeyParameter)generator.GenerateDerivedMacParameters(256)).GetKey();
        }
        finally { Array.Clear(password, 0, password.Length); }
    }

    private static byte[] Transform(byte[] key, byte[] iv, byte[] data, bool encrypt)
    {
        using var aes = Aes.Create();
        aes.Mode = CipherMode.CBC;
        aes.Padding = PaddingMode.PKCS7;
        using var transform = encrypt ? aes.CreateEncryptor(key, iv) : aes.CreateDecryptor(key, iv);
        return transform.TransformFinalBlock(data, 0, data.Length);
    }
}
