using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using DockerTls.Core.Pki;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Xunit;

namespace DockerTls.Core.Tests;

public class KeyPairTests
{
    [Theory]
    [InlineData(KeyAlgorithm.RSA, EcCurve.P256)]
    [InlineData(KeyAlgorithm.ECDSA, EcCurve.P256)]
    [InlineData(KeyAlgorithm.ECDSA, EcCurve.P384)]
    public void AGeneratedPairIsTheSameKeyToThePlatformAndToOpenSsl(KeyAlgorithm algorithm, EcCurve curve)
    {
        using var temp = new TempFolder();
        var pair = KeyGenerator.Generate(new KeySpec(algorithm, 2048, curve));
        File.WriteAllBytes(temp["key.pem"], PemFormat.WritePrivateKey(pair.PrivateKey));

        // openssl works out the public key from the private key file; it must be the one the certificate gets.
        TestPki.OpenSsl(temp.Path, $"pkey -in {temp["key.pem"]} -pubout -outform DER -out {temp["pub.der"]}");
        Assert.Equal(File.ReadAllBytes(temp["pub.der"]), pair.PublicKey.GetEncoded());
        TestPki.OpenSsl(temp.Path, $"pkey -in {temp["key.pem"]} -check -noout");

        // The platform signs with the PKCS#8 key and verifies with the SubjectPublicKeyInfo.
        var data = new byte[] { 1, 2, 3 };
        if (algorithm == KeyAlgorithm.RSA)
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pair.PrivateKey.GetEncoded(), out _);
            using var check = RSA.Create();
            check.ImportSubjectPublicKeyInfo(pair.PublicKey.GetEncoded(), out _);
            Assert.True(check.VerifyData(data, rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }
        else
        {
            using var ec = ECDsa.Create();
            ec.ImportPkcs8PrivateKey(pair.PrivateKey.GetEncoded(), out _);
            using var check = ECDsa.Create();
            check.ImportSubjectPublicKeyInfo(pair.PublicKey.GetEncoded(), out _);
            Assert.True(check.VerifyData(data, ec.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
        }
    }

    [Theory]
    [InlineData(KeyAlgorithm.RSA, 3)]
    [InlineData(KeyAlgorithm.ECDSA, 3)]
    [InlineData(KeyAlgorithm.ECDSA, 7)]
    [InlineData(KeyAlgorithm.ECDSA, 1)]
    public void ARaceGivesAsManyDifferentKeysAsAsked(KeyAlgorithm algorithm, int count)
    {
        using var race = KeyGenerator.Race(new KeySpec(algorithm, 2048), count);
        var keys = Enumerable.Range(0, count).Select(_ => race.Next()).ToList();

        Assert.Equal(count, keys.Select(k => Convert.ToBase64String(k.PublicKey.GetEncoded())).Distinct().Count());
        Assert.All(keys, k => Assert.Equal(algorithm == KeyAlgorithm.RSA, k.IsRsa));
        Assert.Throws<InvalidOperationException>(() => race.Next());
    }

    [Theory]
    [InlineData(KeyAlgorithm.RSA, 3, 1, 1)]
    [InlineData(KeyAlgorithm.RSA, 3, 2, 2)]
    [InlineData(KeyAlgorithm.RSA, 3, 3, 3)]
    [InlineData(KeyAlgorithm.RSA, 3, 4, 4)] // past the three keys: a spare races from the start
    [InlineData(KeyAlgorithm.RSA, 3, 6, 6)]
    [InlineData(KeyAlgorithm.RSA, 3, 64, KeyGenerator.MostRaceWorkers)]
    [InlineData(KeyAlgorithm.RSA, 1, 4, 4)]
    [InlineData(KeyAlgorithm.ECDSA, 3, 2, 2)]
    [InlineData(KeyAlgorithm.ECDSA, 3, 8, 3)]
    [InlineData(KeyAlgorithm.ECDSA, 1, 8, 1)]
    [InlineData(KeyAlgorithm.RSA, 3, 0, 1)]
    public void RsaKeysRaceOnEveryCoreUpToALimitAndEcKeysOnePerKey(KeyAlgorithm algorithm, int count, int cores, int workers)
    {
        Assert.Equal(workers, KeyGenerator.RaceWorkers(new KeySpec(algorithm, 2048), count, cores));
    }

    [Fact]
    public void ARaceWithMoreWorkersThanKeysGivesExactlyTheKeysAskedAndDropsTheSpares()
    {
        var made = 0;
        var race = new KeyRace<int>(() =>
        {
            var n = Interlocked.Increment(ref made);
            Thread.Sleep(n % 3 * 15); // keys of different lengths, as RSA keys are
            return n;
        }, 3, 6);

        var keys = new[] { race.Next(), race.Next(), race.Next() };
        race.Dispose();

        Assert.Equal(3, keys.Distinct().Count());
        Assert.Throws<InvalidOperationException>(() => race.Next());
    }

    [Fact]
    public void AnOpenEndedRaceMakesOnlyAFewKeysAheadOfTheTakes()
    {
        var made = 0;
        using var race = new KeyRace<int>(() => Interlocked.Increment(ref made), int.MaxValue, 2, ahead: 2);

        Thread.Sleep(200);
        var idle = Volatile.Read(ref made);
        // Two waiting to be taken, and at most one more per worker that started before the queue was full.
        Assert.InRange(idle, 2, 4);

        var taken = Enumerable.Range(0, 50).Select(_ => race.Next()).ToList();
        Thread.Sleep(200);

        Assert.Equal(50, taken.Distinct().Count());
        Assert.InRange(Volatile.Read(ref made), 52, 54);
    }

    [Fact]
    public void AOneKeyRaceOnOneWorkerMakesThatKeyAndNothingAfterIt()
    {
        var made = 0;
        using var race = new KeyRace<int>(() => Interlocked.Increment(ref made), 1, 1);

        Assert.Equal(1, race.Next());
        Thread.Sleep(200);

        Assert.Equal(1, Volatile.Read(ref made));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AKeySourceGivesAFreshRsaKeyEachTimeUntilItIsEnded(bool pipeline)
    {
        var source = new KeySource(new KeySpec(KeyAlgorithm.RSA, 2048), pipeline);
        var keys = new[] { source.Next(), source.Next(), source.Next() };
        source.Dispose();

        Assert.All(keys, k => Assert.True(k.IsRsa));
        Assert.Equal(3, keys.Select(k => Convert.ToBase64String(k.PublicKey.GetEncoded())).Distinct().Count());
        Assert.Throws<OperationCanceledException>(() => source.Next());
    }

    [Fact]
    public void AnEcdsaKeySourceMakesEachKeyWhenAsked()
    {
        using var source = new KeySource(new KeySpec(KeyAlgorithm.ECDSA), pipeline: true);
        var keys = new[] { source.Next(), source.Next() };

        Assert.All(keys, k => Assert.False(k.IsRsa));
        Assert.NotEqual(Convert.ToBase64String(keys[0].PublicKey.GetEncoded()), Convert.ToBase64String(keys[1].PublicKey.GetEncoded()));
    }

    [Fact]
    public void ARaceHandsOutTheFirstKeyWhileTheOthersAreStillBeingMade()
    {
        using var release = new ManualResetEventSlim(false);
        var made = 0;
        // The first key is quick; every later one waits until the test lets it go.
        using var race = new KeyRace<int>(() =>
        {
            var n = Interlocked.Increment(ref made);
            if (n > 1) release.Wait(TimeSpan.FromSeconds(60));
            return n;
        }, 3, 2);

        try
        {
            var first = Task.Run(() => race.Next());
            Assert.True(first.Wait(TimeSpan.FromSeconds(10)), "the first key waited for the others");
            Assert.Equal(1, first.Result);
        }
        finally
        {
            release.Set();
        }
        var rest = new[] { race.Next(), race.Next() };
        Assert.Equal(2, rest.Distinct().Count());
        Assert.DoesNotContain(1, rest);
    }

    [Fact]
    public void AFailingWorkerFailsTheNextTakeInsteadOfHangingIt()
    {
        var calls = 0;
        using var race = new KeyRace<int>(() =>
        {
            if (Interlocked.Increment(ref calls) == 1) return 1;
            throw new CryptographicException("no entropy");
        }, 3, 2);

        var taken = new List<int>();
        var error = Record.Exception(() => { for (var i = 0; i < 3; i++) taken.Add(race.Next()); });

        Assert.IsType<CryptographicException>(error);
        Assert.Equal("no entropy", error!.Message);
        Assert.True(taken.Count < 3);
    }

    [Fact]
    public void AnEndedRaceStopsItsWorkersAfterTheKeyInTheMaking()
    {
        var calls = 0;
        var race = new KeyRace<int>(() =>
        {
            Thread.Sleep(20);
            return Interlocked.Increment(ref calls);
        }, 1000, 2);
        race.Next();

        race.Dispose();
        Thread.Sleep(200);
        var afterStop = Volatile.Read(ref calls);
        Thread.Sleep(300);

        Assert.Equal(afterStop, Volatile.Read(ref calls));
        Assert.True(afterStop < 20, $"{afterStop} keys were made");
        Assert.Throws<OperationCanceledException>(() => race.Next());
    }

    [Fact]
    public void EndingTheRaceFromAnotherThreadWakesTheTakeThatWaits()
    {
        using var release = new ManualResetEventSlim(false);
        var race = new KeyRace<int>(() => { release.Wait(TimeSpan.FromSeconds(60)); return 1; }, 3, 2);
        try
        {
            var take = Task.Run(() => race.Next());
            Thread.Sleep(100);
            Assert.False(take.IsCompleted);

            race.Dispose();

            var error = Assert.Throws<AggregateException>(() => take.Wait(TimeSpan.FromSeconds(10)));
            Assert.IsType<OperationCanceledException>(error.InnerException);
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public void AnRsaCryptoServiceProviderIsGivenTheSizeByItsConstructor()
    {
        // .NET Framework's RSA.Create() is an RSACryptoServiceProvider, whose KeySize setter is ignored there.
        var pair = KeyGenerator.GenerateRsa(() => new RSACryptoServiceProvider(), 3072);

        using var check = RSA.Create();
        check.ImportSubjectPublicKeyInfo(pair.PublicKey.GetEncoded(), out _);
        Assert.Equal(3072, check.KeySize);
    }

    [Fact]
    public void AnRsaThatIgnoresTheSizeAskedIsRefused()
    {
        var error = Assert.Throws<DockerTlsException>(() => KeyGenerator.GenerateRsa(() => new FixedSizeRsa(2048), 4096));

        Assert.Equal("KeyGenerationFailed", error.ErrorId);
        Assert.Contains("made a 2048-bit key where 4096 bits were asked", error.Message);
    }

    /// <summary>An RSA whose KeySize setter does nothing, as RSACryptoServiceProvider's on .NET Framework.</summary>
    private sealed class FixedSizeRsa : RSA
    {
        private readonly RSA inner;

        public FixedSizeRsa(int bits) => inner = RSA.Create(bits);

        public override int KeySize { get => inner.KeySize; set { } }

        public override RSAParameters ExportParameters(bool includePrivateParameters) => inner.ExportParameters(includePrivateParameters);

        public override void ImportParameters(RSAParameters parameters) => inner.ImportParameters(parameters);

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    [Fact]
    public void AnEcKeyWithoutItsPublicPointGetsItWorkedOut()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var full = KeyPair.FromEc(ecdsa.ExportParameters(true), SecObjectIdentifiers.SecP256r1, 256);
        var structure = ECPrivateKeyStructure.GetInstance(full.PrivateKey.ParsePrivateKey());
        var bare = new PrivateKeyInfo(full.PrivateKey.PrivateKeyAlgorithm, new ECPrivateKeyStructure(256, structure.GetKey()));
        Assert.Null(ECPrivateKeyStructure.GetInstance(bare.ParsePrivateKey()).PublicKey);

        var pair = KeyPair.FromPrivateKey(bare);

        Assert.Equal(full.PublicKey.GetEncoded(), pair.PublicKey.GetEncoded());
        Assert.Equal(ecdsa.ExportSubjectPublicKeyInfo(), pair.PublicKey.GetEncoded());
    }

    [Fact]
    public void ACaKeyWithoutItsPublicPointStillSigns()
    {
        using var pki = new TestPki();
        var dir = pki.CA("bare", "ec:P-256");
        // SEC1 without the public point (openssl ec -no_public), then back to PKCS#8.
        TestPki.OpenSsl(dir, "ec -in ca-key.pem -no_public -out sec1.pem");
        TestPki.OpenSsl(dir, "pkcs8 -topk8 -nocrypt -in sec1.pem -out ca-key.pem");
        Assert.Null(ECPrivateKeyStructure.GetInstance(PemFormat.ReadPrivateKeyInfo(File.ReadAllText(Path.Combine(dir, "ca-key.pem")))!.ParsePrivateKey()).PublicKey);

        using var ca = CertificateAuthority.Load(dir);
        var leaf = ca.IssueClient("c", new KeySpec(KeyAlgorithm.ECDSA), 5);

        Assert.True(CertificateSignature.IsSignedBy(leaf.Certificate, ca.Certificate));
    }

    [Fact]
    public void ACaKeyWhosePublicPointIsNotItsOwnIsRefused()
    {
        using var pki = new TestPki();
        var dir = pki.CA("damaged", "ec:P-256");
        var keyPath = Path.Combine(dir, "ca-key.pem");
        var real = PemFormat.ReadPrivateKeyInfo(File.ReadAllText(keyPath))!;
        // The CA's own public point (so the key still "matches" ca.pem), with another key's private scalar.
        var stranger = KeyGenerator.Generate(new KeySpec(KeyAlgorithm.ECDSA));
        var strangerD = ECPrivateKeyStructure.GetInstance(stranger.PrivateKey.ParsePrivateKey()).GetKey();
        var point = ECPrivateKeyStructure.GetInstance(real.ParsePrivateKey()).PublicKey;
        var forged = new PrivateKeyInfo(real.PrivateKeyAlgorithm, new ECPrivateKeyStructure(256, strangerD, point, null));
        File.WriteAllBytes(keyPath, PemFormat.WritePrivateKey(forged));

        var error = Assert.Throws<DockerTlsException>(() => CertificateAuthority.Load(dir));

        Assert.Equal("CAKeyInvalid", error.ErrorId);
    }

    [Theory]
    [InlineData("rsa:2048")]
    [InlineData("ec:P-256")]
    [InlineData("ec:P-384")]
    public void MatchesTheCertificateOfItsKeyOnly(string key)
    {
        using var pki = new TestPki();
        var mine = pki.CA("mine", key);
        var other = pki.CA("other", key);
        var pair = PemFormat.ReadKeyPair(Path.Combine(mine, "ca-key.pem"), null);

        Assert.True(pair.Matches(TestPki.Load(Path.Combine(mine, "ca.pem"))));
        Assert.False(pair.Matches(TestPki.Load(Path.Combine(other, "ca.pem"))));
    }

    [Fact]
    public void AnRsaKeyDoesNotMatchAnEcCertificate()
    {
        using var pki = new TestPki();
        var rsa = pki.CA("rsa", "rsa:2048");
        var ec = pki.CA("ec", "ec:P-256");

        Assert.False(PemFormat.ReadKeyPair(Path.Combine(rsa, "ca-key.pem"), null).Matches(TestPki.Load(Path.Combine(ec, "ca.pem"))));
        Assert.False(PemFormat.ReadKeyPair(Path.Combine(ec, "ca-key.pem"), null).Matches(TestPki.Load(Path.Combine(rsa, "ca.pem"))));
    }

    [Fact]
    public void AnRsaModulusWithAnotherExponentIsNotAMatch()
    {
        using var rsa = RSA.Create(2048);
        var pair = KeyPair.FromRsa(rsa.ExportParameters(true));
        var structure = RsaPublicKeyStructure.GetInstance(pair.PublicKey.ParsePublicKey());
        var otherExponent = new SubjectPublicKeyInfo(pair.PublicKey.Algorithm,
            new RsaPublicKeyStructure(structure.Modulus, Org.BouncyCastle.Math.BigInteger.Three));

        Assert.True(pair.Matches(pair.PublicKey));
        Assert.False(pair.Matches(otherExponent));
    }

    [Fact]
    public void TheNamedCurveIsReadFromEitherEncoding()
    {
        var bare = new AlgorithmIdentifier(X9ObjectIdentifiers.IdECPublicKey, SecObjectIdentifiers.SecP384r1);
        var wrapped = new AlgorithmIdentifier(X9ObjectIdentifiers.IdECPublicKey, new X962Parameters(SecObjectIdentifiers.SecP384r1));

        Assert.Equal(SecObjectIdentifiers.SecP384r1, KeyPair.NamedCurve(bare));
        Assert.Equal(SecObjectIdentifiers.SecP384r1, KeyPair.NamedCurve(wrapped));
        Assert.Null(KeyPair.NamedCurve(new AlgorithmIdentifier(X9ObjectIdentifiers.IdECPublicKey)));
    }
}
