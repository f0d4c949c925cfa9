using System.Text;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests;

public class Utf8TextTests
{
    [Theory]
    [InlineData(new byte[] { 0x61, 0xC3, 0xA9, 0xE4, 0xB8, 0xAD, 0xF0, 0x9F, 0x90, 0xB3 })] // a é 中 🐳
    [InlineData(new byte[] { 0xEF, 0xBF, 0xBD })] // U+FFFD itself is a character like any other
    [InlineData(new byte[] { })]
    public void WellFormedUtf8IsDecodedAsIs(byte[] bytes)
    {
        Assert.Equal(-1, Utf8Text.FirstInvalid(bytes, 0));
        Assert.Equal(Encoding.UTF8.GetString(bytes), Utf8Text.Decode("/f", bytes));
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0xE9, 0x62 }, 1)] // Latin-1 é
    [InlineData(new byte[] { 0xC0, 0xAF }, 0)] // overlong '/'
    [InlineData(new byte[] { 0xE0, 0x80, 0xAF }, 0)] // overlong, three bytes
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, 0)] // a UTF-16 surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, 0)] // above U+10FFFF
    [InlineData(new byte[] { 0x61, 0x62, 0xE4, 0xB8 }, 2)] // cut short at the end
    [InlineData(new byte[] { 0x80 }, 0)] // a lone continuation byte
    [InlineData(new byte[] { 0xFF }, 0)]
    public void TheFirstBadByteIsFound(byte[] bytes, int index)
    {
        Assert.Equal(index, Utf8Text.FirstInvalid(bytes, 0));
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(bytes));
        Assert.Equal("FileNotUtf8", Assert.Throws<DockerTlsException>(() => Utf8Text.Decode("/f", bytes)).ErrorId);
    }

    [Fact]
    public void TheFaultNamesTheLineAndTheColumnInBytes()
    {
        var bytes = Encoding.Latin1.GetBytes("line one\r\nline two\n  caf\u00e9\n");
        var error = Assert.Throws<DockerTlsException>(() => Utf8Text.Decode("/home/u/profile.ps1", bytes));
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal("/home/u/profile.ps1", error.Target);
        Assert.StartsWith("'/home/u/profile.ps1' is not valid UTF-8: byte 0xE9 on line 3, column 6.", error.Message);
        Assert.Contains("the file was left unchanged", error.Message);
        // An offset (past a byte-order mark) counts from there.
        Assert.False(Utf8Text.TryDecode(new byte[] { 0xEF, 0xBB, 0xBF, 0x0A, 0xE9 }, 3, out _, out var fault));
        Assert.Equal("byte 0xE9 on line 2, column 1", fault);
    }
}
