"""The Qt desk: a thin layer over the ``reception`` core (dependencies point ui -> reception)."""
