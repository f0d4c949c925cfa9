using System;
using System.IO;
using System.Text.RegularExpressions;

namespace DockerTls.Core.IO;

/// <summary>
/// What a killed run leaves in a folder it was writing: staged files and kept old files named
/// <c>.&lt;name&gt;.&lt;32 hex digits&gt;.tmp</c> (they may hold private keys), and on Windows a private staging folder
/// <c>.dockertls-&lt;12 hex digits&gt;</c>. The next transaction on that folder removes them while it holds the
/// folder's lock (so no live writer's files are taken): only regular files with exactly that naming, and on Unix only
/// those owned by the user running it (root's runs remove any).
/// </summary>
internal static class StaleFiles
{
    private static readonly Regex StagedName = new(@"^\..+\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant);
    private static readonly Regex StagingFolder = new(@"^\.dockertls-[0-9a-f]{12}$", RegexOptions.CultureInvariant);

    /// <summary>Removes the leftovers in <paramref name="folder"/>; returns how many.</summary>
    public static int Remove(string folder)
    {
        var removed = 0;
        var euid = PlatformInfo.IsWindows ? 0u : UnixFileCalls.Geteuid();
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, ".*"))
        {
            var name = Path.GetFileName(entry);
            try
            {
                if (PlatformInfo.IsWindows)
                {
                    if (StagingFolder.IsMatch(name) && Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                    else if (StagedName.IsMatch(name) && File.Exists(entry)) File.Delete(entry);
                    else continue;
                    removed++;
                    continue;
                }

                if (!StagedName.IsMatch(name)) continue;
                var status = UnixFileCalls.Stat(entry, followLinks: false);
                if (status is null || !status.Value.IsRegular || (euid != 0 && status.Value.Owner != euid)) continue;
                if (UnixFileCalls.Unlink(entry) == 0) removed++;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // One that cannot be removed stays; it does not stop this run.
            }
        }

        return removed;
    }
}
