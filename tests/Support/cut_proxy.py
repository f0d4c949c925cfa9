#!/usr/bin/env python3
"""An ssh ProxyCommand that cuts the connection in the middle of a transfer.

Usage: cut_proxy.py HOST PORT LIMIT
Forwards stdin to HOST:PORT and back, like `nc`; once LIMIT bytes have gone from the client to the server, it
closes both directions at once, as a dropped network link or a killed ssh would. The tests use it to prove that a
host's files are old or new, never a mix, when the connection dies in the middle of one host's transfer.
"""
import os
import socket
import sys
import threading


def main():
    host, port, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sock = socket.create_connection((host, port), timeout=30)
    sock.settimeout(None)

    def back():
        while True:
            data = sock.recv(65536)
            if not data:
                os._exit(0)
            os.write(1, data)

    threading.Thread(target=back, daemon=True).start()
    sent = 0
    while True:
        data = os.read(0, 65536)
        if not data:
            sock.shutdown(socket.SHUT_WR)
            threading.Event().wait(30)
            os._exit(0)
        if sent + len(data) >= limit:
            sock.sendall(data[: max(0, limit - sent)])
            sock.close()
            os._exit(1)
        sock.sendall(data)
        sent += len(data)


if __name__ == "__main__":
    main()
