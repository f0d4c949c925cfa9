namespace DockerTls.Core.Json;

/// <summary>JSON <c>true</c> or <c>false</c>.</summary>
public sealed class JsonBool : JsonNode
{
    /// <summary>Creates a boolean node.</summary>
    public JsonBool(bool value)
    {
        Value = value;
    }

    /// <summary>The boolean.</summary>
    public bool Value { get; }

    /// <inheritdoc />
    public override JsonNode DeepClone() => new JsonBool(Value);
}
