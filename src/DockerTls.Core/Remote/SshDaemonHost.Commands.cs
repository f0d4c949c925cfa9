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
        if (argv.Count == 0) throw new ArgumentException("A command needs a program.", nameof(argv));
        var words = string.Join(" ", argv.Select(PosixShell.Quote));
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        var script = new StringBuilder()
            .Append("cd / || exit 1\n")
            .Append($"if command -v timeout >/dev/null 2>&1; then timeout -k 5 {seconds} {words} </dev/null 2>&1; else {words} </dev/null 2>&1; fi\n")
            .Append("r=$?; printf '\\n").Append(RunExit).Append(" %s\\n' \"$r\"\n");
        SshOutcome outcome;
        try
        {
            outcome = SshProcess.Run(Target, PosixShell.Complete(script), timeout + TimeSpan.FromSeconds(15));
        }
        finally
        {
            Connections++;
        }

        var text = Encoding.UTF8.GetString(outcome.Stdout); // invalid bytes become U+FFFD
        var mark = text.LastIndexOf("\n" + RunExit + " ", StringComparison.Ordinal);
        if (mark < 0) return new HostCommandResult(-1, Cap(text), timedOut: false);
        var exit = int.TryParse(text.Substring(mark + RunExit.Length + 2).Trim(), out var code) ? code : -1;
        return new HostCommandResult(exit == 124 ? -1 : exit, Cap(text.Substring(0, mark)), timedOut: exit == 124);
    }

    private const string RunExit = "dockertls-exit";

    private static string Cap(string text) => text.Length > 64 * 1024 ? text.Substring(0, 64 * 1024) : text;
}
