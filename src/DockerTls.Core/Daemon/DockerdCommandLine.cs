using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace DockerTls.Core.Daemon;

/// <summary>
/// An <c>ExecStart=</c> command line split the way systemd splits it, with helpers to find and drop dockerd's
/// <c>-H</c>/<c>--host</c> flags while keeping every other flag.
/// </summary>
public sealed class DockerdCommandLine
{
    private DockerdCommandLine(IReadOnlyList<string> words)
    {
        Words = words;
    }

    /// <summary>The words: the executable (with any systemd prefix such as <c>-</c> or <c>@</c>) and its arguments.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>The executable without systemd's prefix characters.</summary>
    public string Executable => Words.Count == 0 ? string.Empty : Words[0].TrimStart('-', '@', ':', '+', '!');

    /// <summary>True when the executable is dockerd (or the old <c>docker daemon</c>).</summary>
    public bool IsDockerd
    {
        get
        {
            var name = Executable.Replace('\\', '/');
            name = name.Substring(name.LastIndexOf('/') + 1);
            return name == "dockerd" || name == "dockerd.exe" || (name == "docker" && Words.Count > 1 && Words[1] == "daemon");
        }
    }

    /// <summary>Splits a command line: whitespace separates words; double and single quotes group; backslash escapes.</summary>
    public static DockerdCommandLine Parse(string commandLine) => new(Split(commandLine));

    /// <summary>Splits text into words as systemd does for ExecStart and environment values.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(current.ToString());
                current.Clear();
                inWord = false;
                continue;
            }

            inWord = true;
            if (c == '"' || c == '\'')
            {
                i = Quoted(text, i, current);
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                current.Append(text[++i]);
            }
            else
            {
                current.Append(c);
            }
        }

        if (inWord) words.Add(current.ToString());
        return words;
    }

    // The text between the quote at <paramref name="open"/> and its closing one (to the end when there is none); a
    // backslash escapes inside double quotes only. Returns the index of the closing quote.
    private static int Quoted(string text, int open, StringBuilder current)
    {
        var quote = text[open];
        var i = open + 1;
        for (; i < text.Length && text[i] != quote; i++)
        {
            if (text[i] == '\\' && quote == '"' && i + 1 < text.Length) i++;
            current.Append(text[i]);
        }

        return i;
    }

    /// <summary>The host flags among <paramref name="words"/>, e.g. <c>-H fd://</c>, <c>--host=tcp://...</c>, <c>-Hfd://</c>.</summary>
    public static IReadOnlyList<string> FindHostFlags(IEnumerable<string> words)
    {
        var list = words.ToList();
        var result = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            var length = HostFlagLength(list, i);
            if (length > 0)
            {
                result.Add(string.Join(" ", list.Skip(i).Take(length)));
                i += length - 1;
            }
        }

        return result;
    }

    /// <summary>Variable references in the arguments (<c>$DOCKER_OPTS</c>, <c>${DOCKER_OPTS}</c>), by name.</summary>
    public IReadOnlyList<string> VariableReferences()
    {
        var names = new List<string>();
        foreach (var word in Words.Skip(1))
        {
            for (var i = 0; i < word.Length; i++)
            {
                if (word[i] != '$' || i + 1 >= word.Length)
                {
                    continue;
                }

                var braced = word[i + 1] == '{';
                var start = braced ? i + 2 : i + 1;
                var end = start;
                while (end < word.Length && (char.IsLetterOrDigit(word[end]) || word[end] == '_'))
                {
                    end++;
                }

                if (end > start)
                {
                    names.Add(word.Substring(start, end - start));
                }
            }
        }

        return names;
    }

    /// <summary>
    /// The command line without its host flags, every other word kept in order (quoted where needed), e.g.
    /// <c>/usr/bin/dockerd --containerd=/run/containerd/containerd.sock</c>.
    /// </summary>
    public string WithoutHostFlags()
    {
        var kept = new List<string>();
        for (var i = 0; i < Words.Count; i++)
        {
            var length = i == 0 ? 0 : HostFlagLength(Words, i);
            if (length > 0)
            {
                i += length - 1;
                continue;
            }

            kept.Add(Quote(Words[i]));
        }

        return string.Join(" ", kept);
    }

    internal static int HostFlagLength(IReadOnlyList<string> words, int i)
    {
        var word = words[i];
        if (word == "-H" || word == "--host")
        {
            return i + 1 < words.Count ? 2 : 1;
        }

        return word.StartsWith("--host=", StringComparison.Ordinal) || (word.StartsWith("-H", StringComparison.Ordinal) && word.Length > 2) ? 1 : 0;
    }

    private static string Quote(string word)
    {
        if (word.Length > 0 && !word.Any(c => char.IsWhiteSpace(c) || c == '"' || c == '\'' || c == '\\'))
        {
            return word;
        }

        return "\"" + word.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
