using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace DockerTls.Core.Daemon;

/// <summary>
/// The command line of the Windows service <c>docker</c> (its ImagePath, what <c>sc.exe qc docker</c> shows as
/// BINARY_PATH_NAME), split the way Windows splits it. A <c>-H</c>/<c>--host</c> there, as
/// <c>dockerd --register-service -H ...</c> leaves it, makes dockerd refuse a daemon.json with <c>hosts</c>, as
/// <c>-H fd://</c> in a systemd unit does.
/// </summary>
public sealed class WindowsServiceCommandLine
{
    /// <summary>Where the command line is kept, as a message names it.</summary>
    public const string Location = @"HKLM:\SYSTEM\CurrentControlSet\Services\docker\ImagePath";

    private WindowsServiceCommandLine(string text, IReadOnlyList<string> words)
    {
        Text = text;
        Words = words;
    }

    /// <summary>The command line as stored.</summary>
    public string Text { get; }

    /// <summary>The program and its arguments, unquoted.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>The host flags on the command line, e.g. <c>-H npipe://</c>, each a place dockerd gets hosts from.</summary>
    public IReadOnlyList<HostFlagLocation> HostFlags =>
        DockerdCommandLine.FindHostFlags(Words.Skip(1)).Select(flag => new HostFlagLocation(Location, 0, flag)).ToList();

    /// <summary>
    /// Splits a command line as a Windows program's C runtime (and CommandLineToArgvW) does: the program name runs to
    /// the next space, or between quotes with no escapes; in the arguments, spaces and tabs separate, quotes group,
    /// <c>""</c> inside quotes is a quote, and backslashes are literal except before a quote: 2n of them and a quote
    /// give n and open or close quoting, 2n+1 give n and a literal quote.
    /// </summary>
    public static WindowsServiceCommandLine Parse(string text)
    {
        var words = new List<string>();
        var i = 0;
        while (i < text.Length && IsBlank(text[i])) i++;
        if (i < text.Length) words.Add(ProgramName(text, ref i));
        var current = new StringBuilder();
        var inWord = false;
        var quoted = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\')
            {
                Backslashes(text, ref i, current);
                inWord = true;
            }
            else if (c == '"')
            {
                inWord = true;
                if (quoted && i + 1 < text.Length && text[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    quoted = !quoted;
                }

                i++;
            }
            else if (IsBlank(c) && !quoted)
            {
                if (inWord) words.Add(current.ToString());
                current.Clear();
                inWord = false;
                i++;
            }
            else
            {
                current.Append(c);
                inWord = true;
                i++;
            }
        }

        if (inWord) words.Add(current.ToString());
        return new WindowsServiceCommandLine(text, words);
    }

    /// <summary>The command line without its host flags, every other word kept and quoted as Windows reads it back.</summary>
    public string WithoutHostFlags()
    {
        var kept = new List<string>();
        for (var i = 0; i < Words.Count; i++)
        {
            var length = i == 0 ? 0 : DockerdCommandLine.HostFlagLength(Words, i);
            if (length > 0)
            {
                i += length - 1;
                continue;
            }
            kept.Add(i == 0 ? QuoteProgram(Words[i]) : QuoteArgument(Words[i]));
        }
        return string.Join(" ", kept);
    }

    /// <summary>
    /// What to run, as Administrator in PowerShell, to take the host flags off the service (then restart it), e.g.
    /// <c>Set-ItemProperty 'HKLM:\...\docker' ImagePath '"C:\Program Files\docker\dockerd.exe" --run-service'</c>.
    /// </summary>
    public string RemoveHostFlagsCommand() =>
        $"Set-ItemProperty '{Location.Substring(0, Location.LastIndexOf('\\'))}' ImagePath '{WithoutHostFlags().Replace("'", "''")}'";

    /// <summary>The docker service's command line on this machine, or null where there is no such service (or not Windows).</summary>
    public static WindowsServiceCommandLine? ReadCurrent()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return null;
        const uint RegSz = 0x2, RegExpandSz = 0x4, NoExpand = 0x10000000;
        var localMachine = new IntPtr(unchecked((int)0x80000002));
        var size = 0;
        var key = @"SYSTEM\CurrentControlSet\Services\docker";
        if (RegGetValueW(localMachine, key, "ImagePath", RegSz | RegExpandSz | NoExpand, out _, null, ref size) != 0 || size <= 0) return null;
        var buffer = new char[size / 2 + 1];
        if (RegGetValueW(localMachine, key, "ImagePath", RegSz | RegExpandSz | NoExpand, out _, buffer, ref size) != 0) return null;
        return Parse(new string(buffer, 0, Math.Max(0, size / 2 - 1)));
    }

    [DllImport("advapi32.dll", CharSet = CharSet.Unicode)]
    private static extern int RegGetValueW(IntPtr key, string subKey, string value, uint flags, out uint type, char[]? data, ref int size);

    // The program name runs to the next blank, or between quotes with no escapes.
    private static string ProgramName(string text, ref int i)
    {
        var program = new StringBuilder();
        if (text[i] == '"')
        {
            i++;
            while (i < text.Length && text[i] != '"') program.Append(text[i++]);
            i++;
        }

        while (i < text.Length && !IsBlank(text[i])) program.Append(text[i++]);
        return program.ToString();
    }

    // Backslashes are literal except before a quote: 2n and a quote give n (the quote then opens or closes quoting),
    // 2n+1 give n and a literal quote.
    private static void Backslashes(string text, ref int i, StringBuilder current)
    {
        var start = i;
        while (i < text.Length && text[i] == '\\') i++;
        var count = i - start;
        if (i < text.Length && text[i] == '"')
        {
            current.Append('\\', count / 2);
            if (count % 2 == 1)
            {
                current.Append('"');
                i++;
            }
        }
        else
        {
            current.Append('\\', count);
        }
    }

    private static bool IsBlank(char c) => c == ' ' || c == '\t';

    private static string QuoteProgram(string program) => program.Any(IsBlank) ? $"\"{program}\"" : program;

    private static string QuoteArgument(string word)
    {
        if (word.Length > 0 && !word.Any(c => IsBlank(c) || c == '"')) return word;
        var builder = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in word)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }
            // Backslashes before a quote are doubled, and the quote escaped; elsewhere they stand as they are.
            builder.Append('\\', c == '"' ? backslashes * 2 + 1 : backslashes);
            backslashes = 0;
            builder.Append(c);
        }
        builder.Append('\\', backslashes * 2).Append('"');
        return builder.ToString();
    }
}
