"""Drafts of unsaved intake forms: written atomically in the user's data folder, read back, discarded."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import pytest

from reception import drafts
from reception.paths import data_dir


def test_save_load_discard_round_trip():
    assert drafts.load_draft() is None and not drafts.has_draft()
    doc = {"window": "petition", "applicants": [{"name": "张三", "id_number": "110105199003071239"}]}
    when = datetime(2025, 3, 3, 1, 30, tzinfo=UTC)
    path = drafts.save_draft(doc, extra={"clerk": "李晓梅"}, now=when)
    assert path.parent == data_dir() / "drafts" and path.name == "intake.json"
    assert drafts.has_draft()
    draft = drafts.load_draft()
    assert draft.document == doc and draft.saved_at == when and draft.extra == {"clerk": "李晓梅"}
    # written as UTF-8 JSON, Chinese readable in the file
    assert "张三" in path.read_text(encoding="utf-8")
    assert drafts.discard_draft() is True
    assert drafts.discard_draft() is False
    assert drafts.load_draft() is None


def test_a_new_draft_replaces_the_old_and_leaves_no_temporary_files():
    drafts.save_draft({"window": "petition"})
    drafts.save_draft({"window": "legal_aid"})
    assert drafts.load_draft().document == {"window": "legal_aid"}
    assert sorted(p.name for p in drafts.drafts_dir().iterdir()) == ["intake.json"]


def test_a_failed_write_keeps_the_previous_draft(monkeypatch):
    drafts.save_draft({"window": "petition", "facts": "第一版"})

    def broken_replace(src, dst):
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(drafts.os, "replace", broken_replace)
        with pytest.raises(OSError):
            drafts.save_draft({"window": "petition", "facts": "第二版"})
    assert drafts.load_draft().document["facts"] == "第一版"
    assert sorted(p.name for p in drafts.drafts_dir().iterdir()) == ["intake.json"]


def test_drafts_have_separate_names():
    drafts.save_draft({"window": "petition"}, "intake-w01")
    drafts.save_draft({"window": "mediation"}, "intake-w02")
    assert drafts.load_draft("intake-w01").document["window"] == "petition"
    assert drafts.load_draft("intake-w02").document["window"] == "mediation"
    assert drafts.load_draft() is None


@pytest.mark.parametrize("name", ["", "../x", ".hidden", "a/b", "名字", "x" * 65])
def test_draft_names_cannot_escape_the_folder(name):
    with pytest.raises(ValueError):
        drafts.draft_path(name)


def test_an_unreadable_draft_is_moved_aside_not_offered():
    path = drafts.draft_path()
    path.write_text("{ not json", encoding="utf-8")
    assert drafts.load_draft() is None
    assert not path.exists() and path.with_name("intake.json.bad").exists()
    path.write_text(json.dumps({"document": [1, 2], "saved_at": "2025-03-03T00:00:00+00:00"}), encoding="utf-8")
    assert drafts.load_draft() is None


def test_only_a_document_object_is_saved():
    with pytest.raises(TypeError):
        drafts.save_draft(["not", "a", "case"])  # type: ignore[arg-type]
    assert not drafts.has_draft()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_draft_file_is_private_to_the_user():
    path = drafts.save_draft({"window": "petition"})
    assert path.stat().st_mode & 0o077 == 0


def test_list_and_rename():
    drafts.save_draft({"window": "petition"}, "intake")
    assert drafts.rename_draft("intake", "intake-offered-1") is True
    assert drafts.rename_draft("intake", "intake-offered-2") is False
    drafts.save_draft({"window": "mediation"}, "intake")
    assert drafts.list_drafts("intake-offered-") == ["intake-offered-1"]
    assert set(drafts.list_drafts()) == {"intake", "intake-offered-1"}
    assert drafts.load_draft("intake-offered-1").document == {"window": "petition"}
