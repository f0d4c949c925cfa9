using System;
using System.Collections.Generic;
using System.Linq;
using DockerTls.Core.IO;

namespace DockerTls.Core.Daemon;

/// <summary>
/// docker.service as systemd sees it under a root folder of a host: the unit file that wins, its drop-ins in systemd's
/// order, the effective <c>ExecStart=</c> (an empty <c>ExecStart=</c> resets the list), the environment files it reads,
/// and where dockerd gets <c>-H</c>/<c>--host</c>. Reading only: <see cref="SystemdUnitFile"/> writes new units.
/// </summary>
public sealed class SystemdUnits
{
    /// <summary>The Debian/Ubuntu environment file whose DOCKER_OPTS the packaged unit and init scripts pass to dockerd.</summary>
    public const string DefaultsRelativePath = "etc/default/docker";

    /// <summary>Unit folders, highest priority first, as systemd searches them.</summary>
    public static readonly IReadOnlyList<string> UnitFolders = new[]
    {
        "etc/systemd/system",
        "run/systemd/system",
        "usr/local/lib/systemd/system",
        "usr/lib/systemd/system",
        "lib/systemd/system",
    };

    private readonly Dictionary<string, string> planned;

    private SystemdUnits(IDaemonHost host, string root, IReadOnlyDictionary<string, string>? plannedFiles)
    {
        Host = host;
        Root = root;
        planned = (plannedFiles ?? new Dictionary<string, string>()).ToDictionary(p => Normalize(p.Key), p => p.Value, StringComparer.Ordinal);
    }

    /// <summary>The host whose units these are.</summary>
    public IDaemonHost Host { get; }

    /// <summary>The root folder (<c>/</c> on a real host).</summary>
    public string Root { get; }

    /// <summary>The docker.service file that systemd uses, or null when there is none.</summary>
    public string? UnitFile { get; private set; }

    /// <summary>The drop-ins in the order systemd applies them.</summary>
    public IReadOnlyList<string> DropIns { get; private set; } = Array.Empty<string>();

    /// <summary>The effective ExecStart= entries after resets, in order.</summary>
    public IReadOnlyList<UnitDirective> ExecStart { get; private set; } = Array.Empty<UnitDirective>();

    /// <summary>Where dockerd gets -H/--host: unit, drop-in or environment file lines.</summary>
    public IReadOnlyList<HostFlagLocation> HostFlags { get; private set; } = Array.Empty<HostFlagLocation>();

    /// <summary>True when a docker.service or a drop-in exists under the root: the host runs Docker with systemd.</summary>
    public bool HasDockerService => UnitFile is not null || DropIns.Count > 0;

    /// <summary>The dockerd command line that systemd runs, or null.</summary>
    public DockerdCommandLine? DockerdCommand =>
        ExecStart.Select(e => DockerdCommandLine.Parse(e.Value)).LastOrDefault(c => c.IsDockerd);

    /// <summary>
    /// Reads docker.service, its drop-ins and environment files under <paramref name="root"/> on <paramref name="host"/>.
    /// <paramref name="plannedFiles"/> (root-relative path to text) stand in for files about to be written, so the
    /// outcome of a change can be checked before it is made.
    /// </summary>
    public static SystemdUnits Load(IDaemonHost host, string root, IReadOnlyDictionary<string, string>? plannedFiles = null)
    {
        var units = new SystemdUnits(host, root, plannedFiles);
        var files = units.ReadServiceFiles();
        var (environment, environmentFiles) = units.ReadDirectives(files);
        var variables = units.Variables(environment, environmentFiles);
        var flags = units.ExecStart.SelectMany(entry => FlagsOf(entry, variables)).ToList();
        if (!units.HasDockerService) flags.AddRange(units.DefaultsFlags());
        units.HostFlags = flags;
        return units;
    }

    /// <summary>A root-relative path under <see cref="Root"/> with the host's separator.</summary>
    public string FullPath(string relative) => HostPath.Join(Host.Platform, Root, relative);

    /// <summary>KEY=VALUE lines of an environment file (comments, <c>export</c> and quotes handled), with their lines.</summary>
    public static IEnumerable<(string Name, string Value, int Line)> ParseEnvironmentFile(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#' || line[0] == ';') continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line.Substring(7).TrimStart();
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var name = line.Substring(0, eq).Trim();
            var value = line.Substring(eq + 1).Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[value.Length - 1] == value[0])
            {
                value = value.Substring(1, value.Length - 2);
            }

            yield return (name, value, i + 1);
        }
    }

    // The unit file that wins, then the drop-ins: a name in a higher-priority folder masks the same name lower down,
    // and the rest apply in the order of their names.
    private List<(string Relative, string Text)> ReadServiceFiles()
    {
        var files = new List<(string Relative, string Text)>();
        foreach (var folder in UnitFolders)
        {
            if (Read(folder + "/docker.service") is { } text)
            {
                UnitFile = FullPath(folder + "/docker.service");
                files.Add((folder + "/docker.service", text));
                break;
            }
        }

        var dropIns = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in UnitFolders)
        {
            foreach (var name in ListDropIns(folder + "/docker.service.d").Where(n => !dropIns.ContainsKey(n)))
            {
                dropIns[name] = folder + "/docker.service.d/" + name;
            }
        }

        var read = dropIns.Keys.OrderBy(n => n, StringComparer.Ordinal).Select(n => (Relative: dropIns[n], Text: Read(dropIns[n]))).Where(f => f.Text is not null).ToList();
        files.AddRange(read.Select(f => (f.Relative, f.Text!)));
        DropIns = read.Select(f => FullPath(f.Relative)).ToArray();
        return files;
    }

    // ExecStart=, EnvironmentFile= and Environment= of [Service], in order; an empty assignment resets its list.
    private (List<UnitDirective> Environment, List<UnitDirective> EnvironmentFiles) ReadDirectives(List<(string Relative, string Text)> files)
    {
        var lists = new Dictionary<string, List<UnitDirective>>(StringComparer.Ordinal)
        {
            ["ExecStart"] = new(),
            ["EnvironmentFile"] = new(),
            ["Environment"] = new(),
        };
        foreach (var (relative, text) in files)
        {
            foreach (var directive in UnitDirective.ParseSection(FullPath(relative), text, "Service"))
            {
                if (!lists.TryGetValue(directive.Key, out var list)) continue;
                if (directive.Value.Length == 0) list.Clear();
                else list.Add(directive);
            }
        }

        ExecStart = lists["ExecStart"];
        return (lists["Environment"], lists["EnvironmentFile"]);
    }

    // Environment= lines, then environment files (which systemd reads later and so win).
    private Dictionary<string, (string Value, string File, int Line)> Variables(List<UnitDirective> environment, List<UnitDirective> environmentFiles)
    {
        var variables = new Dictionary<string, (string Value, string File, int Line)>(StringComparer.Ordinal);
        foreach (var directive in environment)
        {
            foreach (var assignment in DockerdCommandLine.Split(directive.Value))
            {
                var eq = assignment.IndexOf('=');
                if (eq > 0) variables[assignment.Substring(0, eq)] = (assignment.Substring(eq + 1), directive.File, directive.Line);
            }
        }

        foreach (var directive in environmentFiles)
        {
            var relative = directive.Value.TrimStart('-').TrimStart('/');
            if (Read(relative) is not { } text) continue;
            foreach (var (name, value, line) in ParseEnvironmentFile(text))
            {
                variables[name] = (value, FullPath(relative), line);
            }
        }

        return variables;
    }

    private static IEnumerable<HostFlagLocation> FlagsOf(UnitDirective entry, Dictionary<string, (string Value, string File, int Line)> variables)
    {
        var command = DockerdCommandLine.Parse(entry.Value);
        if (!command.IsDockerd) return Enumerable.Empty<HostFlagLocation>();
        var flags = DockerdCommandLine.FindHostFlags(command.Words.Skip(1)).Select(f => new HostFlagLocation(entry.File, entry.Line, f)).ToList();
        foreach (var name in command.VariableReferences().Distinct())
        {
            if (variables.TryGetValue(name, out var variable))
            {
                flags.AddRange(DockerdCommandLine.FindHostFlags(DockerdCommandLine.Split(variable.Value)).Select(f => new HostFlagLocation(variable.File, variable.Line, f)));
            }
        }

        return flags;
    }

    // Without systemd, the Debian init scripts pass DOCKER_OPTS from /etc/default/docker.
    private IEnumerable<HostFlagLocation> DefaultsFlags()
    {
        if (Read(DefaultsRelativePath) is not { } defaults) return Enumerable.Empty<HostFlagLocation>();
        return ParseEnvironmentFile(defaults).Where(v => v.Name == "DOCKER_OPTS").SelectMany(v =>
            DockerdCommandLine.FindHostFlags(DockerdCommandLine.Split(v.Value)).Select(f => new HostFlagLocation(FullPath(DefaultsRelativePath), v.Line, f)));
    }

    private string? Read(string relative)
    {
        if (planned.TryGetValue(Normalize(relative), out var text)) return text;
        var full = FullPath(relative);
        return Host.TryReadFile(full, SafeFile.SystemdUnit) is { } bytes ? Utf8Text.Decode(full, bytes) : null;
    }

    private IEnumerable<string> ListDropIns(string relativeFolder)
    {
        var prefix = Normalize(relativeFolder) + "/";
        var plannedHere = planned.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) < 0 && k.EndsWith(".conf", StringComparison.Ordinal))
            .Select(k => k.Substring(prefix.Length));
        return Host.ListFiles(FullPath(relativeFolder), ".conf").Concat(plannedHere).Distinct(StringComparer.Ordinal);
    }

    private static string Normalize(string relative) => relative.Replace('\\', '/').TrimStart('/');
}
