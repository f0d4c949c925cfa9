using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;

namespace DockerTls.Core.Daemon;

/// <summary>A systemd file for Docker: where it goes, its text, and the commands that apply it, in order.</summary>
public sealed class SystemdUnitFile
{
    private SystemdUnitFile(SystemdUnitKind kind, string path, string text, IReadOnlyList<string> commands, bool exists, IReadOnlyList<string>? warnings = null)
    {
        Warnings = warnings ?? Array.Empty<string>();
        Kind = kind;
        Path = path;
        Text = text;
        Commands = commands;
        Exists = exists;
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
    public bool Exists { get; }

    /// <summary>
    /// Works out the file under <paramref name="systemdRoot"/>. The drop-in keeps dockerd and every flag but -H from the
    /// docker.service found there (and the other lines of an existing docker.conf); the socket listens on <paramref name="port"/>.
    /// </summary>
    public static SystemdUnitFile Create(SystemdUnitKind kind, string systemdRoot, int port)
    {
        if (kind == SystemdUnitKind.Socket)
        {
            var socketPath = SystemdUnits.FullPath(systemdRoot, SystemdUnits.SocketRelativePath);
            var warnings = new List<string>
            {
                "With the socket unit, daemon.json must have no \"hosts\" (dockerd gets -H fd:// instead), but still the TLS keys: run Set-DockerDaemonConfig -NoHosts.",
            };
            var service = SystemdUnits.Load(systemdRoot);
            if (!service.HostFlags.Any(f => f.Flag.IndexOf("fd://", StringComparison.Ordinal) >= 0))
            {
                warnings.Add("docker.service does not run dockerd with -H fd://, so dockerd will not take the socket from systemd. Add -H fd:// to its ExecStart= (the packaged unit has it).");
            }

            return new SystemdUnitFile(kind, socketPath, SystemdUnits.SocketUnitText(port), SystemdUnits.SocketCommands(), File.Exists(socketPath), warnings);
        }

        var units = SystemdUnits.Load(systemdRoot);
        var path = SystemdUnits.FullPath(systemdRoot, SystemdUnits.DropInRelativePath);
        var existing = SafeFile.TryReadAllText(path, SafeFile.SystemdUnit);
        return new SystemdUnitFile(kind, path, units.DropInText(existing), SystemdUnits.DropInCommands(), existing is not null);
    }

    /// <summary>Writes the file (0644, atomically).</summary>
    /// <exception cref="DockerTlsException"><c>SystemdUnitExists</c> when it exists and <paramref name="force"/> is off.</exception>
    public IReadOnlyList<string> Write(bool force, Action<string, string>? onWritten = null)
    {
        if (Exists && !force && SafeFile.TryReadAllText(Path, SafeFile.SystemdUnit) is { } existing && !string.Equals(existing, Text, StringComparison.Ordinal))
        {
            throw new DockerTlsException(DaemonErrorIds.SystemdUnitExists, ErrorKind.ResourceExists,
                $"'{Path}' exists already. Nothing was written. Use -Force to replace it (a drop-in keeps its other lines).", Path);
        }

        var transaction = new FileTransaction(overwrite: true, destinationParameter: null);
        if (onWritten is not null)
        {
            transaction.FileWritten += onWritten;
        }

        transaction.AddRewrite(Path, new UTF8Encoding(false).GetBytes(Text), FileModes.PublicFile); // an existing unit keeps owner and mode
        return transaction.Commit();
    }
}
