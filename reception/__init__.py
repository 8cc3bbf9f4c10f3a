"""一站式受理台 core: intake, routing, deadlines, storage. Never imports Qt."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("reception-desk")
except PackageNotFoundError:  # running from a source checkout without install
    __version__ = "0.1.0"
