using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using DockerTls.Core.IO;
using DockerTls.Core.Json;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Daemon;

/// <summary>
/// A daemon.json read strictly, the way dockerd reads it, and the merge that sets the TLS keys and <c>hosts</c> while
/// every other key keeps its value and its place.
/// </summary>
public sealed class DaemonConfigFile
{
    private static readonly string[] BoolKeys = { "tls", "tlsverify", "live-restore" };
    private static readonly string[] StringKeys = { "tlscacert", "tlscert", "tlskey" };

    private DaemonConfigFile(string path, bool exists, byte[] originalBytes, JsonObject root, bool hasBom)
    {
        Path = path;
        Exists = exists;
        OriginalBytes = originalBytes;
        Root = root;
        HasByteOrderMark = hasBom;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>False when the file did not exist (it is then treated as <c>{}</c>).</summary>
    public bool Exists { get; }

    /// <summary>The bytes read, for the backup and for proving a file unchanged.</summary>
    public byte[] OriginalBytes { get; }

    /// <summary>The configuration; changes go to a copy (<see cref="Merge"/>).</summary>
    public JsonObject Root { get; }

    /// <summary>True when the file starts with a UTF-8 byte-order mark (only possible when read leniently).</summary>
    public bool HasByteOrderMark { get; }

    /// <summary>The <c>hosts</c> list, or an empty list.</summary>
    public IReadOnlyList<string> Hosts => GetHosts(Root);

    /// <summary>The effective TLS mode of the file (Engine 20.10 rules).</summary>
    public TlsMode TlsMode => TlsModes.Resolve(GetBool(Root, "tls"), GetBool(Root, "tlsverify"));

    /// <summary><c>tlscacert</c>, or null.</summary>
    public string? TlsCACert => GetString(Root, "tlscacert");

    /// <summary><c>tlscert</c>, or null.</summary>
    public string? TlsCert => GetString(Root, "tlscert");

    /// <summary><c>tlskey</c>, or null.</summary>
    public string? TlsKey => GetString(Root, "tlskey");

    /// <summary><c>live-restore</c>; false when absent (dockerd's default).</summary>
    public bool LiveRestore => GetBool(Root, "live-restore") ?? false;

    /// <summary>Reads a daemon.json from <paramref name="host"/>; a missing file is an empty configuration.</summary>
    /// <exception cref="DockerTlsException"><c>DaemonConfigInvalidJson</c> naming the line.</exception>
    public static DaemonConfigFile Load(IDaemonHost host, string path, bool allowByteOrderMark = false)
    {
        if (host.IsDirectory(path)) throw IsAFolder(path);
        return host.TryReadFile(path, SafeFile.DaemonConfig) is { } bytes ? Parse(path, bytes, allowByteOrderMark) : Missing(path);
    }

    /// <summary>The configuration of a daemon.json that does not exist: <c>{}</c>.</summary>
    public static DaemonConfigFile Missing(string path) => new(path, false, Array.Empty<byte>(), new JsonObject(), false);

    /// <summary>The error of a daemon.json path that is a folder.</summary>
    public static DockerTlsException IsAFolder(string path) =>
        new(DaemonErrorIds.DaemonConfigInvalidJson, ErrorKind.InvalidArgument, $"'{path}' is a folder; give the path of the daemon.json file.", path);

    /// <summary>Parses the bytes of a daemon.json read from <paramref name="path"/>.</summary>
    /// <exception cref="DockerTlsException"><c>DaemonConfigInvalidJson</c> naming the line.</exception>
    public static DaemonConfigFile Parse(string path, byte[] bytes, bool allowByteOrderMark = false) =>
        TryParse(path, bytes, allowByteOrderMark, out var fault)
        ?? throw new DockerTlsException(DaemonErrorIds.DaemonConfigInvalidJson, ErrorKind.InvalidData, fault!.Message + " The file was left unchanged.", path);

    /// <summary>
    /// Parses the bytes of a daemon.json as dockerd would; null with <paramref name="fault"/> (<c>DaemonConfigInvalidJson</c>,
    /// a sentence naming the line and the fix) when dockerd would not start with them.
    /// </summary>
    public static DaemonConfigFile? TryParse(string path, byte[] bytes, bool allowByteOrderMark, out DaemonConfigProblem? fault)
    {
        var sentence = FindFault(path, bytes, allowByteOrderMark, out var root);
        fault = sentence is null ? null : new DaemonConfigProblem(DaemonErrorIds.DaemonConfigInvalidJson, sentence, severity: FindingSeverity.Error, target: path);
        var hasBom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
        return sentence is null ? new DaemonConfigFile(path, true, bytes, root!, hasBom) : null;
    }

    private static string? FindFault(string path, byte[] bytes, bool allowByteOrderMark, out JsonObject? root)
    {
        root = null;
        var hasBom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
        if (hasBom && !allowByteOrderMark)
        {
            return $"'{path}' starts with a UTF-8 byte-order mark (BOM). Docker Engine before 23.0 refuses to start with it " +
                "(Windows PowerShell 5.1's Set-Content -Encoding UTF8 writes one). Save the file as UTF-8 without BOM and run again.";
        }

        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            return $"'{path}' is UTF-16; dockerd reads UTF-8 only and will not start with it. Save it as UTF-8 without BOM.";
        }

        if (!Utf8Text.TryDecode(bytes, hasBom ? 3 : 0, out var text, out var fault))
        {
            return $"'{path}' is not valid UTF-8: {fault}; dockerd will not start with it. Save it as UTF-8 without BOM.";
        }

        // dockerd treats an empty (or all-blank) file as no configuration.
        if (text.Trim().Length == 0)
        {
            root = new JsonObject();
            return null;
        }

        JsonNode node;
        try
        {
            node = JsonText.Parse(text, JsonDuplicateKeys.LastWins); // dockerd (Go's encoding/json) takes the last of a duplicate key
        }
        catch (JsonParseException e)
        {
            return $"'{path}' is not valid JSON: {e.Message}; dockerd will not start with it. Fix that line (or restore a backup).";
        }

        if (node is not JsonObject parsed)
        {
            return $"'{path}' holds a JSON {Describe(node)}, not an object, and dockerd will not start with it. daemon.json must be one object such as {{\"tlsverify\": true}}.";
        }

        var typeProblem = FindTypeProblem(parsed);
        if (typeProblem is not null)
        {
            return $"'{path}' line {LineOfKey(text, typeProblem.Value.Key)}: {typeProblem.Value.Problem} dockerd will not start with it. Correct that line.";
        }

        root = parsed;
        return null;
    }

    /// <summary>
    /// A copy of the configuration with <c>tlsverify: true</c>, <c>tlscacert</c>, <c>tlscert</c>, <c>tlskey</c> and
    /// <c>hosts</c> set (or <c>hosts</c> removed when the settings have none). Existing keys keep their place; new ones
    /// are appended in that order. A <c>tls</c> key, if present, becomes true. Every other key is untouched.
    /// </summary>
    public JsonObject Merge(DaemonTlsSettings settings)
    {
        var result = (JsonObject)Root.DeepClone();
        if (result.ContainsKey("tls"))
        {
            result["tls"] = new JsonBool(true);
        }

        result["tlsverify"] = new JsonBool(true);
        result["tlscacert"] = new JsonString(settings.CACertPath);
        result["tlscert"] = new JsonString(settings.CertPath);
        result["tlskey"] = new JsonString(settings.KeyPath);
        if (settings.Hosts is null)
        {
            result.Remove("hosts");
        }
        else
        {
            result["hosts"] = new JsonArray(settings.Hosts.Select(h => (JsonNode?)new JsonString(h)));
        }

        return result;
    }

    /// <summary>The bytes to write: two-space indented JSON, "\n" line ends, final newline, UTF-8 without BOM.</summary>
    public static byte[] Serialize(JsonObject root) => new UTF8Encoding(false).GetBytes(JsonText.Write(root, indented: true));

    /// <summary>The <c>hosts</c> of a configuration, or an empty list.</summary>
    public static IReadOnlyList<string> GetHosts(JsonObject root) =>
        root["hosts"] is JsonArray array ? array.OfType<JsonString>().Select(s => s.Value).ToArray() : Array.Empty<string>();

    private static bool? GetBool(JsonObject root, string key) => root[key] is JsonBool b ? b.Value : null;

    private static string? GetString(JsonObject root, string key) => root[key] is JsonString s ? s.Value : null;

    private static (string Key, string Problem)? FindTypeProblem(JsonObject root)
    {
        if (root.TryGetValue("hosts", out var hosts))
        {
            if (hosts is not JsonArray array)
            {
                return ("hosts", $"\"hosts\" must be an array of strings, like [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2376\"], not a {Describe(hosts)}.");
            }

            var bad = array.FirstOrDefault(item => item is not JsonString);
            if (bad is not null)
            {
                return ("hosts", $"\"hosts\" must be an array of strings, but it holds a {Describe(bad)}.");
            }
        }

        foreach (var key in BoolKeys)
        {
            if (root.TryGetValue(key, out var value) && value is not JsonBool)
            {
                return (key, $"\"{key}\" must be true or false, not a {Describe(value)}.");
            }
        }

        foreach (var key in StringKeys)
        {
            if (root.TryGetValue(key, out var value) && value is not JsonString)
            {
                return (key, $"\"{key}\" must be a path in a string, not a {Describe(value)}.");
            }
        }

        return null;
    }

    private static string Describe(JsonNode node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonString => "string",
        JsonNumber => "number",
        JsonBool => "boolean",
        _ => "null",
    };

    private static int LineOfKey(string text, string key)
    {
        var match = Regex.Match(text, "\"" + Regex.Escape(key) + "\"\\s*:");
        if (!match.Success)
        {
            return 1;
        }

        var line = 1;
        for (var i = 0; i < match.Index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
            }
        }

        return line;
    }
}
