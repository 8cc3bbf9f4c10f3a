"""The department-queue API over https against the reference receiver with a real TLS certificate:
verified against the hall's own CA bundle, refused without it (and for a certificate naming another
host), and the refusal kept as a retry whose error says why."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from reception.context import open_context
from reception.dispatch import Dispatcher
from reception.dispatch.transports import HttpTransport
from reception.intake import register_case
from reception.secrets import set_secret
from tests import receiver_fixtures
from tests.factories import base_case
from tests.integration.test_dispatch_crash import hall_toml

department_receiver = receiver_fixtures.department_receiver  # the fixture


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_pki(folder, *, names: list[x509.GeneralName]):
    """A CA (PEM in ``ca.pem``) and a server certificate it signed for ``names`` (``server.pem``/``.key``)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("测试厅 CA"))
        .issuer_name(_name("测试厅 CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("department"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "server.key").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(folder / "server.pem", folder / "server.key")
    return folder / "ca.pem", server


LOOPBACK = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]


def transport_for(tmp_path, url: str, ca: str | None) -> HttpTransport:
    body = f'kind = "http"\nbase_url = "{url}"\ntimeout_s = 3'
    if ca:
        body += f'\nca_bundle = "{ca}"'
    ctx = open_context("sqlite:///" + str(tmp_path / "x.sqlite3"), hall_toml(tmp_path, {"hrss": body}, dispatch={}))
    try:
        return HttpTransport(ctx.config.departments["hrss"])
    finally:
        ctx.close()


@pytest.fixture
def secrets():
    set_secret("dept-hrss-token", receiver_fixtures.TOKEN)
    set_secret("dept-hrss-signing-key", receiver_fixtures.SIGNING_KEY)


def test_https_with_the_halls_ca_bundle_delivers(tmp_path, db_url, department_receiver, secrets):
    ca, server_tls = make_pki(tmp_path, names=LOOPBACK)
    r = department_receiver("hrss", tls=server_tls)
    assert r.url.startswith("https://127.0.0.1:")
    body = f'kind = "http"\nbase_url = "{r.url}"\nca_bundle = "{ca}"\ntimeout_s = 3'
    ctx = open_context(db_url, hall_toml(tmp_path, {"hrss": body}, dispatch={}))
    try:
        case_no = register_case(ctx, base_case(ctx.config)).case_no
        with Dispatcher(ctx, departments=["hrss"]) as d:
            assert d.run_once()["hrss"].delivered == 1
            (got,) = r.received()
            assert r.payload(got.idempotency_key)["case_no"] == case_no
            # the status comes back over the same verified connection
            r.set_status(r.queue_ref(got.idempotency_key), "accepted")
            lane = d.lanes[0]
            status = lane.transport.poll(got.idempotency_key, r.queue_ref(got.idempotency_key))
            assert status.status == "accepted"
    finally:
        ctx.close()


def test_https_without_the_ca_is_refused_and_retried_with_the_reason(tmp_path, department_receiver, secrets):
    _ca, server_tls = make_pki(tmp_path, names=LOOPBACK)
    r = department_receiver("hrss", tls=server_tls)
    t = transport_for(tmp_path, r.url, None)  # the system's CAs do not know the hall's CA
    try:
        result = t.send("7f1c2f5e-2f56-4d8e-9a3c-5b8f0e6c1d2a", b"{}")
    finally:
        t.close()
    assert result.outcome == "retry" and result.error.startswith("network: ConnectError")
    assert "CERTIFICATE_VERIFY_FAILED" in result.error or "certificate verify failed" in result.error
    assert r.requests == 0


def test_a_certificate_for_another_host_is_refused(tmp_path, department_receiver, secrets):
    ca, server_tls = make_pki(tmp_path, names=[x509.DNSName("dept.example.invalid")])
    r = department_receiver("hrss", tls=server_tls)
    t = transport_for(tmp_path, r.url, str(ca))
    try:
        result = t.send("7f1c2f5e-2f56-4d8e-9a3c-5b8f0e6c1d2a", b"{}")
    finally:
        t.close()
    assert result.outcome == "retry" and "ConnectError" in result.error
    assert "match" in result.error.lower() or "hostname" in result.error.lower() or "IP address" in result.error
    assert r.requests == 0
