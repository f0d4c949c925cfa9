using System.Collections.Generic;
using System.Linq;
using DockerTls.Core.Json;
using Xunit;

namespace DockerTls.Core.Tests.Json;

public class JsonObjectTests
{
    [Fact]
    public void SetKeepsPositionOfExistingKeyAndAppendsNewOnes()
    {
        var obj = (JsonObject)JsonText.Parse("{\"a\":1,\"hosts\":[],\"b\":2}");
        obj["hosts"] = new JsonArray { "tcp://0.0.0.0:2376" };
        obj["tlsverify"] = new JsonBool(true);
        Assert.Equal(new[] { "a", "hosts", "b", "tlsverify" }, obj.Members.Select(m => m.Key));
        Assert.Equal("{\"a\":1,\"hosts\":[\"tcp://0.0.0.0:2376\"],\"b\":2,\"tlsverify\":true}", JsonText.Write(obj, false));
    }

    [Fact]
    public void RemoveKeepsOrderOfTheRest()
    {
        var obj = (JsonObject)JsonText.Parse("{\"a\":1,\"b\":2,\"c\":3}");
        Assert.True(obj.Remove("b"));
        Assert.False(obj.Remove("b"));
        Assert.False(obj.ContainsKey("b"));
        Assert.Equal(2, obj.Count);
        obj["b"] = new JsonNumber(4);
        obj["a"] = new JsonNumber(5);
        Assert.Equal("{\"a\":5,\"c\":3,\"b\":4}", obj.ToString());
    }

    [Fact]
    public void SettingNullStoresJsonNull()
    {
        var obj = new JsonObject { ["x"] = null };
        Assert.IsType<JsonNull>(obj["x"]);
        Assert.Equal("{\"x\":null}", obj.ToString());
    }

    [Fact]
    public void KeysAreCaseSensitive()
    {
        var obj = (JsonObject)JsonText.Parse("{\"Hosts\":1,\"hosts\":2}");
        Assert.Equal(2, obj.Count);
        Assert.Equal("1", ((JsonNumber)obj["Hosts"]!).Raw);
    }

    [Fact]
    public void DeepCloneIsIndependent()
    {
        var obj = (JsonObject)JsonText.Parse("{\"o\":{\"k\":[1]}}");
        var copy = (JsonObject)obj.DeepClone();
        ((JsonArray)((JsonObject)copy["o"]!)["k"]!).Add(new JsonNumber(2));
        Assert.Equal("{\"o\":{\"k\":[1]}}", obj.ToString());
        Assert.Equal("{\"o\":{\"k\":[1,2]}}", copy.ToString());
    }

    [Fact]
    public void ArrayIsAList()
    {
        var array = new JsonArray(new JsonNode?[] { new JsonString("a"), null });
        Assert.Equal(2, array.Count);
        Assert.IsType<JsonNull>(array[1]);
        array.Insert(0, new JsonBool(true));
        array.RemoveAt(2);
        Assert.Equal("[true,\"a\"]", array.ToString());
        IList<JsonNode> list = array;
        Assert.Equal(2, list.Count);
    }
}
