using System.Text;

namespace DockerTls.Core.IO;

/// <summary>
/// Strict UTF-8: text the module reads and may write back is decoded with no replacement of any kind, so that bytes it
/// does not mean to change stay as they were. A byte that is not UTF-8 (a Latin-1 'é', 0xE9) is refused with its line,
/// never turned into '?' or U+FFFD.
/// </summary>
public static class Utf8Text
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text of <paramref name="bytes"/> from <paramref name="offset"/>; <c>FileNotUtf8</c> naming <paramref name="path"/> and the line.</summary>
    public static string Decode(string path, byte[] bytes, int offset = 0)
    {
        if (TryDecode(bytes, offset, out var text, out var fault)) return text;
        throw new DockerTlsException("FileNotUtf8", ErrorKind.InvalidData,
            $"'{path}' is not valid UTF-8: {fault}. Save it as UTF-8 and run again (a legacy code page such as Latin-1 or Windows-1252 " +
            "cannot be rewritten without changing its bytes); the file was left unchanged.", path);
    }

    /// <summary>
    /// Decodes strictly; false with <paramref name="fault"/> saying where the first bad byte is, e.g.
    /// <c>byte 0xE9 on line 3, column 12</c> (columns in bytes).
    /// </summary>
    public static bool TryDecode(byte[] bytes, int offset, out string text, out string fault)
    {
        var bad = FirstInvalid(bytes, offset);
        if (bad < 0)
        {
            text = Strict.GetString(bytes, offset, bytes.Length - offset);
            fault = "";
            return true;
        }

        int line = 1, lineStart = offset;
        for (var i = offset; i < bad; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        text = "";
        fault = $"byte 0x{bytes[bad]:X2} on line {line}, column {bad - lineStart + 1}";
        return false;
    }

    /// <summary>The index of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629), or -1.</summary>
    public static int FirstInvalid(byte[] bytes, int offset)
    {
        var i = offset;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b < 0x80)
            {
                i++;
                continue;
            }

            int length;
            byte low = 0x80, high = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) length = 2;
            else if (b >= 0xE0 && b <= 0xEF)
            {
                length = 3;
                if (b == 0xE0) low = 0xA0; // overlong
                if (b == 0xED) high = 0x9F; // UTF-16 surrogates
            }
            else if (b >= 0xF0 && b <= 0xF4)
            {
                length = 4;
                if (b == 0xF0) low = 0x90; // overlong
                if (b == 0xF4) high = 0x8F; // above U+10FFFF
            }
            else return i;

            for (var k = 1; k < length; k++)
            {
                if (i + k >= bytes.Length) return i;
                var next = bytes[i + k];
                if (next < (k == 1 ? low : (byte)0x80) || next > (k == 1 ? high : (byte)0xBF)) return i;
            }

            i += length;
        }

        return -1;
    }
}
