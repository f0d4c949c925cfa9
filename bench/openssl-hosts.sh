#!/usr/bin/env bash
# The peer for the fleet benchmarks: what an administrator scripts with openssl today, one server certificate
# per host (key, CSR, signature by the CA, subjectAltName and serverAuth), each host in its folder with Docker's
# file names and modes. Keys: ECDSA P-256 (the default) or RSA 4096 (the seed's `openssl genrsa 4096`).
# Usage: openssl-hosts.sh <hosts.csv> <ca folder> <output folder> [ec|rsa]
set -euo pipefail
csv=$1 ca=$2 out=$3 key=${4:-ec}
usage=digitalSignature
[[ $key == rsa ]] && usage=digitalSignature,keyEncipherment
mkdir -p "$out"
tail -n +2 "$csv" | while IFS=, read -r dns ip; do
    dir="$out/$dns"
    mkdir -p "$dir"
    if [[ $key == rsa ]]; then
        openssl genrsa -out "$dir/server-key.pem" 4096 2>/dev/null
    else
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/server-key.pem" 2>/dev/null
    fi
    openssl req -new -key "$dir/server-key.pem" -subj "/CN=$dns" -out "$dir/server.csr"
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,%s\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s,IP:%s\n' "$usage" "$dns" "$ip" >"$dir/extfile.cnf"
    openssl x509 -req -days 365 -sha256 -in "$dir/server.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca-key.pem" -CAcreateserial \
        -extfile "$dir/extfile.cnf" -out "$dir/server-cert.pem" 2>/dev/null
    cp "$ca/ca.pem" "$dir/ca.pem"
    rm "$dir/server.csr" "$dir/extfile.cnf"
    chmod 0400 "$dir/server-key.pem"
    chmod 0444 "$dir/server-cert.pem" "$dir/ca.pem"
done
