#!/usr/bin/env python3
"""A hostile Docker peer on loopback that answers, but one byte at a time.

Usage: slow_peer.py MODE CERT KEY [--interval S] [--lifetime S]

MODE is where the trickle happens:
  handshake  after the client's hello, a TLS record header and then its body, one byte per interval
  headers    TLS, then "HTTP/1.1 200 OK" and a header line that never ends, one byte per interval
  body       TLS, then a full header with Content-Length: 100000 and the body one byte per interval
  plain      the TLS hello gets a plain HTTP answer at once (so the client falls back to plain HTTP); the
             plain request on the next connection gets its answer one byte per interval

The port is printed on the first line of stdout. Everything is bounded: the process ends after --lifetime
seconds whatever happens, each connection's trickle stops then too, and at most 8 connections are served.
"""
import socket
import ssl
import sys
import threading
import time


def main():
    mode, cert, key = sys.argv[1], sys.argv[2], sys.argv[3]
    interval = float(option("--interval", "0.5"))
    lifetime = float(option("--lifetime", "12"))
    end = time.monotonic() + lifetime

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    print(listener.getsockname()[1], flush=True)

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    served = 0
    while served < 8 and time.monotonic() < end:
        listener.settimeout(max(0.05, end - time.monotonic()))
        try:
            connection, _ = listener.accept()
        except (socket.timeout, OSError):
            break
        served += 1
        threading.Thread(target=serve, args=(mode, connection, context, interval, end), daemon=True).start()
    # Threads are daemons: leaving main ends them, at the lifetime at the latest.
    while time.monotonic() < end:
        time.sleep(0.05)


def option(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def trickle(stream, data, interval, end):
    for i in range(len(data)):
        if time.monotonic() >= end:
            return
        stream.sendall(data[i:i + 1])
        time.sleep(interval)


def read_request(stream, end):
    received = b""
    while b"\r\n\r\n" not in received and len(received) < 65536 and time.monotonic() < end:
        chunk = stream.recv(4096)
        if not chunk:
            break
        received += chunk
    return received


def serve(mode, connection, context, interval, end):
    connection.settimeout(max(0.05, end - time.monotonic()))
    try:
        if mode == "handshake":
            connection.recv(65536)  # the client's hello
            # A handshake record that declares 16 KiB and never arrives in full.
            trickle(connection, b"\x16\x03\x03\x40\x00" + b"\x02" * 16384, interval, end)
        elif mode == "plain":
            first = connection.recv(65536)
            if first[:1] == b"\x16":
                connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            else:
                trickle(connection, b"HTTP/1.1 200 OK\r\nApi-Version: 1.45\r\nContent-Length: 2\r\n\r\nOK", interval, end)
        else:
            tls = context.wrap_socket(connection, server_side=True)
            read_request(tls, end)
            if mode == "headers":
                tls.sendall(b"HTTP/1.1 200 OK\r\n")
                trickle(tls, b"X-Slow: " + b"a" * 8000 + b"\r\n\r\n", interval, end)
            else:
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n")
                trickle(tls, b"O" * 100000, interval, end)
    except (OSError, ssl.SSLError):
        pass
    finally:
        connection.close()


if __name__ == "__main__":
    main()
