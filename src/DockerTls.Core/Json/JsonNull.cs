namespace DockerTls.Core.Json;

/// <summary>JSON <c>null</c>.</summary>
public sealed class JsonNull : JsonNode
{
    /// <summary>A shared instance; any instance means the same.</summary>
    public static JsonNull Instance { get; } = new JsonNull();

    /// <inheritdoc />
    public override JsonNode DeepClone() => new JsonNull();
}
