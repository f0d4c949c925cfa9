using System;
using System.IO;
using System.Text;
using DockerTls.Core.Client;
using DockerTls.Core.Daemon;
using DockerTls.Core.IO;
using DockerTls.Core.Json;

namespace DockerTls.Core.Diagnostics;

/// <summary>
/// The daemon address and certificate folder to test, resolved the way the docker CLI resolves them:
/// a context asked for, else an address asked for, else <c>DOCKER_HOST</c> (with <c>DOCKER_CERT_PATH</c> or the config
/// folder), else the selected context (<c>DOCKER_CONTEXT</c>, else <c>currentContext</c> in <c>config.json</c>).
/// <c>DOCKER_CONFIG</c> moves the config folder from <c>~/.docker</c>. Whether the CLI uses TLS at all is resolved the
/// same way (<see cref="Tls"/>): for <c>DOCKER_HOST</c>, a non-empty <c>DOCKER_TLS_VERIFY</c> (even <c>0</c>) verifies, else a
/// non-empty <c>DOCKER_TLS</c> encrypts without checking the daemon, else the CLI speaks plain HTTP; a context uses TLS when
/// its store holds TLS files (or it skips verification), and verifies unless <c>SkipTLSVerify</c>. <c>-DockerHost</c> is
/// <c>docker --tlsverify -H</c>: the test of mutual TLS asked for outright.
/// </summary>
public sealed class ConnectionSettings
{
    private ConnectionSettings(ClientHostAddress host, string certPath, string source, string? overriddenContext = null, string? overriddenContextHost = null)
    {
        Host = host;
        CertPath = certPath;
        Source = source;
        OverriddenContext = overriddenContext;
        OverriddenContextHost = overriddenContextHost;
    }

    /// <summary>The daemon's address.</summary>
    public ClientHostAddress Host { get; }

    /// <summary>The folder holding <c>ca.pem</c>, <c>cert.pem</c> and <c>key.pem</c>.</summary>
    public string CertPath { get; }

    /// <summary>Where the address came from, for the user: <c>-DockerHost</c>, <c>DOCKER_HOST</c>, <c>context 'prod'</c>.</summary>
    public string Source { get; }

    /// <summary>The Docker context tested, or null when the address came from <c>-DockerHost</c> or <c>DOCKER_HOST</c>.</summary>
    public string? ContextName { get; private set; }

    /// <summary>Whether <see cref="CertPath"/> is the docker CLI's default folder (<c>$DOCKER_CONFIG</c> or <c>~/.docker</c>).</summary>
    public bool IsDefaultCertPath { get; private set; }

    /// <summary>The context that <c>DOCKER_HOST</c> silently overrides, or null.</summary>
    public string? OverriddenContext { get; }

    /// <summary>The docker endpoint of <see cref="OverriddenContext"/>, when it could be read.</summary>
    public string? OverriddenContextHost { get; }

    /// <summary>
    /// How the docker CLI uses TLS with these settings: <see cref="TlsMode.TlsVerify"/> (both sides checked),
    /// <see cref="TlsMode.Tls"/> (encrypted, the daemon's certificate not checked) or <see cref="TlsMode.None"/> (plain HTTP).
    /// </summary>
    public TlsMode Tls { get; private set; } = TlsMode.TlsVerify;

    /// <summary>The same settings with mutual TLS, as <c>DOCKER_TLS_VERIFY=1</c> would make them.</summary>
    public ConnectionSettings WithTlsVerify() =>
        new(Host, CertPath, Source, OverriddenContext, OverriddenContextHost) { ContextName = ContextName, IsDefaultCertPath = IsDefaultCertPath };

    /// <summary>
    /// Resolves what was given (each may be null) and the environment (read through <paramref name="getVariable"/>) into
    /// settings. <paramref name="userHome"/> is the home folder. Errors: <c>ConflictingHostAndContext</c>,
    /// <c>ContextNotFound</c>, <c>DockerHostNotSet</c>, <c>InvalidDockerHost</c>.
    /// </summary>
    public static ConnectionSettings Resolve(string? dockerHost, string? certPath, string? context, Func<string, string?> getVariable, string userHome)
    {
        if (getVariable is null)
        {
            throw new ArgumentNullException(nameof(getVariable));
        }

        RefuseHostWithContext(dockerHost, context);
        var configFolder = DockerConfigFolder.Resolve(Empty(getVariable(DockerConfigFolder.Variable)), userHome);
        var store = new DockerContextStore(configFolder);
        var defaultCertPath = Empty(getVariable(ClientEnvironment.CertPathVariable)) ?? configFolder;
        var certSource = certPath is not null ? "-CertPath" : defaultCertPath == configFolder ? DockerConfigFolder.Variable : ClientEnvironment.CertPathVariable;

        if (!string.IsNullOrEmpty(context) && context != "default")
        {
            return FromContext(store, context!, certPath, $"context '{context}'");
        }

        if (!string.IsNullOrEmpty(dockerHost))
        {
            return new ConnectionSettings(ClientHostAddress.Parse(dockerHost), UserPath.Full(certPath ?? defaultCertPath, certSource), "-DockerHost")
            {
                IsDefaultCertPath = certPath is null && defaultCertPath == configFolder,
            };
        }

        var selected = context == "default" ? null : store.SelectedContext(Empty(getVariable("DOCKER_CONTEXT")));
        var variable = Empty(getVariable(ClientEnvironment.DockerHostVariable));
        if (variable != null)
        {
            var overriddenHost = selected != null && store.Exists(selected) ? TryReadEndpoint(store, selected) : null;
            return new ConnectionSettings(
                ClientHostAddress.Parse(variable),
                UserPath.Full(certPath ?? defaultCertPath, certSource),
                "DOCKER_HOST",
                selected != null && store.Exists(selected) ? selected : null,
                overriddenHost)
            {
                IsDefaultCertPath = certPath is null && defaultCertPath == configFolder,
                Tls = TlsFromVariables(getVariable),
            };
        }

        if (selected != null)
        {
            return FromContext(store, selected, certPath, $"context '{selected}'");
        }

        throw new DockerTlsException(
            "DockerHostNotSet",
            ErrorKind.InvalidArgument,
            "There is no TLS daemon to test: DOCKER_HOST is not set and no Docker context is selected, so the docker CLI talks to the "
            + "local socket. Give -DockerHost tcp://host:2376, or point the CLI at the daemon first with Set-DockerClientEnv or New-DockerContext -Use.");
    }

    private static void RefuseHostWithContext(string? dockerHost, string? context)
    {
        if (!string.IsNullOrEmpty(dockerHost) && !string.IsNullOrEmpty(context))
        {
            throw new DockerTlsException(
                "ConflictingHostAndContext",
                ErrorKind.InvalidArgument,
                "Give either -DockerHost or -Context, not both (the docker CLI refuses --host with --context too).");
        }
    }

    // How the CLI speaks to DOCKER_HOST: any non-empty DOCKER_TLS_VERIFY (even 0) verifies, DOCKER_TLS alone does not.
    private static TlsMode TlsFromVariables(Func<string, string?> getVariable) =>
        Empty(getVariable(ClientEnvironment.TlsVerifyVariable)) != null ? TlsMode.TlsVerify
        : Empty(getVariable(ClientEnvironment.TlsVariable)) != null ? TlsMode.Tls
        : TlsMode.None;

    private static ConnectionSettings FromContext(DockerContextStore store, string name, string? certPath, string source)
    {
        if (!store.Exists(name))
        {
            throw new DockerTlsException(
                "ContextNotFound",
                ErrorKind.ObjectNotFound,
                $"There is no Docker context named '{name}' in '{store.ConfigFolder}'. See 'docker context ls', or make one with New-DockerContext.",
                name);
        }

        var endpoint = TryReadEndpoint(store, name, out var skipVerify) ?? throw new DockerTlsException(
            "ContextNotFound",
            ErrorKind.InvalidData,
            $"The Docker context '{name}' has no docker endpoint host in '{Path.Combine(store.MetadataFolder(name), "meta.json")}'. Recreate it with New-DockerContext -Force.",
            name);
        var storeTls = Path.Combine(store.TlsFolder(name), "docker");
        var tls = certPath ?? storeTls;

        // docker/cli cli/context/docker: an endpoint without TLS data that does not skip verification speaks plain HTTP.
        var hasTlsData = Directory.Exists(storeTls) && Directory.GetFiles(storeTls).Length > 0;
        var mode = skipVerify ? TlsMode.Tls : hasTlsData ? TlsMode.TlsVerify : TlsMode.None;
        return new ConnectionSettings(ClientHostAddress.Parse(endpoint), UserPath.Full(tls, certPath is null ? $"The TLS folder of {source}" : "-CertPath"), source)
        {
            ContextName = certPath is null ? name : null,
            Tls = mode,
        };
    }

    private static string? TryReadEndpoint(DockerContextStore store, string name) => TryReadEndpoint(store, name, out _);

    private static string? TryReadEndpoint(DockerContextStore store, string name, out bool skipVerify)
    {
        skipVerify = false;
        try
        {
            var text = SafeFile.TryReadAllText(Path.Combine(store.MetadataFolder(name), "meta.json"), SafeFile.ContextMeta);
            if (text is null) return null;
            var meta = JsonText.Parse(text, JsonDuplicateKeys.LastWins);
            if (meta is not JsonObject root || root["Endpoints"] is not JsonObject endpoints || endpoints["docker"] is not JsonObject docker)
            {
                return null;
            }

            skipVerify = docker["SkipTLSVerify"] is JsonBool { Value: true };
            return docker["Host"] is JsonString { Value.Length: > 0 } host ? host.Value : null;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is JsonParseException)
        {
            return null;
        }
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
