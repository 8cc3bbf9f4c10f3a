"""Open the desk on a given database at a given place, for the README screenshots.

Run under a virtual screen with the shared screenshot tool, for example:

    screenshot.sh docs/images/desk-intake.png 8 .venv/bin/python docs/images/make_screenshots.py intake --db URL
    screenshot.sh docs/images/desk-cases.png 8 .venv/bin/python docs/images/make_screenshots.py cases --db URL
    screenshot.sh docs/images/desk-timeline.png 8 .venv/bin/python docs/images/make_screenshots.py timeline \\
        --db URL --case ZZ-150304-W01-2026-002995
    .venv/bin/python docs/images/make_screenshots.py queues-data --db URL --config /tmp/shots/hall.toml
    screenshot.sh docs/images/queues.png 8 .venv/bin/python docs/images/make_screenshots.py queues \\
        --db URL --config /tmp/shots/hall.toml
    screenshot.sh docs/images/signin.png 8 .venv/bin/python docs/images/make_screenshots.py signin --db URL
    screenshot.sh docs/images/accounts.png 8 .venv/bin/python docs/images/make_screenshots.py accounts --db URL
    screenshot.sh docs/images/lock.png 8 .venv/bin/python docs/images/make_screenshots.py lock --db URL
    screenshot.sh docs/images/about.png 6 .venv/bin/python docs/images/make_screenshots.py about --db URL
    screenshot.sh docs/images/audit.png 10 .venv/bin/python docs/images/make_screenshots.py audit --db URL

``intake`` fills the form with a visitor who has earlier cases (the repeat-visitor panel and the routing
preview show); ``cases`` shows the case list of the last 30 days; ``timeline`` shows one case's timeline;
``queues`` shows the 推送状态 page with a dead letter chosen. ``queues-data`` (no screen needed) makes its
data for real: demo cases pushed by the real dispatcher to reference department receivers
(``tests/department_receiver.py``) on 127.0.0.1 — the labour bureau takes them, legal aid refuses some
(dead letters), the court's system is down — and writes the hall file with those transports.
``signin`` shows the sign-in dialog after wrong passwords (the lock warning); ``accounts`` the 账户管理
page of the administrator; ``lock`` the desk locked (Ctrl+L) while a visitor is being registered;
``audit`` the 审计日志 page of the auditor after 校验审计链; ``about`` the 关于 dialog (帮助 → 关于) with
Qt's licence chosen. Every
shot signs in for real: the hall's staff accounts (:func:`staff_accounts`) are made in the database the
first time, through the core.
The windows are real ones built by ``ui.app`` code, not mock-ups.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

import ui  # noqa: F401  (PySide6 work-around first)
from reception.context import open_context
from reception.queries import case_document
from ui import state
from ui.desk import Desk
from ui.i18n import install_translators
from ui.main_window import MainWindow
from ui.style import readable_font


def visitor_with_history(ctx) -> dict:
    """A new petition from the applicant of an earlier case, as a clerk would type it."""
    from reception.caselist import CaseFilter, case_rows

    row = case_rows(ctx, CaseFilter(window="petition"), "received", True, 0, 1)[0]
    earlier = case_document(ctx, row.case_no)
    person = dict(earlier["applicants"][0])
    return {
        "schema_version": "1.0",
        "window": "petition",
        "channel": "visit",
        "received_at": earlier["received_at"][:11] + "10:05:00+08:00",
        "clerk": "李晓梅",
        "applicants": [person],
        "counterparties": [{"kind": "organisation", "name": "乌海市海湾物业服务有限公司"}],
        "category": "property_mgmt",
        "subcategory": "maintenance",
        "place": earlier["place"],
        "facts": "小区3号楼电梯自10月起多次停运，物业公司以维修资金不足为由拖延维修，"
        "楼内多名老人出行困难。申请人曾向社区反映，至今未解决。",
        "requests": ["督促物业公司尽快修复电梯", "公开维修资金使用情况"],
        "people_affected": 36,
        "purpose": "claim",
        "risk": {"level": "yellow", "flags": ["repeat_visit"]},
        "disposal": {"privacy_consent": True, "mediation_consent": "yes"},
    }


ADMIN_PASSWORD = "Hall-Pass-2026!"
STAFF_PASSWORD = "Desk-Start-2026!"
#: (user name, name, role, department): the staff of the screenshots' hall
STAFF = (
    ("lixiaomei", "李晓梅", "clerk", None),
    ("wangfang", "王芳", "clerk", None),
    ("zhaoqiang", "赵强", "duty_leader", None),
    ("liu.hrss", "刘建国", "liaison", "hrss"),
    ("chenjing", "陈静", "auditor", None),
    ("sunli", "孙丽", "legal_aid", None),
)


def staff_accounts(ctx):
    """The administrator and :data:`STAFF` (made once, through the core): sign-ins, a first password
    still to change, a locked account and one no longer active, as a hall has them. Returns the
    administrator's Principal."""
    from reception.errors import ReceptionError
    from reception.security.accounts import (
        add_user,
        authenticate,
        change_password,
        create_first_admin,
        has_accounts,
        set_active,
    )

    if has_accounts(ctx):
        return authenticate(ctx, "admin", ADMIN_PASSWORD)
    admin = create_first_admin(ctx, "admin", "王管理", ADMIN_PASSWORD)
    for username, name, role, department in STAFF:
        add_user(ctx, admin, username, name, role, "First-Pass-2026!", department=department)
        if username != "sunli":  # the legal-aid reviewer has not signed in yet
            change_password(ctx, authenticate(ctx, username, "First-Pass-2026!"), "First-Pass-2026!", STAFF_PASSWORD)
            authenticate(ctx, username, STAFF_PASSWORD)
    for n in range(5):  # 王芳 mistyped her password: locked for 15 minutes
        with contextlib.suppress(ReceptionError):
            authenticate(ctx, "wangfang", f"Wrong-Pass-{n:04d}")
    add_user(ctx, admin, "zhouwei", "周伟", "clerk", "First-Pass-2026!")
    set_active(ctx, admin, "zhouwei", False)  # left the hall
    return authenticate(ctx, "admin", ADMIN_PASSWORD)


def signed_in(ctx, username: str):
    from reception.security.accounts import authenticate

    staff_accounts(ctx)
    return authenticate(ctx, username, STAFF_PASSWORD)


def queues_data(db: str, hall: Path, cases: int = 80) -> None:
    """Demo cases pushed for real: hrss and housing's receivers take them, legal aid refuses some, the
    court's system is down. Writes ``hall`` (the example hall with those http transports)."""
    import tempfile

    import keyring
    from keyring.backend import KeyringBackend

    from reception.demo import generate_cases
    from reception.dispatch import Dispatcher
    from reception.intake import register_many
    from tests.department_receiver import DepartmentReceiver
    from tests.integration.test_dispatch_crash import hall_toml, http_transport

    class Memory(KeyringBackend):
        priority = 1

        def __init__(self):
            super().__init__()
            self.store: dict = {}

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def get_password(self, service, username):
            return self.store.get((service, username))

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    keyring.set_keyring(Memory())
    work = Path(tempfile.mkdtemp(prefix="queues-shot-"))
    codes = ("hrss", "housing", "legal_aid", "court")
    receivers = {
        c: DepartmentReceiver(work / f"{c}.sqlite3", token="shot-token", signing_key="shot-key").start() for c in codes
    }
    for c in codes:
        keyring.set_password("reception-desk", f"dept-{c}-token", "shot-token")
        keyring.set_password("reception-desk", f"dept-{c}-signing-key", "shot-key")
    refused = iter(range(10_000))
    receivers["legal_aid"].refuse_payloads(
        lambda payload: "申请人经济困难证明未随附，请补正后重新推送" if next(refused) % 4 == 1 else None
    )
    transports = {c: http_transport(r.url) for c, r in receivers.items()}
    made = hall_toml(work, transports, dispatch={"backoff_base_s": 60.0, "poll_interval_s": 3600.0})
    hall.parent.mkdir(parents=True, exist_ok=True)
    hall.write_text(made.read_text(encoding="utf-8"), encoding="utf-8")
    receivers["court"].refuse()  # the court's system is down
    ctx = open_context(db, hall)
    try:
        register_many(ctx, generate_cases(ctx.config, cases, seed=11))
        with Dispatcher(ctx) as d:
            d.run_once()
    finally:
        ctx.close()
        for r in receivers.values():
            r.stop()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "shot",
        choices=[
            "intake",
            "cases",
            "timeline",
            "queues",
            "queues-data",
            "signin",
            "accounts",
            "lock",
            "audit",
            "about",
        ],
    )
    ap.add_argument("--db", required=True)
    ap.add_argument("--config", help="hall configuration file (queues, queues-data)")
    ap.add_argument("--case")
    ap.add_argument("--lang", default="zh")
    args = ap.parse_args()
    if args.shot == "queues-data":
        queues_data(args.db, Path(args.config))
        return 0

    app = QApplication(sys.argv[:1])
    install_translators(app, args.lang)
    readable_font(app)
    ctx = open_context(args.db, Path(args.config) if args.config else None)
    settings = state.open_settings()  # the user config folder (set RECEPTION_CONFIG_DIR to keep it apart)
    if args.shot == "signin":
        from ui.signin import SignInDialog

        staff_accounts(ctx)
        settings.setValue(state.LAST_USER, "lixiaomei")
        desk = Desk(ctx, settings, lang=args.lang)
        dialog = SignInDialog(desk)
        dialog.show()

        def mistype(left: int = 3) -> None:  # wrong passwords, as typed: the core's lock warning shows
            if left:
                dialog.password_edit.setText("Desk-Start-2025")
                dialog.submit()
                QTimer.singleShot(400, lambda: mistype(left - 1))
            else:
                dialog.password_edit.setText("Desk-Sta")

        QTimer.singleShot(300, mistype)
        QTimer.singleShot(60_000, app.quit)
        return app.exec()
    if args.shot == "accounts":
        desk = Desk(ctx, settings, lang=args.lang, principal=staff_accounts(ctx))
    elif args.shot == "audit":
        desk = Desk(ctx, settings, lang=args.lang, principal=signed_in(ctx, "chenjing"))
    else:
        desk = Desk(ctx, settings, lang=args.lang, principal=signed_in(ctx, "lixiaomei"))
    window = MainWindow(desk)
    window.resize(1440, 900)
    if args.shot == "about":
        dialog = window.show_about()
        dialog.resize(900, 760)

        def choose_qt() -> None:
            for row in range(dialog.table.rowCount()):
                if dialog.table.item(row, 0).text().startswith("PySide6_Essentials"):
                    dialog.table.setCurrentCell(row, 0)

        QTimer.singleShot(1500, choose_qt)
    elif args.shot == "timeline":
        from ui.cases.detail import CaseDetailDialog

        dialog = CaseDetailDialog(desk, args.case)
        dialog.resize(1100, 760)
        dialog.show()
        dialog.loaded.connect(lambda: dialog.tabs.setCurrentIndex(1))
    else:
        window.show()
        if args.shot == "cases":
            window.show_page("cases")
        elif args.shot == "accounts":
            page = window.show_page("accounts")
            QTimer.singleShot(1000, lambda: page.select("lixiaomei"))
        elif args.shot == "audit":
            page = window.show_page("audit")
            QTimer.singleShot(1000, page.verify)
        elif args.shot == "queues":
            page = window.show_page("queues")
            QTimer.singleShot(1500, lambda: page.dead_table.setFocus())
        else:
            from ui.intake.form import IntakePage

            page = window.findChild(IntakePage)
            QTimer.singleShot(300, lambda: page.load_document(visitor_with_history(ctx)))
            if args.shot == "lock":  # the form half filled in, then Ctrl+L
                QTimer.singleShot(2500, window.idle_lock.lock)
    QTimer.singleShot(60_000, app.quit)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
