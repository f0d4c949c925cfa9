using System.IO;
using System.Text;
using DockerTls.Core;
using DockerTls.Core.Client;
using DockerTls.Core.Json;
using Xunit;

namespace DockerTls.Core.Tests.Client;

public class DockerContextStoreTests : IClassFixture<TestCertificates>
{
    private readonly TestCertificates certs;

    public DockerContextStoreTests(TestCertificates certs) => this.certs = certs;

    [Fact]
    public void ContextIdIsTheSha256OfTheName()
    {
        Assert.Equal("6754af9632a2745e85c293e5aac0863370d9bd3330b9938c00cadfd215227d77", DockerContextStore.ContextId("prod"));
    }

    [Theory]
    [InlineData("prod")]
    [InlineData("p1")]
    [InlineData("my_ctx.v2+x-y")]
    [InlineData("0abc")]
    public void AcceptsDockerNames(string name) => DockerContextStore.ValidateName(name);

    [Theory]
    [InlineData("default")]
    [InlineData("a")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("-prod")]
    [InlineData("_prod")]
    [InlineData("pr od")]
    [InlineData("prod/x")]
    [InlineData("pröd")]
    [InlineData("prod\n")]
    public void RejectsOtherNames(string? name)
    {
        var error = Assert.Throws<DockerTlsException>(() => DockerContextStore.ValidateName(name));
        Assert.Equal("InvalidContextName", error.ErrorId);
    }

    [Fact]
    public void MetadataJsonIsWhatTheCliWrites()
    {
        Assert.Equal(
            "{\"Name\":\"prod\",\"Metadata\":{\"Description\":\"my desc\"},\"Endpoints\":{\"docker\":{\"Host\":\"tcp://h:2376\",\"SkipTLSVerify\":false}}}",
            DockerContextStore.MetadataJson("prod", "my desc", "tcp://h:2376"));
    }

    [Fact]
    public void CreateWritesTheStoreLayoutWithDockerModes()
    {
        var config = certs.NewFolder("store");
        var store = new DockerContextStore(config);
        var context = store.Create("prod", ClientHostAddress.Parse("h"), certs.Good, "my desc", overwrite: false, use: false);
        var id = DockerContextStore.ContextId("prod");
        var meta = Path.Combine(config, "contexts", "meta", id, "meta.json");
        Assert.Equal(DockerContextStore.MetadataJson("prod", "my desc", "tcp://h:2376"), File.ReadAllText(meta));
        var tls = Path.Combine(config, "contexts", "tls", id, "docker");
        foreach (var file in new[] { "ca.pem", "cert.pem", "key.pem" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(certs.Good, file)), File.ReadAllBytes(Path.Combine(tls, file)));
            if (!System.OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tls, file)));
            }
        }

        if (!System.OperatingSystem.IsWindows())
        {
            var rwx = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            var rx = UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            Assert.Equal(rwx | rx, File.GetUnixFileMode(Path.GetDirectoryName(meta)!));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(meta));
            Assert.Equal(rwx, File.GetUnixFileMode(tls));
            Assert.Equal(rwx, File.GetUnixFileMode(Path.GetDirectoryName(tls)!));
            Assert.Equal(rwx, File.GetUnixFileMode(Path.Combine(config, "contexts", "tls")));
            Assert.Equal(rwx, File.GetUnixFileMode(config));
            Assert.Equal(rwx | rx, File.GetUnixFileMode(Path.Combine(config, "contexts")));
        }

        Assert.False(context.Current);
        Assert.False(File.Exists(Path.Combine(config, "config.json")));
        Assert.Equal(new[] { "prod" }, store.ListNames());
        Assert.True(store.Exists("prod"));
    }

    [Fact]
    public void AnExistingContextNeedsForce()
    {
        var config = certs.NewFolder("exists");
        var store = new DockerContextStore(config);
        store.Create("prod", ClientHostAddress.Parse("h"), certs.Good, null, false, false);
        var meta = Path.Combine(store.MetadataFolder("prod"), "meta.json");
        var before = File.ReadAllText(meta);
        var error = Assert.Throws<DockerTlsException>(() => store.Create("prod", ClientHostAddress.Parse("other"), certs.Good, null, false, false));
        Assert.Equal("ContextExists", error.ErrorId);
        Assert.Equal(before, File.ReadAllText(meta));

        store.Create("prod", ClientHostAddress.Parse("other"), certs.Good, null, true, false);
        Assert.Contains("tcp://other:2376", File.ReadAllText(meta));
    }

    [Fact]
    public void UseSetsCurrentContextKeepingOtherKeys()
    {
        var config = certs.NewFolder("use");
        Directory.CreateDirectory(config);
        var configJson = Path.Combine(config, "config.json");
        File.WriteAllText(configJson, "{\"auths\":{\"r.example\":{\"auth\":\"eA==\"}},\"currentContext\":\"old\",\"credsStore\":\"pass\",\"n\":1.50}");
        var store = new DockerContextStore(config);
        var context = store.Create("prod", ClientHostAddress.Parse("h"), certs.Good, null, false, true);
        Assert.True(context.Current);
        var written = (JsonObject)JsonText.Parse(File.ReadAllText(configJson));
        Assert.Equal("prod", ((JsonString)written["currentContext"]!).Value);
        Assert.Equal("pass", ((JsonString)written["credsStore"]!).Value);
        Assert.Equal("1.50", ((JsonNumber)written["n"]!).Raw);
        Assert.Equal("eA==", ((JsonString)((JsonObject)((JsonObject)written["auths"]!)["r.example"]!)["auth"]!).Value);
        Assert.Equal("prod", store.SelectedContext(null));
        Assert.Equal("env", store.SelectedContext("env"));
    }

    [Fact]
    public void BadConfigJsonStopsUseBeforeAnythingIsWritten()
    {
        var config = certs.NewFolder("badjson");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "config.json"), "{\"auths\": {,}");
        var store = new DockerContextStore(config);
        var error = Assert.Throws<DockerTlsException>(() => store.Create("prod", ClientHostAddress.Parse("h"), certs.Good, null, false, true));
        Assert.Equal("DockerConfigInvalidJson", error.ErrorId);
        Assert.False(Directory.Exists(Path.Combine(config, "contexts")));
        Assert.Null(store.SelectedContext(null));
    }

    [Fact]
    public void AConfigJsonThatIsNotUtf8StopsUseAndKeepsItsBytes()
    {
        // A Latin-1 'é' (0xE9) in a value on line 3: rewritten, it would come back as U+FFFD.
        var config = certs.NewFolder("latin1");
        Directory.CreateDirectory(config);
        var configJson = Path.Combine(config, "config.json");
        var bytes = Encoding.Latin1.GetBytes("{\n  \"auths\": {},\n  \"detachKeys\": \"ctrl-\u00e9\"\n}\n");
        File.WriteAllBytes(configJson, bytes);
        var store = new DockerContextStore(config);
        var error = Assert.Throws<DockerTlsException>(() => store.Create("prod", ClientHostAddress.Parse("h"), certs.Good, null, false, true));
        Assert.Equal("FileNotUtf8", error.ErrorId);
        Assert.Contains($"'{configJson}' is not valid UTF-8: byte 0xE9 on line 3, column 23", error.Message);
        Assert.Equal(bytes, File.ReadAllBytes(configJson));
        Assert.False(Directory.Exists(Path.Combine(config, "contexts")));
    }

    [Fact]
    public void BadCertificatesOrNamesWriteNothing()
    {
        var config = certs.NewFolder("badcert");
        var store = new DockerContextStore(config);
        Assert.Equal("EncryptedKey", Assert.Throws<DockerTlsException>(() => store.Create("prod", ClientHostAddress.Parse("h"), certs.Encrypted, null, false, false)).ErrorId);
        Assert.Equal("InvalidContextName", Assert.Throws<DockerTlsException>(() => store.Create("default", ClientHostAddress.Parse("h"), certs.Good, null, false, false)).ErrorId);
        Assert.False(Directory.Exists(config));
        Assert.Empty(store.ListNames());
    }
}
