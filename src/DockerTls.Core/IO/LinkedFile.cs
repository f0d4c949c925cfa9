using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace DockerTls.Core.IO;

/// <summary>
/// Where a file that is rewritten in place (daemon.json, a systemd unit, a PowerShell profile, docker's config.json)
/// really is. A symbolic link (a dotfile manager's) is followed, so that the file it names is rewritten, atomically
/// beside it, and the link stays a link. It is refused with <c>FileLinkBroken</c> when it names no file (as
/// <see cref="SafeFile"/> does), and with <c>LinkedFileRefused</c> when a link on the way belongs to a user other than root, the caller and the owner of the file it leads to: such a link
/// could send root's write to a file its owner may not write (~/.docker/config.json -> /etc/passwd).
/// Keys and certificates are never written through a link: their rename replaces the link itself.
/// </summary>
internal static class LinkedFile
{
    public const string LinkedFileRefused = "LinkedFileRefused";
    private const int MaxLinks = 40; // as the kernel's ELOOP limit

    [DllImport("libc", EntryPoint = "readlink", SetLastError = true)]
    private static extern System.IntPtr ReadLink(string path, byte[] buffer, System.UIntPtr size);

    /// <summary>The file <paramref name="path"/> leads to (itself when it is not a link, or does not exist).</summary>
    public static string Resolve(string path)
    {
        if (PlatformInfo.IsWindows) return path;
        var current = path;
        var owners = new List<(string Link, uint Owner)>();
        for (var hops = 0; ; hops++)
        {
            var status = UnixFileCalls.Stat(current, followLinks: false);
            if (status is null)
            {
                if (hops == 0) return path;
                throw new DockerTlsException("FileLinkBroken", ErrorKind.ObjectNotFound,
                    $"'{path}' is a symbolic link to '{current}', which does not exist. Nothing was written. Point the link at an existing file, or remove it so that a file is written in its place.", path);
            }

            if (!status.Value.IsLink)
            {
                var euid = UnixFileCalls.Geteuid();
                foreach (var (link, owner) in owners)
                {
                    if (owner == 0 || owner == euid || owner == status.Value.Owner) continue;
                    throw new DockerTlsException(LinkedFileRefused, ErrorKind.SecurityError,
                        $"'{link}' is a symbolic link owned by uid {owner} to '{current}', owned by uid {status.Value.Owner}. Nothing was written: a link may send a write to a file its owner may not change. Replace the link with the file itself, or have uid {status.Value.Owner} (or root) own the link.", path);
                }

                return current;
            }

            if (hops >= MaxLinks)
            {
                throw new DockerTlsException(LinkedFileRefused, ErrorKind.InvalidData,
                    $"'{path}' is a chain of more than {MaxLinks} symbolic links. Nothing was written. Replace it with the file itself.", path);
            }

            owners.Add((current, status.Value.Owner));
            var buffer = new byte[4096];
            var length = (long)ReadLink(current, buffer, (System.UIntPtr)buffer.Length);
            if (length < 0) throw FileSystemErrors.FromCode(Marshal.GetLastWin32Error(), current, "read the link");
            var target = Encoding.UTF8.GetString(buffer, 0, (int)length);
            current = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, target));
        }
    }
}
