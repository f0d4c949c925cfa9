using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

/// <summary>
/// The daemon side reaches the Docker host only through IDaemonHost ("the host's files and commands"), so that the
/// same plan runs on a remote host over SSH. The test reads Daemon/'s sources, as LayerTests does, and fails on a
/// direct call to this machine's files: File., Directory., SafeFile.'s reads, FileTransaction, LinkedFile.
/// LocalDaemonHost is the one place that may, being this machine.
/// </summary>
public class DaemonHostSeamTests
{
    private static readonly Regex DirectAccess = new(
        @"(?<![\w.])(System\.IO\.)?(File|Directory)\.[A-Z]|\bSafeFile\.(?!(Pem|DaemonConfig|SystemdUnit)\b)\w+|\bFileTransaction\b|\bLinkedFile\.",
        RegexOptions.Compiled);

    [Fact]
    public void NothingInDaemonButLocalDaemonHostTouchesThisMachinesFilesDirectly()
    {
        var folder = Path.Combine(LayerTests.CoreSource(), "Daemon");
        var wrong = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.cs").Where(f => Path.GetFileName(f) != "LocalDaemonHost.cs"))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].TrimStart();
                if (code.StartsWith("///", StringComparison.Ordinal) || code.StartsWith("//", StringComparison.Ordinal)) continue;
                var match = DirectAccess.Match(lines[i]);
                if (match.Success) wrong.Add($"{Path.GetFileName(file)}:{i + 1}: {match.Value}");
            }
        }

        Assert.True(wrong.Count == 0, "Daemon/ reaches the host's files without IDaemonHost:\n" + string.Join("\n", wrong));
    }

    [Theory]
    [InlineData("var b = File.ReadAllBytes(p);")]
    [InlineData("if (Directory.Exists(p)) return;")]
    [InlineData("System.IO.File.Exists(p)")]
    [InlineData("SafeFile.TryReadAllBytes(p, SafeFile.Pem)")]
    [InlineData("new FileTransaction(overwrite: true)")]
    [InlineData("LinkedFile.Resolve(p)")]
    public void TheCheckSeesADirectCall(string line) => Assert.Matches(DirectAccess, line);

    [Theory]
    [InlineData("host.TryReadFile(path, SafeFile.Pem)")]
    [InlineData("host.TryReadFile(path, SafeFile.SystemdUnit)")]
    [InlineData("var file = DaemonConfigFile.Load(host, path);")]
    [InlineData("report.TlsCertExists = IsFile(host, file.TlsCert);")]
    public void TheCheckLetsTheSeamAndItsCapsBe(string line) => Assert.DoesNotMatch(DirectAccess, line);
}
