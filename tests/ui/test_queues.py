"""推送状态 page: each department's queue from the real outbox, honest about transports."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, update

from reception.config import example_path
from reception.context import open_context
from reception.intake import register_case
from reception.storage.models import OutboxEntry
from tests.factories import base_case
from tests.ui.conftest import make_desk, wait_idle
from tests.ui.shell_support import OFFSCREEN
from ui.queues import QueuesPage

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)


def _cell(page: QueuesPage, code: str, col: str) -> str:
    row = page.row_of(code)
    assert row >= 0, code
    return page.table.item(row, QueuesPage.COLUMNS.index(col)).text()


@pytest.fixture
def page(qtbot, desk):
    p = QueuesPage(desk)
    qtbot.addWidget(p)
    p.show()
    wait_idle(qtbot, desk)
    yield p
    wait_idle(qtbot, desk)


def test_every_department_listed_and_nothing_claims_reachability(page, desk):
    assert page.table.rowCount() == len(desk.ctx.config.departments)
    assert _cell(page, "court", "department") == desk.ctx.config.departments["court"].name
    assert _cell(page, "court", "transport") == "未配置"
    assert "各部门均未配置推送地址" in page.note.text()
    assert page.summary.text().startswith("待推送 0 条，失败 0 条")


def test_counts_after_intake_and_refresh(qtbot, page, desk):
    ctx = desk.ctx
    r = register_case(ctx, base_case(ctx.config))
    register_case(ctx, base_case(ctx.config))
    desk.case_saved.emit(r.case_no)  # the visible page refreshes itself
    wait_idle(qtbot, desk)
    lead = r.routing["department"]
    assert _cell(page, lead, "pending") == "2"
    assert _cell(page, lead, "transfers") == "已转办 2"
    assert _cell(page, lead, "oldest").endswith("分钟")
    for also in r.routing["also"]:
        assert _cell(page, also, "pending") == "2"

    with ctx.db.write() as s:
        first = s.scalars(select(OutboxEntry.id).where(OutboxEntry.department == lead).order_by(OutboxEntry.id)).first()
        s.execute(
            update(OutboxEntry).where(OutboxEntry.id == first).values(state="dead", last_error="HTTP 422: 字段缺失")
        )
    page.refresh_button.click()
    wait_idle(qtbot, desk)
    assert _cell(page, lead, "pending") == "1"
    assert _cell(page, lead, "failed") == "1"
    assert _cell(page, lead, "error") == "HTTP 422: 字段缺失"
    row = page.row_of(lead)
    assert page.table.item(row, QueuesPage.COLUMNS.index("pending")).data(Qt.ItemDataRole.DisplayRole) == 1


def test_configured_transport_shown(qtbot, qapp, settings, db_url, tmp_path):
    text = example_path().read_text(encoding="utf-8")
    text = text.replace(
        '# [department.transport]\n# kind = "http"', '[department.transport]\nkind = "folder"\ninbox = "/srv/court"'
    )
    hall = tmp_path / "hall.toml"
    hall.write_text(text, encoding="utf-8")
    ctx = open_context(db_url, hall)
    desk = make_desk(ctx, settings, lang="en")
    try:
        p = QueuesPage(desk)
        qtbot.addWidget(p)
        p.refresh()
        wait_idle(qtbot, desk)
        assert _cell(p, "court", "transport") == "folder"
        assert _cell(p, "court", "department") == ctx.config.departments["court"].name_en
        assert "连通情况以最近一次推送的结果为准" in p.note.text()  # untranslated source text in this run
    finally:
        desk.runner.shutdown(wait=True)
        qapp.processEvents()
        ctx.close()


def test_refresh_while_loading_runs_once_more(qtbot, page, desk):
    loads = page.loads
    page.refresh()
    page.refresh()
    page.refresh()
    wait_idle(qtbot, desk)
    qtbot.waitUntil(lambda: page.refresh_button.isEnabled(), timeout=5000)
    wait_idle(qtbot, desk)
    # one load now and one more for the requests made meanwhile (one more if the first result came back
    # before the second request)
    assert loads + 2 <= page.loads <= loads + 3
