"""Throw-away TLS material for serving the emulator over HTTPS in a test run.

A real ArangoDB deployment usually sits behind a private CA, so tests that exercise a
driver's TLS settings need a server certificate that default trust stores reject and a
custom CA bundle accepts. :func:`make_test_ca` builds a fresh CA and a server certificate
for ``localhost``/``127.0.0.1``/``::1`` in memory (requires the ``cryptography`` package,
shipped with the ``tls`` extra), valid for one day.

    ca = make_test_ca()
    with serving(Emulator(), ssl_context=ca.server_context()) as srv:
        client = ArangoClient(srv.url, http_client=AioHTTPClient(ssl_context=ca.client_context()))
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
import ssl
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["TestCA", "make_test_ca"]

DEFAULT_NAMES: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class TestCA:
    """A CA certificate plus one server certificate (and key) it signed, all PEM-encoded."""

    __test__ = False  # not a pytest test class despite the name

    ca_pem: bytes
    cert_pem: bytes
    key_pem: bytes
    names: tuple[str, ...] = field(default=DEFAULT_NAMES)

    @property
    def fingerprint_sha256(self) -> bytes:
        """SHA-256 of the server certificate in DER form (for ``aiohttp.Fingerprint``)."""
        return hashlib.sha256(ssl.PEM_cert_to_DER_cert(self.cert_pem.decode("ascii"))).digest()

    @contextmanager
    def files(self) -> Iterator[tuple[Path, Path, Path]]:
        """Write ``(ca.pem, server.pem, server.key)`` to a private temporary directory.

        ``ssl`` loads certificate chains only from files; the directory is removed on exit.
        """
        with tempfile.TemporaryDirectory(prefix="arangomock-tls-") as tmp:
            yield self.write(tmp)

    def write(self, directory: str | os.PathLike[str]) -> tuple[Path, Path, Path]:
        """Write the three PEM files into ``directory`` (for ``arangomock serve`` or curl)."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        paths = (out / "ca.pem", out / "server.pem", out / "server.key")
        for path, data in zip(paths, (self.ca_pem, self.cert_pem, self.key_pem), strict=True):
            path.write_bytes(data)
        os.chmod(paths[2], 0o600)
        return paths

    def server_context(self) -> ssl.SSLContext:
        """A server-side context presenting the certificate (chain includes the CA)."""
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        with self.files() as (_ca, cert, key):
            ctx.load_cert_chain(cert, key)
        return ctx

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts only this CA (hostname checks stay on)."""
        return ssl.create_default_context(cadata=self.ca_pem.decode("ascii"))


def make_test_ca(names: Sequence[str] = DEFAULT_NAMES, *, days: int = 1) -> TestCA:
    """Generate a fresh CA and a server certificate for ``names`` (DNS names or IPs)."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "generating TLS certificates needs the 'cryptography' package: "
            "pip install 'pytest-arangomock[tls]'"
        ) from exc

    now = datetime.datetime.now(datetime.timezone.utc)
    not_before = now - datetime.timedelta(minutes=5)
    not_after = now + datetime.timedelta(days=days)

    def name(common: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "pytest-arangomock"),
                x509.NameAttribute(NameOID.COMMON_NAME, common),
            ]
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name("pytest-arangomock test CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )

    alt_names: list[x509.GeneralName] = []
    for entry in names:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(entry)))
        except ValueError:
            alt_names.append(x509.DNSName(entry))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name(names[0] if names else "localhost"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return TestCA(
        ca_pem=ca_cert.public_bytes(pem),
        cert_pem=cert.public_bytes(pem),
        key_pem=key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        names=tuple(names),
    )
