"""A form section, repeatable item or case action dialog that lacks a required method fails when defined."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("module", "base", "hook"),
    [
        ("ui.intake.repeat", "RepeatItem", "load"),
        ("ui.intake.sections", "Section", "contribute"),
        ("ui.intake.fields", "Field", "set_value"),
        ("ui.cases.detail", "_ActionDialog", "values"),
    ],
)
def test_missing_hook_is_refused_at_definition(qapp, module, base, hook):
    import importlib

    cls = getattr(importlib.import_module(module), base)
    with pytest.raises(TypeError, match=hook):
        type("Incomplete", (cls,), {})
