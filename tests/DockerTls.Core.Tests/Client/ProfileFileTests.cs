using System;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.Client;
using Xunit;

namespace DockerTls.Core.Tests.Client;

public class ProfileFileTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "dtls-profile-" + Guid.NewGuid().ToString("N"));

    private static readonly string[] Block = ProfileBlock.Lines(ClientEnvironment.ForHost(ClientHostAddress.Parse("h"), null, "/x/.docker")).ToArray();

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void CreatesAMissingProfileAndItsFolder()
    {
        var path = Path.Combine(folder, "powershell", "profile.ps1");
        Assert.True(ProfileFile.SetBlock(path, Block));
        Assert.Equal(string.Join("\n", Block) + "\n", File.ReadAllText(path));
        Assert.True(ProfileFile.HasBlock(path));
        Assert.False(ProfileFile.SetBlock(path, Block));
    }

    [Theory]
    [InlineData("utf8bom")]
    [InlineData("utf16")]
    [InlineData("utf8")]
    public void KeepsEncodingAndBytesThroughSetAndRemove(string kind)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "profile.ps1");
        byte[] original = kind switch
        {
            "utf8bom" => new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("$x = 'é'\r\n")).ToArray(),
            "utf16" => Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("$x = 'é'\n")).ToArray(),
            _ => Encoding.UTF8.GetBytes("$x = 'é'\n"),
        };
        File.WriteAllBytes(path, original);
        ProfileFile.SetBlock(path, Block);
        ProfileFile.SetBlock(path, Block);
        Assert.True(ProfileFile.HasBlock(path));
        Assert.True(ProfileFile.RemoveBlock(path));
        Assert.Equal(original, File.ReadAllBytes(path));
        Assert.False(ProfileFile.RemoveBlock(path));
    }

    [Fact]
    public void ALatin1ProfileIsRefusedWithItsLineAndKeepsItsBytes()
    {
        // Windows PowerShell 5.1 users' profiles are often in the ANSI code page. Rewritten, a path with 'é' in it came
        // back as '?' or U+FFFD; the block of a non-ASCII path could not be written in Latin-1 at all.
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "profile.ps1");
        var original = Encoding.Latin1.GetBytes("# my profile\n$env:PATH += ':/home/jos\u00e9/bin'\n");
        File.WriteAllBytes(path, original);
        var block = ProfileBlock.Lines(ClientEnvironment.ForHost(ClientHostAddress.Parse("h"), null, "/home/jos\u00e9/.docker \u4e2d")).ToArray();
        var error = Assert.Throws<DockerTlsException>(() => ProfileFile.SetBlock(path, block));
        Assert.Equal("FileNotUtf8", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains($"'{path}' is not valid UTF-8: byte 0xE9 on line 2, column 25", error.Message);
        Assert.Equal("FileNotUtf8", Assert.Throws<DockerTlsException>(() => ProfileFile.RemoveBlock(path)).ErrorId);
        Assert.Equal(original, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(folder));
    }

    [Fact]
    public void RemoveWithoutAProfileDoesNothing()
    {
        Assert.False(ProfileFile.RemoveBlock(Path.Combine(folder, "none.ps1")));
        Assert.False(Directory.Exists(folder));
    }
}
