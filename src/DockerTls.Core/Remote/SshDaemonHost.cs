using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using DockerTls.Core.Daemon;
using DockerTls.Core.IO;

namespace DockerTls.Core.Remote;

/// <summary>
/// A Linux Docker host reached over SSH with the OpenSSH client: the same plan as on this machine, its files
/// travelling only over the SSH channel. The host needs POSIX sh, coreutils (or BusyBox) and root (a root login or <c>sudo -n</c>),
/// nothing else. A few connections per host whatever the number of files: the first read takes a snapshot of
/// everything the daemon side asks for (daemon.json, the TLS files, the systemd units and drop-ins,
/// /etc/default/docker) in one run, a path outside it costs one more, and <see cref="Commit"/> writes every file in one.
/// </summary>
public sealed partial class SshDaemonHost : IDaemonHost, IDisposable
{
    private const int SnapshotCap = 1 << 20;
    private readonly Dictionary<string, HostEntry> entries = new(StringComparer.Ordinal);
    private readonly List<string> prefetchFiles = new();
    private readonly List<(string Folder, bool Contents)> prefetchFolders = new();
    private readonly List<string> misses = new();
    private bool snapshotTaken;
    private bool keptOpen; // the first snapshot's login was kept open for the commit (a roll-back first: the next one)
    private bool recoveryTried;
    private SshSession? session; // a writing run's login, open from its snapshot to its commit

    /// <summary>A host at <paramref name="target"/>; only Linux hosts (systemd or not) are supported.</summary>
    public SshDaemonHost(SshTarget target)
    {
        Target = target ?? throw new ArgumentNullException(nameof(target));
        PrefetchDaemon(DaemonPaths.DefaultConfigPath(DaemonPlatform.Linux), DaemonPaths.DefaultCertDestination(DaemonPlatform.Linux), "/");
    }

    /// <summary>
    /// Adds to the first snapshot what the daemon side reads for a daemon.json, a folder of server files and a
    /// systemd root: the files themselves, their folders by name (the backups' free names are then found without more
    /// runs), docker.service and its drop-ins in every unit folder, /etc/default/docker, the socket unit, and Docker
    /// Desktop's evidence.
    /// </summary>
    public void PrefetchDaemon(string configPath, string certDestination, string? systemdRoot)
    {
        var files = new List<string> { configPath };
        files.AddRange(DockerDesktopDetector.EvidencePaths(DaemonPlatform.Linux, "/root"));
        files.AddRange(new[] { DaemonPaths.CACertificateFileName, DaemonPaths.ServerCertificateFileName, DaemonPaths.ServerKeyFileName }.Select(n => HostSnapshot.Join(certDestination, n)));
        var folders = new List<(string, bool)> { (Parent(configPath), false), (certDestination, false) };
        if (systemdRoot is not null)
        {
            files.Add(HostSnapshot.Join(systemdRoot, SystemdUnits.DefaultsRelativePath));
            files.Add(HostSnapshot.Join(systemdRoot, SystemdUnitFile.SocketRelativePath));
            files.AddRange(SystemdUnits.UnitFolders.Select(f => HostSnapshot.Join(systemdRoot, f + "/docker.service")));
            folders.AddRange(SystemdUnits.UnitFolders.Select(f => (HostSnapshot.Join(systemdRoot, f + "/docker.service.d"), true)));
        }

        Prefetch(files, folders);
    }

    /// <summary>The paths read outside a snapshot so far, each one more ssh run (a test sees here what the snapshot missed).</summary>
    public IReadOnlyList<string> Misses => misses;

    private static string Parent(string path) => path.LastIndexOf('/') is var i and > 0 ? path.Substring(0, i) : "/";

    /// <summary>Where and how the host is reached.</summary>
    public SshTarget Target { get; }

    /// <inheritdoc/>
    public string Name => Target.HostName;

    /// <inheritdoc/>
    public DaemonPlatform Platform => DaemonPlatform.Linux;

    /// <summary>The most time one ssh run may take (connect, transfer and the host's work).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many ssh connections this host has made so far.</summary>
    public int Connections { get; private set; }

    /// <summary>Adds paths to the next snapshot (before the first read: to the first one).</summary>
    public void Prefetch(IEnumerable<string> files, IEnumerable<(string Folder, bool Contents)> folders)
    {
        prefetchFiles.AddRange(files.Select(HostPath).Where(f => !prefetchFiles.Contains(f, StringComparer.Ordinal)));
        prefetchFolders.AddRange(folders.Select(f => (HostPath(f.Folder), f.Contents)).Where(f => !prefetchFolders.Contains(f)));
    }

    /// <inheritdoc/>
    public byte[]? TryReadFile(string path, FileCap cap)
    {
        path = HostPath(path);
        var entry = Entry(path, listing: false);
        if (entry.Kind == HostEntryKind.TooLarge && cap.Bytes > SnapshotCap) entry = Fetch(path, listing: false, cap.Bytes);
        switch (entry.Kind)
        {
            case HostEntryKind.Missing: return null;
            case HostEntryKind.File when entry.Content!.Length <= cap.Bytes: return entry.Content;
            case HostEntryKind.File:
            case HostEntryKind.TooLarge:
                throw new DockerTlsException("FileTooLarge", ErrorKind.InvalidData,
                    $"'{Show(path)}' on {Name} is larger than {cap.Bytes >> 20} MiB, the most this module reads as {cap.What}. Check that it is the right file; nothing was changed.", path);
            case HostEntryKind.Folder:
            case HostEntryKind.NotRegular:
                throw new DockerTlsException("FileNotRegular", ErrorKind.InvalidArgument,
                    $"'{Show(path)}' on {Name} is {(entry.Kind == HostEntryKind.Folder ? "a folder" : "a " + entry.What)}, not a regular file; only a regular file is read as {cap.What}. Put the file itself there or give its path; nothing was read or changed.", path);
            case HostEntryKind.DanglingLink:
                throw new DockerTlsException("LinkedFileRefused", ErrorKind.InvalidArgument,
                    $"'{Show(path)}' on {Name} is a symbolic link to nothing. Remove the link or put the file it names there; nothing was changed.", path);
            default:
                throw new DockerTlsException("FileUnreadable", ErrorKind.ResourceUnavailable,
                    $"'{Show(path)}' on {Name} cannot be read as {cap.What}. Check the file and the disk; nothing was changed.", path);
        }
    }

    /// <inheritdoc/>
    public bool Exists(string path) => Entry(HostPath(path), listing: false).Kind != HostEntryKind.Missing;

    /// <inheritdoc/>
    public bool IsDirectory(string path) => Entry(HostPath(path), listing: false).Kind == HostEntryKind.Folder;

    /// <inheritdoc/>
    public IReadOnlyList<string> ListFiles(string folder, string suffix)
    {
        var entry = Entry(HostPath(folder), listing: true);
        return (entry.Names ?? new List<string>()).Where(n => n.EndsWith(suffix, StringComparison.Ordinal)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// When true, <see cref="Check"/> costs no connection and does nothing: <see cref="Commit"/>'s script makes the
    /// same checks before it writes anything, in the same run. For a run that writes without asking first (no
    /// -WhatIf, no prompt); -WhatIf keeps it false so that it meets what a real run would.
    /// </summary>
    public bool ChecksAtCommit { get; set; }

    /// <summary>How long a commit waits on the host for another writer's lock on a folder it writes (then <c>TargetBusy</c>).</summary>
    public TimeSpan LockWait { get; set; } = HostFileScript.DefaultLockWait;

    /// <inheritdoc/>
    public void Check(HostFileChanges changes)
    {
        if (ChecksAtCommit || (changes.IsEmpty && changes.Expected.Count == 0)) return;
        var outcome = Ssh(HostFileScript.Check(changes), Timeout);
        Outcome(changes, outcome);
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Commit(HostFileChanges changes, Action<string, string>? onWritten = null) =>
        CommitWith(changes, onWritten, then: null, TimeSpan.Zero).Written;

    // The commit's script, with the sh text then after it in the same run (its output: After, past the Done line); null
    // After when no script ran (nothing to write). Longer runs get extra time.
    private (IReadOnlyList<string> Written, string? After) CommitWith(HostFileChanges changes, Action<string, string>? onWritten, string? then, TimeSpan extra)
    {
        if (changes.IsEmpty)
        {
            Dispose();
            return (Array.Empty<string>(), null);
        }

        SshOutcome outcome;
        try
        {
            var open = session;
            session = null;
            var script = HostFileScript.Commit(changes, LockWait, then);
            outcome = open is null ? Ssh(script, Timeout + extra) : open.End(script, Timeout + extra);
        }
        finally
        {
            Forget(); // what the host holds now is read again
        }

        var (written, after) = Outcome(changes, outcome);
        foreach (var i in written) onWritten?.Invoke(changes.Files[i].Path, What(changes.Files[i]));
        return (written.Select(i => changes.Files[i].Path).ToList(), after);
    }

    /// <summary>Drops what the snapshot read, so that the next read takes a new one.</summary>
    public void Forget()
    {
        entries.Clear();
        snapshotTaken = false;
    }

    /// <summary>Ends the snapshot's login if no commit did: it reads an empty stdin and runs nothing.</summary>
    public void Dispose()
    {
        var open = session;
        session = null;
        open?.Abandon(Timeout);
    }

    private HostEntry Entry(string path, bool listing)
    {
        if (!snapshotTaken) TakeSnapshot(path, listing);
        if (entries.TryGetValue(path, out var entry) && (!listing || entry.Names is not null || entry.Kind != HostEntryKind.Folder)) return entry;
        // A name absent from its listed folder is known to be missing (the backup names probed one by one cost nothing).
        var slash = path.LastIndexOf('/');
        if (!listing && slash > 0 && entries.TryGetValue(path.Substring(0, slash), out var folder) && folder.Names is not null && folder.OtherNames is not null)
        {
            var name = path.Substring(slash + 1);
            if (folder.OtherNames.TryGetValue(name, out var isFolder) && isFolder) return new HostEntry(HostEntryKind.Folder);
            if (!folder.Names.Contains(name, StringComparer.Ordinal) && !folder.OtherNames.ContainsKey(name)) return new HostEntry(HostEntryKind.Missing);
        }

        return Fetch(path, listing, SnapshotCap);
    }

    private void TakeSnapshot(string path, bool listing)
    {
        var recover = RecoversInterrupted && !recoveryTried;
        var files = prefetchFiles.Concat(listing || prefetchFiles.Contains(path) ? Enumerable.Empty<string>() : new[] { path }).ToList();
        if (recover) files.AddRange(JournalPaths().Where(j => !files.Contains(j, StringComparer.Ordinal)));
        var folders = prefetchFolders.Concat(listing && !prefetchFolders.Any(f => f.Folder == path) ? new[] { (path, false) } : Enumerable.Empty<(string, bool)>()).ToList();
        Read(files, folders, SnapshotCap, keepOpen: ChecksAtCommit && !keptOpen, journalsBesideLinks: recover);
        snapshotTaken = true;
        recoveryTried = true;
        if (recover && RecoverInterrupted()) TakeSnapshot(path, listing);
    }

    private HostEntry Fetch(string path, bool listing, int cap)
    {
        misses.Add(path);
        Read(listing ? Array.Empty<string>() : new[] { path }, listing ? new[] { (path, false) } : Array.Empty<(string, bool)>(), cap);
        return entries.TryGetValue(path, out var entry) ? entry : new HostEntry(HostEntryKind.Unreadable);
    }

    // A writing run keeps its first snapshot's login open: the commit goes over it as a frame (SshSession).
    private void Read(IReadOnlyList<string> files, IReadOnlyList<(string Folder, bool Contents)> folders, int cap, bool keepOpen = false, bool journalsBesideLinks = false)
    {
        var script = HostSnapshot.Script(files, folders, cap, journalsBesideLinks);
        if (keepOpen)
        {
            Connections++;
            keptOpen = true;
            var (open, snapshot, ended) = SshSession.Open(Target, script, Timeout);
            session = open;
            if (open is null) throw Cut(ended!);
            if (HostSnapshot.Parse(snapshot, files, folders, entries)) return;
            session = null;
            throw Cut(open.End(null, Timeout));
        }

        var outcome = Ssh(script, Timeout);
        if (!HostSnapshot.Parse(outcome.Stdout, files, folders, entries)) throw Cut(outcome);
    }

    private SshOutcome Ssh(byte[] script, TimeSpan timeout)
    {
        try
        {
            return SshProcess.Run(Target, script, timeout);
        }
        finally
        {
            Connections++;
        }
    }

    // The indexes of the files written, and what the script printed after its Done line (a command run after it, whose
    // lines are the host's and never read as the script's); a failure the script reported becomes its error, with every
    // file put back.
    private (List<int> Written, string After) Outcome(HostFileChanges changes, SshOutcome outcome)
    {
        var text = Encoding.UTF8.GetString(outcome.Stdout);
        var done = ("\n" + text).IndexOf("\n" + HostFileScript.Done + "\n", StringComparison.Ordinal);
        var lines = (done < 0 ? text : text.Substring(0, done)).Split('\n');
        var failure = lines.FirstOrDefault(l => l.StartsWith(HostFileScript.Failed + " ", StringComparison.Ordinal));
        if (failure is not null) throw HostFileErrors.From(this, changes, failure, outcome.LastErrorLine);
        if (done < 0) throw Cut(outcome);
        var written = lines.Where(l => l.StartsWith(HostFileScript.Written + " ", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Substring(HostFileScript.Written.Length + 1), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return (written, text.Substring(done + HostFileScript.Done.Length + 1));
    }

    private DockerTlsException Cut(SshOutcome outcome) =>
        new(SshErrorIds.SshTransferFailed, ErrorKind.ConnectionError,
            $"The connection to '{Target}' ended before the host reported back (exit {outcome.ExitCode}: {outcome.LastErrorLine}). {SshProcess.CutShort} Run again.", Name);

    private static string What(HostFileChange file) => file.Kind switch
    {
        HostFileKind.Key => FileModes.Format(FileModes.Key),
        HostFileKind.Certificate => FileModes.Format(FileModes.Certificate),
        HostFileKind.File => FileModes.Format(file.NewFileMode),
        _ => "owner and mode kept",
    };

    internal static string Show(string path) => TerminalText.Clean(path);

    // Paths are the host's own; a plan made on Windows may join them with '\'.
    private static string HostPath(string path) => PlatformInfo.IsWindows ? path.Replace('\\', '/') : path;
}
