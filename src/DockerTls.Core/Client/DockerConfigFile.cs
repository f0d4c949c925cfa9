using System;
using System.IO;
using System.Text;
using DockerTls.Core.IO;
using DockerTls.Core.Json;

namespace DockerTls.Core.Client;

/// <summary>
/// The docker CLI's <c>config.json</c> in the config folder, as far as contexts need it: <c>currentContext</c>.
/// Changing it keeps every other key (auths, credential helpers, plugins) and their order.
/// </summary>
public sealed class DockerConfigFile
{
    /// <summary>The key that names the context <c>docker</c> uses when neither <c>--context</c> nor <c>DOCKER_CONTEXT</c> says.</summary>
    public const string CurrentContextKey = "currentContext";

    /// <summary>A config file in <paramref name="configFolder"/>.</summary>
    public DockerConfigFile(string configFolder)
    {
        Path = System.IO.Path.Combine(configFolder, "config.json");
    }

    /// <summary>The full path of <c>config.json</c>.</summary>
    public string Path { get; }

    /// <summary>
    /// The parsed file (an empty object when it does not exist or is empty). Invalid JSON or a non-object is the error
    /// <c>DockerConfigInvalidJson</c>, naming the line and column.
    /// </summary>
    public JsonObject Read()
    {
        // Strict UTF-8: a byte that is not (a Latin-1 0xE9) would come back as U+FFFD when the file is rewritten.
        var text = SafeFile.TryReadAllText(Path, SafeFile.DockerConfig);
        if (text is null || text.Trim().Length == 0)
        {
            return new JsonObject();
        }

        JsonNode node;
        try
        {
            node = JsonText.Parse(text.TrimStart('\uFEFF'), JsonDuplicateKeys.LastWins); // as the docker CLI (Go) reads it
        }
        catch (JsonParseException e)
        {
            throw new DockerTlsException(
                "DockerConfigInvalidJson",
                ErrorKind.InvalidData,
                $"'{Path}' is not valid JSON (line {e.Line}, column {e.Column}: {e.Reason}). Fix or remove it; nothing was changed.",
                Path,
                e);
        }

        if (node is not JsonObject config)
        {
            throw new DockerTlsException(
                "DockerConfigInvalidJson",
                ErrorKind.InvalidData,
                $"'{Path}' holds JSON but not an object. Fix or remove it; nothing was changed.",
                Path);
        }

        return config;
    }

    /// <summary>
    /// Whether a key of config.json is read as <c>currentContext</c>: Go's encoding/json matches a struct field's name
    /// case-insensitively (https://pkg.go.dev/encoding/json#Unmarshal), so <c>CurrentContext</c> is one too.
    /// </summary>
    private static bool IsCurrentContextKey(string key) => string.Equals(key, CurrentContextKey, StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>currentContext</c> value (the last key that Go reads as it), or null when unset, empty, or the file cannot be read.</summary>
    public string? TryGetCurrentContext()
    {
        try
        {
            JsonNode? current = null;
            foreach (var member in Read().Members)
            {
                if (IsCurrentContextKey(member.Key)) current = member.Value; // Go: the last match wins
            }

            return current is JsonString { Value.Length: > 0 } value ? value.Value : null;
        }
        catch (DockerTlsException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Plans the file with <c>currentContext</c> set to <paramref name="contextName"/> into <paramref name="transaction"/>,
    /// keeping its other keys, its owner, group and mode (0600 for a new file, as the CLI writes it).
    /// </summary>
    public void PlanSetCurrentContext(FileTransaction transaction, string contextName)
    {
        LinkedFile.Resolve(System.IO.Path.GetFullPath(Path)); // a dangling or hostile link is refused before it is read
        // Every spelling the CLI would read as currentContext becomes one key, where the first stood.
        var config = new JsonObject();
        var placed = false;
        foreach (var member in Read().Members)
        {
            if (!IsCurrentContextKey(member.Key)) config[member.Key] = member.Value;
            else if (!placed) (config[CurrentContextKey], placed) = (new JsonString(contextName), true);
        }

        if (!placed) config[CurrentContextKey] = new JsonString(contextName);
        transaction.AddRewrite(Path, new UTF8Encoding(false).GetBytes(JsonText.Write(config) + "\n"), FileModes.PrivateFile);
    }

    /// <summary>
    /// Plans the file without <c>currentContext</c> (every spelling the CLI reads as it), keeping its other keys, owner,
    /// group and mode: what <c>docker context rm -f</c> of the current context leaves, so that the CLI falls back to
    /// <c>DOCKER_HOST</c> or the default context.
    /// </summary>
    public void PlanClearCurrentContext(FileTransaction transaction)
    {
        LinkedFile.Resolve(System.IO.Path.GetFullPath(Path));
        var config = new JsonObject();
        foreach (var member in Read().Members)
        {
            if (!IsCurrentContextKey(member.Key)) config[member.Key] = member.Value;
        }

        transaction.AddRewrite(Path, new UTF8Encoding(false).GetBytes(JsonText.Write(config) + "\n"), FileModes.PrivateFile);
    }
}
