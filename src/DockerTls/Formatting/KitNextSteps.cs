using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DockerTls.Core.Client;
using DockerTls.Core.Daemon;
using DockerTls.Core.Pki;

namespace DockerTls.Formatting;

/// <summary>
/// What Initialize-DockerTls tells the user to do with a kit. It is text for the console, so it lives above Pki and
/// Client and fits the host it is printed on: on a systemd host whose docker.service passes <c>-H</c> (Debian's does),
/// the daemon step carries <c>-ConfigureSystemd</c>, without which it stops with DaemonHostsConflict. Each command
/// stands on a line of its own, four columns in, with nothing after it, so that at 80 columns a command of up to 76
/// characters shows whole and copies whole; folders under the current one are shown relative to it (<c>./tls/server</c>).
/// </summary>
public static class KitNextSteps
{
    private const string Indent = "    ";

    /// <summary>
    /// The text for <paramref name="kit"/> written to <paramref name="root"/>. <paramref name="systemdRoot"/> is the
    /// folder under which systemd's units are read (<c>/</c>; null where there is no systemd), <paramref name="currentFolder"/>
    /// the current location, for relative paths.
    /// </summary>
    public static string Text(string root, TlsKitResult kit, string? systemdRoot, string currentFolder)
    {
        if (kit is null)
        {
            throw new ArgumentNullException(nameof(kit));
        }

        var hostFlag = systemdRoot is null ? null : SystemdUnits.Load(LocalDaemonHost.Current, systemdRoot).HostFlags.FirstOrDefault();
        var host = kit.Server.DnsNames.FirstOrDefault() ?? kit.Server.IPAddresses.FirstOrDefault() ?? "localhost";
        var daemonCommand = $"Set-DockerDaemonConfig -CertPath {Shown(Path.Combine(root, TlsKit.ServerFolder), currentFolder)}"
            + (hostFlag is null ? "" : " -ConfigureSystemd");
        var lines = new List<string>
        {
            $"TLS kit written to {Shown(root, currentFolder)}",
            $"  {TlsKit.CAFolder}/      ca.pem, ca-key.pem: keep ca-key.pem off the hosts, it signs",
            "           every certificate",
            $"  {TlsKit.ServerFolder}/  server-cert.pem, server-key.pem, ca.pem: for the Docker host",
            $"  {TlsKit.ClientFolder}/  cert.pem, key.pem, ca.pem: for each client (a DOCKER_CERT_PATH)",
            $"The server certificate is valid for: {string.Join(", ", kit.Server.DnsNames.Concat(kit.Server.IPAddresses))}",
            "Next, on the Docker host, as root:",
        };
        if (hostFlag != null)
        {
            lines.Add($"  (docker.service passes {hostFlag.Flag}: -ConfigureSystemd writes the drop-in");
            lines.Add("  that lets daemon.json name the hosts)");
        }

        lines.Add(Indent + daemonCommand);
        lines.Add(Indent + "systemctl daemon-reload && systemctl restart docker");
        lines.Add("On each client, with the client folder copied there:");
        lines.Add(Indent + $"Install-DockerClientCert -Path {Shown(Path.Combine(root, TlsKit.ClientFolder), currentFolder)}");
        lines.Add(Indent + $"Set-DockerClientEnv -DockerHost tcp://{(host.IndexOf(':') >= 0 ? $"[{host}]" : host)}:2376");
        lines.Add("Then check the connection:");
        lines.Add(Indent + "Test-DockerTlsConnection");
        return string.Join(Environment.NewLine, lines);
    }

    // A folder as the user would type it: ./sub for one under the current folder, else the full path; quoted for
    // PowerShell when it needs quotes (the user pastes it into a root session: a quote in it must not end the string).
    private static string Shown(string path, string currentFolder)
    {
        var full = Path.GetFullPath(path);
        var current = Path.GetFullPath(currentFolder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var shown = full.StartsWith(current, comparison) ? "." + Path.DirectorySeparatorChar + full.Substring(current.Length) : full;
        return shown.All(c => char.IsLetterOrDigit(c) || c is '.' or '/' or '\\' or '-' or '_' or ':') ? shown : ShellScript.QuotePowerShell(shown);
    }
}
