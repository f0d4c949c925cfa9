using System;
using System.Globalization;
using DockerTls.Core.Daemon;

namespace DockerTls.Core.Remote;

/// <summary>The errors a host's write script reports (<c>dockertls-fail &lt;id&gt; &lt;index&gt;</c>), with the same ids as a local write.</summary>
internal static class HostFileErrors
{
    /// <summary>The error for a failure line of <see cref="HostFileScript"/>; <paramref name="words"/> is the host's last stderr line, cleaned.</summary>
    public static DockerTlsException From(SshDaemonHost host, HostFileChanges changes, string line, string words)
    {
        var fields = line.Split(' ');
        var id = fields.Length > 1 ? fields[1] : "HostWriteFailed";
        var targets = HostFileScript.Targets(changes);
        var index = fields.Length > 2 && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < targets.Count ? i : 0;
        var path = targets.Count > 0 ? targets[index] : string.Empty;
        var shown = SshDaemonHost.Show(path);
        var on = $"on {host.Name}";
        return id switch
        {
            "TargetChanged" => new DockerTlsException(id, ErrorKind.InvalidOperation,
                $"'{shown}' {on} changed after it was read (another command wrote it meanwhile). Nothing was written. Run again to apply the change to what is there now.", path),
            "JournalFound" => new DockerTlsException("TargetChanged", ErrorKind.InvalidOperation,
                $"A DockerTls run writing in the folder of '{shown}' {on} was interrupted there after this run read the host (its journal '{SshDaemonHost.Show(HostSnapshot.Join(HostSnapshot.FolderOf(path), IO.FileJournal.FileName))}' is there). Nothing was written. Run again: a run rolls such a set back to its old files first.", path),
            IO.FileSystemErrors.TargetBusy => new DockerTlsException(id, ErrorKind.ResourceUnavailable,
                $"Another DockerTls command is writing in the folder of '{shown}' {on} (it has held the lock '{SshDaemonHost.Show(LockPath(path))}' there for more than {host.LockWait.TotalSeconds:0} s). Nothing was written. Wait for it to finish, then run again.", path),
            "TargetIsFolder" => new DockerTlsException(id, ErrorKind.InvalidArgument,
                $"'{shown}' {on} is a folder; a file should be written there. Move that folder away. Nothing was written.", path),
            "LinkedFileRefused" => new DockerTlsException(id, ErrorKind.InvalidArgument,
                $"'{shown}' {on} is a symbolic link to nothing. Remove the link or put the file it names there. Nothing was written.", path),
            "ReadOnlyFileSystem" => new DockerTlsException(id, ErrorKind.PermissionDenied,
                $"The folder of '{shown}' {on} cannot be written, even as root (a read-only file system, or an immutable folder: lsattr). Nothing was written.", path),
            SshErrorIds.HostToolMissing => new DockerTlsException(id, ErrorKind.ResourceUnavailable,
                $"{host.Name} lacks '{TerminalText.Clean(fields.Length > 3 ? fields[3] : "?")}', which the remote scripts need (POSIX sh and coreutils, or BusyBox). Install coreutils there. Nothing was written.", host.Name),
            _ => new DockerTlsException(SshErrorIds.HostWriteFailed, ErrorKind.ResourceUnavailable,
                $"Writing '{shown}' {on} failed ({words}). Every file was put back as it was; check the disk and the file there (a full disk, an immutable file: lsattr), then run again.", path),
        };
    }

    private static string LockPath(string path) => HostSnapshot.Join(HostSnapshot.FolderOf(path), IO.FolderLock.FileName);
}
