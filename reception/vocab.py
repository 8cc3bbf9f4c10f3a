"""The case form's closed vocabularies, in one place (the JSON Schema repeats them; a test keeps the
two in step). Labels in Chinese and English are in :mod:`reception.labels`."""

from __future__ import annotations

WINDOWS: tuple[str, ...] = ("litigation", "procuratorate", "legal_aid", "petition", "mediation", "consultation")
CHANNELS: tuple[str, ...] = (
    "visit",
    "letter",
    "phone",
    "online",
    "referral",
    "grid_report",
    "screening",
    "court_delegated",
)
RISK_LEVELS: tuple[str, ...] = ("red", "orange", "yellow", "blue")
RISK_FLAGS: tuple[str, ...] = (
    "extreme_act_threat",
    "group",
    "civil_to_criminal",
    "repeat_visit",
    "level_skipping",
    "special_population",
)
PURPOSES: tuple[str, ...] = ("consultation", "suggestion", "appeal", "claim", "other")
