using System;

namespace DockerTls.Core.Json;

/// <summary>A JSON string.</summary>
public sealed class JsonString : JsonNode
{
    /// <summary>Creates a string node.</summary>
    public JsonString(string value)
    {
        Value = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The string, unescaped.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override JsonNode DeepClone() => new JsonString(Value);
}
