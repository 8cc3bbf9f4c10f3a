"""Secrets live only in a secure system keyring; insecure backends are refused, never worked around."""

from __future__ import annotations

import io

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from reception.cli import main
from reception.errors import ReceptionError
from reception.secrets import SERVICE, SecretUnavailable, delete_secret, get_secret, keyring_status, set_secret


class LowPriority(KeyringBackend):
    priority = 0.5

    def get_password(self, service, username):
        return None

    def set_password(self, service, username, password):  # pragma: no cover - must never be called
        raise AssertionError("an insecure backend was asked to store a secret")

    def delete_password(self, service, username):  # pragma: no cover
        raise AssertionError


def _alt_backend() -> KeyringBackend:
    """A stand-in for keyrings.alt's PlaintextKeyring (priority 0.5 there; here 5 to prove the module rule)."""
    cls = type("PlaintextKeyring", (LowPriority,), {"priority": 5, "__module__": "keyrings.alt.file"})
    return cls()


def test_round_trip_in_the_reception_desk_service():
    set_secret("receipt-signing-key", "abc123")
    assert get_secret("receipt-signing-key") == "abc123"
    assert keyring.get_keyring().store == {(SERVICE, "receipt-signing-key"): "abc123"}
    assert SERVICE == "reception-desk"
    assert delete_secret("receipt-signing-key") is True
    assert get_secret("receipt-signing-key") is None
    assert delete_secret("receipt-signing-key") is False


def test_memory_keyring_counts_as_secure():
    secure, name = keyring_status()
    assert secure is True
    assert name.endswith("MemoryKeyring")


@pytest.mark.parametrize(
    "backend",
    [fail.Keyring(), null.Keyring(), LowPriority(), _alt_backend()],
    ids=["fail", "null", "low-priority", "keyrings.alt"],
)
def test_insecure_backends_are_refused(backend, tmp_path):
    keyring.set_keyring(backend)
    secure, name = keyring_status()
    assert secure is False
    assert name == f"{type(backend).__module__}.{type(backend).__qualname__}"
    for call in (lambda: get_secret("x"), lambda: set_secret("x", "v"), lambda: delete_secret("x")):
        with pytest.raises(SecretUnavailable) as exc:
            call()
        err = exc.value
        assert isinstance(err, ReceptionError)
        assert err.code == "secret.unavailable"
        assert "“x”" in err.message("zh") and "密钥存储" in err.message("zh")
        assert '"x"' in err.message("en") and "no secure keyring" in err.message("en")


def test_a_chain_is_secure_only_if_every_link_is(monkeypatch):
    from tests.conftest import MemoryKeyring

    good = MemoryKeyring()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [good, MemoryKeyring()])
    keyring.set_keyring(chainer.ChainerBackend())
    assert keyring_status()[0] is True
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [good, _alt_backend()])
    assert keyring_status()[0] is False
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    assert keyring_status()[0] is False


def test_cli_secret_set_reads_standard_input_and_delete(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-value\n"))
    assert main(["secret", "set", "receipt-signing-key"]) == 0
    assert "receipt-signing-key" in capsys.readouterr().out
    assert get_secret("receipt-signing-key") == "s3cret-value"
    assert main(["secret", "delete", "receipt-signing-key"]) == 0
    assert get_secret("receipt-signing-key") is None
    assert main(["secret", "delete", "receipt-signing-key"]) == 1


def test_cli_secret_set_refuses_an_empty_value(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main(["secret", "set", "receipt-signing-key"]) == 2
    assert get_secret("receipt-signing-key") is None


def test_cli_secret_value_is_never_taken_from_arguments(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["secret", "set", "receipt-signing-key", "value-on-the-command-line"])
    assert exc.value.code == 2


def test_cli_secret_without_a_secure_keyring_explains(monkeypatch, capsys):
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setattr("sys.stdin", io.StringIO("v\n"))
    assert main(["secret", "set", "receipt-signing-key"]) == 1
    assert "没有安全的密钥存储" in capsys.readouterr().err
