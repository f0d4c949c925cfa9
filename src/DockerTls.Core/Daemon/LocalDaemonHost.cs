using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using DockerTls.Core.IO;

namespace DockerTls.Core.Daemon;

/// <summary>This machine as a Docker host: its files through <see cref="SafeFile"/>, its writes through one <see cref="FileTransaction"/>.</summary>
public sealed class LocalDaemonHost : IDaemonHost
{
    private const int OutputCap = 64 * 1024;

    /// <summary>This machine, on the platform the process runs on.</summary>
    public static LocalDaemonHost Current { get; } = new(DaemonPlatforms.Current);

    /// <summary>This machine, treated as a host of <paramref name="platform"/> (tests of another platform's paths).</summary>
    public LocalDaemonHost(DaemonPlatform platform) => Platform = platform;

    /// <inheritdoc/>
    public string Name => "localhost";

    /// <inheritdoc/>
    public DaemonPlatform Platform { get; }

    /// <inheritdoc/>
    public byte[]? TryReadFile(string path, FileCap cap) => SafeFile.TryReadAllBytes(path, cap);

    /// <inheritdoc/>
    public bool Exists(string path) => SafeFile.Exists(path);

    /// <inheritdoc/>
    public bool IsDirectory(string path) => Directory.Exists(path);

    /// <inheritdoc/>
    public IReadOnlyList<string> ListFiles(string folder, string suffix) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder).Select(p => Path.GetFileName(p)!).Where(n => n.EndsWith(suffix, StringComparison.Ordinal))
                .OrderBy(n => n, StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();

    /// <inheritdoc/>
    public void Check(HostFileChanges changes) => Transaction(changes).CheckTargets();

    /// <inheritdoc/>
    public IReadOnlyList<string> Commit(HostFileChanges changes, Action<string, string>? onWritten = null)
    {
        var transaction = Transaction(changes);
        if (onWritten is not null) transaction.FileWritten += onWritten;
        return transaction.Commit();
    }

    /// <inheritdoc/>
    public (IReadOnlyList<string> Written, HostCommandResult Then) CommitThenRun(HostFileChanges changes, IReadOnlyList<string> argv, TimeSpan timeout, Action<string, string>? onWritten = null)
    {
        var written = Commit(changes, onWritten);
        return (written, Run(argv, timeout));
    }

    /// <inheritdoc/>
    public HostCommandResult Run(IReadOnlyList<string> argv, TimeSpan timeout)
    {
        if (argv.Count == 0) throw new ArgumentException("A command needs a program.", nameof(argv));
        var start = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            Arguments = string.Join(" ", argv.Skip(1).Select(QuoteArgument)),
        };

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new HostCommandResult(-1, $"{argv[0]}: {e.Message}", timedOut: false);
        }

        using (process)
        {
            process.StandardInput.Close();
            var output = new StringBuilder();
            var readOut = Task.Run(() => Drain(process.StandardOutput, output));
            var readErr = Task.Run(() => Drain(process.StandardError, output));
            if (!process.WaitForExit((int)Math.Min(int.MaxValue, Math.Max(1, timeout.TotalMilliseconds))))
            {
                try { process.Kill(); } catch (InvalidOperationException) { }
                process.WaitForExit(5000);
                Task.WaitAll(new[] { readOut, readErr }, 2000);
                return new HostCommandResult(-1, Snapshot(output), timedOut: true);
            }

            Task.WaitAll(new[] { readOut, readErr }, 5000);
            return new HostCommandResult(process.ExitCode, Snapshot(output), timedOut: false);
        }
    }

    /// <summary>Reads <paramref name="reader"/> to its end into <paramref name="into"/> (shared by both streams, so locked), keeping the first 64 KiB.</summary>
    internal static void Drain(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            lock (into)
            {
                if (into.Length < OutputCap) into.Append(buffer, 0, Math.Min(read, OutputCap - into.Length));
            }
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output) return output.ToString();
    }

    // ProcessStartInfo.Arguments on netstandard2.0 is one string, split by the runtime as the C runtime does.
    internal static string QuoteArgument(string word)
    {
        if (word.Length > 0 && word.All(c => !char.IsWhiteSpace(c) && c != '"' && c != '\\' && c != '\'')) return word;
        var quoted = new StringBuilder("\"");
        var slashes = 0;
        foreach (var c in word)
        {
            if (c == '\\') { slashes++; continue; }
            if (c == '"') quoted.Append('\\', slashes * 2 + 1).Append('"');
            else quoted.Append('\\', slashes).Append(c);
            slashes = 0;
        }

        return quoted.Append('\\', slashes * 2).Append('"').ToString();
    }

    private static FileTransaction Transaction(HostFileChanges changes)
    {
        var transaction = new FileTransaction(overwrite: true, destinationParameter: null);
        foreach (var file in changes.Files)
        {
            switch (file.Kind)
            {
                case HostFileKind.Key: transaction.AddKey(file.Path, file.Content); break;
                case HostFileKind.Certificate: transaction.AddCertificate(file.Path, file.Content); break;
                case HostFileKind.File: transaction.AddFile(file.Path, file.Content, file.NewFileMode); break;
                case HostFileKind.Rewrite: transaction.AddRewrite(file.Path, file.Content, file.NewFileMode); break;
                case HostFileKind.Backup: transaction.AddBackup(file.Path, file.BackupOf!, file.Content, file.NewFileMode); break;
            }
        }

        foreach (var target in changes.Expected) transaction.Expect(target.Key, target.Value);
        return transaction;
    }
}
