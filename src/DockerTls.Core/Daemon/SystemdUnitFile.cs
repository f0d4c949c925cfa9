using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;

namespace DockerTls.Core.Daemon;

/// <summary>A systemd file for Docker: where it goes, its text, and the commands that apply it, in order.</summary>
public sealed class SystemdUnitFile
{
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
            var socketPath = units.FullPath(SystemdUnits.SocketRelativePath);
            var warnings = new List<string>
            {
                "With the socket unit, daemon.json must have no \"hosts\" (dockerd gets -H fd:// instead), but still the TLS keys: run Set-DockerDaemonConfig -NoHosts.",
            };
            if (!units.HostFlags.Any(f => f.Flag.IndexOf("fd://", StringComparison.Ordinal) >= 0))
            {
                warnings.Add("docker.service does not run dockerd with -H fd://, so dockerd will not take the socket from systemd. Add -H fd:// to its ExecStart= (the packaged unit has it).");
            }

            return new SystemdUnitFile(host, kind, socketPath, SystemdUnits.SocketUnitText(port), SystemdUnits.SocketCommands(), ReadExisting(host, socketPath), warnings);
        }

        var path = units.FullPath(SystemdUnits.DropInRelativePath);
        var existing = ReadExisting(host, path);
        var text = units.DropInText(existing is null ? null : Utf8Text.Decode(path, existing));
        return new SystemdUnitFile(host, kind, path, text, SystemdUnits.DropInCommands(), existing);
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

    // What the file holds now; a socket unit that is a FIFO or a folder is refused here as any read would.
    private static byte[]? ReadExisting(IDaemonHost host, string path) => host.TryReadFile(path, SafeFile.SystemdUnit);
}
