using System;
using System.IO;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

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

    /// <summary>The native signer for a BouncyCastle private key.</summary>
    public static NativeSignatureFactory For(AsymmetricKeyParameter key) => key switch
    {
        RsaPrivateCrtKeyParameters rsa => new Rsa(rsa),
        ECPrivateKeyParameters ec => new Ecdsa(ec),
        _ => throw new ArgumentException($"No native signer for {key.GetType().Name}.", nameof(key)),
    };

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

        public Rsa(RsaPrivateCrtKeyParameters key)
            : base(new AlgorithmIdentifier(PkcsObjectIdentifiers.Sha256WithRsaEncryption, DerNull.Instance))
        {
            var modulus = key.Modulus.ToByteArrayUnsigned();
            var half = (modulus.Length + 1) / 2;
            var parameters = new RSAParameters
            {
                Modulus = modulus,
                Exponent = key.PublicExponent.ToByteArrayUnsigned(),
                D = Pad(key.Exponent.ToByteArrayUnsigned(), modulus.Length),
                P = Pad(key.P.ToByteArrayUnsigned(), half),
                Q = Pad(key.Q.ToByteArrayUnsigned(), half),
                DP = Pad(key.DP.ToByteArrayUnsigned(), half),
                DQ = Pad(key.DQ.ToByteArrayUnsigned(), half),
                InverseQ = Pad(key.QInv.ToByteArrayUnsigned(), half),
            };
            _rsa.ImportParameters(parameters);
            Array.Clear(parameters.D, 0, parameters.D.Length);
        }

        protected override byte[] Sign(byte[] data) => _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        public override void Dispose() => _rsa.Dispose();
    }

    private sealed class Ecdsa : NativeSignatureFactory
    {
        private readonly ECDsa _ecdsa;
        private readonly HashAlgorithmName _hash;

        public Ecdsa(ECPrivateKeyParameters key)
            : base(new AlgorithmIdentifier(key.Parameters.Curve.FieldSize > 256 ? X9ObjectIdentifiers.ECDsaWithSha384 : X9ObjectIdentifiers.ECDsaWithSha256))
        {
            var p384 = key.Parameters.Curve.FieldSize > 256;
            _hash = p384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
            var size = p384 ? 48 : 32;
            var q = key.Parameters.G.Multiply(key.D).Normalize();
            var parameters = new ECParameters
            {
                Curve = p384 ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP256,
                D = Pad(key.D.ToByteArrayUnsigned(), size),
                Q = new ECPoint
                {
                    X = Pad(q.AffineXCoord.ToBigInteger().ToByteArrayUnsigned(), size),
                    Y = Pad(q.AffineYCoord.ToBigInteger().ToByteArrayUnsigned(), size),
                },
            };
            _ecdsa = ECDsa.Create(parameters);
            Array.Clear(parameters.D, 0, parameters.D.Length);
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
