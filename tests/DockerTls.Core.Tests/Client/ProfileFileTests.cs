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
    [InlineData("latin1")]
    public void KeepsEncodingAndBytesThroughSetAndRemove(string kind)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "profile.ps1");
        byte[] original = kind switch
        {
            "utf8bom" => new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("$x = 'é'\r\n")).ToArray(),
            "utf16" => Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("$x = 'é'\n")).ToArray(),
            _ => new byte[] { 0x24, 0x78, 0x3D, 0x27, 0xE9, 0x27, 0x0A },
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
    public void RemoveWithoutAProfileDoesNothing()
    {
        Assert.False(ProfileFile.RemoveBlock(Path.Combine(folder, "none.ps1")));
        Assert.False(Directory.Exists(folder));
    }
}
