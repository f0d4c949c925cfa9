using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace DockerTls.Core.Remote;

/// <summary>
/// One run of the ssh client: a script goes to the host's sh on stdin (never on a command line, so keys in it are
/// not seen by ps on either side), stdout comes back as bytes, bounded in time and size. The remote command is a
/// constant: it becomes root (the login itself, or <c>sudo -n</c>) and runs <c>sh -s</c>, or says it cannot.
/// </summary>
internal static class SshProcess
{
    /// <summary>The exit code the bootstrap uses when the login is neither root nor allowed sudo -n.</summary>
    public const int NoRootExit = 97;

    /// <summary>What the bootstrap writes to stderr with <see cref="NoRootExit"/>.</summary>
    public const string NoRootMarker = "dockertls-no-root";

    // Single-quoted for the login shell (sh, bash, zsh and fish read it alike: no backslash, no '!', no quote inside).
    internal const string Bootstrap =
        "sh -c 'if [ \"$(id -u)\" = 0 ]; then exec sh -s; fi; if sudo -n true >/dev/null 2>&1; then exec sudo -n sh -s; fi; echo " + NoRootMarker + " >&2; exit 97'";

    private const int StdoutCap = 64 << 20;

    /// <summary>What a run that ended before its report leaves on the host.</summary>
    internal const string CutShort = "Its files are the old ones or the new ones, never a mix: a script cut short runs nothing, and one killed in its renames is rolled back to the old files by the next run that writes there.";

    /// <summary>Runs <paramref name="script"/> on the host; ssh's own failures are thrown as their <see cref="SshErrorIds"/>.</summary>
    public static SshOutcome Run(SshTarget target, byte[] script, TimeSpan timeout)
    {
        var process = Start(target);
        using (process)
        {
            var stdout = new MemoryStream();
            var stderr = new StringBuilder();
            var readOut = Task.Factory.StartNew(() => Copy(process.StandardOutput.BaseStream, stdout, StdoutCap), TaskCreationOptions.LongRunning);
            var readErr = Task.Factory.StartNew(() => Daemon.LocalDaemonHost.Drain(process.StandardError, stderr), TaskCreationOptions.LongRunning);
            var write = Task.Factory.StartNew(() => Send(process.StandardInput.BaseStream, script), TaskCreationOptions.LongRunning);
            var exited = process.WaitForExit((int)Math.Min(int.MaxValue, Math.Max(1, timeout.TotalMilliseconds)));
            if (!exited)
            {
                try { process.Kill(); } catch (InvalidOperationException) { }
                process.WaitForExit(5000);
            }

            Task.WaitAll(new[] { readOut, readErr, write }, 5000);
            string errors;
            lock (stderr) errors = stderr.ToString();
            var outcome = new SshOutcome(exited ? process.ExitCode : -1, stdout.ToArray(), errors, timedOut: !exited);
            Throw(target, outcome, timeout);
            return outcome;
        }
    }

    /// <summary>Starts the ssh client with the bootstrap as its remote command, every stream redirected.</summary>
    internal static Process Start(SshTarget target)
    {
        var start = new ProcessStartInfo(target.SshProgram)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Arguments = string.Join(" ", target.Arguments(Bootstrap).Select(Daemon.LocalDaemonHost.QuoteArgument)),
        };

        try
        {
            return Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DockerTlsException(SshErrorIds.SshFailed, ErrorKind.ResourceUnavailable,
                $"The OpenSSH client '{target.SshProgram}' could not be started ({e.Message}). Install it (Windows 10+: the OpenSSH Client feature; Debian: openssh-client) or put it on PATH. Nothing was sent.", target.HostName, e);
        }
    }

    private static void Send(Stream stdin, byte[] script)
    {
        try
        {
            stdin.Write(script, 0, script.Length);
            stdin.Close();
        }
        catch (IOException)
        {
            // ssh ended first (refused, killed): its exit code and stderr say why.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static void Copy(Stream from, MemoryStream into, int cap)
    {
        var buffer = new byte[65536];
        int read;
        while ((read = from.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (into.Length < cap) into.Write(buffer, 0, (int)Math.Min(read, cap - into.Length));
        }
    }

    // ssh exits 255 for its own failures; its words are untrusted (they can quote the server's banner) and are cleaned.
    internal static void Throw(SshTarget target, SshOutcome outcome, TimeSpan timeout)
    {
        var host = target.ToString();
        var words = outcome.LastErrorLine;
        if (outcome.TimedOut)
            throw new DockerTlsException(SshErrorIds.SshUnreachable, ErrorKind.ConnectionError,
                $"ssh to '{host}' did not finish within {timeout.TotalSeconds:0} s. The host's files are the old ones or the new ones, never a mix. Check that the host answers (ssh {host} true), then run again.", target.HostName);
        if (outcome.ExitCode == NoRootExit && outcome.Stderr.Contains(NoRootMarker))
            throw new DockerTlsException(SshErrorIds.SshRootRequired, ErrorKind.PermissionDenied,
                $"The login on '{host}' is not root and may not run 'sudo -n' (sudo asks for a password, or is missing). Nothing was read or written. Log in as root (-UserName root), or allow that user sudo without a password (a NOPASSWD line in /etc/sudoers.d).", target.HostName);
        if (outcome.ExitCode != 255) return;
        var text = outcome.Stderr;
        if (text.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED"))
            throw new DockerTlsException(SshErrorIds.SshHostKeyChanged, ErrorKind.SecurityError,
                $"The host key of '{host}' is not the one in known_hosts: the host was reinstalled, or someone is in between. Nothing was sent. Check the host's key fingerprint out of band (on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub); if it is right, remove the old entry (ssh-keygen -R {target.HostName}) and add the new one.", target.HostName);
        if (text.Contains("Host key verification failed") || text.Contains("host key is known") || text.Contains("authenticity of host"))
            throw new DockerTlsException(SshErrorIds.SshHostKeyUnknown, ErrorKind.SecurityError,
                $"'{host}' is not in known_hosts, so its identity cannot be checked. Nothing was sent. Compare its key (ssh-keyscan {target.HostName} | ssh-keygen -lf -) with the host's own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on its console), then add it to ~/.ssh/known_hosts, or connect once with ssh and answer yes.", target.HostName);
        if (text.Contains("Permission denied") || text.Contains("Too many authentication failures"))
            throw new DockerTlsException(SshErrorIds.SshAuthenticationFailed, ErrorKind.PermissionDenied,
                $"'{host}' refused the login ({words}). Nothing was sent. Give the key it accepts with -KeyFilePath and the login with -UserName, or load the key into ssh-agent.", target.HostName);
        if (new[] { "Connection closed", "Connection reset", "Broken pipe", "Connection to" }.Any(text.Contains) && !text.Contains("Connection refused") && !text.Contains("timed out"))
            throw new DockerTlsException(SshErrorIds.SshTransferFailed, ErrorKind.ConnectionError,
                $"The connection to '{host}' ended before the host reported back ({words}). {CutShort} Run again.", target.HostName);
        if (text.Trim().Length == 0) // ssh says nothing of its own when the remote command was killed by a signal
            throw new DockerTlsException(SshErrorIds.SshTransferFailed, ErrorKind.ConnectionError,
                $"The host's script on '{host}' ended before it reported back (killed by a signal there, exit 255 with no word from ssh). {CutShort} Run again.", target.HostName);
        if (new[] { "Connection refused", "timed out", "No route to host", "Could not resolve", "Network is unreachable" }.Any(text.Contains))
            throw new DockerTlsException(SshErrorIds.SshUnreachable, ErrorKind.ConnectionError,
                $"'{host}' cannot be reached over SSH ({words}). Check the name, the port (-Port) and that sshd runs there.", target.HostName);
        throw new DockerTlsException(SshErrorIds.SshFailed, ErrorKind.ConnectionError,
            $"ssh to '{host}' failed ({words}). Check that 'ssh {host} true' works with the same -UserName, -Port, -KeyFilePath and -Options.", target.HostName);
    }
}

/// <summary>What one ssh run returned.</summary>
internal sealed class SshOutcome
{
    public SshOutcome(int exitCode, byte[] stdout, string stderr, bool timedOut)
    {
        ExitCode = exitCode;
        Stdout = stdout;
        Stderr = stderr;
        TimedOut = timedOut;
    }

    public int ExitCode { get; }

    public byte[] Stdout { get; }

    /// <summary>ssh's and the host's stderr, raw: clean it (<see cref="LastErrorLine"/>) before it is shown.</summary>
    public string Stderr { get; }

    public bool TimedOut { get; }

    /// <summary>The last non-empty line of stderr, cleaned for a terminal, at most 300 characters.</summary>
    public string LastErrorLine
    {
        get
        {
            var line = Stderr.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? "no message";
            line = TerminalText.Clean(line);
            return line.Length > 300 ? line.Substring(0, 300) + "..." : line;
        }
    }
}
