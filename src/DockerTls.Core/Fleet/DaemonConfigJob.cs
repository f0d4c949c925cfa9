using System;
using System.Linq;
using DockerTls.Core.Daemon;
using DockerTls.Core.Diagnostics;
using DockerTls.Core.Json;

namespace DockerTls.Core.Fleet;

/// <summary>How a configured host is restarted and checked (Set-DockerDaemonConfig -Restart).</summary>
public sealed class DaemonRestartOptions
{
    /// <summary>The client files (ca.pem, cert.pem, key.pem) that the TLS check from this machine uses; null: no check.</summary>
    public string? ClientCertPath { get; set; }

    /// <summary>The most time the TLS port may take to open after the restart.</summary>
    public TimeSpan PortTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The home folder of this machine's user (for the TLS check's defaults).</summary>
    public string UserHome { get; set; } = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}

/// <summary>
/// Configures mutual TLS on one host, as Set-DockerDaemonConfig does for each host of a fleet: the plan (read
/// through the host), its files written all or none, and with <see cref="DaemonRestartOptions"/> the restart, the
/// wait for the TLS port and the check from this machine, rolled back when dockerd does not come back.
/// </summary>
public static class DaemonConfigJob
{
    /// <summary>Runs the job; a failure before any file is written throws (the caller reports the host failed).</summary>
    public static DockerHostResult Run(IDaemonHost host, DaemonConfigRequest request, DaemonRestartOptions? restart, Action<string, string>? onWritten = null)
    {
        try
        {
            var plan = DaemonConfigPlan.Create(host, request);
            var result = Configure(host, plan, restart, onWritten);
            foreach (var warning in plan.Warnings) result.AddWarning(warning);
            if (host is Remote.SshDaemonHost ssh)
            {
                foreach (var (path, note) in ssh.Recovered) result.AddWarning($"'{TerminalText.Clean(path)}' {note}.");
            }

            return result;
        }
        finally
        {
            (host as IDisposable)?.Dispose(); // a login kept open for a commit that did not come runs nothing
        }
    }

    /// <summary>Applies a plan already made (and shown); the caller has written the plan's warnings.</summary>
    public static DockerHostResult Configure(IDaemonHost host, DaemonConfigPlan plan, DaemonRestartOptions? restart, Action<string, string>? onWritten = null)
    {
        var result = new DockerHostResult(host.Name);
        var changes = plan.Files;
        var (tlsHost, tlsPort) = TlsEndpoint(plan.NewConfig, host.Name);
        var clientCerts = restart?.ClientCertPath;
        var request = new DaemonRestartRequest
        {
            ConfigPath = plan.Path,
            TlsHost = tlsHost,
            TlsPort = tlsPort,
            LiveRestore = plan.NewConfig["live-restore"] is JsonBool { Value: true },
            WarnWithoutLiveRestore = !plan.Warnings.Any(w => w.IndexOf("live-restore", StringComparison.Ordinal) >= 0),
            PortTimeout = restart?.PortTimeout ?? TimeSpan.FromSeconds(30),
            Verify = restart is null || clientCerts is null || tlsHost is null ? null : () => Probe(tlsHost, tlsPort, clientCerts, restart.UserHome),
        };
        HostCommandResult? restarted = null;
        if (!changes.IsEmpty)
        {
            // With -Restart the restart goes with the commit: over SSH one login writes the files and restarts dockerd.
            if (restart is null || host.Platform == DaemonPlatform.Windows) result.FilesWritten = plan.Apply(onWritten); // Windows: Run says why not
            else (result.FilesWritten, restarted) = plan.ApplyThenRun(DaemonRestart.Command(plan.Path), DaemonRestart.CommandTimeout(request), onWritten);
            result.Changed = result.FilesWritten.Count > 0;
        }

        result.Verdict = result.Changed ? FleetVerdict.Configured : FleetVerdict.Unchanged;
        if (restart is null) return result;

        request.Rollback = result.Changed ? DaemonRestart.PreviousFiles(changes) : null;
        DaemonRestart.Run(host, request, result, restarted);
        return result;
    }

    /// <summary>
    /// Where this machine reaches the daemon's TLS port: the first tcp:// host of daemon.json, with a wildcard address
    /// (0.0.0.0, ::) replaced by the host's own name; null when daemon.json has no TCP host.
    /// </summary>
    public static (string? Host, int Port) TlsEndpoint(JsonObject config, string hostName)
    {
        if (config["hosts"] is not JsonArray hosts) return (null, DaemonPaths.TlsPort);
        foreach (var node in hosts.OfType<JsonString>())
        {
            if (!DockerHostAddress.TryParse(node.Value, out var address, out _) || address is null || !address.IsTcp) continue;
            var name = address.Host;
            if (string.IsNullOrEmpty(name) || name == "0.0.0.0" || name == "::" || name == "[::]") name = hostName;
            return (name, address.EffectivePort(tls: true));
        }

        return (null, DaemonPaths.TlsPort);
    }

    private static DockerTlsTestResult Probe(string host, int port, string clientCertPath, string userHome)
    {
        var uri = "tcp://" + (host.IndexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var settings = ConnectionSettings.Resolve(uri, clientCertPath, null, _ => null, userHome);
        return new TlsProbe(settings, TimeSpan.FromSeconds(10)).Run();
    }
}
