using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.Daemon;
using DockerTls.Core.Json;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

public class DaemonConfigFileTests
{
    private const string Existing =
        "{\n" +
        "  \"data-root\": \"/srv/docker\",\n" +
        "  \"hosts\": [\n" +
        "    \"unix:///var/run/docker.sock\"\n" +
        "  ],\n" +
        "  \"log-opts\": {\n" +
        "    \"max-size\": \"10m\"\n" +
        "  },\n" +
        "  \"tls\": false,\n" +
        "  \"storage-driver\": \"overlay2\"\n" +
        "}\n";

    private static DaemonTlsSettings Settings() =>
        new("/etc/docker/ca.pem", "/etc/docker/server-cert.pem", "/etc/docker/server-key.pem", new[] { "unix:///var/run/docker.sock", "tcp://0.0.0.0:2376" });

    private static DaemonConfigFile Parse(string text) => DaemonConfigFile.Parse("/etc/docker/daemon.json", Encoding.UTF8.GetBytes(text));

    [Fact]
    public void MergeKeepsOtherKeysInPlaceAndAppendsTlsKeys()
    {
        var merged = Parse(Existing).Merge(Settings());
        Assert.Equal(new[] { "data-root", "hosts", "log-opts", "tls", "storage-driver", "tlsverify", "tlscacert", "tlscert", "tlskey" }, merged.Keys);
        var text = Encoding.UTF8.GetString(DaemonConfigFile.Serialize(merged));
        Assert.Equal(
            "{\n" +
            "  \"data-root\": \"/srv/docker\",\n" +
            "  \"hosts\": [\n" +
            "    \"unix:///var/run/docker.sock\",\n" +
            "    \"tcp://0.0.0.0:2376\"\n" +
            "  ],\n" +
            "  \"log-opts\": {\n" +
            "    \"max-size\": \"10m\"\n" +
            "  },\n" +
            "  \"tls\": true,\n" +
            "  \"storage-driver\": \"overlay2\",\n" +
            "  \"tlsverify\": true,\n" +
            "  \"tlscacert\": \"/etc/docker/ca.pem\",\n" +
            "  \"tlscert\": \"/etc/docker/server-cert.pem\",\n" +
            "  \"tlskey\": \"/etc/docker/server-key.pem\"\n" +
            "}\n", text);
    }

    [Fact]
    public void MergeOfEmptyConfigWritesTheSeedsLayout()
    {
        var merged = Parse("").Merge(Settings());
        Assert.Equal(new[] { "tlsverify", "tlscacert", "tlscert", "tlskey", "hosts" }, merged.Keys);
    }

    [Fact]
    public void SerializeWritesNoBom()
    {
        var bytes = DaemonConfigFile.Serialize(new JsonObject { ["a"] = new JsonString("é") });
        Assert.Equal((byte)'{', bytes[0]);
        Assert.Equal("{\n  \"a\": \"é\"\n}\n", new UTF8Encoding(false).GetString(bytes));
    }

    [Fact]
    public void MergeDoesNotChangeTheLoadedConfig()
    {
        var file = Parse(Existing);
        file.Merge(Settings());
        Assert.False(file.Root.ContainsKey("tlsverify"));
    }

    [Fact]
    public void ReadsTheSettings()
    {
        var file = Parse("{\"tls\": true, \"tlscert\": \"/c\", \"hosts\": [\"fd://\"], \"live-restore\": true}");
        Assert.Equal(TlsMode.TlsVerify, file.TlsMode);
        Assert.Equal("/c", file.TlsCert);
        Assert.Null(file.TlsKey);
        Assert.Equal(new[] { "fd://" }, file.Hosts);
        Assert.True(file.LiveRestore);
    }

    [Fact]
    public void BomIsRefusedWithTheReason()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("{}")).ToArray();
        var ex = Assert.Throws<DockerTlsException>(() => DaemonConfigFile.Parse("/d.json", bytes));
        Assert.Equal("DaemonConfigInvalidJson", ex.ErrorId);
        Assert.Contains("byte-order mark", ex.Message);
        Assert.Contains("before 23.0", ex.Message);
        Assert.True(DaemonConfigFile.Parse("/d.json", bytes, allowByteOrderMark: true).HasByteOrderMark);
    }

    [Theory]
    [InlineData("{\n  \"debug\": true,\n}\n", "line 2, column 16: trailing comma before '}'")]
    [InlineData("{\n  // comment\n  \"debug\": true\n}\n", "line 2, column 3: comments are not allowed")]
    [InlineData("{\n  'debug': true\n}\n", "line 2, column 3: single quotes")]
    [InlineData("[]", "not an object")]
    [InlineData("{\n  \"a\": 1,\n  \"hosts\": \"tcp://0.0.0.0:2376\"\n}", "line 3: \"hosts\" must be an array of strings")]
    [InlineData("{\n  \"hosts\": [1]\n}", "line 2: \"hosts\" must be an array of strings, but it holds a number")]
    [InlineData("{\"tlsverify\": \"true\"}", "\"tlsverify\" must be true or false")]
    [InlineData("{\"tlscert\": 5}", "\"tlscert\" must be a path in a string")]
    public void InvalidJsonNamesTheLine(string text, string expected)
    {
        var ex = Assert.Throws<DockerTlsException>(() => Parse(text));
        Assert.Equal("DaemonConfigInvalidJson", ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Contains(expected, ex.Message);
        Assert.Contains("left unchanged", ex.Message);
    }

    [Fact]
    public void InvalidUtf8AndUtf16AreRefused()
    {
        Assert.Equal("DaemonConfigInvalidJson", Assert.Throws<DockerTlsException>(() => DaemonConfigFile.Parse("/d", new byte[] { (byte)'"', 0xC3, (byte)'"' })).ErrorId);
        var latin1 = Encoding.Latin1.GetBytes("{\n  \"debug\": true,\n  \"labels\": [\"caf\u00e9\"]\n}\n");
        var error = Assert.Throws<DockerTlsException>(() => DaemonConfigFile.Parse("/etc/docker/daemon.json", latin1));
        Assert.Equal("DaemonConfigInvalidJson", error.ErrorId);
        Assert.Contains("'/etc/docker/daemon.json' is not valid UTF-8: byte 0xE9 on line 3, column 18", error.Message);
        Assert.Contains("UTF-16", Assert.Throws<DockerTlsException>(() => DaemonConfigFile.Parse("/d", new byte[] { 0xFF, 0xFE, (byte)'{', 0 })).Message);
    }

    [Fact]
    public void MissingFileIsAnEmptyConfig()
    {
        using var temp = new TempFolder();
        var file = DaemonConfigFile.Load(LocalDaemonHost.Current, temp.Combine("daemon.json"));
        Assert.False(file.Exists);
        Assert.Equal(0, file.Root.Count);
        Assert.Equal(TlsMode.None, file.TlsMode);
    }

    [Fact]
    public void BlankFileIsAnEmptyConfigLikeDockerd()
    {
        var file = Parse("  \n");
        Assert.True(file.Exists);
        Assert.Equal(0, file.Root.Count);
    }

    [Fact]
    public void AFolderIsRefused()
    {
        using var temp = new TempFolder();
        Assert.Equal("DaemonConfigInvalidJson", Assert.Throws<DockerTlsException>(() => DaemonConfigFile.Load(LocalDaemonHost.Current, temp.Path)).ErrorId);
    }

    [Fact]
    public void LoadKeepsTheOriginalBytes()
    {
        using var temp = new TempFolder();
        var path = temp.Write("daemon.json", Existing);
        Assert.Equal(File.ReadAllBytes(path), DaemonConfigFile.Load(LocalDaemonHost.Current, path).OriginalBytes);
    }
}
