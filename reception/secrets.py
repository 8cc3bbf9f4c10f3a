"""Every secret of the product lives in the operating system's keyring, service ``reception-desk``.

On Windows that is the Credential Manager (``WinVaultKeyring``); on a Linux desktop the Secret
Service. A backend that does not really protect a secret is treated as no keyring at all: backends
with a priority below 1, keyring's ``fail.Keyring`` and ``null.Keyring`` (what headless Linux
gets), and anything from ``keyrings.alt`` (its plaintext and "encrypted" file keyrings only
base64-encode or keep the key beside the data). Then :class:`SecretUnavailable` is raised with a
clear message — a secret is never written to a file instead.

Names in use: ``receipt-signing-key`` (``reception.verification``).
"""

from __future__ import annotations

import logging

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

from reception.errors import ReceptionError

SERVICE = "reception-desk"

log = logging.getLogger(__name__)


class SecretUnavailable(ReceptionError):
    """A secret is needed but the computer has no secure keyring (or it refused the request)."""

    code = "secret.unavailable"

    def __init__(self, name: str, backend: str, detail: str | None = None):
        self.name = name
        self.backend = backend
        extra_zh = f"（{detail}）" if detail else ""
        extra_en = f" ({detail})" if detail else ""
        super().__init__(
            f"无法使用密钥“{name}”：本机没有安全的密钥存储（当前为 {backend}）{extra_zh}。"
            "请在 Windows 凭据管理器或系统密钥环可用的账户下运行；密钥不会以文件形式保存。",
            f'secret "{name}" is unavailable: this computer has no secure keyring (backend: {backend}){extra_en}. '
            "Run under an account with Windows Credential Manager or a system keyring; secrets are never "
            "stored in a file instead.",
        )


def _backend_name(kr: KeyringBackend) -> str:
    cls = type(kr)
    return f"{cls.__module__}.{cls.__qualname__}"


def _priority(kr: KeyringBackend) -> float:
    try:
        return float(kr.priority)
    except Exception:  # a backend that cannot say (not viable here) is not trusted
        return -1.0


def _is_secure(kr: KeyringBackend) -> bool:
    from keyring.backends import chainer, fail

    module = type(kr).__module__
    if isinstance(kr, fail.Keyring) or module.startswith(("keyring.backends.null", "keyrings.alt")):
        return False
    if isinstance(kr, chainer.ChainerBackend):
        chained = list(kr.backends)
        return bool(chained) and all(_is_secure(b) for b in chained)
    return _priority(kr) >= 1


def keyring_status() -> tuple[bool, str]:
    """``(secure, backend name)`` of the keyring in use."""
    kr = keyring.get_keyring()
    return _is_secure(kr), _backend_name(kr)


def _secure_keyring(name: str) -> KeyringBackend:
    kr = keyring.get_keyring()
    if not _is_secure(kr):
        raise SecretUnavailable(name, _backend_name(kr))
    return kr


def get_secret(name: str) -> str | None:
    """The secret's value, or ``None`` if it was never set. Raises :class:`SecretUnavailable`."""
    kr = _secure_keyring(name)
    try:
        return kr.get_password(SERVICE, name)
    except KeyringError as exc:
        raise SecretUnavailable(name, _backend_name(kr), str(exc)) from exc


def set_secret(name: str, value: str) -> None:
    if not value:
        raise ValueError("empty secret")
    kr = _secure_keyring(name)
    try:
        kr.set_password(SERVICE, name, value)
    except KeyringError as exc:
        raise SecretUnavailable(name, _backend_name(kr), str(exc)) from exc
    log.info("secret %s set in %s", name, _backend_name(kr))


def delete_secret(name: str) -> bool:
    """Remove the secret; ``False`` if there was none."""
    kr = _secure_keyring(name)
    try:
        if kr.get_password(SERVICE, name) is None:
            return False
        kr.delete_password(SERVICE, name)
    except PasswordDeleteError:
        return False
    except KeyringError as exc:
        raise SecretUnavailable(name, _backend_name(kr), str(exc)) from exc
    log.info("secret %s deleted from %s", name, _backend_name(kr))
    return True
