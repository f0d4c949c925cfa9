using System;
using System.Diagnostics;
using System.IO;
using DockerTls.Core;
using DockerTls.Core.Client;
using Xunit;

namespace DockerTls.Core.Tests.Client;

public class ShellScriptTests
{
    private const string Nasty = "/tmp/my certs/it's \"quoted\" $HOME `id` \\back\\ ‘curly’ %PATH%";

    private static ClientEnvironment Env(string certPath) =>
        ClientEnvironment.ForHost(ClientHostAddress.Parse("tcp://[::1]:2376"), certPath, "/nonexistent/.docker");

    [Theory]
    [InlineData("bash", ClientShell.Bash)]
    [InlineData("ZSH", ClientShell.Zsh)]
    [InlineData("fish", ClientShell.Fish)]
    [InlineData("pwsh", ClientShell.Pwsh)]
    [InlineData("PowerShell", ClientShell.PowerShell)]
    [InlineData("cmd", ClientShell.Cmd)]
    public void ParsesShellNames(string name, ClientShell shell) => Assert.Equal(shell, ShellScript.ParseName(name));

    [Fact]
    public void RejectsUnknownShell()
    {
        var error = Assert.Throws<DockerTlsException>(() => ShellScript.ParseName("tcsh"));
        Assert.Equal("UnknownShell", error.ErrorId);
    }

    [Theory]
    [InlineData("/bin/bash", false, ClientShell.Bash)]
    [InlineData("/usr/bin/zsh", false, ClientShell.Zsh)]
    [InlineData("/usr/local/bin/fish", false, ClientShell.Fish)]
    [InlineData("/bin/sh", false, ClientShell.Bash)]
    [InlineData("/opt/microsoft/powershell/7/pwsh", false, ClientShell.Pwsh)]
    [InlineData("C:\\Program Files\\Git\\usr\\bin\\bash.exe", true, ClientShell.Bash)]
    [InlineData(null, false, ClientShell.Pwsh)]
    [InlineData(null, true, ClientShell.PowerShell)]
    [InlineData("/bin/tcsh", false, ClientShell.Pwsh)]
    public void DetectsTheShellFromShellVariable(string? shellVariable, bool windowsPowerShell, ClientShell expected) =>
        Assert.Equal(expected, ShellScript.Detect(shellVariable, windowsPowerShell));

    [Fact]
    public void BashTextExportsAndUnsets()
    {
        var text = ShellScript.Render(ClientShell.Bash, ClientEnvironment.ForHost(ClientHostAddress.Parse("h"), null, "/x/.docker"));
        Assert.Equal("export DOCKER_HOST='tcp://h:2376'\nexport DOCKER_TLS_VERIFY='1'\nunset DOCKER_CERT_PATH\n", text);
    }

    [Fact]
    public void EachShellHasItsSyntax()
    {
        var env = Env("/c");
        Assert.Contains("set -gx DOCKER_HOST 'tcp://[::1]:2376';", ShellScript.Render(ClientShell.Fish, env));
        Assert.Contains("$env:DOCKER_CERT_PATH = '/c'", ShellScript.Render(ClientShell.Pwsh, env));
        Assert.Contains("SET \"DOCKER_TLS_VERIFY=1\"", ShellScript.Render(ClientShell.Cmd, env));
    }

    [Fact]
    public void UnsetRemovesAllThreeAndNeverSetsZero()
    {
        foreach (ClientShell shell in Enum.GetValues(typeof(ClientShell)))
        {
            var text = ShellScript.RenderUnset(shell);
            foreach (var name in ClientEnvironment.VariableNames)
            {
                Assert.Contains(name, text);
            }

            Assert.DoesNotContain("=0", text);
            Assert.DoesNotContain("'0'", text);
        }

        Assert.Equal("unset DOCKER_HOST\nunset DOCKER_TLS_VERIFY\nunset DOCKER_CERT_PATH\n", ShellScript.RenderUnset(ClientShell.Bash));
        Assert.Contains("Remove-Item -LiteralPath 'Env:DOCKER_HOST' -ErrorAction Ignore", ShellScript.RenderUnset(ClientShell.Pwsh));
        Assert.Contains("set -e DOCKER_TLS_VERIFY;", ShellScript.RenderUnset(ClientShell.Fish));
    }

    [Theory]
    [InlineData(ClientShell.Bash, "# eval \"$(pwsh -NoProfile -Command \"Get-DockerClientEnv -DockerHost 'h' -Shell bash\")\"")]
    [InlineData(ClientShell.Zsh, "# eval \"$(pwsh -NoProfile -Command \"Get-DockerClientEnv -DockerHost 'h' -Shell bash\")\"")]
    [InlineData(ClientShell.Fish, "# pwsh -NoProfile -Command \"Get-DockerClientEnv -DockerHost 'h' -Shell bash\" | source")]
    [InlineData(ClientShell.Pwsh, "# & { Get-DockerClientEnv -DockerHost 'h' -Shell bash } | Invoke-Expression")]
    [InlineData(ClientShell.Cmd, "REM @FOR /f \"tokens=*\" %i IN ('pwsh -NoProfile -Command \"Get-DockerClientEnv -DockerHost 'h' -Shell bash\"') DO @%i")]
    public void EndsWithTheUsageHint(ClientShell shell, string lastLine)
    {
        var text = ShellScript.RenderUnset(shell, "Get-DockerClientEnv -DockerHost 'h' -Shell bash");
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.EndsWith("Run this command to configure your shell:", lines[lines.Length - 2]);
        Assert.Equal(lastLine, lines[lines.Length - 1]);
    }

    [Fact]
    public void HintSingleQuotesACommandThatWouldExpand()
    {
        var text = ShellScript.RenderUnset(ClientShell.Bash, "Get-DockerClientEnv -CertPath '/a$b' -Shell bash");
        Assert.EndsWith("# eval \"$(pwsh -NoProfile -Command 'Get-DockerClientEnv -CertPath '\\''/a$b'\\'' -Shell bash')\"\n", text);
    }

    [Fact]
    public void PowerShellQuotingDoublesEveryKindOfSingleQuote()
    {
        Assert.Equal("'it''s ‘‘a’’'", ShellScript.QuotePowerShell("it's ‘a’"));
    }

    [Fact]
    public void CmdRefusesDoubleQuotesAndLineBreaks()
    {
        Assert.Equal("ShellValueUnsupported", Assert.Throws<DockerTlsException>(() => ShellScript.Quote(ClientShell.Cmd, "a\"b")).ErrorId);
        Assert.Equal("ShellValueUnsupported", Assert.Throws<DockerTlsException>(() => ShellScript.Render(ClientShell.Cmd, Env("a\nb"))).ErrorId);
        Assert.Equal("\"C:\\my certs\"", ShellScript.Quote(ClientShell.Cmd, "C:\\my certs"));
    }

    [Theory]
    [InlineData(ClientShell.Bash)]
    [InlineData(ClientShell.Zsh)]
    [InlineData(ClientShell.Fish)]
    [InlineData(ClientShell.Pwsh)]
    [InlineData(ClientShell.Cmd)]
    public void ALineBreakInAValueIsRefusedInEveryShell(ClientShell shell)
    {
        // Quoted, the value itself would be safe, but the usage hint is a comment that a line break ends: the rest ran as code.
        var path = "/tmp/certs\ntouch /tmp/PWNED #";
        var error = Assert.Throws<DockerTlsException>(() =>
            ShellScript.Render(shell, Env(path), $"Get-DockerClientEnv -DockerHost 'h' -CertPath {ShellScript.QuotePowerShell(path)} -Shell bash"));
        Assert.Equal("ShellValueUnsupported", error.ErrorId);
        Assert.Equal("ShellValueUnsupported", Assert.Throws<DockerTlsException>(() => ShellScript.UsageHint(shell, "Get-DockerClientEnv -CertPath 'a\rb'")).ErrorId);
    }

    [Theory]
    [InlineData("bash")]
    [InlineData("zsh")]
    [InlineData("sh")]
    public void PosixShellsReadTheValuesBackUnchanged(string shell)
    {
        var kind = shell == "zsh" ? ClientShell.Zsh : ClientShell.Bash;
        var script = ShellScript.Render(kind, Env(Nasty), "Get-DockerClientEnv -CertPath 'x''y' -Shell bash")
            + "printf '%s|%s|%s' \"$DOCKER_HOST\" \"$DOCKER_TLS_VERIFY\" \"$DOCKER_CERT_PATH\"\n";
        var output = RunShell(shell, script);
        Assert.Equal("tcp://[::1]:2376|1|" + Nasty, output);
    }

    [Theory]
    [InlineData(ClientShell.Bash, "# WARNING: ")]
    [InlineData(ClientShell.Zsh, "# WARNING: ")]
    [InlineData(ClientShell.Fish, "# WARNING: ")]
    [InlineData(ClientShell.Pwsh, "# WARNING: ")]
    [InlineData(ClientShell.PowerShell, "# WARNING: ")]
    [InlineData(ClientShell.Cmd, "REM WARNING: ")]
    public void WarningsComeFirstAsCommentLines(ClientShell shell, string prefix)
    {
        var text = ShellScript.Render(shell, Env("/tmp/certs"), "Get-DockerClientEnv", "pwsh", new[] { "The folder '/tmp/x'; rm -rf ~' lacks key.pem." });
        Assert.StartsWith(prefix + "The folder '/tmp/x'; rm -rf ~' lacks key.pem.\n", text);
    }

    [Theory]
    [InlineData("a\nrm -rf ~")]
    [InlineData("a\rb")]
    [InlineData("a\u0085b")]
    [InlineData("a\u001b]0;x\u0007")]
    public void RefusesWarningsThatWouldEndTheComment(string warning)
    {
        var error = Assert.Throws<DockerTlsException>(() => ShellScript.WarningLine(ClientShell.Bash, warning));
        Assert.Equal("ShellValueUnsupported", error.ErrorId);
    }

    [Fact]
    public void FishReadsTheValuesBackUnchanged()
    {
        var script = ShellScript.Render(ClientShell.Fish, Env(Nasty), "Get-DockerClientEnv -CertPath 'x''y' -Shell fish")
            + "printf '%s|%s|%s' \"$DOCKER_HOST\" \"$DOCKER_TLS_VERIFY\" \"$DOCKER_CERT_PATH\"\n";
        Assert.Equal("tcp://[::1]:2376|1|" + Nasty, RunShell("fish", script));
    }

    [Theory]
    [InlineData("bash", ClientShell.Bash, "printf '%s' \"${DOCKER_HOST-unset}${DOCKER_TLS_VERIFY-unset}${DOCKER_CERT_PATH-unset}\"\n")]
    [InlineData("fish", ClientShell.Fish, "set -q DOCKER_HOST; or set -q DOCKER_TLS_VERIFY; or set -q DOCKER_CERT_PATH; or printf unsetunsetunset\n")]
    public void UnsetTextRemovesTheVariables(string shell, ClientShell kind, string check)
    {
        var script = ShellScript.Render(kind, Env("/c")) + ShellScript.RenderUnset(kind) + check;
        Assert.Equal("unsetunsetunset", RunShell(shell, script));
    }

    private static string RunShell(string shell, string script)
    {
        var start = new ProcessStartInfo(shell)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("DOCKER_HOST");
        start.Environment.Remove("DOCKER_TLS_VERIFY");
        start.Environment.Remove("DOCKER_CERT_PATH");
        using var process = Process.Start(start)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{shell} exited {process.ExitCode}: {error}\n{script}");
        return output;
    }
}
