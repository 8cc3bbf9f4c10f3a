"""Typed errors that carry a code, the field they concern and text in Chinese and English.

Every module that validates something registers its message templates with :func:`messages`
at import time; :func:`field_error` builds a :class:`FieldError` from a code, a field path and the
template parameters. The UI and the command line show ``FieldError.text(lang)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

#: code -> (zh template, en template); templates use str.format with the error's params.
MESSAGES: dict[str, tuple[str, str]] = {}


def messages(mapping: dict[str, tuple[str, str]]) -> None:
    """Register message templates. A code registered twice with other text is a programming error."""
    for code, texts in mapping.items():
        old = MESSAGES.get(code)
        if old is not None and old != texts:
            raise ValueError(f"message code {code!r} registered twice with different text")
        MESSAGES[code] = texts


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of a record.

    ``field`` is a path in the JSON form of a case, e.g. ``applicants[0].id_number``.
    """

    code: str
    field: str
    message_zh: str
    message_en: str
    severity: Severity = "error"
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang.startswith("en") else self.message_zh

    def text(self, lang: str = "zh") -> str:
        """``证件号码：校验位错误`` — the field's label, then the message."""
        from reception.labels import field_label

        label = field_label(self.field, lang)
        sep = ": " if lang.startswith("en") else "："
        return f"{label}{sep}{self.message(lang)}" if label else self.message(lang)

    def line(self, lang: str = "zh") -> str:
        """One line for the command line: ``field.path: message``."""
        return f"{self.field or '(case)'}: {self.message(lang)}"

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "field": self.field,
            "severity": self.severity,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


def field_error(code: str, field_path: str, severity: Severity = "error", **params) -> FieldError:
    try:
        zh, en = MESSAGES[code]
    except KeyError:  # pragma: no cover - a missing template is a bug, but never hide the error
        zh = en = code
    return FieldError(
        code=code,
        field=field_path,
        message_zh=zh.format(**params),
        message_en=en.format(**params),
        severity=severity,
        params=params,
    )


class ReceptionError(Exception):
    """Base of all errors the core raises on purpose. ``code`` is stable; text is translated."""

    code = "error"

    def __init__(self, message_zh: str, message_en: str | None = None, *, code: str | None = None):
        super().__init__(message_en or message_zh)
        self.message_zh = message_zh
        self.message_en = message_en or message_zh
        if code:
            self.code = code

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang.startswith("en") else self.message_zh


class ValidationFailed(ReceptionError):
    """Input was refused; nothing was written. ``errors`` holds every problem found."""

    code = "validation"

    def __init__(self, errors: list[FieldError]):
        self.errors = [e for e in errors if e.severity == "error"]
        self.warnings = [e for e in errors if e.severity == "warning"]
        first = self.errors[0] if self.errors else None
        super().__init__(
            first.text("zh") if first else "输入有误",
            first.text("en") if first else "invalid input",
        )


class NotFound(ReceptionError):
    code = "not_found"


class ConfigError(ReceptionError):
    """The hall's configuration file is wrong. ``problems`` name the file, line and key."""

    code = "config"

    def __init__(self, problems: list[ConfigProblem]):
        self.problems = problems
        zh = "\n".join(p.text("zh") for p in problems)
        en = "\n".join(p.text("en") for p in problems)
        super().__init__(zh, en)


@dataclass(frozen=True)
class ConfigProblem:
    file: str
    line: int | None
    key: str
    message_zh: str
    message_en: str

    def text(self, lang: str = "zh") -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        msg = self.message_en if lang.startswith("en") else self.message_zh
        return f"{where}: {self.key}: {msg}"
