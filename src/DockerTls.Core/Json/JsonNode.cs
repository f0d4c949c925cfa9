namespace DockerTls.Core.Json;

/// <summary>
/// A value in a JSON document: <see cref="JsonObject"/>, <see cref="JsonArray"/>, <see cref="JsonString"/>,
/// <see cref="JsonNumber"/>, <see cref="JsonBool"/> or <see cref="JsonNull"/>.
/// </summary>
/// <remarks>
/// Core carries its own small DOM because netstandard2.0 has no System.Text.Json, and shipping one into both
/// Windows PowerShell 5.1 and PowerShell 7 causes assembly version conflicts.
/// </remarks>
public abstract class JsonNode
{
    private protected JsonNode()
    {
    }

    /// <summary>A copy of this node and everything below it.</summary>
    public abstract JsonNode DeepClone();

    /// <summary>The node as compact JSON text, e.g. <c>{"a":1}</c>.</summary>
    public override string ToString() => JsonText.Write(this, indented: false);
}
