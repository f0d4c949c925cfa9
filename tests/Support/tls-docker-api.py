#!/usr/bin/env python3
"""A stand-in for dockerd's TLS port where dockerd cannot run (CI's macOS leg): mutual TLS with Python's ssl module
(client certificates required and checked against the CA), answering GET /_ping and GET /version as the Docker API
does. Usage: tls-docker-api.py <folder with ca.pem, server-cert.pem, server-key.pem> <port>. Serves until killed."""
import http.server
import json
import os
import ssl
import sys


class DockerApi(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/_ping":
            self.answer(b"OK", "text/plain; charset=utf-8")
        elif self.path == "/version":
            body = {"Version": "stand-in", "ApiVersion": "1.43", "MinAPIVersion": "1.12", "Os": sys.platform}
            self.answer(json.dumps(body).encode(), "application/json")
        else:
            self.send_error(404)

    def answer(self, body, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Api-Version", "1.43")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    folder, port = sys.argv[1], int(sys.argv[2])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(os.path.join(folder, "ca.pem"))
    context.load_cert_chain(os.path.join(folder, "server-cert.pem"), os.path.join(folder, "server-key.pem"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), DockerApi)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
