using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DockerTls.Core.IO;

/// <summary>
/// One run of <see cref="FileTransaction.Commit"/>: claims the target folders (rolling back what a killed run left there,
/// <see cref="JournalRecovery"/>), stages every file, keeps the old ones, writes the <see cref="FileJournal"/> (Unix),
/// moves the files into place, removes the journal and, on any failure, puts back what each target held and removes
/// everything it made.
/// </summary>
internal sealed class FileCommit
{
    private readonly IReadOnlyList<PlannedFile> files;
    private readonly IReadOnlyList<(string Path, int Mode)> directories;
    private readonly Action checkTargets;
    private readonly Action<PlannedFile> written;
    private readonly Action<string, string> recovered;
    private readonly List<string> created = new();
    private readonly List<(PlannedFile File, string Temp)> staged = new();
    private readonly List<string> stagingFolders = new();
    private readonly List<PreviousFile> previous = new();
    private readonly List<FolderLock> locks = new();
    private FileJournal? journal;
    private int moved;

    internal FileCommit(IReadOnlyList<PlannedFile> files, IReadOnlyList<(string Path, int Mode)> directories, Action checkTargets,
        Action<PlannedFile> written, Action<string, string> recovered)
    {
        this.files = files;
        this.directories = directories;
        this.checkTargets = checkTargets;
        this.written = written;
        this.recovered = recovered;
    }

    /// <summary>How many files <see cref="MoveNext"/> has still to move.</summary>
    internal int Pending => staged.Count - moved;

    /// <summary>Writes the files all or none; returns the paths written (an unchanged file is not written again).</summary>
    internal IReadOnlyList<string> Run()
    {
        try
        {
            Prepare();
            while (Pending > 0) MoveNext();
            Finish();
            foreach (var (file, _) in staged) written(file);
            return staged.Select(s => s.File.Path).ToList();
        }
        catch (Exception e)
        {
            var failure = RollBack(e);
            if (failure is null) throw;
            throw failure;
        }
        finally
        {
            foreach (var (_, temp) in staged) StagedFile.TryDelete(() => File.Delete(temp)); // only those not moved are left
            foreach (var folder in stagingFolders) StagedFile.TryDelete(() => Directory.Delete(folder, recursive: true));
            foreach (var claim in locks) claim.Dispose();
        }
    }

    /// <summary>
    /// Everything before the first rename: the folders, their claims (and the roll-back of a killed run's set), every
    /// file staged, the old ones kept, and the journal that names them, durable.
    /// </summary>
    internal void Prepare()
    {
        foreach (var (path, mode) in directories) EnsureDirectory(path, mode);
        var folders = Claim();
        foreach (var folder in folders) StaleFiles.Remove(folder);
        StageAll();
        foreach (var (file, _) in staged) previous.Add(PreviousFile.Keep(file.Path, file.Mode));
        if (PlatformInfo.IsWindows || staged.Count == 0) return;
        journal = FileJournal.For(staged.Select((s, i) => new JournalEntry(s.File.Path, s.Temp, previous[i].KeptAt, previous[i].Existed)));
        journal.Write();
    }

    /// <summary>Moves the next staged file into place.</summary>
    internal void MoveNext()
    {
        var (file, temp) = staged[moved];
        StagedFile.MoveIntoPlace(temp, file.Path);
        moved++;
        if (PlatformInfo.IsWindows && (file.Mode & 0x92) == 0) File.SetAttributes(file.Path, FileAttributes.ReadOnly);
    }

    /// <summary>After the last rename: the journal goes (once the renames are durable), then the old files.</summary>
    internal void Finish()
    {
        journal?.Remove();
        journal = null;
        foreach (var kept in previous) kept.Discard();
        previous.Clear();
    }

    /// <summary>What <c>kill -9</c> leaves after the steps done so far: the locks go with the process (its lock files stay); nothing is undone.</summary>
    internal void Abandon()
    {
        foreach (var claim in locks) claim.Abandon();
    }

    // The claim on every target folder, in one order for every writer (no deadlock), held to the last rename; the
    // check is repeated under it, so that of two writers without -Force only the first writes.
    private List<string> Claim()
    {
        var folders = files.Select(f => Path.GetDirectoryName(f.Path)!).Distinct().OrderBy(f => f, StringComparer.Ordinal).ToList();
        foreach (var folder in folders) EnsureDirectory(folder, FileModes.PublicDirectory);
        if (PlatformInfo.IsWindows) locks.AddRange(folders.Select(f => FolderLock.Acquire(f, FolderLock.DefaultWait)));
        else locks.AddRange(JournalRecovery.ClaimAndRecover(folders, recovered));

        checkTargets();
        return folders;
    }

    private void StageAll()
    {
        var groups = files.Where(f => !(File.Exists(f.Path) && f.IsUnchanged())).GroupBy(f => Path.GetDirectoryName(f.Path)!).ToList();
        if (PlatformInfo.IsWindows)
        {
            foreach (var group in groups) StageWindows(group);
            return;
        }
        // Unix: the folders side by side; every file staged is listed, also when another failed, so that it is removed.
        var done = groups.Select(_ => new List<(PlannedFile, string)>()).ToList();
        try
        {
            SideBySide.ForEach(Enumerable.Range(0, groups.Count).ToList(), i =>
            {
                foreach (var file in groups[i]) done[i].Add((file, StagedFile.Stage(groups[i].Key, file)));
            });
        }
        finally
        {
            foreach (var list in done) staged.AddRange(list);
        }
    }

    private void StageWindows(IGrouping<string, PlannedFile> group)
    {
        string? privateStaging = null; // made for the folder's first key
        foreach (var file in group)
        {
            var folder = group.Key;
            if (file.IsPrivate)
            {
                if (privateStaging == null) stagingFolders.Add(privateStaging = StagedFile.CreateStagingFolder(group.Key));
                folder = privateStaging;
            }
            staged.Add((file, StagedFile.Stage(folder, file)));
        }
    }

    // Puts back every file already moved and removes what this run made; returns the error to throw, or null to rethrow.
    private DockerTlsException? RollBack(Exception e)
    {
        var lost = new List<string>();
        for (var i = moved - 1; i >= 0; i--)
        {
            try { previous[i].Restore(); }
            catch (Exception restore) when (restore is IOException || restore is UnauthorizedAccessException || restore is DockerTlsException) { lost.Add(staged[i].File.Path); }
        }

        if (lost.Count == 0)
        {
            RemoveJournal();
            foreach (var kept in previous) kept.Discard();
        } // else the journal and the old files stay, and the next run puts back what this one could not
        foreach (var (_, temp) in staged) StagedFile.TryDelete(() => File.Delete(temp));
        foreach (var folder in stagingFolders) StagedFile.TryDelete(() => Directory.Delete(folder, recursive: true));
        foreach (var claim in locks) claim.Dispose();
        for (var i = created.Count - 1; i >= 0; i--) StagedFile.TryDelete(() => Directory.Delete(created[i]));
        if (!(e is IOException || e is UnauthorizedAccessException || e is DockerTlsException)) return null;
        var failure = FileSystemErrors.FromException(e, staged.Count > moved ? staged[moved].File.Path : files[0].Path);
        if (lost.Count == 0) return failure;
        return new DockerTlsException(failure.ErrorId, failure.Kind,
            failure.Message.Replace("Nothing was changed.", $"The new file is left in place of the old at '{string.Join("', '", lost)}', which could not be put back."), failure.Target, failure);
    }

    private void RemoveJournal()
    {
        try { journal?.Remove(); }
        catch (Exception e) when (e is IOException || e is DockerTlsException) { } // the next run finds every file put back already
        journal = null;
    }

    /// <summary>Creates a folder and its missing parents; adds those it made to the list to remove on failure, parents first.</summary>
    private void EnsureDirectory(string path, int mode)
    {
        if (Directory.Exists(path)) return;
        var parent = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(parent)) EnsureDirectory(parent!, FileModes.PublicDirectory);
        bool made;
        if (PlatformInfo.IsWindows)
        {
            made = !Directory.Exists(path);
            if (FileModes.IsPrivate(mode)) NativeMethods.CreatePrivateDirectoryWindows(path);
            else if (DockerDataFolderAcl.ForNewFolder(path, Environment.GetEnvironmentVariable("ProgramData")) is { } sddl) NativeMethods.CreateDirectoryWindows(path, sddl);
            else Directory.CreateDirectory(path);
        }
        else
        {
            made = NativeMethods.Mkdir(path, mode);
        }
        if (made) created.Add(path);
    }
}
