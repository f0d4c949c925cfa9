"""Issues a leaf from a CA folder (ca.pem, ca-key.pem) that began DAYS_AGO days ago and lives LIFETIME days, so that
tests can hold a certificate in the last third of its life without waiting: a certificate made by another tool
(Python's cryptography), with the strict profile. Usage:
  backdated_leaf.py CA_FOLDER OUT_FOLDER server|client COMMON_NAME DAYS_AGO LIFETIME [DNS_NAME...]"""
import datetime
import os
import shutil
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ca_folder, out, kind, cn, days_ago, lifetime = sys.argv[1:7]
dns = sys.argv[7:]
with open(os.path.join(ca_folder, "ca.pem"), "rb") as f:
    ca = x509.load_pem_x509_certificate(f.read())
with open(os.path.join(ca_folder, "ca-key.pem"), "rb") as f:
    ca_key = serialization.load_pem_private_key(f.read(), password=None)
key = ec.generate_private_key(ec.SECP256R1())
start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=float(days_ago))
builder = (
    x509.CertificateBuilder()
    .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
    .issuer_name(ca.subject)
    .public_key(key.public_key())
    .serial_number(x509.random_serial_number())
    .not_valid_before(start)
    .not_valid_after(start + datetime.timedelta(days=float(lifetime)))
    .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
    .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH if kind == "server" else ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
        ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value), critical=False)
)
if dns:
    builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in dns]), critical=False)
cert = builder.sign(ca_key, hashes.SHA256())
os.makedirs(out, exist_ok=True)
names = ("server-cert.pem", "server-key.pem") if kind == "server" else ("cert.pem", "key.pem")
with open(os.path.join(out, names[0]), "wb") as f:
    f.write(cert.public_bytes(serialization.Encoding.PEM))
with os.fdopen(os.open(os.path.join(out, names[1]), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400), "wb") as f:
    f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
shutil.copy(os.path.join(ca_folder, "ca.pem"), os.path.join(out, "ca.pem"))
