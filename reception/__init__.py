"""一站式受理台 core: intake, routing, deadlines, storage. Never imports Qt."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The installed version, looked up on first use: importlib.metadata costs ~30 ms at every start.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("reception-desk")
        except PackageNotFoundError:  # running from a source checkout without install
            return "0.1.0"
    raise AttributeError(f"module 'reception' has no attribute {name!r}")
