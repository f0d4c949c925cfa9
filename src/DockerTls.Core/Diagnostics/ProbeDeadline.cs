using System;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading;

namespace DockerTls.Core.Diagnostics;

/// <summary>
/// The one deadline of a connection test, from its start to its verdict. A socket's own timeouts bound each read, and a
/// peer that sends one byte a second never lets one expire; so each socket is also closed when the deadline passes,
/// which ends whatever step is blocked on it: the TLS handshake, the headers or the body of a response, the plain-HTTP
/// fallback.
/// </summary>
internal sealed class ProbeDeadline
{
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private int passed;

    public ProbeDeadline(TimeSpan timeout) => Timeout = timeout;

    /// <summary>The time the whole test may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The time since the start.</summary>
    public TimeSpan Elapsed => watch.Elapsed;

    /// <summary>The time left, at least a millisecond (a zero wait would mean "do not wait" to some calls, "forever" to others).</summary>
    public TimeSpan Remaining
    {
        get
        {
            var left = Timeout - watch.Elapsed;
            return left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1);
        }
    }

    /// <summary>True once the deadline has passed (or a guard has closed its socket for it).</summary>
    public bool Expired => Volatile.Read(ref passed) == 1 || watch.Elapsed >= Timeout;

    /// <summary>Closes <paramref name="socket"/> when the deadline passes, unless the guard is disposed first.</summary>
    public IDisposable Guard(Socket socket) => new Timer(_ => Close(socket), null, Remaining, System.Threading.Timeout.InfiniteTimeSpan);

    private void Close(Socket socket)
    {
        Volatile.Write(ref passed, 1);
        try
        {
            // Shutdown wakes a read blocked in the kernel; Dispose alone does not on every platform.
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
        {
            // Closed already.
        }

        socket.Dispose();
    }
}
