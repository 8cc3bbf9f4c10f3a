"""The Qt desk: a thin layer over the ``reception`` core (dependencies point ui -> reception)."""

from ui._compat import pad_none_refcount

pad_none_refcount()
