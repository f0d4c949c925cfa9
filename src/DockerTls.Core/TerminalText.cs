namespace DockerTls.Core;

/// <summary>
/// The one rule for characters that must not reach a terminal raw, and for names that must not hold them. A terminal
/// acts on C0 controls (ESC starts <c>ESC[2J</c>, which clears the screen, and OSC <c>ESC]0;</c>, which sets the window
/// title), on DEL and on C1 controls (U+009B is CSI by itself on many terminals); bidirectional controls reorder what is
/// shown, so that a name reads as another (Trojan Source). Text from a peer not yet trusted or from a certificate file
/// (subjects, issuers, names, HTTP headers, the daemon's answers) goes through <see cref="Clean"/> once, where it becomes
/// a property of a result object.
/// </summary>
public static class TerminalText
{
    /// <summary>What <see cref="Clean"/> puts in place of each character it removes.</summary>
    public const char Replacement = '?';

    /// <summary>A C0 control (U+0000-U+001F, line breaks and tabs included), DEL (U+007F) or a C1 control (U+0080-U+009F).</summary>
    public static bool IsControl(char c) => c < '\u0020' || (c >= '\u007F' && c <= '\u009F');

    /// <summary>
    /// A bidirectional formatting character: the embeddings and overrides U+202A-U+202E, the isolates U+2066-U+2069,
    /// the marks U+200E and U+200F, and the Arabic letter mark U+061C.
    /// </summary>
    public static bool IsBidiControl(char c) =>
        (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u200E' || c == '\u200F' || c == '\u061C';

    /// <summary>A character that <see cref="Clean"/> replaces: a control (<see cref="IsControl"/>) or a bidi control (<see cref="IsBidiControl"/>).</summary>
    public static bool IsUnsafe(char c) => IsControl(c) || IsBidiControl(c);

    /// <summary>Whether <paramref name="text"/> holds a C0, DEL or C1 control character (what a name must never hold).</summary>
    public static bool HasControl(string? text)
    {
        if (text is null) return false;
        foreach (var c in text)
        {
            if (IsControl(c)) return true;
        }

        return false;
    }

    /// <summary>Whether <paramref name="text"/> holds a character that <see cref="Clean"/> replaces.</summary>
    public static bool HasUnsafe(string? text)
    {
        if (text is null) return false;
        foreach (var c in text)
        {
            if (IsUnsafe(c)) return true;
        }

        return false;
    }

    /// <summary>
    /// <paramref name="text"/> with every control and bidi control replaced by <see cref="Replacement"/>; the same
    /// string when it holds none (so cleaning twice changes nothing), <c>""</c> for null.
    /// </summary>
    public static string Clean(string? text)
    {
        if (text is null) return string.Empty;
        if (!HasUnsafe(text)) return text;
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (IsUnsafe(chars[i])) chars[i] = Replacement;
        }

        return new string(chars);
    }

    /// <summary><see cref="Clean"/> for a value that may be absent: null stays null.</summary>
    public static string? CleanOrNull(string? text) => text is null ? null : Clean(text);

    /// <summary>Each of <paramref name="texts"/> cleaned, in a new array.</summary>
    public static string[] CleanAll(string[]? texts)
    {
        if (texts is null) return System.Array.Empty<string>();
        var result = new string[texts.Length];
        for (var i = 0; i < texts.Length; i++) result[i] = Clean(texts[i]);
        return result;
    }
}
