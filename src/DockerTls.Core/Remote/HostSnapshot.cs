using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace DockerTls.Core.Remote;

/// <summary>What a host path held when a snapshot read it.</summary>
internal enum HostEntryKind
{
    Missing,
    File,
    Folder,
    NotRegular,
    DanglingLink,
    TooLarge,
    Unreadable,
}

/// <summary>One path of a snapshot: what is there, its bytes (a file), the regular files in it (a folder that was listed).</summary>
internal sealed class HostEntry
{
    public HostEntry(HostEntryKind kind, byte[]? content = null, string? what = null)
    {
        Kind = kind;
        Content = content;
        What = what;
    }

    public HostEntryKind Kind { get; }

    public byte[]? Content { get; }

    /// <summary>For <see cref="HostEntryKind.NotRegular"/>: fifo, char, block, socket or other.</summary>
    public string? What { get; }

    /// <summary>The names of the regular files in a listed folder; null when it was not listed.</summary>
    public List<string>? Names { get; set; }

    /// <summary>The names of everything else in a listed folder (true: a folder; false: a link, a FIFO...); null when it was not listed.</summary>
    public Dictionary<string, bool>? OtherNames { get; set; }
}

/// <summary>
/// Reads many host paths in one ssh run: a sh script asks for each file (its bytes, as base64, up to a cap) and for
/// each folder (the names of its regular files, and their bytes where asked, and the names of all else in it), and writes records that
/// <see cref="Parse"/> reads back. Bytes travel as base64, and so does every name but those of letters, digits, '.',
/// '_' and '-' only (those go as they are, after '=', sparing the host two processes a name), so no name or content
/// (newlines, spaces, quotes, terminal controls) can break the records.
/// </summary>
internal static class HostSnapshot
{
    private const string Done = "dockertls-ok";

    /// <summary>
    /// The script that reads <paramref name="files"/> and lists <paramref name="folders"/> (with their files' bytes where
    /// Contents is true). With <paramref name="journalsBesideLinks"/>, a file that is a symbolic link has the journal
    /// of the folder it resolves to read too (a 'K' record naming that path, then its record), since a commit writes
    /// such a file, and its journal, there.
    /// </summary>
    public static byte[] Script(IReadOnlyList<string> files, IReadOnlyList<(string Folder, bool Contents)> folders, int cap, bool journalsBesideLinks = false)
    {
        var script = new StringBuilder();
        script.Append("trap '' HUP PIPE\ncap=").Append(cap.ToString(CultureInfo.InvariantCulture)).Append('\n');
        script.Append(@"put() {
if [ -d ""$2"" ]; then echo ""D $1""
elif [ -f ""$2"" ]; then
  n=$(wc -c <""$2"" 2>/dev/null); n=${n##* }
  case $n in ''|*[!0-9]*) echo ""R $1""; return;; esac
  if [ ""$n"" -gt ""$cap"" ]; then echo ""B $1""; return; fi
  echo ""F $1""; base64 <""$2"" 2>/dev/null || echo '!'; echo .
elif [ -e ""$2"" ]; then
  if [ -p ""$2"" ]; then echo ""O $1 fifo""; elif [ -c ""$2"" ]; then echo ""O $1 char""; elif [ -b ""$2"" ]; then echo ""O $1 block""; elif [ -S ""$2"" ]; then echo ""O $1 socket""; else echo ""O $1 other""; fi
elif [ -L ""$2"" ]; then echo ""L $1""
else echo ""N $1""; fi
}
nm() {
case ${3##*/} in
*[!abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-]*) echo ""$1 $2""; printf '%s' ""${3##*/}"" | base64; echo .;;
*) echo ""$1 $2 =${3##*/}"";;
esac
}
lst() {
if [ ! -d ""$2"" ]; then put ""$1"" ""$2""; return; fi
echo ""D $1""
for f in ""$2""/* ""$2""/.[!.]* ""$2""/..?*; do
  if [ -f ""$f"" ]; then
    nm E ""$1"" ""$f""
    if [ ""$3"" = 1 ]; then put ""$1"" ""$f""; fi
  elif [ -d ""$f"" ]; then nm X ""$1 d"" ""$f""
  elif [ -e ""$f"" ] || [ -L ""$f"" ]; then nm X ""$1 o"" ""$f""
  fi
done
}
".Replace("\r\n", "\n"));
        // One readlink and one base64 a linked file, none for the others.
        if (journalsBesideLinks)
            script.Append("jl() {\nr=$(readlink -f -- \"$2\" 2>/dev/null && echo x) || return 0\nr=${r%?x}\ncase $r in /*) ;; *) return 0;; esac\nr=\"${r%/*}/").Append(IO.FileJournal.FileName)
                .Append("\"\necho \"K $1\"; printf '%s' \"$r\" | base64; echo .\nput \"$1\" \"$r\"\n}\n");
        for (var i = 0; i < files.Count; i++)
        {
            var quoted = PosixShell.Quote(files[i]);
            script.Append("put ").Append(i).Append(' ').Append(quoted).Append('\n');
            if (journalsBesideLinks) script.Append("[ -L ").Append(quoted).Append(" ] && jl ").Append(i).Append(' ').Append(quoted).Append('\n');
        }

        for (var j = 0; j < folders.Count; j++)
            script.Append("lst ").Append(files.Count + j).Append(' ').Append(PosixShell.Quote(folders[j].Folder)).Append(folders[j].Contents ? " 1" : " 0").Append('\n');
        script.Append("echo ").Append(Done).Append('\n');
        return PosixShell.Complete(script);
    }

    /// <summary>
    /// Reads the records of <see cref="Script"/>'s output into <paramref name="into"/> (path to entry); false when the
    /// output stops before the script's last line (the connection ended).
    /// </summary>
    public static bool Parse(byte[] output, IReadOnlyList<string> files, IReadOnlyList<(string Folder, bool Contents)> folders, IDictionary<string, HostEntry> into)
    {
        var lines = Encoding.ASCII.GetString(output).Split('\n');
        string? entryPath = null; // the folder entry whose content may follow
        var index = -1;
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            if (line == Done) return true;
            var fields = line.Split(' ');
            if (fields.Length < 2 || fields[0].Length != 1 || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var i) || i < 0 || i >= files.Count + folders.Count) continue;
            var listing = i >= files.Count;
            var path = listing ? folders[i - files.Count].Folder : files[i];
            if (i != index) entryPath = null;
            index = i;
            switch (fields[0][0])
            {
                case 'E':
                case 'X':
                    var plain = fields[fields.Length - 1] is { Length: > 1 } last && last[0] == '=' ? last.Substring(1) : null;
                    var name = plain ?? Encoding.UTF8.GetString(Base64(lines, ref n, out _) ?? Array.Empty<byte>());
                    entryPath = fields[0][0] == 'E' ? Join(path, name) : null;
                    if (!into.TryGetValue(path, out var folder)) continue;
                    if (fields[0][0] == 'E') folder.Names?.Add(name);
                    else if (folder.OtherNames is not null) folder.OtherNames[name] = fields.Length > 2 && fields[2] == "d";
                    continue;
                case 'K' when !listing:
                    // The next record of this file is the journal of the folder its link resolves to.
                    var linked = Encoding.UTF8.GetString(Base64(lines, ref n, out _) ?? Array.Empty<byte>());
                    entryPath = linked.StartsWith("/", StringComparison.Ordinal) && linked.EndsWith("/" + IO.FileJournal.FileName, StringComparison.Ordinal) ? linked : null;
                    continue;
                case 'D':
                    into[entryPath ?? path] = new HostEntry(HostEntryKind.Folder) { Names = listing ? new List<string>() : null, OtherNames = listing ? new Dictionary<string, bool>(StringComparer.Ordinal) : null };
                    continue;
            }

            var at = entryPath ?? path;
            into[at] = fields[0][0] switch
            {
                'F' => Base64(lines, ref n, out var unreadable) is { } bytes && !unreadable ? new HostEntry(HostEntryKind.File, bytes) : new HostEntry(HostEntryKind.Unreadable),
                'B' => new HostEntry(HostEntryKind.TooLarge),
                'R' => new HostEntry(HostEntryKind.Unreadable),
                'O' => new HostEntry(HostEntryKind.NotRegular, what: fields.Length > 2 ? fields[2] : "other"),
                'L' => new HostEntry(HostEntryKind.DanglingLink),
                _ => new HostEntry(HostEntryKind.Missing),
            };
        }

        return false;
    }

    /// <summary>The folder of a host path: what is before its last '/', or "/" for a file at the root.</summary>
    public static string FolderOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash > 0 ? path.Substring(0, slash) : "/";
    }

    /// <summary>A folder and a name joined with '/'.</summary>
    public static string Join(string folder, string name) => folder.EndsWith("/", StringComparison.Ordinal) ? folder + name : folder + "/" + name;

    // The base64 lines after a record, up to the line '.'; a line '!' means the file could not be read through.
    private static byte[]? Base64(string[] lines, ref int n, out bool unreadable)
    {
        var text = new StringBuilder();
        unreadable = false;
        while (++n < lines.Length && lines[n] != ".")
        {
            if (lines[n] == "!") unreadable = true;
            else text.Append(lines[n].Trim());
        }

        try
        {
            return Convert.FromBase64String(text.ToString());
        }
        catch (FormatException)
        {
            unreadable = true;
            return null;
        }
    }
}
