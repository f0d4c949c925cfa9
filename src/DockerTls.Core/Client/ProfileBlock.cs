using System;
using System.Collections.Generic;
using System.Text;

namespace DockerTls.Core.Client;

/// <summary>
/// The marked block of PowerShell code that makes the client variables persist in a user's profile on Linux and macOS.
/// A later <see cref="Apply"/> replaces the block where it stands (never a second copy), <see cref="Remove"/> takes it
/// out, and every other byte of the profile is kept.
/// </summary>
public static class ProfileBlock
{
    /// <summary>The line that opens the block.</summary>
    public const string StartMarker = "# >>> DockerTls client environment >>>";

    /// <summary>The line that closes the block.</summary>
    public const string EndMarker = "# <<< DockerTls client environment <<<";

    /// <summary>The lines of the block for <paramref name="environment"/>, markers included.</summary>
    public static IReadOnlyList<string> Lines(ClientEnvironment environment)
    {
        if (environment is null)
        {
            throw new ArgumentNullException(nameof(environment));
        }

        var lines = new List<string>
        {
            StartMarker,
            "# Written by Set-DockerClientEnv -Scope User; Clear-DockerClientEnv -Scope User removes it. Edits inside are lost.",
        };
        foreach (var variable in environment.Variables)
        {
            lines.Add(ShellScript.SetLine(ClientShell.Pwsh, variable.Key, variable.Value));
        }

        foreach (var name in environment.Removed)
        {
            lines.Add(ShellScript.UnsetLine(ClientShell.Pwsh, name));
        }

        lines.Add(EndMarker);
        return lines;
    }

    /// <summary>Whether <paramref name="content"/> holds a block.</summary>
    public static bool Contains(string content) => Find(content ?? string.Empty).Count > 0;

    /// <summary>
    /// <paramref name="content"/> with the block set to <paramref name="blockLines"/>: put in place of the first block found
    /// (further copies, e.g. pasted by hand, are dropped), else appended at the end. Uses the content's own line ending.
    /// </summary>
    public static string Apply(string content, IReadOnlyList<string> blockLines)
    {
        content ??= string.Empty;
        var newline = content.Contains("\r\n") ? "\r\n" : "\n";
        var block = string.Join(newline, blockLines) + newline;
        var spans = Find(content);
        if (spans.Count == 0)
        {
            var separator = content.Length == 0 || content.EndsWith("\n", StringComparison.Ordinal) ? string.Empty : newline;
            return content + separator + block;
        }

        var builder = new StringBuilder(content.Length + block.Length);
        var position = 0;
        for (var i = 0; i < spans.Count; i++)
        {
            builder.Append(content, position, spans[i].Start - position);
            if (i == 0)
            {
                builder.Append(block);
            }

            position = spans[i].End;
        }

        builder.Append(content, position, content.Length - position);
        return builder.ToString();
    }

    /// <summary><paramref name="content"/> without any block (unchanged when there is none).</summary>
    public static string Remove(string content)
    {
        content ??= string.Empty;
        var spans = Find(content);
        if (spans.Count == 0)
        {
            return content;
        }

        var builder = new StringBuilder(content.Length);
        var position = 0;
        foreach (var span in spans)
        {
            builder.Append(content, position, span.Start - position);
            position = span.End;
        }

        builder.Append(content, position, content.Length - position);
        return builder.ToString();
    }

    /// <summary>
    /// The blocks in <paramref name="content"/>, each from the start of its opening line to just past the line break that ends
    /// its closing line. An opening marker without a closing one throws <c>ProfileBlockIncomplete</c>: guessing where the
    /// block ends could delete the user's own code.
    /// </summary>
    private static List<(int Start, int End)> Find(string content)
    {
        var spans = new List<(int Start, int End)>();
        var lineStart = 0;
        var blockStart = -1;
        while (lineStart < content.Length)
        {
            var lineBreak = content.IndexOf('\n', lineStart);
            var next = lineBreak < 0 ? content.Length : lineBreak + 1;
            var line = content.Substring(lineStart, (lineBreak < 0 ? content.Length : lineBreak) - lineStart).TrimEnd('\r').Trim();
            if (blockStart < 0 && line == StartMarker)
            {
                blockStart = lineStart;
            }
            else if (blockStart >= 0 && line == EndMarker)
            {
                spans.Add((blockStart, next));
                blockStart = -1;
            }

            lineStart = next;
        }

        if (blockStart >= 0)
        {
            throw new DockerTlsException(
                "ProfileBlockIncomplete",
                ErrorKind.InvalidData,
                $"The profile has the line '{StartMarker}' but no '{EndMarker}' after it. Delete the DockerTls lines from the profile by hand, then run the command again.");
        }

        return spans;
    }
}
