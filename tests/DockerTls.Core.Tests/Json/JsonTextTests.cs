using System.Linq;
using DockerTls.Core.Json;
using Xunit;

namespace DockerTls.Core.Tests.Json;

public class JsonTextTests
{
    private const string TypicalDaemonJson =
        "{\n" +
        "  \"data-root\": \"/var/lib/docker\",\n" +
        "  \"storage-driver\": \"overlay2\",\n" +
        "  \"log-driver\": \"json-file\",\n" +
        "  \"log-opts\": {\n" +
        "    \"max-size\": \"10m\",\n" +
        "    \"max-file\": \"3\"\n" +
        "  },\n" +
        "  \"live-restore\": true,\n" +
        "  \"debug\": false,\n" +
        "  \"max-concurrent-downloads\": 3,\n" +
        "  \"default-shm-size\": 6.50e1,\n" +
        "  \"registry-mirrors\": [],\n" +
        "  \"default-ulimits\": {},\n" +
        "  \"cgroup-parent\": null,\n" +
        "  \"labels\": [\n" +
        "    \"env=prod\",\n" +
        "    \"owner=Zoë \\\"ops\\\" \\\\ team\"\n" +
        "  ],\n" +
        "  \"hosts\": [\n" +
        "    \"unix:///var/run/docker.sock\",\n" +
        "    \"tcp://0.0.0.0:2376\"\n" +
        "  ]\n" +
        "}\n";

    [Fact]
    public void TypicalDaemonJsonRoundTripsByteForByte()
    {
        var node = JsonText.Parse(TypicalDaemonJson);
        Assert.Equal(TypicalDaemonJson, JsonText.Write(node));
    }

    [Fact]
    public void ParseKeepsMemberOrderAndValues()
    {
        var obj = Assert.IsType<JsonObject>(JsonText.Parse(TypicalDaemonJson));
        Assert.Equal(
            new[] { "data-root", "storage-driver", "log-driver", "log-opts", "live-restore", "debug", "max-concurrent-downloads", "default-shm-size", "registry-mirrors", "default-ulimits", "cgroup-parent", "labels", "hosts" },
            obj.Members.Select(m => m.Key));
        Assert.Equal("overlay2", Assert.IsType<JsonString>(obj["storage-driver"]).Value);
        Assert.True(Assert.IsType<JsonBool>(obj["live-restore"]).Value);
        Assert.Equal("6.50e1", Assert.IsType<JsonNumber>(obj["default-shm-size"]).Raw);
        Assert.IsType<JsonNull>(obj["cgroup-parent"]);
        Assert.Equal("owner=Zoë \"ops\" \\ team", Assert.IsType<JsonString>(Assert.IsType<JsonArray>(obj["labels"])[1]).Value);
        Assert.Null(obj["absent"]);
    }

    [Fact]
    public void CompactWriteHasNoWhitespace()
    {
        var obj = new JsonObject
        {
            ["Name"] = new JsonString("prod"),
            ["Metadata"] = new JsonObject { ["Description"] = new JsonString("") },
            ["Endpoints"] = new JsonObject
            {
                ["docker"] = new JsonObject { ["Host"] = new JsonString("tcp://h:2376"), ["SkipTLSVerify"] = new JsonBool(false) },
            },
        };
        Assert.Equal(
            "{\"Name\":\"prod\",\"Metadata\":{\"Description\":\"\"},\"Endpoints\":{\"docker\":{\"Host\":\"tcp://h:2376\",\"SkipTLSVerify\":false}}}",
            JsonText.Write(obj, indented: false));
        Assert.Equal("{\"a\":[1,2]}", JsonText.Write(new JsonObject { ["a"] = new JsonArray { new JsonNumber(1), new JsonNumber(2) } }, false));
    }

    [Fact]
    public void WriteEscapesControlCharactersAndKeepsNonAscii()
    {
        var s = new JsonString("a\"b\\c\n\r\t\b\f\u0001\u001f\u007f é 中 😀 </>");
        Assert.Equal("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\u007f é 中 😀 </>\"", JsonText.Write(s, false));
        Assert.Equal(s.Value, Assert.IsType<JsonString>(JsonText.Parse(JsonText.Write(s, false))).Value);
    }

    [Fact]
    public void WriteEscapesLoneSurrogates()
    {
        var parsed = Assert.IsType<JsonString>(JsonText.Parse("\"\\ud800x\""));
        Assert.Equal("\"\\ud800x\"", JsonText.Write(parsed, false));
    }

    [Fact]
    public void ParseUnescapesEscapes()
    {
        var s = Assert.IsType<JsonString>(JsonText.Parse("\"\\u00e9\\/\\ud83d\\ude00\\\"\""));
        Assert.Equal("é/😀\"", s.Value);
    }

    [Fact]
    public void IndentedWriteOfEmptyContainersAndScalarsEndsWithNewline()
    {
        Assert.Equal("{}\n", JsonText.Write(new JsonObject()));
        Assert.Equal("[]\n", JsonText.Write(new JsonArray()));
        Assert.Equal("true\n", JsonText.Write(new JsonBool(true)));
        Assert.Equal("{\n  \"a\": [\n    {}\n  ]\n}\n", JsonText.Write(new JsonObject { ["a"] = new JsonArray { new JsonObject() } }));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("2376")]
    [InlineData("-1.5e+3")]
    [InlineData("1E-7")]
    [InlineData("12345678901234567890123456789")]
    [InlineData("0.10")]
    public void NumbersRoundTripExactly(string raw)
    {
        Assert.Equal(raw, JsonText.Write(JsonText.Parse(raw), false));
    }

    [Fact]
    public void NumberHelpers()
    {
        Assert.True(new JsonNumber("2376").TryGetInt64(out var v));
        Assert.Equal(2376, v);
        Assert.False(new JsonNumber("1.5").TryGetInt64(out _));
        Assert.Equal(1.5, new JsonNumber("1.5").ToDouble());
        Assert.Equal("0.1", new JsonNumber(0.1).Raw);
        Assert.Throws<System.FormatException>(() => new JsonNumber("01"));
    }

    [Fact]
    public void LastDuplicateWinsAtThePlaceOfTheFirstAsGoReadsIt()
    {
        var text = "{\"currentContext\": \"a\", \"auths\": {\"x\": 1, \"x\": 2}, \"currentContext\": \"b\", \"psFormat\": \"t\"}";
        var root = (JsonObject)JsonText.Parse(text, JsonDuplicateKeys.LastWins);
        Assert.Equal(new[] { "currentContext", "auths", "psFormat" }, root.Keys.ToArray());
        Assert.Equal("b", ((JsonString)root["currentContext"]!).Value);
        Assert.Equal("2", ((JsonNumber)((JsonObject)root["auths"]!)["x"]!).Raw);
        Assert.Equal("{\"currentContext\":\"b\",\"auths\":{\"x\":2},\"psFormat\":\"t\"}", JsonText.Write(root, indented: false));
    }

    [Fact]
    public void DuplicatesAreStillRefusedByDefault()
    {
        var e = Assert.Throws<JsonParseException>(() => JsonText.Parse("{\"a\": 1, \"a\": 2}"));
        Assert.Contains("duplicate key", e.Message);
    }

    [Theory]
    [InlineData("\uFEFF{}", 1, 1, "byte-order mark")]
    [InlineData("{\n  \"a\": 1, // why\n}", 2, 11, "comments are not allowed")]
    [InlineData("{\n  /* c */ \"a\": 1\n}", 2, 3, "comments are not allowed")]
    [InlineData("{\n  \"log-opts\": {\n    \"max-size\": \"10m\",\n  }\n}", 3, 22, "trailing comma before '}'")]
    [InlineData("{\n  \"hosts\": [\n    \"a\",\n  ]\n}", 3, 8, "trailing comma before ']'")]
    [InlineData("{\n  \"debug\": true,\n\n\n}", 2, 16, "trailing comma before '}'")]
    [InlineData("[1,\n\t]", 1, 3, "trailing comma before ']'")]
    [InlineData("{\n  'debug': true\n}", 2, 3, "single quotes")]
    [InlineData("{\n  \"debug\": 'yes'\n}", 2, 12, "single quotes")]
    [InlineData("{\n  \"debug\": true,\n  \"debug\": false\n}", 3, 3, "duplicate key \"debug\"")]
    [InlineData("{}\n}", 2, 1, "unexpected '}' after the JSON value")]
    [InlineData("{} x", 1, 4, "after the JSON value")]
    [InlineData("", 1, 1, "empty")]
    [InlineData("  \n ", 2, 2, "empty")]
    [InlineData("{\n  \"a\": 01\n}", 2, 8, "invalid number")]
    [InlineData("{\"a\": +1}", 1, 7, "unexpected '+'")]
    [InlineData("{\"a\": .5}", 1, 7, "unexpected '.'")]
    [InlineData("{\"a\": 1.}", 1, 7, "invalid number")]
    [InlineData("{\"a\": True}", 1, 7, "lower case")]
    [InlineData("{\"a\": \"x\ty\"}", 1, 9, "U+0009 inside a string must be escaped")]
    [InlineData("{\"a\": \"\\x\"}", 1, 8, "invalid escape")]
    [InlineData("{\"a\": \"\\u12g4\"}", 1, 8, "invalid \\u escape")]
    [InlineData("{\"a\": \"open}", 1, 7, "not closed")]
    [InlineData("{\"a\" 1}", 1, 6, "expected ':'")]
    [InlineData("{\"a\": 1 \"b\": 2}", 1, 9, "expected ','")]
    [InlineData("{a: 1}", 1, 2, "expected a key in double quotes")]
    [InlineData("[1, 2", 1, 6, "unexpected end of text")]
    [InlineData("{\"a\": 1", 1, 8, "unexpected end of text")]
    [InlineData("{\r\n  \"a\": 1,\r\n}", 2, 9, "trailing comma before '}'")]
    [InlineData("[NaN]", 1, 2, "unexpected 'N'")]
    public void RejectsNonStrictJsonWithLineAndColumn(string text, int line, int column, string reason)
    {
        var ex = Assert.Throws<JsonParseException>(() => JsonText.Parse(text));
        Assert.Equal(line, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.Contains(reason, ex.Message);
        Assert.StartsWith($"line {line}, column {column}: ", ex.Message);
    }

    [Fact]
    public void RejectsDeepNesting()
    {
        var text = new string('[', 300) + new string(']', 300);
        var ex = Assert.Throws<JsonParseException>(() => JsonText.Parse(text));
        Assert.Contains("nesting", ex.Message);
    }

    [Fact]
    public void AcceptsAnyScalarAtTopLevelAndSurroundingWhitespace()
    {
        Assert.Equal("x", Assert.IsType<JsonString>(JsonText.Parse(" \t\r\n\"x\" \n")).Value);
        Assert.IsType<JsonNull>(JsonText.Parse("null"));
    }
}
