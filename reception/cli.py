"""The ``reception`` command line: every clerk action, scriptable.

Exit codes: 0 done, 1 not found / failed, 2 invalid input or configuration (one line per problem).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from reception import __version__
from reception.errors import ConfigError, NotFound, ReceptionError, ValidationFailed
from reception.labels import enum_label
from reception.storage.maintenance import tidy

log = logging.getLogger("reception")


def _lang(args) -> str:
    return args.lang or os.environ.get("RECEPTION_LANG", "zh")


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _context(args, *, migrate: bool = True):
    from reception.context import open_context

    return open_context(args.db, Path(args.config) if args.config else None, migrate=migrate)


def cmd_init(args) -> int:
    from reception.config import write_example
    from reception.paths import config_dir
    from reception.storage.migrate import current_revision, head_revision

    hall = config_dir() / "hall.toml"
    if not args.config and not hall.exists():
        write_example(hall)
        _out(("已生成本厅配置文件：" if _lang(args) == "zh" else "wrote the hall configuration: ") + str(hall))
    ctx = _context(args)
    try:
        rev = current_revision(ctx.db)
        assert rev == head_revision()
        zh = f"数据库已就绪：{ctx.db.display_url}（结构版本 {rev}）"
        en = f"database ready: {ctx.db.display_url} (schema {rev})"
        _out(zh if _lang(args) == "zh" else en)
    finally:
        ctx.close()
    return 0


def _read_json(path: str):
    raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    return json.loads(raw)


def cmd_intake(args) -> int:
    from reception.intake import register_case, register_many

    lang = _lang(args)
    try:
        data = _read_json(args.file)
    except (OSError, json.JSONDecodeError) as exc:
        _err(f"{args.file}: {exc}")
        return 2
    ctx = _context(args)
    try:
        results = register_many(ctx, data) if isinstance(data, list) else [register_case(ctx, data)]
        tidy(ctx.db)
    except ValidationFailed as exc:
        for e in exc.errors:
            _err(e.line(lang))
        return 2
    finally:
        ctx.close()
    for r in results:
        _out(r.case_no)
        for w in r.warnings:
            _err(("提示 " if lang == "zh" else "warning ") + w.line(lang))
    return 0


def cmd_show(args) -> int:
    from reception.queries import case_document

    ctx = _context(args)
    try:
        doc = case_document(ctx, args.case_no)
    finally:
        ctx.close()
    if args.json:
        _out(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        from reception.render import case_text

        _out(case_text(doc, ctx.config, _lang(args)))
    return 0


def cmd_search(args) -> int:
    from reception.labels import enum_label
    from reception.queries import search

    ctx = _context(args)
    try:
        results = search(ctx, args.text, limit=args.limit)
    finally:
        ctx.close()
    lang = _lang(args)
    if args.json:
        _out(
            json.dumps(
                [
                    {
                        "case_no": r.case_no,
                        "received_at": r.received_at.isoformat(),
                        "window": r.window,
                        "status": r.status,
                        "applicant": r.applicant_name,
                        "category": r.category,
                        "department": r.department,
                        "risk": r.risk_level,
                    }
                    for r in results
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for r in results:
        _out(
            "\t".join(
                [
                    r.case_no,
                    r.received_date.isoformat(),
                    enum_label("window", r.window, lang),
                    r.applicant_name,
                    ctx.config.category_label(r.category, lang) if r.category else "",
                    enum_label("status", r.status, lang),
                ]
            )
        )
    _err(f"共 {len(results)} 件" if lang == "zh" else f"{len(results)} case(s)")
    return 0


def cmd_list(args) -> int:
    """The case list (案件查询) with its filters, one page of it."""
    from reception.caselist import CaseFilter, listing_rows, open_listing
    from reception.labels import enum_label

    lang = _lang(args)
    zh = lang == "zh"
    f = CaseFilter(
        date_from=args.date_from,
        date_to=args.date_to,
        window=args.window,
        status=args.status,
        department=args.department,
        risk=args.risk,
        overdue=args.overdue,
        query=args.query or "",
    )
    descending = args.order == "desc" if args.order else args.sort == "received"
    ctx = _context(args)
    try:
        listing = open_listing(ctx, f, args.sort, descending)
        rows = listing_rows(ctx, listing, args.offset, args.limit)
    finally:
        ctx.close()
    if args.json:
        _out(
            json.dumps(
                {
                    "total": listing.total,
                    "offset": args.offset,
                    "rows": [
                        {
                            "case_no": r.case_no,
                            "received_at": r.received_at.isoformat(),
                            "window": r.window,
                            "channel": r.channel,
                            "applicant": r.applicant_name,
                            "category": r.category,
                            "department": r.department,
                            "status": r.status,
                            "risk": r.risk_level,
                            "next_due": r.next_due.isoformat() if r.next_due else None,
                            "overdue": r.overdue,
                        }
                        for r in rows
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for r in rows:
        due = r.next_due.isoformat() if r.next_due else ""
        if r.overdue:
            due += " 逾期" if zh else " overdue"
        _out(
            "\t".join(
                [
                    r.case_no,
                    r.received_at.strftime("%Y-%m-%d %H:%M"),
                    enum_label("window", r.window, lang),
                    r.applicant_name,
                    ctx.config.category_label(r.category, lang) if r.category else "",
                    ctx.config.department_label(r.department, lang) if r.department else "",
                    enum_label("status", r.status, lang),
                    enum_label("risk", r.risk_level, lang),
                    due,
                ]
            )
        )
    shown = f"{args.offset + 1}–{args.offset + len(rows)}" if rows else "0"
    _err(f"共 {listing.total} 件，显示第 {shown} 件" if zh else f"{listing.total} case(s), showing {shown}")
    return 0


def cmd_demo(args) -> int:
    from reception.demo import generate_cases
    from reception.intake import register_many

    ctx = _context(args)
    try:
        cases = generate_cases(ctx.config, args.cases, seed=args.seed)
        done = 0
        batch = 200
        for i in range(0, len(cases), batch):
            done += len(register_many(ctx, cases[i : i + batch]))
            tidy(ctx.db)
    finally:
        ctx.close()
    _out(f"已生成演示案件 {done} 件" if _lang(args) == "zh" else f"generated {done} demo cases")
    return 0


def cmd_receipt(args) -> int:
    from reception.receipts import MissingGlyphs, render_receipt

    lang = _lang(args)
    zh = lang == "zh"
    out = Path(args.out)
    ctx = _context(args)
    try:
        result = render_receipt(ctx, args.case_no, args.layout, user=args.user, record=not args.preview)
    except MissingGlyphs as exc:
        _err(exc.message(lang))
        return 2
    finally:
        ctx.close()
    out.write_bytes(result.pdf)
    if result.code is None:
        _err(
            "提示 核验码不可用：本机没有安全的密钥存储，回执已生成但不含核验码和二维码"
            if zh
            else "warning: verification code unavailable (no secure keyring): the receipt has no code and no QR code"
        )
    for w in result.warnings:
        if result.code is None and "密钥" in w:
            continue
        _err(("提示 " if zh else "warning ") + w)
    kind = ("补打" if zh else "reprint") if result.reprint else ("首次打印" if zh else "original")
    if args.preview:
        kind = "预览，未记录" if zh else "preview, not recorded"
    pages = f"{result.pages} 页" if zh else f"{result.pages} page(s)"
    _out(f"{out}\t{args.layout}\t{kind}\t{pages}")
    return 0


def cmd_verify(args) -> int:
    from reception.verification import verify

    ctx = _context(args)
    try:
        ok = verify(ctx, args.case_no, args.code)
    finally:
        ctx.close()
    zh = _lang(args) == "zh"
    if ok:
        _out("核验通过：该回执由本中心出具" if zh else "valid: this receipt was issued by this centre")
        return 0
    _out("核验未通过：案件编号与核验码不符" if zh else "invalid: the code does not match the case number")
    return 1


def _read_secret_value() -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("value: ", stream=sys.stderr)
    return sys.stdin.read()


def cmd_secret(args) -> int:
    from reception.secrets import delete_secret, set_secret

    zh = _lang(args) == "zh"
    if args.action == "set":
        value = _read_secret_value().strip()
        if not value:
            _err("没有从标准输入读到密钥值" if zh else "no value on standard input")
            return 2
        set_secret(args.name, value)
        _out(f"已保存密钥 {args.name}" if zh else f"secret {args.name} stored")
        return 0
    existed = delete_secret(args.name)
    if not existed:
        _out(f"密钥 {args.name} 不存在" if zh else f"secret {args.name} was not set")
        return 1
    _out(f"已删除密钥 {args.name}" if zh else f"secret {args.name} deleted")
    return 0


def _iso_date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


#: the role the command line exports as, until accounts exist: personal data are masked
EXPORT_ROLE = "clerk"


def cmd_export(args) -> int:
    from reception.export import close_day, export_register

    zh = _lang(args) == "zh"
    if args.date and (args.date_from or args.date_to):
        _err("--date 不能与 --from/--to 同时使用" if zh else "--date cannot be combined with --from/--to")
        return 2
    if args.date:
        start = end = args.date
    elif args.date_from and args.date_to:
        start, end = args.date_from, args.date_to
    else:
        _err("请给出 --date，或同时给出 --from 和 --to" if zh else "give --date, or both --from and --to")
        return 2
    if args.close and start != end:
        _err("--close 只能用于单日（--date）" if zh else "--close closes one day: use it with --date")
        return 2
    progress = None
    if sys.stderr.isatty():

        def progress(done: int, total: int) -> None:
            sys.stderr.write(f"\r{done}/{total}")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    ctx = _context(args)
    try:
        if args.close:
            rec = close_day(ctx, start, user=args.user)
            _err(
                f"已日结 {rec.day.isoformat()}（工作站 {rec.workstation}）：{rec.case_count} 件"
                if zh
                else f"closed {rec.day.isoformat()} (workstation {rec.workstation}): {rec.case_count} case(s)"
            )
        result = export_register(
            ctx, start=start, end=end, out_dir=Path(args.out), role=EXPORT_ROLE, user=args.user, progress=progress
        )
    finally:
        ctx.close()
    for w in result.warnings:
        _err(("提示 " if zh else "warning ") + w)
    for path in result.files.values():
        _out(str(path))
    _out(str(result.manifest))
    n = result.counts["total"]
    masked = ("个人信息已脱敏" if zh else "personal data masked") if result.masked else ""
    _err(
        f"共 {n} 件，各项分类合计均为 {n} 件；{masked}"
        if zh
        else f"{n} case(s); every breakdown adds up to {n}; {masked}"
    )
    return 0


def cmd_status(args) -> int:
    from reception.overview import desk_status, format_age, queue_overview

    zh = _lang(args) == "zh"
    lang = "zh" if zh else "en"
    ctx = _context(args)
    try:
        st = desk_status(ctx)
        queues = queue_overview(ctx, now=st.as_of)
    finally:
        ctx.close()
    if args.json:
        _out(
            json.dumps(
                {
                    "database": st.db_url,
                    "dialect": st.dialect,
                    "pending_pushes": st.pending_pushes,
                    "pending_cases": st.pending_cases,
                    "failed_pushes": st.failed_pushes,
                    "oldest_pending_at": st.oldest_pending_at.isoformat() if st.oldest_pending_at else None,
                    "queues": st.queues,
                    "departments": [
                        {
                            "code": q.code,
                            "name": q.name,
                            "transport": q.transport,
                            "in_config": q.in_config,
                            "outbox": q.outbox,
                            "transfers": q.transfers,
                            "pending": q.pending,
                            "failed": q.failed,
                            "delivered": q.delivered,
                            "oldest_pending_at": q.oldest_pending_at.isoformat() if q.oldest_pending_at else None,
                            "last_error": q.last_error,
                            "reachable": q.reachable,
                            "last_attempt": q.last_attempt.as_dict() if q.last_attempt else None,
                        }
                        for q in queues
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    _out(("数据库：" if zh else "database: ") + f"{st.db_url} ({st.dialect})")
    if zh:
        _out(f"待推送：{st.pending_pushes} 条转办（{st.pending_cases} 件案件）；失败：{st.failed_pushes} 条")
    else:
        _out(
            f"waiting to be pushed: {st.pending_pushes} transfer(s) of {st.pending_cases} case(s); "
            f"failed: {st.failed_pushes}"
        )
    queue_text = {
        "not_configured": ("部门队列：未配置推送地址", "department queues: no transport configured"),
        "failing": (
            f"部门队列：{len(st.departments_failing)} 个部门最近一次推送失败",
            f"department queues: the last push failed for {len(st.departments_failing)} department(s)",
        ),
        "reachable": (
            f"部门队列：{len(st.departments_pushing)} 个部门最近一次推送均已送达",
            f"department queues: the last push reached all {len(st.departments_pushing)} department(s)",
        ),
        "unknown": (
            f"部门队列：{len(st.departments_with_transport)} 个部门已配置推送方式，连通情况未检测",
            f"department queues: {len(st.departments_with_transport)} department(s) with a transport, "
            "reachability not checked",
        ),
    }[st.queues]
    _out(queue_text[0] if zh else queue_text[1])
    header = (
        ["部门", "推送方式", "待推送", "失败", "已送达", "最早待推送", "最近错误"]
        if zh
        else ["department", "transport", "waiting", "failed", "delivered", "oldest waiting", "last error"]
    )
    _out("\t".join(header))
    for q in queues:
        _out(
            "\t".join(
                [
                    q.label(lang) if q.in_config else f"{q.code}" + ("（未在配置中）" if zh else " (not configured)"),
                    q.transport or ("未配置" if zh else "none"),
                    str(q.pending),
                    str(q.failed),
                    str(q.delivered),
                    format_age(q.oldest_pending_age, lang),
                    (q.last_error or "").replace("\n", " ")[:120],
                ]
            )
        )
    return 0


def _user(args) -> str:
    import getpass

    return args.user or os.environ.get("RECEPTION_USER") or getpass.getuser()


def _tracked(args, result) -> int:
    lang = _lang(args)
    status = enum_label("status", result.status, lang)
    _out(f"{result.case_no}\t{result.entry.label(lang)}\t{status}")
    return 0


def cmd_note(args) -> int:
    from reception.tracking import add_note

    ctx = _context(args)
    try:
        return _tracked(args, add_note(ctx, args.case_no, args.text, user=_user(args)))
    finally:
        ctx.close()


def cmd_answer(args) -> int:
    from reception.tracking import record_answer

    ctx = _context(args)
    try:
        result = record_answer(
            ctx,
            args.case_no,
            department=args.department,
            kind=args.kind,
            text=args.text,
            department_case_no=args.department_case_no,
            answered_on=args.answered_on,
            user=_user(args),
        )
    finally:
        ctx.close()
    return _tracked(args, result)


def cmd_close(args) -> int:
    from reception.tracking import close_case

    ctx = _context(args)
    try:
        result = close_case(
            ctx, args.case_no, outcome=args.outcome, satisfaction=args.satisfaction, note=args.note, user=_user(args)
        )
    finally:
        ctx.close()
    return _tracked(args, result)


def cmd_timeline(args) -> int:
    from reception.tracking import timeline

    ctx = _context(args)
    try:
        entries = timeline(ctx, args.case_no)
    finally:
        ctx.close()
    if args.json:
        _out(json.dumps([e.as_dict() for e in entries], ensure_ascii=False, indent=2))
        return 0
    lang = _lang(args)
    for e in entries:
        _out("\t".join([e.at.strftime("%Y-%m-%d %H:%M"), e.label(lang), e.actor or "", e.summary(lang)]))
    return 0


def cmd_attempts(args) -> int:
    from reception.dispatch.history import case_attempts

    ctx = _context(args)
    try:
        attempts = case_attempts(ctx, args.case_no)
        config = ctx.config
    finally:
        ctx.close()
    if args.json:
        _out(json.dumps([a.as_dict() for a in attempts], ensure_ascii=False, indent=2))
        return 0
    lang = _lang(args)
    for a in attempts:
        row = [
            a.at.strftime("%Y-%m-%d %H:%M:%S"),
            config.department_label(a.department, lang),
            enum_label("transfer_role", a.role, lang),
            enum_label("attempt_outcome", a.outcome, lang),
            str(a.http_status or ""),
            f"{a.duration_ms} ms" if a.duration_ms is not None else "",
            (a.error or "").replace("\n", " ")[:200],
        ]
        _out("\t".join(row))
    return 0


def cmd_dispatch(args) -> int:
    """Push the outbox to the departments: ``--once`` (default) drains what is due and exits 0; ``--watch``
    runs until interrupted (SIGINT/SIGTERM)."""
    import signal
    import threading

    from reception.dispatch import Dispatcher

    zh = _lang(args) == "zh"
    ctx = _context(args)
    try:
        with Dispatcher(ctx, departments=args.department or None) as dispatcher:
            if not dispatcher.lanes:
                _err("没有配置推送方式的部门" if zh else "no department has a transport configured")
            if args.watch:
                stop = threading.Event()

                def _stop(_signum, _frame):
                    stop.set()

                signal.signal(signal.SIGTERM, _stop)
                try:
                    dispatcher.run_forever(stop, interval=args.interval)
                except KeyboardInterrupt:
                    stop.set()
                return 0
            figures = dispatcher.run_once()
    finally:
        ctx.close()
    if args.json:
        _out(json.dumps({code: f.as_dict() for code, f in figures.items()}, ensure_ascii=False, indent=2))
    else:
        header = ["部门", "方式", "送达", "重试", "失败", "纸质", "查询", "答复", "最近错误"]
        header_en = ["department", "kind", "delivered", "retry", "dead", "manual", "polled", "answers", "last error"]
        _out("\t".join(header if zh else header_en))
        for code, f in figures.items():
            row = [code, f.kind, f.delivered, f.retried, f.dead, f.manual, f.polled, f.answers]
            _out("\t".join(str(x) for x in row) + "\t" + (f.crashed or f.last_error or "")[:120])
    return 1 if any(f.crashed for f in figures.values()) else 0


def cmd_departments(args) -> int:
    from reception.overview import queue_overview

    zh = _lang(args) == "zh"
    lang = "zh" if zh else "en"
    ctx = _context(args)
    try:
        queues = queue_overview(ctx)
        configs = ctx.config.departments
    finally:
        ctx.close()
    rows = []
    for q in queues:
        dept = configs.get(q.code)
        t = dept.transport if dept else None
        rows.append(
            {
                "code": q.code,
                "name": q.label(lang),
                "transport": t.kind if t is not None else None,
                "configured": bool(t),
                "base_url": t.base_url if t is not None else None,
                "pending": q.outbox.get("pending", 0),
                "in_flight": q.outbox.get("in_flight", 0),
                "dead_letters": q.failed,
                "delivered": q.delivered,
                "manual": q.outbox.get("manual", 0),
                "last_error": q.last_error,
            }
        )
    if args.json:
        _out(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    header = ["代码", "部门", "方式", "待推送", "推送中", "推送失败", "已送达", "最近错误"]
    header_en = ["code", "department", "transport", "pending", "in flight", "dead letters", "delivered", "last error"]
    _out("\t".join(header if zh else header_en))
    for r in rows:
        kind = r["transport"] or "-"
        if not r["configured"]:
            kind += "（未配置）" if zh else " (not configured)"
        values = [r["code"], r["name"], kind, r["pending"], r["in_flight"], r["dead_letters"], r["delivered"]]
        _out("\t".join(str(v) for v in values) + "\t" + (r["last_error"] or "").replace("\n", " ")[:120])
    return 0


def cmd_deadletters(args) -> int:
    from reception.dispatch import dead_letters

    zh = _lang(args) == "zh"
    ctx = _context(args)
    try:
        letters = dead_letters(ctx, args.department)
    finally:
        ctx.close()
    if args.json:
        _out(
            json.dumps(
                [
                    {
                        "transfer_id": d.transfer_id,
                        "case_no": d.case_no,
                        "department": d.department,
                        "role": d.role,
                        "reason": d.reason,
                        "attempts": d.attempts,
                        "created_at": d.created_at.isoformat(),
                        "last_attempt_at": d.last_attempt_at.isoformat() if d.last_attempt_at else None,
                    }
                    for d in letters
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    _out(
        "\t".join(
            ["转办编号", "案件编号", "部门", "次数", "原因"]
            if zh
            else ["transfer", "case", "department", "attempts", "reason"]
        )
    )
    for d in letters:
        _out("\t".join([d.transfer_id, d.case_no, d.department, str(d.attempts), (d.reason or "")[:200]]))
    return 0


def cmd_retry(args) -> int:
    from reception.dispatch import retry_dead

    ctx = _context(args)
    try:
        retry_dead(ctx, args.transfer_id, _user(args))
    finally:
        ctx.close()
    zh = _lang(args) == "zh"
    _out(f"已重新排队：{args.transfer_id}" if zh else f"queued again: {args.transfer_id}")
    return 0


def cmd_reroute(args) -> int:
    from reception.dispatch import reroute

    ctx = _context(args)
    try:
        new_id = reroute(ctx, args.transfer_id, args.department, args.reason, _user(args))
    finally:
        ctx.close()
    zh = _lang(args) == "zh"
    _out(f"已改派，新转办编号：{new_id}" if zh else f"re-routed; new transfer: {new_id}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="reception", description="一站式受理台 / One-stop reception desk")
    p.add_argument("--version", action="version", version=f"reception {__version__}")
    p.add_argument("--db", help="SQLAlchemy URL or SQLite file (default: RECEPTION_DB, then the user data folder)")
    p.add_argument("--config", help="hall configuration file (default: hall.toml in the user config folder)")
    p.add_argument("--lang", choices=["zh", "en"], help="language of messages (default zh, or RECEPTION_LANG)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("init", help="create or migrate the database; write the hall config if missing").set_defaults(
        func=cmd_init
    )
    s = sub.add_parser("intake", help="register one case (JSON object) or several (JSON list)")
    s.add_argument("file", help="JSON file, or - for standard input")
    s.set_defaults(func=cmd_intake)
    s = sub.add_parser("show", help="show one case")
    s.add_argument("case_no")
    s.add_argument("--json", action="store_true", help="print the case in its JSON form")
    s.set_defaults(func=cmd_show)
    s = sub.add_parser("search", help="search by case number, ID number, phone, name or words of the facts")
    s.add_argument("text")
    s.add_argument("--json", action="store_true")
    s.add_argument("--limit", type=int, default=200)
    s.set_defaults(func=cmd_search)
    s = sub.add_parser(
        "list",
        help="the case list (案件查询): filter, sort and page through the cases",
        description=(
            "List cases received in a date range, by window, status, department, risk or overdue, and/or "
            "matching one search text (case number, ID number, phone, name or words of the facts). "
            "Overdue: an open deadline due before today (hall time) on a case not resolved or closed."
        ),
    )
    s.add_argument("--from", dest="date_from", type=_iso_date, metavar="YYYY-MM-DD", help="received on or after")
    s.add_argument("--to", dest="date_to", type=_iso_date, metavar="YYYY-MM-DD", help="received on or before")
    s.add_argument("--window", help="litigation, procuratorate, legal_aid, petition, mediation, consultation")
    s.add_argument("--status", help="registered, routed, in_progress, returned, concluded, resolved, closed")
    s.add_argument("--department", help="a department code of the hall configuration")
    s.add_argument("--risk", help="red, orange, yellow, blue")
    s.add_argument("--overdue", action="store_true", help="only overdue cases")
    s.add_argument("--query", help="case number, ID number, phone, name or words of the facts")
    s.add_argument(
        "--sort",
        default="received",
        choices=["received", "case_no", "applicant", "window", "status", "risk", "department"],
        help="column to sort by (default received)",
    )
    s.add_argument("--order", choices=["asc", "desc"], help="default: desc for received, asc otherwise")
    s.add_argument("--offset", type=int, default=0, help="first row to show (0-based)")
    s.add_argument("--limit", type=int, default=50, help="rows to show (default 50)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_list)
    s = sub.add_parser("demo", help="add realistic synthetic cases")
    s.add_argument("--cases", type=int, default=100)
    s.add_argument("--seed", type=int, default=None)
    s.set_defaults(func=cmd_demo)
    s = sub.add_parser("receipt", help="print a case's receipt, 80 mm slip or transfer slip to a PDF file")
    s.add_argument("case_no")
    s.add_argument("--out", required=True, help="PDF file to write")
    s.add_argument("--layout", choices=["a4", "slip", "transfer"], default="a4")
    s.add_argument("--user", help="who prints (default: the case's clerk)")
    s.add_argument("--preview", action="store_true", help="render without recording the print")
    s.set_defaults(func=cmd_receipt)
    s = sub.add_parser("verify", help="check a receipt's verification code (exit 0 valid, 1 invalid)")
    s.add_argument("case_no")
    s.add_argument("code")
    s.set_defaults(func=cmd_verify)
    s = sub.add_parser("secret", help="store or remove a secret in the system keyring")
    s.add_argument("action", choices=["set", "delete"], help="set: the value is read from standard input")
    s.add_argument("name", help="e.g. receipt-signing-key")
    s.set_defaults(func=cmd_secret)
    s = sub.add_parser("status", help="database in use, cases waiting to be pushed, department queues")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)
    s = sub.add_parser(
        "export",
        help="end-of-day export (日结): register as XLSX and CSV, PDF summary, manifest.json",
        description=(
            "Export this workstation's register of the cases received on a day (or from --from to --to) "
            "as XLSX and CSV (UTF-8 with BOM), a PDF summary and manifest.json with the files' SHA-256. "
            "Until user accounts exist the command line exports as the role clerk (窗口受理员): ID numbers, "
            "phones and addresses are masked (110105********1239, 138****5678) and health, income and "
            "property are left out. A closed day is exported from what was stored when it was closed, "
            "so exporting it again gives the same files."
        ),
    )
    s.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="the day")
    s.add_argument("--from", dest="date_from", type=_iso_date, metavar="YYYY-MM-DD", help="first day of a range")
    s.add_argument("--to", dest="date_to", type=_iso_date, metavar="YYYY-MM-DD", help="last day of a range")
    s.add_argument("--out", required=True, help="folder to write the files into (created if missing)")
    s.add_argument("--close", action="store_true", help="close the day (日结) first; refused if already closed")
    s.add_argument("--user", help="who exports (and closes); recorded in the manifest and the audit log")
    s.set_defaults(func=cmd_export)
    s = sub.add_parser("note", help="add a note (备注) to a case's timeline")
    s.add_argument("case_no")
    s.add_argument("text")
    s.add_argument("--user", help="who writes it (default: RECEPTION_USER, then the login name)")
    s.set_defaults(func=cmd_note)
    s = sub.add_parser(
        "answer",
        help="record a department's answer by hand (accepted, returned, progress, concluded)",
        description=(
            "kinds: accepted 已受理（签收）, returned 退回 (TEXT is the reason), progress 办理进展, "
            "concluded 已办结 (TEXT is the outcome). DEPARTMENT is a department code or name the case was "
            "transferred to."
        ),
    )
    s.add_argument("case_no")
    s.add_argument("--department", required=True)
    s.add_argument("--kind", required=True, help="accepted | returned | progress | concluded")
    s.add_argument("--text", help="the answer: reason, progress or outcome")
    s.add_argument("--department-case-no", help="the department's own case number")
    s.add_argument("--answered-on", metavar="YYYY-MM-DD", help="when the department answered (default: today)")
    s.add_argument("--user", help="who records it (default: RECEPTION_USER, then the login name)")
    s.set_defaults(func=cmd_answer)
    s = sub.add_parser(
        "close",
        help="close a case (办结) with its outcome and the visitor's satisfaction",
        description=(
            "outcomes: resolved 化解成功, mediated 调解成功, answered 已答复, withdrawn 撤回, "
            "referred 转其他法定途径, not_accepted 不予受理, unresolved 未化解. "
            "satisfaction: very_satisfied 非常满意, satisfied 满意, basic 基本满意, dissatisfied 不满意, "
            "not_reached 未能回访."
        ),
    )
    s.add_argument("case_no")
    s.add_argument("--outcome", required=True)
    s.add_argument("--satisfaction", required=True)
    s.add_argument("--note")
    s.add_argument("--user", help="who closes it (default: RECEPTION_USER, then the login name)")
    s.set_defaults(func=cmd_close)
    s = sub.add_parser("timeline", help="a case's timeline: events and receipt prints, oldest first")
    s.add_argument("case_no")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_timeline)
    s = sub.add_parser("attempts", help="a case's push attempts (推送记录), newest first")
    s.add_argument("case_no")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_attempts)
    s = sub.add_parser("dispatch", help="push waiting transfers to their departments and read their answers back")
    mode = s.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="drain what is due, poll once, exit (default)")
    mode.add_argument("--watch", action="store_true", help="keep running (one lane per department) until stopped")
    s.add_argument("--interval", type=float, default=5.0, help="seconds between rounds with --watch (default 5)")
    s.add_argument("--department", action="append", help="only this department (repeatable)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_dispatch)
    s = sub.add_parser("departments", help="each department with its transport and its queue's state")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_departments)
    s = sub.add_parser("deadletters", help="transfers that could not be pushed (dead letters), with the reason")
    s.add_argument("--department")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_deadletters)
    s = sub.add_parser("retry", help="put a dead letter back in the queue (same transfer id)")
    s.add_argument("transfer_id")
    s.add_argument("--user")
    s.set_defaults(func=cmd_retry)
    s = sub.add_parser("reroute", help="send a transfer to another department instead (new transfer)")
    s.add_argument("transfer_id")
    s.add_argument("--department", required=True)
    s.add_argument("--reason", required=True)
    s.add_argument("--user")
    s.set_defaults(func=cmd_reroute)
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=os.environ.get("RECEPTION_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    lang = _lang(args)
    try:
        return args.func(args)
    except ConfigError as exc:
        for p in exc.problems:
            _err(p.text(lang))
        return 2
    except ValidationFailed as exc:
        for e in exc.errors:
            _err(e.line(lang))
        return 2
    except NotFound as exc:
        _err(exc.message(lang))
        return 1
    except ReceptionError as exc:
        _err(exc.message(lang))
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
