using System.Linq;
using DockerTls.Core;
using DockerTls.Core.Client;
using Xunit;

namespace DockerTls.Core.Tests.Client;

public class ProfileBlockTests
{
    private static readonly string[] Block1 = ProfileBlock.Lines(ClientEnvironment.ForHost(ClientHostAddress.Parse("one"), null, "/h/.docker")).ToArray();
    private static readonly string[] Block2 = ProfileBlock.Lines(ClientEnvironment.ForHost(ClientHostAddress.Parse("two"), "/c", "/h/.docker")).ToArray();

    [Fact]
    public void BlockIsMarkedPowerShell()
    {
        Assert.Equal(ProfileBlock.StartMarker, Block1[0]);
        Assert.Equal(ProfileBlock.EndMarker, Block1[Block1.Length - 1]);
        Assert.Contains("$env:DOCKER_HOST = 'tcp://one:2376'", Block1);
        Assert.Contains("$env:DOCKER_TLS_VERIFY = '1'", Block1);
        Assert.Contains("Remove-Item -LiteralPath 'Env:DOCKER_CERT_PATH' -ErrorAction Ignore", Block1);
    }

    [Fact]
    public void AValueWithALineBreakCannotForgeTheEndMarker()
    {
        // Inside its quotes the value is inert, but the block is found by its marker lines: a forged end marker would
        // leave the rest of the value in the profile as code when the block is next replaced or removed.
        var forged = "/c\n" + ProfileBlock.EndMarker + "\nWrite-Host PWNED #";
        var environment = ClientEnvironment.ForHost(ClientHostAddress.Parse("two"), forged, "/h/.docker");

        Assert.Equal("ShellValueUnsupported", Assert.Throws<DockerTlsException>(() => ProfileBlock.Lines(environment)).ErrorId);
    }

    [Fact]
    public void AppendsToAnEmptyProfile()
    {
        var text = ProfileBlock.Apply(string.Empty, Block1);
        Assert.Equal(string.Join("\n", Block1) + "\n", text);
    }

    [Fact]
    public void AppendsAfterContentWithoutFinalNewline()
    {
        var text = ProfileBlock.Apply("Set-Alias ll ls", Block1);
        Assert.StartsWith("Set-Alias ll ls\n" + ProfileBlock.StartMarker, text);
    }

    [Fact]
    public void ReplacesInPlaceAndNeverDuplicates()
    {
        const string before = "# mine\r\n$x = 1\r\n";
        const string after = "Import-Module Foo\r\n";
        var once = ProfileBlock.Apply(before, Block1) + after;
        var twice = ProfileBlock.Apply(once, Block2);
        var thrice = ProfileBlock.Apply(twice, Block2);
        Assert.Equal(twice, thrice);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(twice, ">>> DockerTls").Cast<object>());
        Assert.StartsWith(before + ProfileBlock.StartMarker + "\r\n", twice);
        Assert.EndsWith(ProfileBlock.EndMarker + "\r\n" + after, twice);
        Assert.Contains("tcp://two:2376", twice);
        Assert.DoesNotContain("tcp://one:2376", twice);
    }

    [Fact]
    public void CollapsesCopiesPastedByHand()
    {
        var block = string.Join("\n", Block1) + "\n";
        var text = ProfileBlock.Apply("a\n" + block + "b\n" + block + "c\n", Block2);
        Assert.Equal("a\n" + string.Join("\n", Block2) + "\nb\nc\n", text);
    }

    [Fact]
    public void RemoveRestoresTheOriginalBytes()
    {
        const string original = "# mine\n\n$x = 'é'\n";
        var text = ProfileBlock.Apply(original, Block1);
        Assert.True(ProfileBlock.Contains(text));
        Assert.Equal(original, ProfileBlock.Remove(text));
        Assert.Equal(original, ProfileBlock.Remove(original));
        Assert.False(ProfileBlock.Contains(original));
    }

    [Fact]
    public void RemoveKeepsContentAroundTheBlock()
    {
        var text = "top\n" + string.Join("\n", Block1) + "\nbottom";
        Assert.Equal("top\nbottom", ProfileBlock.Remove(text));
    }

    [Fact]
    public void AnUnclosedBlockIsAnError()
    {
        var text = "x\n" + ProfileBlock.StartMarker + "\n$env:DOCKER_HOST = 'h'\n";
        Assert.Equal("ProfileBlockIncomplete", Assert.Throws<DockerTlsException>(() => ProfileBlock.Apply(text, Block1)).ErrorId);
        Assert.Equal("ProfileBlockIncomplete", Assert.Throws<DockerTlsException>(() => ProfileBlock.Remove(text)).ErrorId);
    }
}
