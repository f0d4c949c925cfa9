"""What Python's ssl module (OpenSSL with Python's strict defaults: VERIFY_X509_STRICT on 3.13+, set here
on every version) decides of a server certificate: a TLS handshake in memory between a server presenting
CERT/KEY and a client trusting CAFILE and checking HOSTNAME. Prints 'ok' or the verification error and exits
0 or 1."""
import ssl
import sys

cafile, cert, key, hostname = sys.argv[1:5]
server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server.load_cert_chain(cert, key)
client = ssl.create_default_context(cafile=cafile)
client.verify_flags |= getattr(ssl, "VERIFY_X509_STRICT", 0x20)
s_in, s_out, c_in, c_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
srv = server.wrap_bio(s_in, s_out, server_side=True)
cli = client.wrap_bio(c_in, c_out, server_hostname=hostname)
try:
    for _ in range(20):  # a TLS 1.3 handshake takes a few round trips; bounded
        done = True
        for side, out, peer in ((cli, c_out, s_in), (srv, s_out, c_in)):
            try:
                side.do_handshake()
            except ssl.SSLWantReadError:
                done = False
            data = out.read()
            if data:
                peer.write(data)
        if done:
            break
    cli.do_handshake()
    print("ok")
except ssl.SSLError as e:
    print(getattr(e, "verify_message", None) or str(e))
    sys.exit(1)
