namespace DockerTls.Core.Json;

/// <summary>The grammar of an RFC 8259 number, shared by the parser and by <see cref="JsonNumber"/>'s constructor.</summary>
internal static class JsonNumberSyntax
{
    /// <summary>The end index of an RFC 8259 number starting at <paramref name="start"/>, or -1.</summary>
    internal static int Match(string s, int start)
    {
        var i = start;
        if (i < s.Length && s[i] == '-')
        {
            i++;
        }

        if (i >= s.Length || !IsDigit(s[i]))
        {
            return -1;
        }

        if (s[i] == '0')
        {
            i++;
        }
        else
        {
            while (i < s.Length && IsDigit(s[i]))
            {
                i++;
            }
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            if (i >= s.Length || !IsDigit(s[i]))
            {
                return -1;
            }

            while (i < s.Length && IsDigit(s[i]))
            {
                i++;
            }
        }

        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            i++;
            if (i < s.Length && (s[i] == '+' || s[i] == '-'))
            {
                i++;
            }

            if (i >= s.Length || !IsDigit(s[i]))
            {
                return -1;
            }

            while (i < s.Length && IsDigit(s[i]))
            {
                i++;
            }
        }

        return i;
    }

    internal static bool IsDigit(char c) => c >= '0' && c <= '9';
}
