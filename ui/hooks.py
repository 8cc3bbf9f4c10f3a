"""Base widgets whose subclasses must provide some methods: checked when the subclass is defined."""

from __future__ import annotations


def require_hooks(cls: type, base: type, hooks: tuple[str, ...]) -> None:
    """Raise TypeError at class definition when ``cls`` (a subclass of ``base``) lacks one of ``hooks``.

    Qt widgets cannot use ``abc.ABCMeta`` (metaclass conflict with Shiboken), so the base classes call
    this from ``__init_subclass__``: a form section missing ``load`` fails at import, not when a clerk
    first opens a draft."""
    missing = [h for h in hooks if not any(h in vars(k) for k in cls.__mro__ if k is not base and issubclass(k, base))]
    if missing:
        raise TypeError(f"{cls.__name__} must define {', '.join(missing)} (required by {base.__name__})")
