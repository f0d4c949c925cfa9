using System;
using System.Collections.Generic;
using DockerTls.Core.IO;

namespace DockerTls.Core.Daemon;

/// <summary>
/// The host's files and commands: the one seam through which the daemon side (Set-/Get-DockerDaemonConfig,
/// New-DockerSystemdUnit, -Restart) reads and writes the Docker host. <see cref="LocalDaemonHost"/> is this machine;
/// an SSH host runs the same plan on a remote host, whose files travel only over the SSH channel. Paths are the
/// host's own (POSIX on a Linux host), never this machine's.
/// </summary>
public interface IDaemonHost
{
    /// <summary>The host as the user named it: <c>localhost</c>, or the SSH host name.</summary>
    string Name { get; }

    /// <summary>The platform the host's daemon runs on; it decides default paths and the restart command.</summary>
    DaemonPlatform Platform { get; }

    /// <summary>
    /// The bytes of the regular file at <paramref name="path"/> (a link is followed), or null when nothing is there;
    /// a FIFO, a device or a folder is <c>FileNotRegular</c>, a file over the cap <c>FileTooLarge</c>, as <see cref="SafeFile"/>.
    /// </summary>
    byte[]? TryReadFile(string path, FileCap cap);

    /// <summary>True when anything is at <paramref name="path"/> (a file, a folder, a FIFO, a link even to nothing).</summary>
    bool Exists(string path);

    /// <summary>True when <paramref name="path"/> is a folder.</summary>
    bool IsDirectory(string path);

    /// <summary>The names (not paths) of the regular files in <paramref name="folder"/> that end with <paramref name="suffix"/>, ordinal order; empty when the folder does not exist.</summary>
    IReadOnlyList<string> ListFiles(string folder, string suffix);

    /// <summary>
    /// Finds, without writing anything, what <see cref="Commit"/> would meet: <c>PermissionDenied</c>, <c>ReadOnlyFileSystem</c>,
    /// <c>TargetIsFolder</c>, <c>TargetChanged</c>, <c>LinkedFileRefused</c> (for -WhatIf and before a prompt).
    /// </summary>
    void Check(HostFileChanges changes);

    /// <summary>
    /// Writes every file of <paramref name="changes"/>, all or none, keys private from their first byte; calls
    /// <paramref name="onWritten"/> with (path, what it is) for each; returns the paths written.
    /// </summary>
    IReadOnlyList<string> Commit(HostFileChanges changes, Action<string, string>? onWritten = null);

    /// <summary>
    /// Runs <paramref name="argv"/> on the host (argv[0] looked up on the host's PATH; no shell parses the words),
    /// bounded by <paramref name="timeout"/>; the output is the host's, untrusted: sanitise it before it is shown.
    /// </summary>
    HostCommandResult Run(IReadOnlyList<string> argv, TimeSpan timeout);

    /// <summary>
    /// <see cref="Commit"/>, then, once every file is written, <see cref="Run"/> of <paramref name="argv"/> (the restart after
    /// a change): on a host over SSH both go in the one login. A commit that fails throws, as <see cref="Commit"/>, and runs nothing.
    /// </summary>
    (IReadOnlyList<string> Written, HostCommandResult Then) CommitThenRun(HostFileChanges changes, IReadOnlyList<string> argv, TimeSpan timeout, Action<string, string>? onWritten = null);
}

/// <summary>What a command run on a host returned.</summary>
public sealed class HostCommandResult
{
    /// <summary>Makes a result.</summary>
    public HostCommandResult(int exitCode, string output, bool timedOut)
    {
        ExitCode = exitCode;
        Output = output;
        TimedOut = timedOut;
    }

    /// <summary>The exit code; -1 when the command timed out or could not start.</summary>
    public int ExitCode { get; }

    /// <summary>Standard output and standard error together, as UTF-8 text (invalid bytes replaced), capped at 64 KiB.</summary>
    public string Output { get; }

    /// <summary>True when the command ran past its time and was stopped.</summary>
    public bool TimedOut { get; }
}
