using System;
using System.Collections.Generic;

namespace DockerTls.Core.Json;

/// <summary>
/// A JSON object whose members keep their order: setting an existing key keeps its position, a new key is appended.
/// Keys are compared ordinally (case-sensitive), as JSON and dockerd do.
/// </summary>
public sealed class JsonObject : JsonNode
{
    private readonly List<KeyValuePair<string, JsonNode>> members = new();
    private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);

    /// <summary>The number of members.</summary>
    public int Count => members.Count;

    /// <summary>The members in document order.</summary>
    public IEnumerable<KeyValuePair<string, JsonNode>> Members => members;

    /// <summary>The keys in document order.</summary>
    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var member in members)
            {
                yield return member.Key;
            }
        }
    }

    /// <summary>
    /// Gets a member's value, or null when the key is absent. Setting keeps the position of an existing key and
    /// appends a new one; setting null stores <see cref="JsonNull"/> (use <see cref="Remove"/> to delete).
    /// </summary>
    public JsonNode? this[string key]
    {
        get => index.TryGetValue(key, out var i) ? members[i].Value : null;
        set
        {
            if (key is null)
            {
                throw new ArgumentNullException(nameof(key));
            }

            var node = value ?? new JsonNull();
            if (index.TryGetValue(key, out var i))
            {
                members[i] = new KeyValuePair<string, JsonNode>(key, node);
            }
            else
            {
                index[key] = members.Count;
                members.Add(new KeyValuePair<string, JsonNode>(key, node));
            }
        }
    }

    /// <summary>Whether the object has this key.</summary>
    public bool ContainsKey(string key) => index.ContainsKey(key);

    /// <summary>Gets a member's value when the key is present.</summary>
    public bool TryGetValue(string key, out JsonNode value)
    {
        if (index.TryGetValue(key, out var i))
        {
            value = members[i].Value;
            return true;
        }

        value = null!;
        return false;
    }

    /// <summary>Removes a member; the others keep their order. False when the key was absent.</summary>
    public bool Remove(string key)
    {
        if (!index.TryGetValue(key, out var i))
        {
            return false;
        }

        members.RemoveAt(i);
        index.Remove(key);
        for (var j = i; j < members.Count; j++)
        {
            index[members[j].Key] = j;
        }

        return true;
    }

    /// <inheritdoc />
    public override JsonNode DeepClone()
    {
        var copy = new JsonObject();
        foreach (var member in members)
        {
            copy[member.Key] = member.Value.DeepClone();
        }

        return copy;
    }
}
