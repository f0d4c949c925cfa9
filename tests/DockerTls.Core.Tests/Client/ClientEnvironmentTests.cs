using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DockerTls.Core;
using DockerTls.Core.Client;
using Xunit;

namespace DockerTls.Core.Tests.Client;

public class ClientEnvironmentTests
{
    private static readonly string Home = Path.Combine(Path.GetTempPath(), "home");
    private static readonly string DefaultFolder = Path.Combine(Home, ".docker");

    [Fact]
    public void DefaultFolderIsDotDockerInHome()
    {
        Assert.Equal(DefaultFolder, DockerConfigFolder.Resolve(null, Home));
        Assert.Equal(DefaultFolder, DockerConfigFolder.Resolve("", Home));
    }

    [Fact]
    public void DockerConfigMovesTheDefaultFolder()
    {
        var other = Path.Combine(Path.GetTempPath(), "cfg");
        Assert.Equal(other, DockerConfigFolder.Resolve(other, Home));
    }

    [Fact]
    public void SetsHostAndVerifyAndOmitsTheDefaultCertPath()
    {
        var env = ClientEnvironment.ForHost(ClientHostAddress.Parse("h"), null, DefaultFolder);
        Assert.Equal(
            new[] { "DOCKER_HOST=tcp://h:2376", "DOCKER_TLS_VERIFY=1" },
            env.Variables.Select(v => v.Key + "=" + v.Value));
        Assert.Equal(new[] { "DOCKER_CERT_PATH" }, env.Removed);
        Assert.Null(env.CertPath);
        Assert.Equal(DefaultFolder, env.EffectiveCertPath);
    }

    [Fact]
    public void OmitsCertPathWhenItNamesTheDefaultFolderWithATrailingSeparator()
    {
        var env = ClientEnvironment.ForHost(ClientHostAddress.Parse("h"), DefaultFolder + Path.DirectorySeparatorChar, DefaultFolder);
        Assert.Null(env.CertPath);
        Assert.DoesNotContain(env.Variables, v => v.Key == "DOCKER_CERT_PATH");
    }

    [Fact]
    public void SetsCertPathForAnotherFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "my certs");
        var env = ClientEnvironment.ForHost(ClientHostAddress.Parse("h:1"), folder, DefaultFolder);
        Assert.Equal(
            new[] { "DOCKER_HOST=tcp://h:1", "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + folder },
            env.Variables.Select(v => v.Key + "=" + v.Value));
        Assert.Empty(env.Removed);
    }

    [Fact]
    public void NeverWritesTlsVerifyZero()
    {
        var env = ClientEnvironment.ForHost(ClientHostAddress.Parse("h"), null, DefaultFolder);
        Assert.DoesNotContain(env.Variables, v => v.Value == "0");
        var current = ClientEnvironment.FromVariables(Lookup(new() { ["DOCKER_HOST"] = "tcp://x:2376", ["DOCKER_TLS_VERIFY"] = "0" }), DefaultFolder);
        Assert.True(current.TlsVerify);
        Assert.Contains(current.Variables, v => v.Key == "DOCKER_TLS_VERIFY" && v.Value == "1");
    }

    [Fact]
    public void ReadsTheCurrentVariables()
    {
        var current = ClientEnvironment.FromVariables(Lookup(new() { ["DOCKER_HOST"] = "tcp://x:2376", ["DOCKER_CERT_PATH"] = "/c" }), DefaultFolder);
        Assert.Equal("tcp://x:2376", current.DockerHost);
        Assert.False(current.TlsVerify);
        Assert.Equal("/c", current.CertPath);
        Assert.Equal(new[] { "DOCKER_TLS_VERIFY" }, current.Removed);
    }

    [Fact]
    public void EmptyEnvironmentRemovesAllThree()
    {
        var current = ClientEnvironment.FromVariables(_ => null, DefaultFolder);
        Assert.Null(current.DockerHost);
        Assert.Empty(current.Variables);
        Assert.Equal(ClientEnvironment.VariableNames, current.Removed);
        Assert.Equal(DefaultFolder, current.EffectiveCertPath);
    }

    [Fact]
    public void RequireCertificateFilesNamesTheMissingOnes()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "dtls-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "ca.pem"), "x");
            var error = Assert.Throws<DockerTlsException>(() => ClientEnvironment.RequireCertificateFiles(folder));
            Assert.Equal("ClientCertFolderIncomplete", error.ErrorId);
            Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
            Assert.Contains("cert.pem, key.pem", error.Message);
            File.WriteAllText(Path.Combine(folder, "cert.pem"), "x");
            File.WriteAllText(Path.Combine(folder, "key.pem"), "x");
            ClientEnvironment.RequireCertificateFiles(folder);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private static Func<string, string?> Lookup(Dictionary<string, string> values) =>
        name => values.TryGetValue(name, out var v) ? v : null;
}
