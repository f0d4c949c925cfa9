using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;

namespace DockerTls.Core.Daemon;

/// <summary>
/// A new systemd file for Docker: where it goes, its text, and the commands that apply it, in order. The drop-in that
/// resets ExecStart= without -H (Set-DockerDaemonConfig -ConfigureSystemd, New-DockerSystemdUnit -Kind DropIn) and the
/// CoreOS-style socket unit are written here; <see cref="SystemdUnits"/> reads what is installed.
/// </summary>
public sealed class SystemdUnitFile
{
    /// <summary>The drop-in Set-DockerDaemonConfig -ConfigureSystemd and New-DockerSystemdUnit -Kind DropIn write, relative to the root.</summary>
    public const string DropInRelativePath = "etc/systemd/system/docker.service.d/docker.conf";

    /// <summary>The socket unit New-DockerSystemdUnit -Kind Socket writes, relative to the root.</summary>
    public const string SocketRelativePath = "etc/systemd/system/docker-tcp.socket";

    /// <summary>The dockerd used in a drop-in when no docker.service says where it is (Docker's own packages).</summary>
    public const string DefaultDockerdPath = "/usr/bin/dockerd";

    private const string DropInHeader = "# Written by DockerTls: dockerd takes its hosts from daemon.json, and refuses -H flags as well.";

    private readonly IDaemonHost host;
    private readonly byte[]? existing;

    private SystemdUnitFile(IDaemonHost host, SystemdUnitKind kind, string path, string text, IReadOnlyList<string> commands, byte[]? existing, IReadOnlyList<string>? warnings = null)
    {
        this.host = host;
        this.existing = existing;
        Warnings = warnings ?? Array.Empty<string>();
        Kind = kind;
        Path = path;
        Text = text;
        Commands = commands;
    }

    /// <summary>Drop-in or socket.</summary>
    public SystemdUnitKind Kind { get; }

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>The unit text.</summary>
    public string Text { get; }

    /// <summary>The systemctl commands that apply it, in the order that works.</summary>
    public IReadOnlyList<string> Commands { get; }

    /// <summary>What to check before applying it (a socket unit needs dockerd to run with -H fd://).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Whether the file existed before.</summary>
    public bool Exists => existing is not null;

    /// <summary>
    /// Works out the file under <paramref name="systemdRoot"/> of <paramref name="host"/>. The drop-in keeps dockerd and every flag but -H from the
    /// docker.service found there (and the other lines of an existing docker.conf); the socket listens on <paramref name="port"/>.
    /// </summary>
    public static SystemdUnitFile Create(IDaemonHost host, SystemdUnitKind kind, string systemdRoot, int port)
    {
        var units = SystemdUnits.Load(host, systemdRoot);
        if (kind == SystemdUnitKind.Socket)
        {
            var socketPath = units.FullPath(SocketRelativePath);
            var warnings = new List<string>
            {
                "With the socket unit, daemon.json must have no \"hosts\" (dockerd gets -H fd:// instead), but still the TLS keys: run Set-DockerDaemonConfig -NoHosts.",
            };
            if (!units.HostFlags.Any(f => f.Flag.IndexOf("fd://", StringComparison.Ordinal) >= 0))
            {
                warnings.Add("docker.service does not run dockerd with -H fd://, so dockerd will not take the socket from systemd. Add -H fd:// to its ExecStart= (the packaged unit has it).");
            }

            return new SystemdUnitFile(host, kind, socketPath, SocketUnitText(port), SocketCommands(), ReadExisting(host, socketPath), warnings);
        }

        var path = units.FullPath(DropInRelativePath);
        var existing = ReadExisting(host, path);
        var text = DropInText(units, existing is null ? null : Utf8Text.Decode(path, existing));
        return new SystemdUnitFile(host, kind, path, text, DropInCommands(), existing);
    }

    /// <summary>Writes the file (0644, atomically; an existing unit keeps its owner and mode) unless another writer changed it since.</summary>
    /// <exception cref="DockerTlsException"><c>SystemdUnitExists</c> when it exists and <paramref name="force"/> is off.</exception>
    public IReadOnlyList<string> Write(bool force, Action<string, string>? onWritten = null)
    {
        var bytes = new UTF8Encoding(false).GetBytes(Text);
        if (existing is not null && !force && !existing.SequenceEqual(bytes))
        {
            throw new DockerTlsException(DaemonErrorIds.SystemdUnitExists, ErrorKind.ResourceExists,
                $"'{Path}' exists already. Nothing was written. Use -Force to replace it (a drop-in keeps its other lines).", Path);
        }

        var changes = new HostFileChanges();
        changes.Add(new HostFileChange(Path, bytes, HostFileKind.Rewrite, FileModes.PublicFile));
        changes.Expect(Path, existing);
        return host.Commit(changes, onWritten);
    }

    /// <summary>
    /// The drop-in that makes dockerd take its hosts from daemon.json: <c>[Service]</c>, an empty <c>ExecStart=</c>
    /// resetting the packaged command, and <c>ExecStart=</c> with the same dockerd as <paramref name="units"/> run and
    /// every other flag (<c>--containerd=...</c>, <c>$DOCKER_OPTS</c>) but no <c>-H</c>. When the drop-in file exists
    /// already, pass its text: its other lines are kept and only its ExecStart= lines are replaced.
    /// </summary>
    public static string DropInText(SystemdUnits units, string? existingText = null)
    {
        var command = units.DockerdCommand;
        var execStart = new[] { "ExecStart=", "ExecStart=" + (command is null ? DefaultDockerdPath : command.WithoutHostFlags()) };
        var lines = existingText is null
            ? new List<string> { DropInHeader, "[Service]" }.Concat(execStart).ToList()
            : WithExecStart(existingText, execStart);
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

    // An existing drop-in's lines with its [Service] ExecStart= lines (and their continuations) replaced by
    // <paramref name="execStart"/>, put right after the first [Service] header, or in a [Service] of their own at the end.
    private static List<string> WithExecStart(string existingText, IReadOnlyList<string> execStart)
    {
        var lines = new List<string>();
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
                    lines.AddRange(execStart);
                    inserted = true;
                }

                continue;
            }

            if (inService && IsExecStart(trimmed))
            {
                skippingContinuation = trimmed.EndsWith("\\", StringComparison.Ordinal);
                continue;
            }

            lines.Add(raw);
        }

        while (lines.Count > 0 && lines[lines.Count - 1].Length == 0) lines.RemoveAt(lines.Count - 1);
        if (!inserted)
        {
            lines.Add("[Service]");
            lines.AddRange(execStart);
        }

        return lines;
    }

    private static bool IsExecStart(string trimmed) =>
        trimmed.StartsWith("ExecStart", StringComparison.Ordinal) && trimmed.Substring("ExecStart".Length).TrimStart().StartsWith("=", StringComparison.Ordinal);

    // What the file holds now; a socket unit that is a FIFO or a folder is refused here as any read would.
    private static byte[]? ReadExisting(IDaemonHost host, string path) => host.TryReadFile(path, SafeFile.SystemdUnit);
}
