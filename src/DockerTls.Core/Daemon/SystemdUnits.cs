using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;

namespace DockerTls.Core.Daemon;

/// <summary>
/// docker.service as systemd sees it under a root folder: the unit file that wins, its drop-ins in systemd's order,
/// the effective <c>ExecStart=</c> (an empty <c>ExecStart=</c> resets the list), the environment files it reads,
/// and where dockerd gets <c>-H</c>/<c>--host</c>. Also makes the drop-in and the CoreOS-style socket unit.
/// </summary>
public sealed class SystemdUnits
{
    /// <summary>The drop-in Set-DockerDaemonConfig -ConfigureSystemd and New-DockerSystemdUnit -Kind DropIn write, relative to the root.</summary>
    public const string DropInRelativePath = "etc/systemd/system/docker.service.d/docker.conf";

    /// <summary>The socket unit New-DockerSystemdUnit -Kind Socket writes, relative to the root.</summary>
    public const string SocketRelativePath = "etc/systemd/system/docker-tcp.socket";

    /// <summary>The Debian/Ubuntu environment file whose DOCKER_OPTS the packaged unit and init scripts pass to dockerd.</summary>
    public const string DefaultsRelativePath = "etc/default/docker";

    /// <summary>The dockerd used in a drop-in when no docker.service says where it is (Docker's own packages).</summary>
    public const string DefaultDockerdPath = "/usr/bin/dockerd";

    /// <summary>Unit folders, highest priority first, as systemd searches them.</summary>
    public static readonly IReadOnlyList<string> UnitFolders = new[]
    {
        "etc/systemd/system",
        "run/systemd/system",
        "usr/local/lib/systemd/system",
        "usr/lib/systemd/system",
        "lib/systemd/system",
    };

    private SystemdUnits(IDaemonHost host, string root)
    {
        Host = host;
        Root = root;
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
    /// Reads docker.service, its drop-ins and environment files under <paramref name="root"/>.
    /// <paramref name="plannedFiles"/> (root-relative path to text) stand in for files about to be written, so the
    /// outcome of a change can be checked before it is made.
    /// </summary>
    public static SystemdUnits Load(IDaemonHost host, string root, IReadOnlyDictionary<string, string>? plannedFiles = null)
    {
        var units = new SystemdUnits(host, root);
        string FullPath(string rootFolder, string relative) => HostPath.Join(host.Platform, rootFolder, relative);
        var planned = (plannedFiles ?? new Dictionary<string, string>())
            .ToDictionary(p => Normalize(p.Key), p => p.Value, StringComparer.Ordinal);

        string? Read(string relative)
        {
            if (planned.TryGetValue(Normalize(relative), out var text))
            {
                return text;
            }

            var full = FullPath(root, relative);
            return host.TryReadFile(full, SafeFile.SystemdUnit) is { } bytes ? Utf8Text.Decode(full, bytes) : null;
        }

        IEnumerable<string> List(string relativeFolder)
        {
            var full = FullPath(root, relativeFolder);
            var names = host.ListFiles(full, ".conf");
            var prefix = Normalize(relativeFolder) + "/";
            return names.Concat(planned.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) < 0 && k.EndsWith(".conf", StringComparison.Ordinal))
                .Select(k => k.Substring(prefix.Length))).Distinct(StringComparer.Ordinal);
        }

        var files = new List<(string Relative, string Text)>();
        foreach (var folder in UnitFolders)
        {
            var text = Read(folder + "/docker.service");
            if (text is not null)
            {
                units.UnitFile = FullPath(root, folder + "/docker.service");
                files.Add((folder + "/docker.service", text));
                break;
            }
        }

        // A drop-in name in a higher-priority folder masks the same name lower down; the rest apply by name.
        var dropIns = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in UnitFolders)
        {
            foreach (var name in List(folder + "/docker.service.d"))
            {
                if (!dropIns.ContainsKey(name))
                {
                    dropIns[name] = folder + "/docker.service.d/" + name;
                }
            }
        }

        foreach (var name in dropIns.Keys.OrderBy(n => n, StringComparer.Ordinal))
        {
            var text = Read(dropIns[name]);
            if (text is not null)
            {
                files.Add((dropIns[name], text));
            }
        }

        units.DropIns = files.Where(f => f.Relative.Contains(".service.d/")).Select(f => FullPath(root, f.Relative)).ToArray();

        var execStart = new List<UnitDirective>();
        var environmentFiles = new List<UnitDirective>();
        var environment = new List<UnitDirective>();
        foreach (var (relative, text) in files)
        {
            foreach (var directive in UnitDirective.ParseSection(FullPath(root, relative), text, "Service"))
            {
                switch (directive.Key)
                {
                    case "ExecStart":
                        if (directive.Value.Length == 0)
                        {
                            execStart.Clear();
                        }
                        else
                        {
                            execStart.Add(directive);
                        }

                        break;
                    case "EnvironmentFile":
                        if (directive.Value.Length == 0)
                        {
                            environmentFiles.Clear();
                        }
                        else
                        {
                            environmentFiles.Add(directive);
                        }

                        break;
                    case "Environment":
                        if (directive.Value.Length == 0)
                        {
                            environment.Clear();
                        }
                        else
                        {
                            environment.Add(directive);
                        }

                        break;
                }
            }
        }

        units.ExecStart = execStart;

        // Variables: Environment= lines, then environment files (which systemd reads later and so win).
        var variables = new Dictionary<string, (string Value, string File, int Line)>(StringComparer.Ordinal);
        foreach (var directive in environment)
        {
            foreach (var assignment in DockerdCommandLine.Split(directive.Value))
            {
                var eq = assignment.IndexOf('=');
                if (eq > 0)
                {
                    variables[assignment.Substring(0, eq)] = (assignment.Substring(eq + 1), directive.File, directive.Line);
                }
            }
        }

        foreach (var directive in environmentFiles)
        {
            var path = directive.Value.TrimStart('-');
            var relative = path.TrimStart('/');
            var text = Read(relative);
            if (text is not null)
            {
                foreach (var (name, value, line) in ParseEnvironmentFile(text))
                {
                    variables[name] = (value, FullPath(root, relative), line);
                }
            }
        }

        var flags = new List<HostFlagLocation>();
        foreach (var entry in execStart)
        {
            var command = DockerdCommandLine.Parse(entry.Value);
            if (!command.IsDockerd)
            {
                continue;
            }

            flags.AddRange(DockerdCommandLine.FindHostFlags(command.Words.Skip(1)).Select(f => new HostFlagLocation(entry.File, entry.Line, f)));
            foreach (var name in command.VariableReferences().Distinct())
            {
                if (variables.TryGetValue(name, out var variable))
                {
                    flags.AddRange(DockerdCommandLine.FindHostFlags(DockerdCommandLine.Split(variable.Value))
                        .Select(f => new HostFlagLocation(variable.File, variable.Line, f)));
                }
            }
        }

        // Without systemd, the Debian init scripts pass DOCKER_OPTS from /etc/default/docker.
        if (!units.HasDockerService)
        {
            var defaults = Read(DefaultsRelativePath);
            if (defaults is not null)
            {
                foreach (var (name, value, line) in ParseEnvironmentFile(defaults))
                {
                    if (name == "DOCKER_OPTS")
                    {
                        flags.AddRange(DockerdCommandLine.FindHostFlags(DockerdCommandLine.Split(value))
                            .Select(f => new HostFlagLocation(FullPath(root, DefaultsRelativePath), line, f)));
                    }
                }
            }
        }

        units.HostFlags = flags;
        return units;
    }

    /// <summary>
    /// The drop-in that makes dockerd take its hosts from daemon.json: <c>[Service]</c>, an empty <c>ExecStart=</c>
    /// resetting the packaged command, and <c>ExecStart=</c> with the same dockerd and every other flag
    /// (<c>--containerd=...</c>, <c>$DOCKER_OPTS</c>) but no <c>-H</c>. When the drop-in file exists already,
    /// pass its text: its other lines are kept and only its ExecStart= lines are replaced.
    /// </summary>
    public string DropInText(string? existingText = null)
    {
        var command = DockerdCommand;
        var execStart = command is null ? DefaultDockerdPath : command.WithoutHostFlags();
        var lines = new List<string>();
        if (existingText is null)
        {
            lines.Add("# Written by DockerTls: dockerd takes its hosts from daemon.json, and refuses -H flags as well.");
            lines.Add("[Service]");
            lines.Add("ExecStart=");
            lines.Add("ExecStart=" + execStart);
            return string.Join("\n", lines) + "\n";
        }

        var inService = false;
        var inserted = false;
        var skippingContinuation = false;
        foreach (var raw in existingText.Replace("\r\n", "\n").Split('\n'))
        {
            var trimmed = raw.Trim();
            if (skippingContinuation)
            {
                skippingContinuation = trimmed.EndsWith("\\", StringComparison.Ordinal);
                continue;
            }

            if (trimmed.StartsWith("[", StringComparison.Ordinal))
            {
                inService = trimmed == "[Service]";
                lines.Add(raw);
                if (inService && !inserted)
                {
                    lines.Add("ExecStart=");
                    lines.Add("ExecStart=" + execStart);
                    inserted = true;
                }

                continue;
            }

            if (inService && trimmed.StartsWith("ExecStart", StringComparison.Ordinal) && trimmed.Substring("ExecStart".Length).TrimStart().StartsWith("=", StringComparison.Ordinal))
            {
                skippingContinuation = trimmed.EndsWith("\\", StringComparison.Ordinal);
                continue;
            }

            lines.Add(raw);
        }

        while (lines.Count > 0 && lines[lines.Count - 1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (!inserted)
        {
            lines.Add("[Service]");
            lines.Add("ExecStart=");
            lines.Add("ExecStart=" + execStart);
        }

        return string.Join("\n", lines) + "\n";
    }

    /// <summary>
    /// The CoreOS-style socket unit: systemd listens on <paramref name="port"/> (IPv4 and IPv6) and hands the socket to
    /// docker.service, whose dockerd must run with <c>-H fd://</c> and no <c>hosts</c> in daemon.json.
    /// </summary>
    public static string SocketUnitText(int port)
    {
        if (port < 1 || port > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), "A port is a number from 1 to 65535.");
        }

        var sb = new StringBuilder();
        sb.Append("# Written by DockerTls: systemd listens here and hands the socket to dockerd (-H fd://).\n");
        sb.Append("[Unit]\n");
        sb.Append("Description=Docker API over TCP (port ").Append(port).Append(port == DaemonPaths.TlsPort ? ", TLS" : string.Empty).Append(")\n");
        sb.Append("PartOf=docker.service\n\n");
        sb.Append("[Socket]\n");
        sb.Append("ListenStream=").Append(port).Append('\n');
        sb.Append("BindIPv6Only=both\n");
        sb.Append("Service=docker.service\n\n");
        sb.Append("[Install]\n");
        sb.Append("WantedBy=sockets.target\n");
        return sb.ToString();
    }

    /// <summary>The commands that apply a drop-in: reload units, restart docker.</summary>
    public static IReadOnlyList<string> DropInCommands() => new[] { "systemctl daemon-reload", "systemctl restart docker" };

    /// <summary>The commands that apply the socket unit, in the order that works: the socket is listening before docker starts.</summary>
    public static IReadOnlyList<string> SocketCommands() => new[]
    {
        "systemctl daemon-reload",
        "systemctl enable docker-tcp.socket",
        "systemctl stop docker",
        "systemctl start docker-tcp.socket",
        "systemctl start docker",
    };

    /// <summary>A root-relative path under <see cref="Root"/> with the host's separator.</summary>
    public string FullPath(string relative) => HostPath.Join(Host.Platform, Root, relative);

    /// <summary>KEY=VALUE lines of an environment file (comments, <c>export</c> and quotes handled), with their lines.</summary>
    public static IEnumerable<(string Name, string Value, int Line)> ParseEnvironmentFile(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#' || line[0] == ';')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line.Substring(7).TrimStart();
            }

            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var name = line.Substring(0, eq).Trim();
            var value = line.Substring(eq + 1).Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[value.Length - 1] == value[0])
            {
                value = value.Substring(1, value.Length - 2);
            }

            yield return (name, value, i + 1);
        }
    }

    private static string Normalize(string relative) => relative.Replace('\\', '/').TrimStart('/');
}
