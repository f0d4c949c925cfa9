using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DockerTls.Core.Client;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests.Client;

/// <summary>
/// Set-DockerClientEnv -Scope User on Windows: the variables are written into HKCU\Environment and announced once,
/// where Environment.SetEnvironmentVariable(..., User) broadcast WM_SETTINGCHANGE (with its own timeout) once per
/// variable. The write itself runs on Windows only (CI's windows-2022 leg); the rest runs everywhere.
/// </summary>
public class WindowsUserEnvironmentTests
{
    private static readonly string DefaultFolder = Path.Combine(Path.GetTempPath(), "dockertls-default-docker");

    [Fact]
    public void AnEnvironmentBecomesItsSetsThenItsRemovals()
    {
        var folder = Path.Combine(Path.GetTempPath(), "certs");
        var env = ClientEnvironment.ForHost(ClientHostAddress.Parse("h:2376"), folder, DefaultFolder);
        var changes = WindowsUserEnvironment.Changes(env);
        Assert.Equal(env.Variables.Select(v => v.Key).Concat(env.Removed), changes.Select(c => c.Key));
        Assert.All(changes.Take(env.Variables.Count), c => Assert.NotNull(c.Value));
        Assert.All(changes.Skip(env.Variables.Count), c => Assert.Null(c.Value));
        Assert.Contains(changes, c => c.Key == "DOCKER_TLS_VERIFY" && c.Value == "1");
    }

    [Fact]
    public void NothingInTheModuleSetsAUserVariableThroughTheBroadcastingCall()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder != null && !File.Exists(Path.Combine(folder.FullName, "DockerTls.sln"))) folder = folder.Parent;
        var src = Path.Combine(folder!.FullName, "src");
        var offenders = Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"SetEnvironmentVariable\([^;]*EnvironmentVariableTarget\.User"))
            .Select(f => f.Substring(src.Length + 1))
            .ToList();
        Assert.True(offenders.Count == 0, "Environment.SetEnvironmentVariable(..., User) broadcasts once per call: " + string.Join(", ", offenders));
    }

    [Fact]
    public void OnWindowsTheVariablesLandInTheUserEnvironmentAndGoAgain()
    {
        if (!PlatformInfo.IsWindows) return; // CI's windows-2022 leg
        var name = "DOCKERTLS_TEST_" + Guid.NewGuid().ToString("N").Substring(0, 8).ToUpperInvariant();
        try
        {
            WindowsUserEnvironment.Apply(new[] { new KeyValuePair<string, string?>(name, "tcp://h:2376"), new KeyValuePair<string, string?>(name + "_GONE", null) });
            Assert.Equal("tcp://h:2376", Environment.GetEnvironmentVariable(name, EnvironmentVariableTarget.User));
            WindowsUserEnvironment.Apply(new[] { new KeyValuePair<string, string?>(name, null) });
            Assert.Null(Environment.GetEnvironmentVariable(name, EnvironmentVariableTarget.User));
        }
        finally
        {
            WindowsUserEnvironment.Apply(new[] { new KeyValuePair<string, string?>(name, null) });
        }
    }
}
