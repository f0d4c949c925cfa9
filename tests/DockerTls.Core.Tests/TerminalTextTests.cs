using DockerTls.Core.Diagnostics;
using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests;

public class TerminalTextTests
{
    [Theory]
    [InlineData("\u001b[2J", "?[2J")]                 // ESC: CSI, clears the screen
    [InlineData("\u001b]0;pwned\u0007", "?]0;pwned?")] // OSC 0 with BEL: sets the window title
    [InlineData("a\u009b31mb", "a?31mb")]              // C1 CSI alone
    [InlineData("\u0080\u0085\u009f", "???")]          // the ends of C1, and NEL
    [InlineData("del\u007f", "del?")]
    [InlineData("line\nbreak\r\ttab\0", "line?break??tab?")]
    [InlineData("\u202egpj.exe", "?gpj.exe")]          // right-to-left override
    [InlineData("\u202a\u202b\u202c\u202d", "????")]
    [InlineData("\u2066\u2067\u2068\u2069", "????")]   // isolates
    [InlineData("\u200e\u200f\u061c", "???")]          // marks
    [InlineData("docker1.example.com", "docker1.example.com")]
    [InlineData("Zürich ß \u00a0 \u00a9 \u2028 日本", "Zürich ß \u00a0 \u00a9 \u2028 日本")] // printable non-ASCII stays
    [InlineData("", "")]
    public void ReplacesControlsAndBidiControlsOnly(string text, string shown)
    {
        Assert.Equal(shown, TerminalText.Clean(text));
        Assert.Equal(shown, TerminalText.Clean(TerminalText.Clean(text)));
        Assert.Equal(text != shown, TerminalText.HasUnsafe(text));
    }

    [Theory]
    [InlineData("a\nb", true)]
    [InlineData("a\u0085b", true)]
    [InlineData("a\u007fb", true)]
    [InlineData("a\u202eb", false)] // a bidi control is replaced when shown, but is no control character
    [InlineData("ab", false)]
    public void TellsControlCharacters(string text, bool control) => Assert.Equal(control, TerminalText.HasControl(text));

    [Fact]
    public void EveryPathThatSetsACertificateOrAResultNameCleansIt()
    {
        var certificate = new DockerCertificate
        {
            Subject = "CN=\u001b[2J",
            Issuer = "CN=\u009b",
            CommonName = "\u202e",
            DnsNames = new[] { "a\u001b.example" },
            IPAddresses = new[] { "\u0007" },
        };
        Assert.Equal("CN=?[2J", certificate.Subject);
        Assert.Equal("CN=?", certificate.Issuer);
        Assert.Equal("?", certificate.CommonName);
        Assert.Equal(new[] { "a?.example" }, certificate.DnsNames);
        Assert.Equal(new[] { "?" }, certificate.IPAddresses);

        var result = new DockerTlsTestResult
        {
            ServerVersion = "24\u001b]0;x\u0007",
            ApiVersion = "1.4\u009b",
            TlsProtocol = "Tls13\u202e",
            Diagnosis = "said \u001b[2J",
            Remedy = "do \u0085",
        };
        Assert.Equal("24?]0;x?", result.ServerVersion);
        Assert.Equal("1.4?", result.ApiVersion);
        Assert.Equal("Tls13?", result.TlsProtocol);
        Assert.Equal("said ?[2J", result.Diagnosis);
        Assert.Equal("do ?", result.Remedy);
        Assert.Null(new DockerTlsTestResult().ServerVersion);
    }
}
