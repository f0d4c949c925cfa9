using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace DockerTls.Core.Diagnostics;

/// <summary>
/// One HTTP/1.1 request and its response over a stream already connected (and encrypted): all the probe needs to ask a
/// daemon for <c>/_ping</c> and <c>/version</c> without an HTTP client that would hide the TLS details.
/// </summary>
public static class HttpExchange
{
    private const int MaxBody = 1 << 20;
    private const int MaxHeaders = 100;

    /// <summary>A response: status code, headers (names case-insensitive) and body text.</summary>
    public sealed class Response
    {
        /// <summary>The status code, e.g. 200.</summary>
        public int StatusCode { get; set; }

        /// <summary>The status line, e.g. <c>HTTP/1.1 200 OK</c>.</summary>
        public string StatusLine { get; set; } = "";

        /// <summary>The headers.</summary>
        public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>The body, as UTF-8 text.</summary>
        public string Body { get; set; } = "";
    }

    /// <summary>Sends <c>GET <paramref name="path"/></c> keeping the connection open, and reads the response.</summary>
    public static Response Get(Stream stream, string path)
    {
        var request = $"GET {path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: DockerTls\r\nAccept: */*\r\n\r\n";
        var bytes = Encoding.ASCII.GetBytes(request);
        stream.Write(bytes, 0, bytes.Length);
        stream.Flush();
        return Read(stream);
    }

    /// <summary>Reads one response: Content-Length or chunked body.</summary>
    public static Response Read(Stream stream)
    {
        var reader = new ByteReader(stream);
        var response = new Response { StatusLine = reader.ReadLine() };
        var parts = response.StatusLine.Split(' ');
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new InvalidDataException($"not an HTTP response: '{response.StatusLine}'");
        }

        response.StatusCode = status;
        foreach (var line in FieldLines(reader, "header"))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                response.Headers[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
            }
        }

        var body = new MemoryStream();
        if (response.Headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.IndexOf("chunked", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            int size;
            while ((size = Number(reader.ReadLine().Split(';')[0].Trim(), NumberStyles.AllowHexSpecifier, "chunk size")) > 0)
            {
                if (size > MaxBody - body.Length)
                {
                    throw new InvalidDataException($"an HTTP body of more than {MaxBody} bytes");
                }

                reader.ReadExactly(body, size);
                reader.ReadLine();
            }

            foreach (var _ in FieldLines(reader, "trailer"))
            {
                // Trailers are of no interest.
            }
        }
        else if (response.Headers.TryGetValue("Content-Length", out var length))
        {
            reader.ReadExactly(body, Math.Min(Number(length, NumberStyles.None, "Content-Length"), MaxBody));
        }
        else if (status != 204 && status != 304)
        {
            // Neither length nor chunks: the body runs to the end of the connection (HTTP/1.0 style).
            reader.ReadToEnd(body, MaxBody);
        }

        response.Body = Encoding.UTF8.GetString(body.ToArray());
        return response;
    }

    // The header (or trailer) lines up to the empty one; an endless stream of them is not HTTP.
    private static IEnumerable<string> FieldLines(ByteReader reader, string what)
    {
        string line;
        for (var count = 0; (line = reader.ReadLine()).Length > 0; count++)
        {
            if (count >= MaxHeaders)
            {
                throw new InvalidDataException($"more than {MaxHeaders} HTTP {what} lines");
            }

            yield return line;
        }
    }

    // A length from the server, which is not trusted yet: anything but a plain number is not HTTP.
    private static int Number(string text, NumberStyles style, string what) =>
        int.TryParse(text, style, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new InvalidDataException($"an HTTP {what} of '{text}'");

    private sealed class ByteReader
    {
        private readonly Stream stream;
        private readonly byte[] buffer = new byte[4096];
        private int position;
        private int count;

        public ByteReader(Stream stream) => this.stream = stream;

        public string ReadLine()
        {
            var line = new StringBuilder();
            while (true)
            {
                var b = ReadByte();
                if (b == '\n')
                {
                    return line.ToString().TrimEnd('\r').Replace('\r', '?');
                }

                if (line.Length > 8192)
                {
                    throw new InvalidDataException("an HTTP header line is too long");
                }

                // The status line and headers may come from a server not yet trusted, and reach the console in a
                // diagnosis: control characters (a terminal's escape sequences, C1's CSI 0x9B) become '?'.
                line.Append(b != '\r' && TerminalText.IsControl((char)b) ? TerminalText.Replacement : (char)b);
            }
        }

        public void ReadExactly(Stream destination, int length)
        {
            for (var i = 0; i < length; i++)
            {
                destination.WriteByte((byte)ReadByte());
            }
        }

        public void ReadToEnd(Stream destination, int limit)
        {
            while (destination.Length < limit && (position < count || Fill()))
            {
                destination.WriteByte(buffer[position++]);
            }
        }

        private bool Fill()
        {
            count = stream.Read(buffer, 0, buffer.Length);
            position = 0;
            return count > 0;
        }

        private int ReadByte()
        {
            if (position == count && !Fill())
            {
                throw new EndOfStreamException("the daemon closed the connection");
            }

            return buffer[position++];
        }
    }
}
