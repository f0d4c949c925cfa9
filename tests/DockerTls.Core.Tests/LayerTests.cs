using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace DockerTls.Core.Tests;

/// <summary>
/// Core's folders are layers that point one way (README, "Architecture"): a folder may use the folders listed for it
/// here and nothing above. The test reads the sources themselves, using lines and qualified names alike, so that a
/// new dependency upward fails here before it becomes a cycle.
/// </summary>
public class LayerTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["(root)"] = Array.Empty<string>(),
        ["IO"] = Array.Empty<string>(),
        ["Json"] = Array.Empty<string>(),
        ["Pki"] = new[] { "IO", "Json" },
        ["Daemon"] = new[] { "IO", "Json", "Pki" },
        ["Client"] = new[] { "IO", "Json", "Pki" },
        ["Diagnostics"] = new[] { "IO", "Json", "Pki", "Client", "Daemon" },
        ["Remote"] = new[] { "IO", "Daemon" },
        ["Fleet"] = new[] { "IO", "Json", "Pki", "Client", "Daemon", "Diagnostics", "Remote" },
    };

    private static readonly Regex Reference = new(@"\bDockerTls\.Core\.(?<folder>[A-Z][A-Za-z]*)\b", RegexOptions.Compiled);

    internal static string CoreSource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var core = Path.Combine(dir.FullName, "src", "DockerTls.Core");
            if (File.Exists(Path.Combine(dir.FullName, "DockerTls.sln")) && Directory.Exists(core)) return core;
        }
        throw new InvalidOperationException("The repository (DockerTls.sln) is not above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<(string Folder, string File)> SourceFiles()
    {
        var core = CoreSource();
        foreach (var file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(core, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts[0] is "bin" or "obj") continue;
            yield return (parts.Length == 1 ? "(root)" : parts[0], file);
        }
    }

    [Fact]
    public void EveryFolderOfCoreIsALayerTheTestKnows()
    {
        var unknown = SourceFiles().Select(f => f.Folder).Distinct().Where(f => !Allowed.ContainsKey(f)).ToList();
        Assert.True(unknown.Count == 0, "Folders without a place in the layers (add them to LayerTests and the README's map): " + string.Join(", ", unknown));
    }

    [Fact]
    public void NoFolderOfCoreDependsOnOneAboveIt()
    {
        var wrong = new List<string>();
        foreach (var (folder, file) in SourceFiles())
        {
            if (!Allowed.TryGetValue(folder, out var allowed)) continue;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("namespace ", StringComparison.Ordinal)) continue;
                foreach (Match m in Reference.Matches(lines[i]))
                {
                    var target = m.Groups["folder"].Value;
                    if (target == folder || !Allowed.ContainsKey(target) || allowed.Contains(target)) continue;
                    wrong.Add($"{Path.GetFileName(file)}:{i + 1}: {folder} uses {target}");
                }
            }
        }
        Assert.True(wrong.Count == 0, "Dependencies that point up the layers:\n" + string.Join("\n", wrong));
    }
}
