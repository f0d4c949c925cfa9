using System;
using System.IO;

namespace DockerTls.Core.IO;

/// <summary>
/// One file of a <see cref="FileTransaction"/> on its way: written under a temporary name beside its target (or in the
/// Windows staging folder of the keys) with its final mode from the start, then renamed into place.
/// </summary>
internal static class StagedFile
{
    /// <summary>Writes <paramref name="file"/> under a temporary name in <paramref name="folder"/>; returns that name.</summary>
    internal static string Stage(string folder, PlannedFile file)
    {
        var temp = PreviousFile.StagingName(file.Path, folder);
        try
        {
            if (PlatformInfo.IsWindows)
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    stream.Write(file.Content, 0, file.Content.Length);
                    stream.Flush(flushToDisk: true);
                }
                if (file.IsPrivate) NativeMethods.SetPrivateAclWindows(temp); // inside the private staging folder
                return temp;
            }

            using (var stream = NativeMethods.CreateExclusive(temp, file.Mode))
            {
                var fd = stream.SafeFileHandle.DangerousGetHandle();
                if (file.Owner is not null) KeepOwner(fd, file);
                var errno = UnixFileCalls.WriteAll(fd, file.Content);
                if (errno != 0) throw FileSystemErrors.FromCode(errno, file.Path);
            }

            return temp;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is DockerTlsException)
        {
            TryDelete(() => File.Delete(temp)); // a half-written file is never left behind
            // The user asked for the target, not for our temporary name beside it.
            if (e is DockerTlsException known) throw new DockerTlsException(known.ErrorId, known.Kind, known.Message.Replace(temp, file.Path), file.Path, known);
            throw FileSystemErrors.FromException(e, file.Path);
        }
    }

    /// <summary>Renames the staged file over its target: atomic on Unix, ReplaceFile on Windows.</summary>
    internal static void MoveIntoPlace(string temp, string target)
    {
        if (!PlatformInfo.IsWindows)
        {
            NativeMethods.Rename(temp, target); // atomic, also over an existing file
            return;
        }
        if (File.Exists(target)) File.SetAttributes(target, FileAttributes.Normal); // a read-only target cannot be replaced
        NativeMethods.ReplaceWindows(temp, target);
    }

    // Windows: a folder whose inheritable ACL admits the owner, SYSTEM and Administrators only.
    internal static string CreateStagingFolder(string directory)
    {
        var staging = Path.Combine(directory, ".dockertls-" + Guid.NewGuid().ToString("N").Substring(0, 12));
        NativeMethods.CreatePrivateDirectoryWindows(staging);
        return staging;
    }

    internal static void TryDelete(Action delete)
    {
        try { delete(); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // The owner and group of the file being rewritten, on the staged file before it holds anything. Root may give it
    // away; another user keeps the file as theirs where the system refuses (they may not give a file away).
    private static void KeepOwner(IntPtr fd, PlannedFile file)
    {
        if (UnixFileCalls.Fchown(fd, file.Owner!.Value, file.Group!.Value) == 0) return;
        var errno = System.Runtime.InteropServices.Marshal.GetLastWin32Error();
        if (UnixFileCalls.Geteuid() == 0) throw FileSystemErrors.FromCode(errno, file.Path, "keep the owner of");
    }
}
