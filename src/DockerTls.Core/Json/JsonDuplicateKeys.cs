namespace DockerTls.Core.Json;

/// <summary>What <see cref="JsonText.Parse(string, JsonDuplicateKeys)"/> does with a key that appears twice in one object.</summary>
public enum JsonDuplicateKeys
{
    /// <summary>Refuse the text (RFC 8259 says names SHOULD be unique): the default, for JSON this module owns.</summary>
    Refuse,

    /// <summary>
    /// Keep the last value, at the place of the first key, as Go's encoding/json does (https://pkg.go.dev/encoding/json#Unmarshal):
    /// for files that the docker CLI or dockerd own and read that way (config.json, a context's meta.json, daemon.json).
    /// </summary>
    LastWins,
}
