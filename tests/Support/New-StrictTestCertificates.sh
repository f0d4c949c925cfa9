#!/usr/bin/env bash
# Makes, with openssl alone (ECDSA P-256 keys unless the case is about RSA), one folder per case under OUT: ca.pem, ca-key.pem, server-cert.pem, server-key.pem, and for
# some a client/ folder (ca.pem, cert.pem, key.pem). Each case has one fault that strict verifiers (openssl verify
# -x509_strict, Python's ssl with VERIFY_X509_STRICT, Go) judge; "good" has none. Used by tests/StrictVerdict.Tests.ps1.
# usage: New-StrictTestCertificates.sh OUT
set -euo pipefail
out=$1
mkdir -p "$out"
cd "$out"
export OPENSSL_CONF=/dev/null

# keyopts ec|rsa:BITS: the options of `openssl req` for a new key (ECDSA P-256 by default: quick to make).
keyopts() { if [ "$1" = ec ]; then echo "-newkey ec -pkeyopt ec_paramgen_curve:P-256"; else echo "-newkey $1"; fi; }

# ca DIR EXTENSIONS [ISSUER-DIR]: a CA, self-signed or (with ISSUER-DIR) signed by that CA.
ca() {
  local d=$1 ext=$2 issuer=${3:-}
  mkdir -p "$d"
  if [ -z "$issuer" ]; then
    openssl req -x509 -new $(keyopts ec) -nodes -keyout "$d/ca-key.pem" -out "$d/ca.pem" -days 90 -sha256 -subj "/CN=ca-${d//\//-}" \
      -config <(printf '[req]\ndistinguished_name=dn\nx509_extensions=ext\n[dn]\n[ext]\n%b\n' "$ext") 2>/dev/null
  else
    sign "$d" "$ext" ec sha256 "" "" ca.pem ca-key.pem "/CN=ca-${d//\//-}" "$issuer"
  fi
}

# sign DIR EXTENSIONS KEY MD STARTDATE ENDDATE CERTNAME KEYNAME SUBJECT [ISSUER-DIR]: a certificate from DIR's CA
# (or ISSUER-DIR's) made by `openssl ca`, which sets any dates (openssl 3.0's `x509 -req` cannot backdate).
sign() {
  local d=$1 ext=$2 kopt=$3 md=$4 sd=$5 ed=$6 certname=$7 keyname=$8 subj=$9 issuer=${10:-$1}
  local db
  db=$(mktemp -d "$d/.db.XXXXXX")
  openssl req -new $(keyopts "$kopt") -nodes -keyout "$d/$keyname" -out "$db/req.csr" -subj "$subj" -config <(printf '[req]\ndistinguished_name=dn\n[dn]\n') 2>/dev/null
  : > "$db/index.txt"
  openssl rand -hex 16 > "$db/serial"
  printf '[ca]\ndefault_ca=c\n[c]\ndatabase=%s/index.txt\nserial=%s/serial\nnew_certs_dir=%s\ndefault_md=%s\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n[ext]\n%b\n' \
    "$db" "$db" "$db" "$md" "$ext" > "$db/ca.cnf"
  local dates=(-days 90)
  if [ -n "$sd" ]; then dates=(-startdate "$sd" -enddate "$ed"); fi
  openssl ca -batch -notext -config "$db/ca.cnf" -extensions ext -cert "$issuer/ca.pem" -keyfile "$issuer/ca-key.pem" \
    -in "$db/req.csr" -out "$d/$certname" "${dates[@]}" >/dev/null 2>&1
  rm -rf "$db"
}

STRICT_CA='basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash'
SAN='subjectAltName=DNS:localhost,IP:127.0.0.1'
LEAF='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid'
SERVER="$LEAF\nextendedKeyUsage=serverAuth\n$SAN"
CLIENT="$LEAF\nextendedKeyUsage=clientAuth"

server() { sign "$1" "$2" "${3:-ec}" "${4:-sha256}" "${5:-}" "${6:-}" server-cert.pem server-key.pem /CN=localhost; }
client() {
  mkdir -p "$1/client"
  sign "$1/client" "$CLIENT" ec sha256 "" "" cert.pem key.pem /CN=client "$1"
  cp "$1/ca.pem" "$1/client/ca.pem"
}

# The Docker docs recipe (docs.docker.com/engine/security/protect-access), with the distribution's openssl.cnf: its CA
# has basicConstraints and key identifiers but no keyUsage; the leaves get only the extfile's lines (RSA 2048 here
# instead of the recipe's 4096, for time; the key size is not what is judged).
recipe() {
  local d=$1
  mkdir -p "$d/client"
  (
    export OPENSSL_CONF=/etc/ssl/openssl.cnf
    cd "$d"
    openssl genrsa -out ca-key.pem 2048 2>/dev/null
    openssl req -new -x509 -days 365 -key ca-key.pem -sha256 -out ca.pem -subj "/CN=recipe-ca" 2>/dev/null
    openssl genrsa -out server-key.pem 2048 2>/dev/null
    openssl req -subj "/CN=localhost" -sha256 -new -key server-key.pem -out server.csr
    printf 'subjectAltName = DNS:localhost,IP:127.0.0.1\nextendedKeyUsage = serverAuth\n' > extfile.cnf
    openssl x509 -req -days 365 -sha256 -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server-cert.pem -extfile extfile.cnf 2>/dev/null
    openssl genrsa -out client/key.pem 2048 2>/dev/null
    openssl req -subj '/CN=client' -new -key client/key.pem -out client.csr
    printf 'extendedKeyUsage = clientAuth\n' > extfile-client.cnf
    openssl x509 -req -days 365 -sha256 -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out client/cert.pem -extfile extfile-client.cnf 2>/dev/null
    cp ca.pem client/ca.pem
    rm -f server.csr client.csr extfile.cnf extfile-client.cnf ca.srl
  )
}

recipe recipe
ca good "$STRICT_CA"; server good "$SERVER"
ca nocertsign 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,cRLSign\nsubjectKeyIdentifier=hash'; server nocertsign "$SERVER"; client nocertsign
ca bcnoncritical 'basicConstraints=CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash'; server bcnoncritical "$SERVER"
ca notca 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash'; server notca "$SERVER"
# openssl 3 adds key identifiers unless told "none".
ca noski 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=none'; server noski "${SERVER/authorityKeyIdentifier=keyid/authorityKeyIdentifier=none}"
ca noaki "$STRICT_CA"; server noaki "${SERVER/authorityKeyIdentifier=keyid/authorityKeyIdentifier=none}"
ca nosan "$STRICT_CA"; server nosan "$LEAF\nextendedKeyUsage=serverAuth"
ca sha1 "$STRICT_CA"; server sha1 "$SERVER" ec sha1; client sha1
ca rsa1024 "$STRICT_CA"; server rsa1024 "$SERVER" rsa:1024
ca expired "$STRICT_CA"; server expired "$SERVER" ec sha256 20200101000000Z 20200201000000Z
ca notyet "$STRICT_CA"; server notyet "$SERVER" ec sha256 20990101000000Z 20990201000000Z
# A root that allows no CA below it (pathlen:0), an intermediate under it, a leaf under that: server-cert.pem holds the leaf
# and the intermediate, as a daemon serves them. "chained" is the same with pathlen:1, which holds.
for c in pathlen:0 chained:1; do
  d=${c%%:*}
  mkdir -p "$d/root"
  ca "$d/root" "basicConstraints=critical,CA:TRUE,pathlen:${c##*:}\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash"
  ca "$d" "$STRICT_CA\nauthorityKeyIdentifier=keyid" "$d/root"
  server "$d" "$SERVER"
  cat "$d/ca.pem" >> "$d/server-cert.pem"
  mv "$d/root/ca.pem" "$d/ca.pem.root"; rm -rf "$d/root" "$d/ca-key.pem"; mv "$d/ca.pem.root" "$d/ca.pem"
done
