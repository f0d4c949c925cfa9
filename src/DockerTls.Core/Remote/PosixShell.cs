using System;
using System.Text;

namespace DockerTls.Core.Remote;

/// <summary>
/// Words and data for the POSIX sh of a remote host. Every host path and every argument goes into a script as one
/// single-quoted word, which sh takes literally (quotes, <c>$()</c>, backquotes, globs and newlines included); file
/// content goes in as base64 inside a quoted here-document, which sh does not expand either.
/// </summary>
internal static class PosixShell
{
    /// <summary>The here-document delimiter; a line of base64 can never be this word.</summary>
    public const string EndOfData = "DOCKERTLS_END_OF_DATA";

    /// <summary><paramref name="word"/> as one sh word: <c>'...'</c>, with each <c>'</c> written as <c>'\''</c>.</summary>
    public static string Quote(string word)
    {
        if (word.IndexOf('\0') >= 0) throw new ArgumentException("A word for sh cannot hold a NUL character.", nameof(word));
        return "'" + word.Replace("'", "'\\''") + "'";
    }

    /// <summary>
    /// <paramref name="command"/> with <paramref name="content"/> on its stdin as a base64 here-document (the command
    /// decodes it, e.g. <c>base64 -d &gt;"$s"</c>), then <paramref name="orElse"/> on the same line (<c>|| fail ...</c>).
    /// </summary>
    public static void AppendWithData(StringBuilder script, string command, byte[] content, string orElse)
    {
        script.Append(command).Append(" <<'").Append(EndOfData).Append("' ").Append(orElse).Append('\n');
        var text = Convert.ToBase64String(content);
        for (var i = 0; i < text.Length; i += 76) script.Append(text, i, Math.Min(76, text.Length - i)).Append('\n');
        script.Append(EndOfData).Append('\n');
    }

    /// <summary>
    /// A whole script as one brace group: sh parses a compound command to its end before it runs any of it, so a
    /// script cut short by a dropped connection is a syntax error and runs nothing, never a part of it.
    /// </summary>
    public static byte[] Complete(StringBuilder body) =>
        new UTF8Encoding(false).GetBytes("{\n" + body + "\n}\n");
}
