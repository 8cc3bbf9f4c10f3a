"""The Qt desk: a thin layer over the ``reception`` core (dependencies point ui -> reception)."""

from ui._compat import pad_none_refcount

pad_none_refcount()

# The core (SQLAlchemy above all) is imported before PySide6: once PySide6 is loaded, its import hook
# (shibokensupport ``feature_imported``) runs for every later import, which made start-up ~0.1 s slower.
import reception.context  # noqa: E402, F401
