"""Makes a CA folder (ca.pem, ca-key.pem) whose CA began DAYS_AGO days ago and lived LIFETIME days, so that tests
can hold an expired CA: made by another tool (Python's cryptography), with the strict profile. Usage:
  expired_ca.py OUT_FOLDER COMMON_NAME DAYS_AGO LIFETIME"""
import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

out, cn, days_ago, lifetime = sys.argv[1:5]
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=float(days_ago))
cert = (
    x509.CertificateBuilder()
    .subject_name(name)
    .issuer_name(name)
    .public_key(key.public_key())
    .serial_number(x509.random_serial_number())
    .not_valid_before(start)
    .not_valid_after(start + datetime.timedelta(days=float(lifetime)))
    .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
    .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
    .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    .sign(key, hashes.SHA256())
)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "ca.pem"), "wb") as f:
    f.write(cert.public_bytes(serialization.Encoding.PEM))
with os.fdopen(os.open(os.path.join(out, "ca-key.pem"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400), "wb") as f:
    f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
