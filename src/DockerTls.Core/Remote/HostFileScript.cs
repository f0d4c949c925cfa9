using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using DockerTls.Core.Daemon;

namespace DockerTls.Core.Remote;

/// <summary>
/// The sh script that writes one <see cref="HostFileChanges"/> on a host in one connection, all or none, as
/// <see cref="IO.FileTransaction"/> does locally: every target is checked first (what it held at planning, by
/// SHA-256), every file is staged beside its target (a key under umask 277, so it is 0400 from its first byte),
/// its bytes checked, then all are renamed into place; a failure at any step puts back every file already moved
/// and removes what was staged. Leftovers of a run killed on the host (<c>.name.32hex.tmp</c>, the names the local
/// transaction uses) are removed from each target folder first. The check-only script stops after the checks.
/// </summary>
internal static class HostFileScript
{
    private const string Hex32 = "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
        + "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]";

    /// <summary>The line the script ends with when it did all it should.</summary>
    public const string Done = "dockertls-ok";

    /// <summary>The start of the line naming a failure: <c>dockertls-fail &lt;id&gt; &lt;index&gt;</c>.</summary>
    public const string Failed = "dockertls-fail";

    /// <summary>The start of the line naming a file written: <c>dockertls-written &lt;index&gt;</c>.</summary>
    public const string Written = "dockertls-written";

    /// <summary>The script that checks every target and writes nothing.</summary>
    public static byte[] Check(HostFileChanges changes) => Build(changes, write: false);

    /// <summary>The script that checks every target, then writes every file.</summary>
    public static byte[] Commit(HostFileChanges changes) => Build(changes, write: true);

    /// <summary>The paths the script's indexes stand for: the files first, in order, then expectations of other paths.</summary>
    public static IReadOnlyList<string> Targets(HostFileChanges changes) =>
        changes.Files.Select(f => f.Path).Concat(changes.Expected.Keys.Where(k => changes.Files.All(f => f.Path != k))).ToList();

    private static byte[] Build(HostFileChanges changes, bool write)
    {
        var files = changes.Files;
        var targets = Targets(changes);
        var script = new StringBuilder();
        script.Append("set -C\numask 077\ntrap '' HUP PIPE\n");
        script.Append("for c in base64 sha256sum readlink mv ln cp chmod chown rm mkdir rmdir; do command -v \"$c\" >/dev/null 2>&1 || { echo \"").Append(Failed).Append(" HostToolMissing 0 $c\"; exit 3; }; done\n");
        script.Append("h() { x=$(sha256sum <\"$1\" 2>/dev/null) || x=; echo \"${x%% *}\"; }\n");
        var folders = write ? NewFolders(files.Select(f => f.Path)) : new List<string>();
        AppendRollback(script, files.Count, folders);
        script.Append("fail() { echo \"").Append(Failed).Append(" $1 $2\"; rollback; exit 3; }\n");

        for (var i = 0; i < targets.Count; i++)
        {
            var file = i < files.Count ? files[i] : null;
            script.Append($"t{i}=").Append(PosixShell.Quote(targets[i])).Append('\n');
            if (file?.Kind == HostFileKind.Rewrite)
                script.Append($"if [ -L \"$t{i}\" ]; then [ -e \"$t{i}\" ] || fail LinkedFileRefused {i}; r=$(readlink -f -- \"$t{i}\" && echo x); [ -n \"$r\" ] || fail LinkedFileRefused {i}; t{i}=${{r%?x}}; fi\n");
            script.Append($"d{i}=${{t{i}%/*}}; [ -n \"$d{i}\" ] || d{i}=/\n");
            if (file is not null) script.Append($"[ -d \"$t{i}\" ] && fail TargetIsFolder {i}\n");
            if (file is not null) script.Append($"if [ -d \"$d{i}\" ]; then [ -w \"$d{i}\" ] || fail ReadOnlyFileSystem {i}; fi\n");
            if (changes.Expected.TryGetValue(targets[i], out var expected)) AppendExpectation(script, i, expected, file?.Content);
        }

        if (write)
        {
            for (var k = 0; k < folders.Count; k++)
                script.Append("if [ ! -d ").Append(PosixShell.Quote(folders[k])).Append(" ]; then mkdir -m 755 -- ").Append(PosixShell.Quote(folders[k])).Append($" || fail HostWriteFailed 0; k{k}=1; fi\n");
            // Leftovers first, in every folder, before this run stages anything there.
            for (var i = 0; i < files.Count; i++)
                script.Append($"for f in \"$d{i}\"/.*.tmp; do case ${{f##*/}} in .?*.{Hex32}.tmp) [ -f \"$f\" ] && [ ! -L \"$f\" ] && rm -f -- \"$f\";; esac; done\n");
            for (var i = 0; i < files.Count; i++) AppendStage(script, i, files[i]);
            for (var i = 0; i < files.Count; i++)
            {
                script.Append($"if [ -n \"${{s{i}-}}\" ]; then if [ -e \"$t{i}\" ] || [ -L \"$t{i}\" ]; then p{i}=\"$d{i}/.${{t{i}##*/}}.{Guid.NewGuid():N}.tmp\"; ln -- \"$t{i}\" \"$p{i}\" 2>/dev/null || cp -p -- \"$t{i}\" \"$p{i}\" || fail HostWriteFailed {i}; fi; ");
                script.Append($"mv -f -- \"$s{i}\" \"$t{i}\" || fail HostWriteFailed {i}; m{i}=1; fi\n");
            }

            for (var i = 0; i < files.Count; i++)
                script.Append($"[ -n \"${{p{i}-}}\" ] && rm -f -- \"$p{i}\"; [ -n \"${{m{i}-}}\" ] && echo \"{Written} {i}\"\n");
        }

        script.Append("echo ").Append(Done).Append('\n');
        return PosixShell.Complete(script);
    }

    private static void AppendExpectation(StringBuilder script, int i, byte[]? expected, byte[]? planned)
    {
        var next = planned is null ? "none" : Sha256(planned);
        if (expected is null)
            script.Append($"if [ -e \"$t{i}\" ] || [ -L \"$t{i}\" ]; then [ \"$(h \"$t{i}\")\" = {next} ] || fail TargetChanged {i}; fi\n");
        else
            script.Append($"x=$(h \"$t{i}\"); if [ -f \"$t{i}\" ] && {{ [ \"$x\" = {Sha256(expected)} ] || [ \"$x\" = {next} ]; }}; then :; else fail TargetChanged {i}; fi\n");
    }

    private static void AppendStage(StringBuilder script, int i, HostFileChange file)
    {
        var hash = Sha256(file.Content);
        // An identical certificate or file is left alone, as locally; a key is always written anew (never compared in place).
        if (file.Kind != HostFileKind.Key) script.Append($"if [ -f \"$t{i}\" ] && [ \"$(h \"$t{i}\")\" = {hash} ]; then :; else\n");
        script.Append($"s{i}=\"$d{i}/.${{t{i}##*/}}.{Guid.NewGuid():N}.tmp\"\n");
        var umask = file.Kind == HostFileKind.Key ? "277" : "077";
        PosixShell.AppendWithData(script, $"(umask {umask} && base64 -d >\"$s{i}\")", file.Content, $"|| fail HostWriteFailed {i}");
        switch (file.Kind)
        {
            case HostFileKind.Key: break;
            case HostFileKind.Certificate: script.Append($"chmod 444 -- \"$s{i}\" || fail HostWriteFailed {i}\n"); break;
            case HostFileKind.File: script.Append($"chmod {Octal(file.NewFileMode)} -- \"$s{i}\" || fail HostWriteFailed {i}\n"); break;
            case HostFileKind.Rewrite: AppendKeepMode(script, i, $"\"$t{i}\"", file.NewFileMode); break;
            case HostFileKind.Backup: AppendKeepMode(script, i, PosixShell.Quote(file.BackupOf ?? file.Path), file.NewFileMode); break;
        }

        script.Append($"[ \"$(h \"$s{i}\")\" = {hash} ] || fail HostWriteFailed {i}\n");
        if (file.Kind != HostFileKind.Key) script.Append("fi\n");
    }

    private static void AppendKeepMode(StringBuilder script, int i, string reference, int newMode) =>
        script.Append($"if [ -e {reference} ]; then chown --reference={reference} -- \"$s{i}\" && chmod --reference={reference} -- \"$s{i}\" || fail HostWriteFailed {i}; ")
            .Append($"else chmod {Octal(newMode)} -- \"$s{i}\" || fail HostWriteFailed {i}; fi\n");

    private static void AppendRollback(StringBuilder script, int count, List<string> folders)
    {
        script.Append("rollback() {\n:\n");
        for (var i = count - 1; i >= 0; i--)
            script.Append($"if [ -n \"${{m{i}-}}\" ]; then if [ -n \"${{p{i}-}}\" ]; then mv -f -- \"$p{i}\" \"$t{i}\"; else rm -f -- \"$t{i}\"; fi; fi\n");
        for (var i = 0; i < count; i++)
            script.Append($"[ -n \"${{s{i}-}}\" ] && rm -f -- \"$s{i}\"; [ -n \"${{p{i}-}}\" ] && rm -f -- \"$p{i}\"\n");
        for (var k = folders.Count - 1; k >= 0; k--)
            script.Append($"[ -n \"${{k{k}-}}\" ] && rmdir -- ").Append(PosixShell.Quote(folders[k])).Append('\n');
        script.Append("}\n");
    }

    // Every folder above the targets, parents first: the script makes the missing ones and removes them on failure.
    private static List<string> NewFolders(IEnumerable<string> paths)
    {
        var folders = new List<string>();
        foreach (var path in paths)
        {
            var parts = path.Split('/');
            for (var n = 2; n < parts.Length; n++)
            {
                var folder = string.Join("/", parts.Take(n));
                if (folder.Length > 0 && !folders.Contains(folder, StringComparer.Ordinal)) folders.Add(folder);
            }
        }

        return folders;
    }

    private static string Octal(int mode) => Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0');

    internal static string Sha256(byte[] content)
    {
        using var sha = SHA256.Create();
        return string.Concat(sha.ComputeHash(content).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
