using System;
using System.Collections;
using System.Collections.Generic;

namespace DockerTls.Core.Json;

/// <summary>A JSON array. A null item is stored as <see cref="JsonNull"/>.</summary>
public sealed class JsonArray : JsonNode, IList<JsonNode>
{
    private readonly List<JsonNode> items = new();

    /// <summary>Creates an empty array.</summary>
    public JsonArray()
    {
    }

    /// <summary>Creates an array holding these items, in order.</summary>
    public JsonArray(IEnumerable<JsonNode?> items)
    {
        foreach (var item in items)
        {
            Add(item!);
        }
    }

    /// <inheritdoc />
    public int Count => items.Count;

    /// <inheritdoc />
    public bool IsReadOnly => false;

    /// <inheritdoc />
    public JsonNode this[int index]
    {
        get => items[index];
        set => items[index] = value ?? new JsonNull();
    }

    /// <inheritdoc />
    public void Add(JsonNode item) => items.Add(item ?? new JsonNull());

    /// <summary>Adds a string item.</summary>
    public void Add(string value) => items.Add(new JsonString(value));

    /// <inheritdoc />
    public void Insert(int index, JsonNode item) => items.Insert(index, item ?? new JsonNull());

    /// <inheritdoc />
    public void RemoveAt(int index) => items.RemoveAt(index);

    /// <inheritdoc />
    public bool Remove(JsonNode item) => items.Remove(item);

    /// <inheritdoc />
    public void Clear() => items.Clear();

    /// <inheritdoc />
    public bool Contains(JsonNode item) => items.Contains(item);

    /// <inheritdoc />
    public int IndexOf(JsonNode item) => items.IndexOf(item);

    /// <inheritdoc />
    public void CopyTo(JsonNode[] array, int arrayIndex) => items.CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public IEnumerator<JsonNode> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => items.GetEnumerator();

    /// <inheritdoc />
    public override JsonNode DeepClone()
    {
        var copy = new JsonArray();
        foreach (var item in items)
        {
            copy.items.Add(item.DeepClone());
        }

        return copy;
    }
}
