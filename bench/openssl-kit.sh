#!/usr/bin/env bash
# The peer for the kit benchmark: the seed's openssl recipe (Docker's documented one), non-interactive:
# RSA 4096 CA with an AES-256 key, server and client keys and certificates, CSRs removed, modes set.
# Usage: openssl-kit.sh <output folder> <passphrase>
set -euo pipefail
out=$1 pass=$2
mkdir -p "$out" && cd "$out"
openssl genrsa -aes256 -passout "pass:$pass" -out ca-key.pem 4096 2>/dev/null
openssl req -new -x509 -days 365 -key ca-key.pem -passin "pass:$pass" -sha256 -subj '/CN=Docker CA' -out ca.pem
openssl genrsa -out server-key.pem 4096 2>/dev/null
openssl req -subj "/CN=localhost" -sha256 -new -key server-key.pem -out server.csr
echo "subjectAltName = DNS:localhost,DNS:docker1.example.com,IP:192.168.57.110,IP:127.0.0.1" >extfile.cnf
echo "extendedKeyUsage = serverAuth" >>extfile.cnf
openssl x509 -req -days 365 -sha256 -in server.csr -CA ca.pem -CAkey ca-key.pem -passin "pass:$pass" \
    -CAcreateserial -out server-cert.pem -extfile extfile.cnf 2>/dev/null
openssl genrsa -out key.pem 4096 2>/dev/null
openssl req -subj '/CN=client' -new -key key.pem -out client.csr
echo "extendedKeyUsage = clientAuth" >extfile-client.cnf
openssl x509 -req -days 365 -sha256 -in client.csr -CA ca.pem -CAkey ca-key.pem -passin "pass:$pass" \
    -CAcreateserial -out cert.pem -extfile extfile-client.cnf 2>/dev/null
rm client.csr server.csr
chmod 0400 ca-key.pem key.pem server-key.pem
chmod 0444 ca.pem server-cert.pem cert.pem
