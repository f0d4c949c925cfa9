using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using DockerTls.Core.Daemon;

namespace DockerTls.Core.Remote;

/// <summary>A command run on the host (the restart's steps, its logs): one login each, every word quoted, bounded in time.</summary>
public sealed partial class SshDaemonHost
{
    /// <inheritdoc/>
    public HostCommandResult Run(IReadOnlyList<string> argv, TimeSpan timeout)
    {
        var script = Command(argv, timeout);
        SshOutcome outcome;
        try
        {
            outcome = SshProcess.Run(Target, PosixShell.Complete(new StringBuilder(script)), timeout + TimeSpan.FromSeconds(15));
        }
        finally
        {
            Connections++;
        }

        return CommandResult(Encoding.UTF8.GetString(outcome.Stdout)); // invalid bytes become U+FFFD
    }

    /// <inheritdoc/>
    public (IReadOnlyList<string> Written, HostCommandResult Then) CommitThenRun(HostFileChanges changes, IReadOnlyList<string> argv, TimeSpan timeout, Action<string, string>? onWritten = null)
    {
        var (written, after) = CommitWith(changes, onWritten, Command(argv, timeout), timeout + TimeSpan.FromSeconds(15));
        return (written, after is null ? Run(argv, timeout) : CommandResult(after));
    }

    // The sh text that runs argv from / with no stdin, bounded by timeout(1) where the host has it, and prints its exit code last.
    private static string Command(IReadOnlyList<string> argv, TimeSpan timeout)
    {
        if (argv.Count == 0) throw new ArgumentException("A command needs a program.", nameof(argv));
        var words = string.Join(" ", argv.Select(PosixShell.Quote));
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        return new StringBuilder()
            .Append("cd / || exit 1\n")
            .Append($"if command -v timeout >/dev/null 2>&1; then timeout -k 5 {seconds} {words} </dev/null 2>&1; else {words} </dev/null 2>&1; fi\n")
            .Append("r=$?; printf '\\n").Append(RunExit).Append(" %s\\n' \"$r\"\n").ToString();
    }

    // What Command printed: its output, and its exit code from the last marker (none: the connection ended first, -1).
    private static HostCommandResult CommandResult(string text)
    {
        var mark = text.LastIndexOf("\n" + RunExit + " ", StringComparison.Ordinal);
        if (mark < 0) return new HostCommandResult(-1, Cap(text), timedOut: false);
        var exit = int.TryParse(text.Substring(mark + RunExit.Length + 2).Trim(), out var code) ? code : -1;
        return new HostCommandResult(exit == 124 ? -1 : exit, Cap(text.Substring(0, mark)), timedOut: exit == 124);
    }

    private const string RunExit = "dockertls-exit";

    private static string Cap(string text) => text.Length > 64 * 1024 ? text.Substring(0, 64 * 1024) : text;
}
