using System.IO;
using System.Text;
using DockerTls.Core.Diagnostics;
using Xunit;

namespace DockerTls.Core.Tests.Diagnostics;

public sealed class HttpExchangeTests
{
    private static HttpExchange.Response Read(string text) => HttpExchange.Read(new MemoryStream(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void ReadsAContentLengthBodyAndHeaders()
    {
        var response = Read("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOKtrailing");
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("1.41", response.Headers["api-version"]);
        Assert.Equal("OK", response.Body);
    }

    [Fact]
    public void ReadsAChunkedBody()
    {
        var response = Read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"Ve\r\n9\r\nrsion\":1}\r\n0\r\n\r\n");
        Assert.Equal("{\"Version\":1}", response.Body);
    }

    [Fact]
    public void ReadsABodyWithoutLengthToTheEndOfTheConnection() =>
        Assert.Equal("<html>status</html>", Read("HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n<html>status</html>").Body);

    [Fact]
    public void RefusesWhatIsNotHttp() =>
        Assert.Throws<InvalidDataException>(() => Read("\u0015\u0003\u0001\u0000\u0002\u0002\u0028\n"));

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nOK")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\nOK")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nOK\r\n0\r\n\r\n")]
    public void AnUntrustedLengthThatIsNotANumberIsNotHttp(string text) =>
        Assert.Throws<InvalidDataException>(() => Read(text));

    [Fact]
    public void AnEndlessChunkedBodyStopsAtOneMebibyte()
    {
        // A stream of 64 KiB chunks that never ends: the reader must give up instead of filling memory.
        var chunk = "10000\r\n" + new string('x', 0x10000) + "\r\n";
        var stream = new EndlessStream(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), Encoding.ASCII.GetBytes(chunk));

        Assert.Throws<InvalidDataException>(() => HttpExchange.Read(stream));
        Assert.InRange(stream.Served, 1 << 20, (1 << 20) + 0x30000);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n")]
    public void EndlessHeadersOrTrailersAreNotHttp(string start)
    {
        var stream = new EndlessStream(Encoding.ASCII.GetBytes(start), Encoding.ASCII.GetBytes("X-Junk: 1\r\n"));
        Assert.Throws<InvalidDataException>(() => HttpExchange.Read(stream));
    }

    /// <summary>A prefix, then one block repeated for ever, as a hostile server could send.</summary>
    private sealed class EndlessStream : Stream
    {
        private readonly byte[] prefix;
        private readonly byte[] block;
        private long position;

        public EndlessStream(byte[] prefix, byte[] block)
        {
            this.prefix = prefix;
            this.block = block;
        }

        public long Served => position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new System.NotSupportedException();
        public override long Position { get => position; set => throw new System.NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new System.NotSupportedException();
        public override void SetLength(long value) => throw new System.NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new System.NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var i = 0; i < count; i++, position++)
            {
                buffer[offset + i] = position < prefix.Length ? prefix[position] : block[(position - prefix.Length) % block.Length];
            }

            return count;
        }
    }

    [Fact]
    public void ControlCharactersOfTheStatusLineAndHeadersDoNotReachTheConsole()
    {
        var response = Read("HTTP/1.1 500 \u001b]0;owned\u0007\u001b[2J\rOK\r\nApi-Version: 1.4\u001b[31m\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal("HTTP/1.1 500 ?]0;owned??[2J?OK", response.StatusLine);
        Assert.Equal("1.4?[31m", response.Headers["Api-Version"]);
    }

    [Fact]
    public void C1ControlsAndDelOfTheStatusLineAndHeadersDoNotReachTheConsoleEither()
    {
        // 0x9B is CSI by itself, 0x85 NEL, 0x9D OSC: one byte each on the wire, read as U+0080-U+009F.
        var bytes = Encoding.ASCII.GetBytes("HTTP/1.1 500 x\r\nApi-Version: 1.4\r\nServer: d\r\nContent-Length: 0\r\n\r\n");
        var text = new System.Collections.Generic.List<byte>(bytes);
        text.InsertRange(text.IndexOf((byte)'x'), new byte[] { 0x9B, (byte)'2', (byte)'J', 0x85, 0x7F });
        text.InsertRange(text.IndexOf((byte)'d') + 1, new byte[] { 0x9D, (byte)'0', (byte)';', 0x9C });
        var response = HttpExchange.Read(new MemoryStream(text.ToArray()));
        Assert.Equal("HTTP/1.1 500 ?2J??x", response.StatusLine);
        Assert.Equal("d?0;?", response.Headers["Server"]);
    }

    [Fact]
    public void SaysWhenThePeerClosesEarly() =>
        Assert.Throws<EndOfStreamException>(() => Read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nOK"));

    [Fact]
    public void SendsAnHttp11GetThatKeepsTheConnection()
    {
        var stream = new DuplexStream("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        var response = HttpExchange.Get(stream, "/version");
        Assert.Equal(404, response.StatusCode);
        var sent = Encoding.ASCII.GetString(stream.Written.ToArray());
        Assert.StartsWith("GET /version HTTP/1.1\r\nHost: docker\r\n", sent);
        Assert.EndsWith("\r\n\r\n", sent);
        Assert.DoesNotContain("Connection: close", sent);
    }

    private sealed class DuplexStream : MemoryStream
    {
        public DuplexStream(string response) : base(Encoding.ASCII.GetBytes(response)) { }

        public MemoryStream Written { get; } = new();

        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);
    }
}
