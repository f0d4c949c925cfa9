using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using DockerTls.Core.IO;
using DockerTls.Core.Pki;
using DockerTls.Core.Json;

namespace DockerTls.Core.Client;

/// <summary>
/// Docker's own context store, laid out exactly as docker/cli's <c>cli/context/store</c> writes it:
/// <c>contexts/meta/&lt;sha256 of name&gt;/meta.json</c> (folder 0755, file 0644) and
/// <c>contexts/tls/&lt;sha256 of name&gt;/docker/{ca,cert,key}.pem</c> (folders 0700, files 0600), in the config folder.
/// </summary>
public sealed class DockerContextStore
{
    private static readonly Regex NamePattern = new(@"\A[a-zA-Z0-9][a-zA-Z0-9_.+-]+\z", RegexOptions.CultureInvariant); // \z: '$' would let a final line break through

    /// <summary>A store in <paramref name="configFolder"/> (<see cref="DockerConfigFolder.Current"/> for the CLI's own).</summary>
    public DockerContextStore(string configFolder)
    {
        ConfigFolder = Path.GetFullPath(configFolder);
        Config = new DockerConfigFile(ConfigFolder);
    }

    /// <summary>The config folder (<c>$DOCKER_CONFIG</c> or <c>~/.docker</c>).</summary>
    public string ConfigFolder { get; }

    /// <summary>The folder's <c>config.json</c>.</summary>
    public DockerConfigFile Config { get; }

    private string MetaRoot => Path.Combine(ConfigFolder, "contexts", "meta");

    private string TlsRoot => Path.Combine(ConfigFolder, "contexts", "tls");

    /// <summary>The folder name the store uses for a context: the lower-case hex SHA-256 of its UTF-8 name.</summary>
    public static string ContextId(string name)
    {
        var hash = Digest.Sha256(Encoding.UTF8.GetBytes(name));
        var builder = new StringBuilder(64);
        foreach (var b in hash)
        {
            builder.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    /// <summary>
    /// Throws <c>InvalidContextName</c> unless <paramref name="name"/> matches Docker's <c>^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$</c>
    /// and is not <c>default</c>, which the CLI reserves for the DOCKER_HOST-based context.
    /// </summary>
    public static void ValidateName(string? name)
    {
        if (name is null || !NamePattern.IsMatch(name))
        {
            throw new DockerTlsException(
                "InvalidContextName",
                ErrorKind.InvalidArgument,
                $"'{name}' is not a valid Docker context name: it must be at least two characters, start with a letter or digit, "
                + "and hold only letters, digits, '_', '.', '+' and '-'.",
                name);
        }

        if (name == "default")
        {
            throw new DockerTlsException(
                "InvalidContextName",
                ErrorKind.InvalidArgument,
                "'default' is reserved by the docker CLI for the context built from DOCKER_HOST. Choose another name.",
                name);
        }
    }

    /// <summary>The folder holding a context's <c>meta.json</c>.</summary>
    public string MetadataFolder(string name) => Path.Combine(MetaRoot, ContextId(name));

    /// <summary>The folder holding a context's TLS files (one subfolder per endpoint).</summary>
    public string TlsFolder(string name) => Path.Combine(TlsRoot, ContextId(name));

    /// <summary>Whether a context of that name exists in the store.</summary>
    public bool Exists(string name) => File.Exists(Path.Combine(MetadataFolder(name), "meta.json"));

    /// <summary>
    /// The names of the contexts in the store, sorted (not <c>default</c>, which is not stored). Unreadable entries are skipped,
    /// as the list is for tab completion and warnings.
    /// </summary>
    public IReadOnlyList<string> ListNames()
    {
        var names = new List<string>();
        if (!Directory.Exists(MetaRoot))
        {
            return names;
        }

        foreach (var file in Directory.GetFiles(MetaRoot, "meta.json", SearchOption.AllDirectories))
        {
            try
            {
                if (SafeFile.TryReadAllText(file, SafeFile.ContextMeta) is { } text
                    && JsonText.Parse(text, JsonDuplicateKeys.LastWins) is JsonObject meta && meta["Name"] is JsonString { Value.Length: > 0 } name)
                {
                    names.Add(name.Value);
                }
            }
            catch (Exception e) when (e is JsonParseException || e is IOException || e is UnauthorizedAccessException || e is DockerTlsException)
            {
                // A damaged entry is the CLI's to report; listing goes on.
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// The context the CLI will use when neither <c>--context</c>, <c>-H</c> nor <c>DOCKER_HOST</c> says otherwise:
    /// <paramref name="dockerContextVariable"/> (<c>DOCKER_CONTEXT</c>) if set, else <c>currentContext</c> in <c>config.json</c>;
    /// null when that is the built-in <c>default</c>.
    /// </summary>
    public string? SelectedContext(string? dockerContextVariable)
    {
        var name = string.IsNullOrEmpty(dockerContextVariable) ? Config.TryGetCurrentContext() : dockerContextVariable;
        return name == "default" ? null : name;
    }

    /// <summary>
    /// Writes a context named <paramref name="name"/> whose docker endpoint is <paramref name="host"/> with the client certificate
    /// set in <paramref name="certFolder"/> (checked with <see cref="ClientCertificateCheck.Check"/>), all files or none.
    /// An existing context of that name is <c>ContextExists</c> unless <paramref name="overwrite"/>. With <paramref name="use"/>,
    /// <c>config.json</c>'s <c>currentContext</c> is set to it, its other keys kept.
    /// </summary>
    public DockerContext Create(string name, ClientHostAddress host, string certFolder, string? description, bool overwrite, bool use, Action<string, string>? fileWritten = null)
    {
        ValidateName(name);
        if (host is null)
        {
            throw new ArgumentNullException(nameof(host));
        }

        ClientCertificateCheck.Check(certFolder);
        if (!overwrite)
        {
            RequireAbsent(name);
        }

        var transaction = new FileTransaction(overwrite: true, destinationParameter: null);
        if (fileWritten != null)
        {
            transaction.FileWritten += fileWritten;
        }

        var metaFolder = MetadataFolder(name);
        var tlsFolder = TlsFolder(name);
        var endpointFolder = Path.Combine(tlsFolder, "docker");
        PlanFolders(transaction, metaFolder, tlsFolder, endpointFolder);
        var meta = MetadataJson(name, description ?? string.Empty, host.Uri);
        transaction.AddFile(Path.Combine(metaFolder, "meta.json"), new UTF8Encoding(false).GetBytes(meta), FileModes.PublicFile);
        foreach (var file in ClientEnvironment.CertificateFileNames)
        {
            transaction.AddFile(Path.Combine(endpointFolder, file), SafeFile.ReadAllBytes(Path.Combine(certFolder, file), SafeFile.Pem), FileModes.PrivateFile);
        }

        if (use)
        {
            Config.PlanSetCurrentContext(transaction, name);
        }

        // Read before the files land (without -Use, writing them does not change the current context): nothing that
        // may throw runs after Commit.
        var context = new DockerContext
        {
            Name = name,
            Description = description ?? string.Empty,
            DockerHost = host.Uri,
            SkipTlsVerify = false,
            Current = use || Config.TryGetCurrentContext() == name,
            MetadataPath = metaFolder,
            TlsPath = tlsFolder,
        };
        transaction.Commit();
        return context;
    }

    // The store's folders with the modes the docker CLI gives them: metadata readable, TLS material the owner's alone.
    private void PlanFolders(FileTransaction transaction, string metaFolder, string tlsFolder, string endpointFolder)
    {
        if (!Directory.Exists(ConfigFolder))
        {
            // The folder will hold config.json, where registry credentials live: private, as the CLI makes it.
            transaction.AddDirectory(ConfigFolder, FileModes.PrivateDirectory);
        }

        transaction.AddDirectory(Path.Combine(ConfigFolder, "contexts"), FileModes.PublicDirectory);
        transaction.AddDirectory(MetaRoot, FileModes.PublicDirectory);
        transaction.AddDirectory(metaFolder, FileModes.PublicDirectory);
        transaction.AddDirectory(TlsRoot, FileModes.PrivateDirectory);
        transaction.AddDirectory(tlsFolder, FileModes.PrivateDirectory);
        transaction.AddDirectory(endpointFolder, FileModes.PrivateDirectory);
    }

    /// <summary>
    /// True when the context <paramref name="name"/> holds exactly the files of <paramref name="certFolder"/> and, with
    /// <paramref name="dockerHost"/>, the meta.json <see cref="Create"/> would write (nothing to change).
    /// </summary>
    public bool Holds(string name, string certFolder, string? dockerHost = null, string? description = null)
    {
        var endpointFolder = Path.Combine(TlsFolder(name), "docker");
        var meta = dockerHost is null || SafeFile.HoldsExactly(Path.Combine(MetadataFolder(name), "meta.json"),
            new UTF8Encoding(false).GetBytes(MetadataJson(name, description ?? string.Empty, dockerHost)));
        return meta && ClientEnvironment.CertificateFileNames.All(file =>
            SafeFile.TryReadAllBytes(Path.Combine(certFolder, file), SafeFile.Pem) is { } source
            && SafeFile.HoldsExactly(Path.Combine(endpointFolder, file), source));
    }

    /// <summary>Throws <c>ContextExists</c> when a context named <paramref name="name"/> is in the store.</summary>
    public void RequireAbsent(string name)
    {
        if (Exists(name))
        {
            throw new DockerTlsException(
                "ContextExists",
                ErrorKind.ResourceExists,
                $"A Docker context named '{name}' exists already. Nothing was written. Use -Force to replace it, or choose another name.",
                name);
        }
    }

    /// <summary>The <c>meta.json</c> text the CLI writes: compact, keys in its order.</summary>
    public static string MetadataJson(string name, string description, string dockerHost)
    {
        var endpoint = new JsonObject();
        endpoint["Host"] = new JsonString(dockerHost);
        endpoint["SkipTLSVerify"] = new JsonBool(false);
        var endpoints = new JsonObject();
        endpoints["docker"] = endpoint;
        var metadata = new JsonObject();
        metadata["Description"] = new JsonString(description);
        var root = new JsonObject();
        root["Name"] = new JsonString(name);
        root["Metadata"] = metadata;
        root["Endpoints"] = endpoints;
        return JsonText.Write(root, indented: false);
    }
}
