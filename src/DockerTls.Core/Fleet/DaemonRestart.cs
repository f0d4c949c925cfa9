using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using DockerTls.Core.Daemon;
using DockerTls.Core.Diagnostics;

namespace DockerTls.Core.Fleet;

/// <summary>What <see cref="DaemonRestart.Run"/> needs to restart one host's dockerd and to undo a change it refuses.</summary>
public sealed class DaemonRestartRequest
{
    /// <summary>The host's daemon.json, given to <c>dockerd --validate</c>.</summary>
    public string ConfigPath { get; set; } = DaemonPaths.DefaultConfigPath(DaemonPlatform.Linux);

    /// <summary>The previous files (<see cref="DaemonRestart.PreviousFiles"/>), written back when dockerd does not come back.</summary>
    public HostFileChanges? Rollback { get; set; }

    /// <summary>Where this machine waits for dockerd's TLS port after the restart; null: it waits for systemctl only.</summary>
    public string? TlsHost { get; set; }

    /// <summary>The TLS port.</summary>
    public int TlsPort { get; set; } = DaemonPaths.TlsPort;

    /// <summary>Whether the new daemon.json has <c>"live-restore": true</c> (otherwise a restart stops the containers).</summary>
    public bool LiveRestore { get; set; }

    /// <summary>Whether to warn when <see cref="LiveRestore"/> is off (false when the plan has warned already).</summary>
    public bool WarnWithoutLiveRestore { get; set; } = true;

    /// <summary>The most time <c>systemctl restart docker</c> may take.</summary>
    public TimeSpan RestartTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>The most time the TLS port may take to open after the restart.</summary>
    public TimeSpan PortTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The TLS check from this machine (Test-DockerTlsConnection with the given client files), or null.</summary>
    public Func<DockerTlsTestResult>? Verify { get; set; }
}

/// <summary>
/// Restarts dockerd on a host after its files changed: <c>dockerd --validate</c> first where the engine has it (23.0+),
/// <c>systemctl daemon-reload</c> and <c>systemctl restart docker</c> (never reload: TLS settings are read only at start),
/// a bounded wait for the TLS port from this machine, then the TLS check. When dockerd does not come back, the
/// previous files are written back, dockerd is restarted on them, and the host is reported with its last log lines.
/// </summary>
public static class DaemonRestart
{
    private const int LogLines = 20;

    // One run on the host: no systemctl (a host without systemd: OpenRC, as Alpine's) exit 12; --validate where dockerd
    // has it (exit 10 when it refuses), daemon-reload, restart (exit 11).
    private const string RestartScript =
        "command -v systemctl >/dev/null 2>&1 || exit 12\n" +
        "if dockerd --help 2>/dev/null | grep -q -- --validate; then dockerd --validate --config-file \"$1\" 2>&1 || exit 10; fi\n" +
        "systemctl daemon-reload 2>&1\n" +
        "systemctl restart docker 2>&1 || exit 11\n";

    /// <summary>The command that validates and restarts (its exit codes: 10 refused by --validate, 11 the restart failed, 12 no systemctl).</summary>
    public static IReadOnlyList<string> Command(string configPath) => new[] { "sh", "-c", RestartScript, "sh", configPath };

    /// <summary>The most time <see cref="Command"/> may take.</summary>
    public static TimeSpan CommandTimeout(DaemonRestartRequest request) => request.RestartTimeout + TimeSpan.FromSeconds(30);

    /// <summary>
    /// Restarts, waits, checks; records the outcome in <paramref name="result"/>. <paramref name="restarted"/> is what
    /// <see cref="Command"/> returned when it already ran (after the commit, in the same login); null: it runs here.
    /// </summary>
    public static void Run(IDaemonHost host, DaemonRestartRequest request, DockerHostResult result, HostCommandResult? restarted = null)
    {
        if (host.Platform == DaemonPlatform.Windows)
            throw new DockerTlsException(FleetErrorIds.RestartNotSupported, ErrorKind.InvalidOperation,
                $"-Restart works on Linux hosts with systemd; on Windows run 'Restart-Service docker' yourself. The files are written.", host.Name);
        if (!request.LiveRestore && request.WarnWithoutLiveRestore)
            result.AddWarning("\"live-restore\" is not on in daemon.json: the restart stops the daemon's running containers. Set \"live-restore\": true to keep them running across restarts.");
        var restart = restarted ?? host.Run(Command(request.ConfigPath), CommandTimeout(request));
        if (restart.ExitCode == 12)
        {
            // Nothing was restarted, so nothing is put back: the files are written, as without -Restart.
            result.Verdict = FleetVerdict.Failed;
            result.ErrorId = FleetErrorIds.RestartNotSupported;
            result.AddProblem($"-Restart restarts dockerd with systemd's systemctl, and {host.Name} has none (a host with OpenRC, as Alpine's, restarts it with 'rc-service docker restart'). " +
                (result.Changed ? "The new files are written and dockerd still runs on the old ones: restart it there yourself, then check it with Test-DockerTlsConnection." : "Nothing was changed or restarted."));
            return;
        }

        if (restart.ExitCode == 10)
        {
            result.AddProblem($"dockerd --validate refused the new '{request.ConfigPath}' on {host.Name}: {LastLines(restart.Output, 5)}");
            RollBack(host, request, result, restart: false);
            return;
        }

        var up = restart.ExitCode == 0 && (request.TlsHost is null || WaitForPort(request.TlsHost, request.TlsPort, request.PortTimeout));
        if (!up)
        {
            result.AddProblem(restart.ExitCode != 0
                ? $"'systemctl restart docker' failed on {host.Name} ({(restart.TimedOut ? "timed out" : "exit " + restart.ExitCode)}); the daemon's last log lines follow."
                : $"dockerd on {host.Name} did not open {request.TlsHost}:{request.TlsPort} within {request.PortTimeout.TotalSeconds:0} s; the daemon's last log lines follow.");
            foreach (var line in Logs(host)) result.AddProblem("  " + line);
            RollBack(host, request, result, restart: true);
            return;
        }

        result.Restarted = true;
        if (request.Verify is null)
        {
            result.Verdict = FleetVerdict.Restarted;
            return;
        }

        var test = request.Verify();
        result.Connection = test;
        result.Verdict = test.Success ? FleetVerdict.Verified : FleetVerdict.NotVerified;
        if (!test.Success) result.AddProblem($"The TLS check of {test.DockerHost} from this machine failed ({test.Failure}): {test.Diagnosis} {test.Remedy}");
    }

    /// <summary>
    /// The changes that put back what <paramref name="applied"/> replaced: each file that was there before (not the
    /// backups) with its previous bytes, expected to hold what was written. A file that was not there before stays.
    /// </summary>
    public static HostFileChanges PreviousFiles(HostFileChanges applied)
    {
        var previous = new HostFileChanges();
        foreach (var file in applied.Files.Where(f => f.Kind != HostFileKind.Backup))
        {
            if (!applied.Expected.TryGetValue(file.Path, out var old) || old is null) continue;
            previous.Add(new HostFileChange(file.Path, old, file.Kind, file.NewFileMode));
            previous.Expect(file.Path, file.Content);
        }

        return previous;
    }

    private static void RollBack(IDaemonHost host, DaemonRestartRequest request, DockerHostResult result, bool restart)
    {
        result.Verdict = FleetVerdict.Failed;
        if (request.Rollback is null || request.Rollback.IsEmpty)
        {
            result.AddProblem($"There were no previous files to put back on {host.Name}; fix the settings there and restart dockerd.");
            return;
        }

        HostCommandResult? again = null;
        try
        {
            // The restart on the previous files goes with them (over SSH, in the same login).
            if (restart) again = host.CommitThenRun(request.Rollback, new[] { "systemctl", "restart", "docker" }, request.RestartTimeout).Then;
            else host.Commit(request.Rollback);
        }
        catch (DockerTlsException e)
        {
            result.AddProblem($"Putting the previous files back on {host.Name} failed: {e.Message}");
            return;
        }

        result.Changed = false;
        if (again is not null)
        {
            if (again.ExitCode != 0)
            {
                result.AddProblem($"The previous files are back on {host.Name}, but dockerd did not start on them either ('systemctl restart docker': exit {again.ExitCode}). Look at 'journalctl -u docker' there.");
                return;
            }
        }

        result.Verdict = FleetVerdict.RolledBack;
        result.AddProblem($"The previous files are back on {host.Name}" + (restart ? " and dockerd runs on them again." : "; dockerd was not restarted."));
    }

    private static string[] Logs(IDaemonHost host)
    {
        var logs = host.Run(new[] { "journalctl", "-u", "docker", "--no-pager", "-n", LogLines.ToString(System.Globalization.CultureInfo.InvariantCulture) }, TimeSpan.FromSeconds(30));
        return logs.Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).Reverse().Take(LogLines).Reverse()
            .Select(l => { var c = TerminalText.Clean(l); return c.Length > 300 ? c.Substring(0, 300) + "..." : c; }).ToArray();
    }

    private static string LastLines(string output, int count) =>
        string.Join(" | ", output.Split('\n').Select(l => TerminalText.Clean(l.TrimEnd('\r'))).Where(l => l.Length > 0).Reverse().Take(count).Reverse());

    /// <summary>Waits until a TCP connection to <paramref name="host"/>:<paramref name="port"/> succeeds, at most <paramref name="timeout"/>.</summary>
    public static bool WaitForPort(string host, int port, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            using (var client = new TcpClient())
            {
                try
                {
                    var connect = client.ConnectAsync(host, port);
                    if (connect.Wait(TimeSpan.FromSeconds(1)) && client.Connected) return true;
                }
                catch (AggregateException)
                {
                }
                catch (SocketException)
                {
                }
            }

            System.Threading.Thread.Sleep(200);
        }

        return false;
    }
}
