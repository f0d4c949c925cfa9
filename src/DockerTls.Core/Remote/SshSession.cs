using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace DockerTls.Core.Remote;

/// <summary>
/// One ssh login that reads a snapshot, then commits: the remote command prints the snapshot and a marker line, then
/// reads one frame from stdin (<c>&lt;length&gt; &lt;sha256&gt;</c>, a line, then that many bytes of script) whole before
/// it runs any of it. A frame cut short or changed does not match its length and SHA-256 and runs nothing; stdin
/// closed with no frame (-WhatIf, nothing to write, a plan that failed) runs nothing either. Nothing after the frame is
/// read: the script ends with <c>exit</c>. The OpenSSH client of Windows has no ControlMaster; this needs none.
/// </summary>
internal sealed class SshSession
{
    /// <summary>The line between the snapshot and what the frame's script prints.</summary>
    public const string Marker = "dockertls-snapshot-end";

    internal const string FrameReader = "{\necho " + Marker + "\n"
        + "IFS=' ' read -r n h || exit 0\n"
        + "case $n in ''|*[!0-9]*) echo dockertls-frame-bad; exit 0;; esac\n"
        + "b=$(head -c \"$n\"; echo x); b=${b%x}\n"
        + "x=$(printf '%s' \"$b\" | sha256sum); if [ \"${x%% *}\" != \"$h\" ]; then echo dockertls-frame-cut; exit 0; fi\n"
        + "eval \"$b\"\nexit\n}\n";

    private static readonly byte[] MarkerLine = Encoding.ASCII.GetBytes("\n" + Marker + "\n");
    private readonly SshTarget target;
    private readonly Process process;
    private readonly MemoryStream stdout = new();
    private readonly StringBuilder stderr = new();
    private readonly Task readOut;
    private readonly Task readErr;
    private int markerEnd = -1;
    private bool ended;

    private SshSession(SshTarget target, Process process)
    {
        this.target = target;
        this.process = process;
        readOut = Task.Factory.StartNew(Copy, TaskCreationOptions.LongRunning);
        readErr = Task.Factory.StartNew(() => Daemon.LocalDaemonHost.Drain(process.StandardError, stderr), TaskCreationOptions.LongRunning);
    }

    /// <summary>Logs in, sends <paramref name="snapshot"/> (a complete brace group) and the frame reader, and returns what the snapshot printed.</summary>
    public static (SshSession? Session, byte[] Snapshot, SshOutcome? Ended) Open(SshTarget target, byte[] snapshot, TimeSpan timeout)
    {
        var session = new SshSession(target, SshProcess.Start(target));
        var reader = Encoding.ASCII.GetBytes(FrameReader);
        try
        {
            var stdin = session.process.StandardInput.BaseStream;
            stdin.Write(snapshot, 0, snapshot.Length);
            stdin.Write(reader, 0, reader.Length);
            stdin.Flush();
        }
        catch (IOException)
        {
            // ssh ended first (refused, host key, no root): its exit code and stderr say why.
        }

        var deadline = DateTime.UtcNow + timeout;
        lock (session.stdout)
        {
            while (session.markerEnd < 0 && !session.readOut.IsCompleted && DateTime.UtcNow < deadline)
                Monitor.Wait(session.stdout, TimeSpan.FromMilliseconds(Math.Max(1, Math.Min(1000, (deadline - DateTime.UtcNow).TotalMilliseconds))));
            if (session.markerEnd >= 0) return (session, Slice(session.stdout, 0, session.markerEnd - MarkerLine.Length + 1), null);
        }

        if (DateTime.UtcNow >= deadline)
        {
            try { session.process.Kill(); } catch (InvalidOperationException) { }
        }

        var outcome = session.End(null, timeout); // throws ssh's own failure; else the snapshot is incomplete
        return (null, outcome.Stdout, outcome);
    }

    /// <summary>Sends <paramref name="script"/> as the frame (null: none), closes stdin and waits; the outcome holds what came after the marker.</summary>
    public SshOutcome End(byte[]? script, TimeSpan timeout)
    {
        if (ended) throw new InvalidOperationException("The session has ended.");
        ended = true;
        try
        {
            var stdin = process.StandardInput.BaseStream;
            if (script is not null)
            {
                var head = Encoding.ASCII.GetBytes(script.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + HostFileScript.Sha256(script) + "\n");
                stdin.Write(head, 0, head.Length);
                stdin.Write(script, 0, script.Length);
            }

            stdin.Close();
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        using (process)
        {
            var exited = process.WaitForExit((int)Math.Min(int.MaxValue, Math.Max(1, timeout.TotalMilliseconds)));
            if (!exited)
            {
                try { process.Kill(); } catch (InvalidOperationException) { }
                process.WaitForExit(5000);
            }

            Task.WaitAll(new[] { readOut, readErr }, 5000);
            string errors;
            lock (stderr) errors = stderr.ToString();
            byte[] output;
            lock (stdout) output = markerEnd < 0 ? stdout.ToArray() : Slice(stdout, markerEnd, (int)stdout.Length - markerEnd);
            var outcome = new SshOutcome(exited ? process.ExitCode : -1, output, errors, timedOut: !exited);
            SshProcess.Throw(target, outcome, timeout);
            return outcome;
        }
    }

    /// <summary>Ends a session that sends no frame, when nothing is left to write; its failures are not this caller's.</summary>
    public void Abandon(TimeSpan timeout)
    {
        if (ended) return;
        try { End(null, timeout); } catch (DockerTlsException) { }
    }

    private void Copy()
    {
        var from = process.StandardOutput.BaseStream;
        var buffer = new byte[65536];
        int read;
        while ((read = from.Read(buffer, 0, buffer.Length)) > 0)
        {
            lock (stdout)
            {
                if (stdout.Length < 64 << 20) stdout.Write(buffer, 0, read);
                if (markerEnd < 0) markerEnd = Find(stdout, MarkerLine);
                Monitor.PulseAll(stdout);
            }
        }

        lock (stdout) Monitor.PulseAll(stdout);
    }

    // The index just past the marker line, or -1; a snapshot that is the marker's first line counts too.
    private static int Find(MemoryStream data, byte[] line)
    {
        var bytes = data.GetBuffer();
        var length = (int)data.Length;
        if (length >= line.Length - 1 && Matches(bytes, 0, line, 1)) return line.Length - 1;
        for (var i = 0; i + line.Length <= length; i++)
            if (Matches(bytes, i, line, 0)) return i + line.Length;
        return -1;
    }

    private static bool Matches(byte[] bytes, int at, byte[] line, int from)
    {
        for (var j = from; j < line.Length; j++)
            if (bytes[at + j - from] != line[j]) return false;
        return true;
    }

    private static byte[] Slice(MemoryStream data, int start, int count)
    {
        var result = new byte[Math.Max(0, count)];
        Array.Copy(data.GetBuffer(), start, result, 0, result.Length);
        return result;
    }
}
