using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;

namespace DockerTls.Core.Pki;

/// <summary>
/// Signs certificates with the platform's RSA or ECDSA (OpenSSL, CNG) instead of BouncyCastle's managed
/// arithmetic: one CA signs a certificate per host of a fleet, and the native signature is several times faster.
/// </summary>
internal abstract class NativeSignatureFactory : ISignatureFactory, IDisposable
{
    protected NativeSignatureFactory(AlgorithmIdentifier algorithm) => AlgorithmDetails = algorithm;

    public object AlgorithmDetails { get; }

    public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(this);

    /// <summary>The signature over <paramref name="data"/>, encoded as X.509 wants it.</summary>
    protected abstract byte[] Sign(byte[] data);

    public abstract void Dispose();

    /// <summary>The native signer for a key pair: RSA, or ECDSA on P-256 or P-384.</summary>
    public static NativeSignatureFactory For(KeyPair key)
    {
        var algorithm = key.PrivateKey.PrivateKeyAlgorithm;
        if (PkcsObjectIdentifiers.RsaEncryption.Equals(algorithm.Algorithm))
            return new Rsa(RsaPrivateKeyStructure.GetInstance(key.PrivateKey.ParsePrivateKey()));
        var curve = X9ObjectIdentifiers.IdECPublicKey.Equals(algorithm.Algorithm) ? KeyPair.NamedCurve(algorithm) : null;
        if (SecObjectIdentifiers.SecP256r1.Equals(curve) || SecObjectIdentifiers.SecP384r1.Equals(curve))
            return new Ecdsa(ECPrivateKeyStructure.GetInstance(key.PrivateKey.ParsePrivateKey()), curve!, key.PublicKey.PublicKey.GetBytes());
        throw new ArgumentException($"No native signer for keys of {algorithm.Algorithm.Id} {curve?.Id}.", nameof(key));
    }

    // The platform wants fixed-length big-endian fields; BouncyCastle drops leading zero bytes.
    private static byte[] Pad(byte[] value, int length)
    {
        if (value.Length >= length) return value;
        var padded = new byte[length];
        Buffer.BlockCopy(value, 0, padded, length - value.Length, value.Length);
        return padded;
    }

    private sealed class Rsa : NativeSignatureFactory
    {
        private readonly RSA _rsa = RSA.Create();

        public Rsa(RsaPrivateKeyStructure key)
            : base(new AlgorithmIdentifier(PkcsObjectIdentifiers.Sha256WithRsaEncryption, DerNull.Instance))
        {
            var modulus = key.Modulus.ToByteArrayUnsigned();
            var half = (modulus.Length + 1) / 2;
            var parameters = new RSAParameters
            {
                Modulus = modulus,
                Exponent = key.PublicExponent.ToByteArrayUnsigned(),
                D = Pad(key.PrivateExponent.ToByteArrayUnsigned(), modulus.Length),
                P = Pad(key.Prime1.ToByteArrayUnsigned(), half),
                Q = Pad(key.Prime2.ToByteArrayUnsigned(), half),
                DP = Pad(key.Exponent1.ToByteArrayUnsigned(), half),
                DQ = Pad(key.Exponent2.ToByteArrayUnsigned(), half),
                InverseQ = Pad(key.Coefficient.ToByteArrayUnsigned(), half),
            };
            try { _rsa.ImportParameters(parameters); }
            finally
            {
                foreach (var secret in new[] { parameters.D, parameters.P, parameters.Q, parameters.DP, parameters.DQ, parameters.InverseQ })
                    Array.Clear(secret, 0, secret.Length);
            }
        }

        protected override byte[] Sign(byte[] data) => _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        public override void Dispose() => _rsa.Dispose();
    }

    private sealed class Ecdsa : NativeSignatureFactory
    {
        private readonly ECDsa _ecdsa;
        private readonly HashAlgorithmName _hash;

        // The public point is the pair's (read from the key file, or worked out once by KeyPair); a compressed one
        // is decompressed, which is cheap.
        public Ecdsa(ECPrivateKeyStructure key, DerObjectIdentifier curve, byte[] publicPoint)
            : base(new AlgorithmIdentifier(SecObjectIdentifiers.SecP384r1.Equals(curve) ? X9ObjectIdentifiers.ECDsaWithSha384 : X9ObjectIdentifiers.ECDsaWithSha256))
        {
            var p384 = SecObjectIdentifiers.SecP384r1.Equals(curve);
            _hash = p384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
            var size = p384 ? 48 : 32;
            var d = key.GetKey();
            var point = publicPoint.Length == 1 + 2 * size && publicPoint[0] == 0x04
                ? publicPoint
                : ECNamedCurveTable.GetByOid(curve).Curve.DecodePoint(publicPoint).GetEncoded(false);
            var parameters = new ECParameters
            {
                Curve = p384 ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP256,
                D = Pad(d.ToByteArrayUnsigned(), size),
                Q = new ECPoint
                {
                    X = point.Skip(1).Take(size).ToArray(),
                    Y = point.Skip(1 + size).ToArray(),
                },
            };
            try { _ecdsa = ECDsa.Create(parameters); }
            finally { Array.Clear(parameters.D, 0, parameters.D.Length); }
        }

        // The platform gives r||s (IEEE P1363); X.509 wants SEQUENCE { r INTEGER, s INTEGER }.
        protected override byte[] Sign(byte[] data)
        {
            var signature = _ecdsa.SignData(data, _hash);
            var half = signature.Length / 2;
            var r = new Org.BouncyCastle.Math.BigInteger(1, signature, 0, half);
            var s = new Org.BouncyCastle.Math.BigInteger(1, signature, half, half);
            return new DerSequence(new DerInteger(r), new DerInteger(s)).GetEncoded();
        }

        public override void Dispose() => _ecdsa.Dispose();
    }

    private sealed class Calculator : IStreamCalculator<IBlockResult>
    {
        private readonly NativeSignatureFactory _factory;
        private readonly MemoryStream _buffer = new();

        public Calculator(NativeSignatureFactory factory) => _factory = factory;

        public Stream Stream => _buffer;

        public IBlockResult GetResult() => new SimpleBlockResult(_factory.Sign(_buffer.ToArray()));
    }
}
