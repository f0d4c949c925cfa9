using System;
using System.IO;
using System.Text;
using DockerTls.Core.IO;
using DockerTls.Core.Json;

namespace DockerTls.Core.Client;

/// <summary>
/// Replaces the TLS files a Docker context holds (copies of ca.pem, cert.pem, key.pem, made when it was created) with
/// those of a folder, after a renewal: its meta.json (host, description, any other endpoint or field) is left exactly
/// as it is. <c>docker context update --docker host=...</c> cannot do this: without tls options again it drops TLS.
/// </summary>
public static class DockerContextRefresh
{
    /// <summary>
    /// Refreshes the context <paramref name="name"/> from <paramref name="certFolder"/> (checked with
    /// <see cref="ClientCertificateCheck.Check"/>), all three files or none. <c>ContextNotFound</c> when the store has no
    /// such context, <c>ContextInvalid</c> when its meta.json has no docker endpoint.
    /// </summary>
    public static DockerContext Refresh(DockerContextStore store, string name, string certFolder, Action<string, string>? fileWritten = null)
    {
        var context = Read(store, name);
        ClientCertificateCheck.Check(certFolder);
        var transaction = new FileTransaction(overwrite: true, destinationParameter: null);
        if (fileWritten != null) transaction.FileWritten += fileWritten;
        var endpointFolder = Path.Combine(store.TlsFolder(name), "docker");
        transaction.AddDirectory(Path.GetDirectoryName(store.TlsFolder(name))!, FileModes.PrivateDirectory);
        transaction.AddDirectory(store.TlsFolder(name), FileModes.PrivateDirectory);
        transaction.AddDirectory(endpointFolder, FileModes.PrivateDirectory);
        foreach (var file in ClientEnvironment.CertificateFileNames)
            transaction.AddFile(Path.Combine(endpointFolder, file), File.ReadAllBytes(Path.Combine(certFolder, file)), FileModes.PrivateFile);
        transaction.Commit();
        return context;
    }

    /// <summary>The context as its meta.json describes it.</summary>
    public static DockerContext Read(DockerContextStore store, string name)
    {
        DockerContextStore.ValidateName(name);
        var metaPath = Path.Combine(store.MetadataFolder(name), "meta.json");
        if (!File.Exists(metaPath))
            throw new DockerTlsException("ContextNotFound", ErrorKind.ObjectNotFound,
                $"There is no Docker context named '{name}' in '{store.ConfigFolder}'. Make it with New-DockerContext (docker context ls lists those there are).", name);
        JsonObject? meta;
        try { meta = JsonText.Parse(File.ReadAllText(metaPath, Encoding.UTF8), JsonDuplicateKeys.LastWins) as JsonObject; }
        catch (JsonParseException) { meta = null; }
        var endpoint = (meta?["Endpoints"] as JsonObject)?["docker"] as JsonObject;
        if (endpoint?["Host"] is not JsonString { Value.Length: > 0 } host)
            throw new DockerTlsException("ContextInvalid", ErrorKind.InvalidData,
                $"'{metaPath}' has no docker endpoint with a host. Make the context again with New-DockerContext -Force.", metaPath);
        return new DockerContext
        {
            Name = name,
            Description = ((meta!["Metadata"] as JsonObject)?["Description"] as JsonString)?.Value ?? string.Empty,
            DockerHost = host.Value,
            SkipTlsVerify = endpoint["SkipTLSVerify"] is JsonBool { Value: true },
            Current = store.Config.TryGetCurrentContext() == name,
            MetadataPath = store.MetadataFolder(name),
            TlsPath = store.TlsFolder(name),
        };
    }
}
