using System;
using System.Collections.Generic;

namespace DockerTls.Core.Daemon;

/// <summary>One <c>Key=Value</c> line of a systemd unit file, with where it came from.</summary>
public sealed class UnitDirective
{
    /// <summary>Creates a directive.</summary>
    public UnitDirective(string file, int line, string section, string key, string value)
    {
        File = file;
        Line = line;
        Section = section;
        Key = key;
        Value = value;
    }

    /// <summary>The unit file.</summary>
    public string File { get; }

    /// <summary>The 1-based line where the directive starts.</summary>
    public int Line { get; }

    /// <summary>The section, e.g. <c>Service</c>.</summary>
    public string Section { get; }

    /// <summary>The key, e.g. <c>ExecStart</c>.</summary>
    public string Key { get; }

    /// <summary>The value, continuation lines joined; empty for a reset such as <c>ExecStart=</c>.</summary>
    public string Value { get; }

    /// <summary>The directives of one section of a unit file. Comments (<c>#</c>, <c>;</c>) are skipped and lines ending in a backslash continue.</summary>
    public static IEnumerable<UnitDirective> ParseSection(string file, string text, string section)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var current = string.Empty;
        for (var i = 0; i < lines.Length; i++)
        {
            var start = i;
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#' || line[0] == ';')
            {
                continue;
            }

            while (line.EndsWith("\\", StringComparison.Ordinal) && i + 1 < lines.Length)
            {
                line = line.Substring(0, line.Length - 1) + " " + lines[++i].Trim();
            }

            if (line.StartsWith("[", StringComparison.Ordinal) && line.EndsWith("]", StringComparison.Ordinal))
            {
                current = line.Substring(1, line.Length - 2);
                continue;
            }

            var eq = line.IndexOf('=');
            if (eq <= 0 || !string.Equals(current, section, StringComparison.Ordinal))
            {
                continue;
            }

            yield return new UnitDirective(file, start + 1, current, line.Substring(0, eq).Trim(), line.Substring(eq + 1).Trim());
        }
    }
}
