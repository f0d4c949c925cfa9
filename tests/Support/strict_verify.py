"""Python's ssl as a strict client for the tests: VERIFY_X509_STRICT, a whole TLS handshake in memory, no socket.

usage: python3 strict_verify.py CA CERT KEY

A server presents CERT (with the certificates after it in that file as its chain) and may load any key; the client
that verifies it keeps OpenSSL's default security level, trusts CA only and checks the purpose (serverAuth); host
names are not checked (the table judges chains). Prints OK, or the client's verify message; exits 0 or 1.
"""
import ssl
import sys

ca, cert, key = sys.argv[1:4]

server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
server_ctx.load_cert_chain(cert, key)

client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
client_ctx.check_hostname = False
client_ctx.verify_mode = ssl.CERT_REQUIRED
client_ctx.verify_flags |= ssl.VERIFY_X509_STRICT
client_ctx.load_verify_locations(ca)

c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
ends = [
    (client_ctx.wrap_bio(c_in, c_out, server_side=False), c_out, s_in),
    (server_ctx.wrap_bio(s_in, s_out, server_side=True), s_out, c_in),
]
done = [False, False]
try:
    for _ in range(20):
        for i, (end, out, peer_in) in enumerate(ends):
            if not done[i]:
                try:
                    end.do_handshake()
                    done[i] = True
                except ssl.SSLWantReadError:
                    pass
            data = out.read()
            if data:
                peer_in.write(data)
        if all(done):
            break
except ssl.SSLCertVerificationError as e:
    print(e.verify_message)
    sys.exit(1)
except ssl.SSLError as e:
    print(e.reason or str(e))
    sys.exit(1)
print("OK" if all(done) else "no handshake")
sys.exit(0 if all(done) else 1)
