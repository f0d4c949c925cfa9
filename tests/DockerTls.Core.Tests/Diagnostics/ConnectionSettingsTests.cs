using System;
using System.Collections.Generic;
using System.IO;
using DockerTls.Core.Client;
using DockerTls.Core.Daemon;
using DockerTls.Core.Diagnostics;
using Xunit;

namespace DockerTls.Core.Tests.Diagnostics;

public sealed class ConnectionSettingsTests : IDisposable
{
    private readonly TempFolder home = new();
    private readonly Dictionary<string, string> environment = new();

    public void Dispose() => home.Dispose();

    private string DefaultConfig => Path.Combine(home.Path, ".docker");

    private ConnectionSettings Resolve(string? host = null, string? certPath = null, string? context = null) =>
        ConnectionSettings.Resolve(host, certPath, context, name => environment.TryGetValue(name, out var value) ? value : null, home.Path);

    private void AddContext(string configFolder, string name, string host, bool current)
    {
        var store = new DockerContextStore(configFolder);
        Directory.CreateDirectory(store.MetadataFolder(name));
        File.WriteAllText(Path.Combine(store.MetadataFolder(name), "meta.json"), DockerContextStore.MetadataJson(name, "", host));
        if (current)
        {
            File.WriteAllText(Path.Combine(configFolder, "config.json"), $"{{\"auths\":{{}},\"currentContext\":\"{name}\"}}");
        }
    }

    [Fact]
    public void TakesDockerHostWithTheConfigFolderLikeTheCli()
    {
        environment["DOCKER_HOST"] = "tcp://docker1:2376";
        var settings = Resolve();
        Assert.Equal("tcp://docker1:2376", settings.Host.Uri);
        Assert.Equal(DefaultConfig, settings.CertPath);
        Assert.Equal("DOCKER_HOST", settings.Source);
        Assert.Null(settings.OverriddenContext);
    }

    [Fact]
    public void HonoursDockerCertPathThenDockerConfig()
    {
        environment["DOCKER_HOST"] = "docker1";
        environment["DOCKER_CONFIG"] = home["cfg"];
        Assert.Equal(home["cfg"], Resolve().CertPath);
        environment["DOCKER_CERT_PATH"] = home["certs"];
        Assert.Equal(home["certs"], Resolve().CertPath);
        Assert.Equal(home["given"], Resolve(certPath: home["given"]).CertPath);
    }

    [Theory]
    [InlineData("DOCKER_CERT_PATH")]
    [InlineData("DOCKER_CONFIG")]
    [InlineData("-CertPath")]
    public void APathThePlatformCannotTakeIsAnErrorNamingWhereItCameFrom(string source)
    {
        // A NUL is refused by every runtime; .NET Framework also refuses quotes, | < > and a stray ':'.
        var bad = home.Path + "/certs\0\"";
        environment["DOCKER_HOST"] = "tcp://docker1:2376";
        string? certPath = null;
        if (source == "-CertPath") certPath = bad;
        else environment[source] = bad;

        var error = Assert.Throws<DockerTlsException>(() => Resolve(certPath: certPath));

        Assert.Equal("InvalidPath", error.ErrorId);
        Assert.StartsWith($"{source} is '", error.Message);
    }

    [Fact]
    public void ParametersWinOverTheEnvironment()
    {
        environment["DOCKER_HOST"] = "tcp://docker1:2376";
        var settings = Resolve(host: "127.0.0.1:12376");
        Assert.Equal("tcp://127.0.0.1:12376", settings.Host.Uri);
        Assert.Equal("-DockerHost", settings.Source);
    }

    [Fact]
    public void UsesTheCurrentContextWithItsTlsFolderWhenDockerHostIsUnset()
    {
        AddContext(DefaultConfig, "prod", "tcp://prod.example.com:2376", current: true);
        var settings = Resolve();
        Assert.Equal("tcp://prod.example.com:2376", settings.Host.Uri);
        Assert.Equal(Path.Combine(DefaultConfig, "contexts", "tls", DockerContextStore.ContextId("prod"), "docker"), settings.CertPath);
        Assert.Equal("context 'prod'", settings.Source);
    }

    [Fact]
    public void DockerContextVariableSelectsAnotherContext()
    {
        AddContext(DefaultConfig, "prod", "tcp://prod:2376", current: true);
        AddContext(DefaultConfig, "test", "tcp://test:2376", current: false);
        environment["DOCKER_CONTEXT"] = "test";
        Assert.Equal("tcp://test:2376", Resolve().Host.Uri);
    }

    [Fact]
    public void SaysWhenDockerHostOverridesTheCurrentContext()
    {
        AddContext(DefaultConfig, "prod", "tcp://prod:2376", current: true);
        environment["DOCKER_HOST"] = "tcp://old:2376";
        var settings = Resolve();
        Assert.Equal("tcp://old:2376", settings.Host.Uri);
        Assert.Equal("prod", settings.OverriddenContext);
        Assert.Equal("tcp://prod:2376", settings.OverriddenContextHost);
    }

    [Fact]
    public void ANamedContextWinsOverDockerHost()
    {
        AddContext(DefaultConfig, "prod", "tcp://prod:2376", current: false);
        environment["DOCKER_HOST"] = "tcp://old:2376";
        var settings = Resolve(context: "prod");
        Assert.Equal("tcp://prod:2376", settings.Host.Uri);
        Assert.Null(settings.OverriddenContext);
    }

    [Theory]
    [InlineData(null, null, TlsMode.None)]
    [InlineData("", "", TlsMode.None)]
    [InlineData("1", null, TlsMode.TlsVerify)]
    [InlineData("0", null, TlsMode.TlsVerify)]
    [InlineData(null, "1", TlsMode.Tls)]
    [InlineData("1", "1", TlsMode.TlsVerify)]
    public void DockerHostUsesTlsAsTheCliDoesFromDockerTlsVerifyAndDockerTls(string? tlsVerify, string? tls, TlsMode expected)
    {
        environment["DOCKER_HOST"] = "tcp://docker1:2376";
        if (tlsVerify != null)
        {
            environment["DOCKER_TLS_VERIFY"] = tlsVerify;
        }

        if (tls != null)
        {
            environment["DOCKER_TLS"] = tls;
        }

        Assert.Equal(expected, Resolve().Tls);
        Assert.Equal(TlsMode.TlsVerify, Resolve(host: "tcp://docker1:2376").Tls);
        Assert.Equal(TlsMode.TlsVerify, Resolve().WithTlsVerify().Tls);
    }

    [Fact]
    public void AContextWithoutTlsFilesSpeaksPlainHttpAndOneThatSkipsVerificationDoesNotCheck()
    {
        AddContext(DefaultConfig, "plain", "tcp://plain:2376", current: false);
        Assert.Equal(TlsMode.None, Resolve(context: "plain").Tls);
        var store = new DockerContextStore(DefaultConfig);
        Directory.CreateDirectory(Path.Combine(store.TlsFolder("plain"), "docker"));
        File.WriteAllText(Path.Combine(store.TlsFolder("plain"), "docker", "ca.pem"), "x");
        Assert.Equal(TlsMode.TlsVerify, Resolve(context: "plain").Tls);
        var meta = Path.Combine(store.MetadataFolder("plain"), "meta.json");
        File.WriteAllText(meta, File.ReadAllText(meta).Replace("\"SkipTLSVerify\":false", "\"SkipTLSVerify\":true"));
        Assert.Equal(TlsMode.Tls, Resolve(context: "plain").Tls);
    }

    [Fact]
    public void RefusesWhatTheCliWouldRefuseOrCannotTestOverTls()
    {
        Assert.Equal("DockerHostNotSet", Assert.Throws<DockerTlsException>(() => Resolve()).ErrorId);
        Assert.Equal("ConflictingHostAndContext", Assert.Throws<DockerTlsException>(() => Resolve(host: "docker1", context: "prod")).ErrorId);
        Assert.Equal("ContextNotFound", Assert.Throws<DockerTlsException>(() => Resolve(context: "nosuch")).ErrorId);
        environment["DOCKER_HOST"] = "unix:///var/run/docker.sock";
        Assert.Equal("InvalidDockerHost", Assert.Throws<DockerTlsException>(() => Resolve()).ErrorId);
    }
}
