using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using DockerTls.Core.IO;
using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests;

/// <summary>
/// Windows PowerShell 5.1 under the Windows FIPS policy: .NET Framework's managed implementations (SHA256Managed,
/// which SHA256.Create() returns there, and the other *Managed classes) throw. This machine has no .NET Framework: what
/// runs here is the rule over the source and the digests that replace them, checked against openssl. CI's
/// windows-2022 leg turns the policy on and makes a kit in a new Windows PowerShell process.
/// </summary>
public class FipsPolicyTests
{
    // The framework's crypto factories and classes that give a managed implementation on .NET Framework.
    private static readonly Regex Refused = new(
        @"\b(SHA1|SHA256|SHA384|SHA512|MD5|HashAlgorithm|HMAC|KeyedHashAlgorithm|SymmetricAlgorithm)\.Create\s*\(|\bMD5\b|\b\w+Managed\b|\bRIPEMD160\b",
        RegexOptions.CultureInvariant);

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder != null && !File.Exists(Path.Combine(folder.FullName, "DockerTls.sln"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("DockerTls.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void NoSourceFileCallsAHashOrCipherThatTheFipsPolicyRefusesOnNetFramework()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var files = Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.True(files.Count > 50, $"only {files.Count} source files found under {src}");
        var found = files
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: f, Line: i + 1, Code: Regex.Replace(line, "//.*$", ""))))
            .Where(x => Refused.IsMatch(x.Code))
            .Select(x => $"{x.File.Substring(src.Length + 1)}:{x.Line}: {x.Code.Trim()}")
            .ToList();
        Assert.True(found.Count == 0, "FIPS policy would refuse these on .NET Framework:\n" + string.Join("\n", found));
    }

    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void Sha256MatchesTheStandardVectors(string input, string expected)
    {
        Assert.Equal(expected, Hex(Digest.Sha256(Encoding.ASCII.GetBytes(input))).ToLowerInvariant());
    }

    [Fact]
    public void Sha1MatchesTheStandardVector()
    {
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", Hex(Digest.Sha1(Encoding.ASCII.GetBytes("abc"))).ToLowerInvariant());
    }

    [Fact]
    public void ACertificatesThumbprintAndFingerprintAreWhatOpenSslShows()
    {
        using var pki = new TestPki();
        var ca = Path.Combine(pki.CA("fips-ca"), "ca.pem");
        var summary = CertificateReader.Read(ca);
        Assert.Equal(OpenSslFingerprint(ca, "-sha1").Replace(":", ""), summary.Thumbprint);
        Assert.Equal(OpenSslFingerprint(ca, "-sha256"), summary.Sha256Fingerprint);
    }

    private static string Hex(byte[] bytes) => BitConverter.ToString(bytes).Replace("-", "");

    private static string OpenSslFingerprint(string path, string digest)
    {
        var start = new ProcessStartInfo("openssl", $"x509 -in \"{path}\" -noout -fingerprint {digest}")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Substring(output.IndexOf('=') + 1).ToUpperInvariant();
    }
}
