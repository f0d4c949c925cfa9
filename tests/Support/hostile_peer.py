#!/usr/bin/env python3
"""A hostile Docker daemon on loopback, for the tests of what reaches the console (issue 12, item 5).

Usage: hostile_peer.py PORTFILE DEADLINE_SEC LABEL:MODE[:CERT:KEY] ...
Each LABEL gets its own port on 127.0.0.1; the ports are written to PORTFILE, one "LABEL PORT" a line, once all listen.
  version  TLS: /_ping is 200 and /version is 200, with escape sequences, C1 controls and bidi controls in the headers and
           in the JSON values (Version, ApiVersion)
  badping  TLS: /_ping answers a status line full of them
  plain    plain HTTP: any request gets a response whose Api-Version header is full of them (the probe's plain fallback)
The server asks for no client certificate. It stops by itself after DEADLINE_SEC seconds.
"""
import json
import os
import select
import socket
import ssl
import sys
import threading
import time

ESC = "\x1b"
# ESC[2J clears the screen, OSC 0 sets the window title, U+009B is CSI alone, U+202E reverses what follows, DEL, BEL.
NASTY = ESC + "[2J" + ESC + "]0;pwned\x07" + "\u009b31m" + "\u202egpj.exe" + "\u2066\u200f\u061c" + "\x7f"
# The same as raw bytes on the wire: C1 as one byte (Latin-1), the rest as UTF-8.
NASTY_BYTES = (ESC + "[2J" + ESC + "]0;pwned\x07").encode() + b"\x9b31m\x85" + "\u202egpj".encode() + b"\x7f"


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
        if len(data) > 65536:
            return None
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    return parts[1] if len(parts) > 1 else "/"


def response(status, headers, body):
    head = status + b"\r\n" + b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    return head + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body


def answer(mode, path):
    hostile_headers = [(b"Api-Version", b"1.41" + NASTY_BYTES), (b"Server", b"Docker/" + NASTY_BYTES), (b"Ostype", b"linux")]
    if mode == "badping":
        return response(b"HTTP/1.1 500 " + NASTY_BYTES, hostile_headers, b"no")
    if mode == "plain":
        return response(b"HTTP/1.1 400 Bad Request", hostile_headers, b"Client sent an HTTP request to an HTTPS server.\n")
    if path.startswith("/version"):
        body = json.dumps({"Version": "24.0.7" + NASTY, "ApiVersion": "1.43" + NASTY, "Os": "linux"}).encode()
        return response(b"HTTP/1.1 200 OK", hostile_headers + [(b"Content-Type", b"application/json")], body)
    return response(b"HTTP/1.1 200 OK", hostile_headers, b"OK")


def serve(mode, conn, context, deadline):
    try:
        conn.settimeout(max(0.1, deadline - time.monotonic()))
        if context is not None:
            conn = context.wrap_socket(conn, server_side=True)
        elif conn.recv(1, socket.MSG_PEEK) == b"\x16":
            # A TLS ClientHello: answer at once and close, as a plain-HTTP daemon (Go's net/http) does.
            conn.sendall(answer(mode, "/"))
            return
        while time.monotonic() < deadline:
            path = read_request(conn)
            if path is None:
                break
            conn.sendall(answer(mode, path))
    except (OSError, ssl.SSLError):
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def main():
    portfile, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
    listeners = []
    for spec in sys.argv[3:]:
        label, mode, *files = spec.split(":")
        context = None
        if files:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(files[0], files[1])
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        listeners.append((label, mode, listener, context))
    temp = portfile + ".tmp"
    with open(temp, "w") as f:
        for label, _, listener, _ in listeners:
            f.write(f"{label} {listener.getsockname()[1]}\n")
    os.replace(temp, portfile)
    sockets = {listener: (mode, context) for _, mode, listener, context in listeners}
    while time.monotonic() < deadline:
        ready, _, _ = select.select(list(sockets), [], [], 0.2)
        for listener in ready:
            mode, context = sockets[listener]
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(mode, conn, context, deadline), daemon=True).start()


if __name__ == "__main__":
    main()
