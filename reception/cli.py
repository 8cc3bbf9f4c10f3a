"""The ``reception`` command line: every clerk action, scriptable.

Exit codes: 0 done, 1 not found / failed, 2 invalid input or configuration (one line per problem), 3 not
signed in or not allowed (``reception.cli_signin``: what a person does, they do signed in with ``--as``).
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
        from reception.config_audit import note_configuration

        changed = note_configuration(ctx)
        if changed:
            names = "、".join(changed) if _lang(args) == "zh" else ", ".join(changed)
            _out(("已在审计日志中记录配置文件：" if _lang(args) == "zh" else "configuration files recorded: ") + names)
    finally:
        ctx.close()
    return 0


def cmd_about(args) -> int:
    """What 帮助 → 关于 shows: version, database (no secrets), folders, hall file, licences."""
    from reception.about import about_info, about_text

    _out(about_text(about_info(args.db, hall_file=Path(args.config) if args.config else None), _lang(args)))
    return 0


def _person(ctx, args):
    """The signed-in person (``reception.cli_signin``): every command a person does at the desk."""
    from reception.cli_signin import sign_in

    return sign_in(ctx, args)


def _viewer(ctx, args):
    """The signed-in person, who must be allowed to look at cases (``case.view``)."""
    from reception.security.roles import acting

    me = _person(ctx, args)
    acting(me, "case.view")
    return me


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
        me = _person(ctx, args)
        results = register_many(ctx, data, user=me) if isinstance(data, list) else [register_case(ctx, data, user=me)]
        tidy(ctx.db)
    finally:
        ctx.close()
    for r in results:
        _out(r.case_no)
        for w in r.warnings:
            _err(("提示 " if lang == "zh" else "warning ") + w.line(lang))
    return 0


def cmd_show(args) -> int:
    """The case as the desk shows it: numbers masked, sensitive data by role; ``--full --reason`` shows the
    numbers in full (``case.view_personal``, audited as ``case.view_full``)."""
    from reception.disclosure import case_view, reveal_case

    if args.full and not args.reason:
        _err("--full 需要 --reason（查看完整号码的理由）" if _lang(args) == "zh" else "--full needs --reason (why)")
        return 2
    ctx = _context(args)
    try:
        me = _person(ctx, args)
        doc = reveal_case(ctx, args.case_no, me, args.reason) if args.full else case_view(ctx, args.case_no, me)
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
        _viewer(ctx, args)
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
        _viewer(ctx, args)
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
        me = _person(ctx, args)
        cases = generate_cases(ctx.config, args.cases, seed=args.seed)
        done = 0
        batch = 200
        for i in range(0, len(cases), batch):
            done += len(register_many(ctx, cases[i : i + batch], user=me))
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
        result = render_receipt(ctx, args.case_no, args.layout, user=_person(ctx, args), record=not args.preview)
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
        me = _person(ctx, args)
        if args.close:
            rec = close_day(ctx, start, user=me)
            _err(
                f"已日结 {rec.day.isoformat()}（工作站 {rec.workstation}）：{rec.case_count} 件"
                if zh
                else f"closed {rec.day.isoformat()} (workstation {rec.workstation}): {rec.case_count} case(s)"
            )
        result = export_register(ctx, start=start, end=end, out_dir=Path(args.out), user=me, progress=progress)
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


def _tracked(args, result) -> int:
    lang = _lang(args)
    status = enum_label("status", result.status, lang)
    _out(f"{result.case_no}\t{result.entry.label(lang)}\t{status}")
    return 0


def cmd_note(args) -> int:
    from reception.tracking import add_note

    ctx = _context(args)
    try:
        return _tracked(args, add_note(ctx, args.case_no, args.text, user=_person(ctx, args)))
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
            user=_person(ctx, args),
        )
    finally:
        ctx.close()
    return _tracked(args, result)


def cmd_close(args) -> int:
    from reception.tracking import close_case

    ctx = _context(args)
    try:
        result = close_case(
            ctx,
            args.case_no,
            outcome=args.outcome,
            satisfaction=args.satisfaction,
            note=args.note,
            user=_person(ctx, args),
        )
    finally:
        ctx.close()
    return _tracked(args, result)


def cmd_timeline(args) -> int:
    from reception.tracking import timeline

    ctx = _context(args)
    try:
        _viewer(ctx, args)
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
        _viewer(ctx, args)
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


def cmd_audit(args) -> int:
    """``audit verify`` (exit 0 intact, 1 with one line per problem) and ``audit list`` (who did what when)."""
    from zoneinfo import ZoneInfo

    from reception import audit

    lang = _lang(args)
    zh = lang == "zh"
    ctx = _context(args)
    try:
        if args.audit_command == "verify":
            report = audit.verify(ctx, manifests=[Path(m) for m in args.manifest or ()])
        else:
            entries = audit.records(
                ctx,
                start=args.date_from,
                end=args.date_to,
                user=args.user,
                action=args.action,
                limit=args.limit,
                viewer=_person(ctx, args),
            )
            tz = ZoneInfo(ctx.config.centre.timezone)
    finally:
        ctx.close()
    if args.audit_command == "verify":
        if args.json:
            _out(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        elif report.intact:
            _out(report.summary(lang))
        else:
            for problem in report.problems:
                _out(problem.line(lang))
            _err(report.summary(lang))
        return 0 if report.intact else 1
    if args.json:
        _out(json.dumps([e.as_dict() for e in entries], ensure_ascii=False, indent=2))
        return 0
    header = ["时间", "用户", "工作站", "操作", "对象", "结果", "详情"]
    header_en = ["time", "user", "workstation", "action", "object", "result", "detail"]
    _out("\t".join(header if zh else header_en))
    for e in entries:
        obj = f"{e.object_type}:{e.object_id}" if e.object_type else e.object_id or ""
        detail = json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail is not None else ""
        row = [e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), e.user or "-", e.workstation or "-"]
        _out("\t".join([*row, e.action, obj, e.result, detail]))
    _err(f"共 {len(entries)} 条（最新的在前）" if zh else f"{len(entries)} record(s), newest first")
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
        _viewer(ctx, args)
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
        retry_dead(ctx, args.transfer_id, _person(ctx, args))
    finally:
        ctx.close()
    zh = _lang(args) == "zh"
    _out(f"已重新排队：{args.transfer_id}" if zh else f"queued again: {args.transfer_id}")
    return 0


def cmd_reroute(args) -> int:
    from reception.dispatch import reroute

    ctx = _context(args)
    try:
        new_id = reroute(ctx, args.transfer_id, args.department, args.reason, _person(ctx, args))
    finally:
        ctx.close()
    zh = _lang(args) == "zh"
    _out(f"已改派，新转办编号：{new_id}" if zh else f"re-routed; new transfer: {new_id}")
    return 0


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def cmd_backup(args) -> int:
    """``backup --out FILE`` | ``--auto`` (the daily one, rotated) | ``--list``. PostgreSQL: exit 2."""
    from datetime import UTC, datetime

    from reception.backup import (
        BackupRefused,
        BackupUnsupported,
        backup,
        backup_folder,
        list_backups,
        postgres_refusal,
        run_daily,
    )

    lang = _lang(args)
    zh = lang == "zh"
    ctx = _context(args)
    try:
        if ctx.db.dialect != "sqlite":
            raise postgres_refusal()
        folder = backup_folder(ctx)
        tz = ctx.config.centre.timezone
        if args.list:
            entries = list_backups(folder, tz)
            if args.json:
                rows = [
                    {
                        "file": str(e.path),
                        "kind": e.kind,
                        "taken_at": e.taken_at.isoformat(),
                        "size": e.size,
                        "case_count": (e.manifest or {}).get("case_count"),
                        "schema_revision": (e.manifest or {}).get("schema_revision"),
                        "sha256": (e.manifest or {}).get("sha256"),
                    }
                    for e in entries
                ]
                _out(json.dumps({"folder": str(folder), "backups": rows}, ensure_ascii=False, indent=2))
                return 0
            kinds = {"daily": ("每日", "daily"), "manual": ("手动", "manual"), "pre-restore": ("恢复前", "pre-restore")}
            header = ["时间", "类型", "大小", "案件", "文件"] if zh else ["taken", "kind", "size", "cases", "file"]
            _out("\t".join(header))
            for e in entries:
                cases = (e.manifest or {}).get("case_count")
                kind = kinds[e.kind][0 if zh else 1]
                row = [e.taken_at.strftime("%Y-%m-%d %H:%M:%S"), kind, _mb(e.size), "" if cases is None else str(cases)]
                _out("\t".join([*row, str(e.path)]))
            n = len(entries)
            _err(f"备份文件夹 {folder}：共 {n} 份" if zh else f"backup folder {folder}: {n} backup(s)")
            return 0
        if args.auto:
            before = {e.path for e in list_backups(folder, tz)}
            info = run_daily(ctx, datetime.now(UTC))
            after = {e.path for e in list_backups(folder, tz)}
            if info is None:
                last = max(after, default=None, key=lambda p: p.name)
                _err(
                    f"今天已有备份（{last.name if last else '-'}），未再备份"
                    if zh
                    else f"today's backup exists already ({last.name if last else '-'}); nothing to do"
                )
            for gone in sorted(before - after):
                _err(f"已按保留规则删除旧备份 {gone.name}" if zh else f"removed by the keep rules: {gone.name}")
        else:
            info = backup(ctx, Path(args.out), user=_person(ctx, args))
    except (BackupUnsupported, BackupRefused) as exc:
        _err(exc.message(lang))
        return 2
    finally:
        ctx.close()
    if info is not None:
        _out(str(info.path))
        _err(
            f"已备份：{info.case_count} 件案件，{_mb(info.size)}，结构版本 {info.schema_revision}，"
            f"用时 {info.seconds:.1f} 秒；SHA-256 {info.sha256}（见 {info.manifest.name}）"
            if zh
            else f"backed up: {info.case_count} case(s), {_mb(info.size)}, schema {info.schema_revision}, "
            f"{info.seconds:.1f} s; SHA-256 {info.sha256} (in {info.manifest.name})"
        )
    return 0


def _restorer(args, url: str, db: Path, file: Path):
    """Who restores, signed in against the current database; if there is none, or it cannot be opened
    or has no accounts table (the cases a restore is for), against a copy of the checked backup: its
    accounts are the hall's as of the backup. The copy is thrown away; the restore's own audit record
    names the person."""
    import shutil
    import tempfile

    from sqlalchemy.exc import SQLAlchemyError

    from reception.context import open_context
    from reception.security.accounts import has_accounts

    config = Path(args.config) if args.config else None
    if db.exists():
        try:
            ctx = open_context(url, config, migrate=False)
        except (SQLAlchemyError, ReceptionError, OSError):
            ctx = None
        if ctx is not None:
            try:
                has_accounts(ctx)
            except SQLAlchemyError:
                pass
            else:
                return _person(ctx, args)
            finally:
                ctx.close()
    with tempfile.TemporaryDirectory(prefix="reception-restore-") as tmp:
        copy = Path(tmp) / "backup.sqlite3"
        shutil.copyfile(file, copy)
        ctx = open_context("sqlite:///" + copy.as_posix(), config)
        try:
            return _person(ctx, args)
        finally:
            ctx.close()


def cmd_restore(args) -> int:
    """Check the backup file, print what was checked, ask (unless --yes), replace the database."""
    from reception.backup import (
        BackupRefused,
        BackupUnsupported,
        check_backup,
        default_backup_folder,
        postgres_refusal,
        record_restore,
        restore,
        sqlite_path,
    )
    from reception.config import load_config
    from reception.storage.engine import resolve_url

    lang = _lang(args)
    zh = lang == "zh"
    url = resolve_url(args.db)
    file = Path(args.file)
    try:
        db = sqlite_path(url)
        if db is None:
            raise postgres_refusal()
        config = load_config(Path(args.config) if args.config else None)
        folder = config.backup.folder or default_backup_folder()
        checked = check_backup(file)
        _out(f"已检查备份文件 {file}：" if zh else f"checked the backup file {file}:")
        for line in checked.lines:
            _out("  ✓ " + line.text(lang))
        me = _restorer(args, url, db, file)
        me.require("database.restore")  # before the question
        if not args.yes:
            sys.stderr.write(
                f"将用此备份替换数据库 {db}；当前数据库先另存到 {folder}。继续吗？[y/N] "
                if zh
                else f"Replace the database {db} with this backup? The current one is saved to {folder} first. [y/N] "
            )
            sys.stderr.flush()
            answer = sys.stdin.readline().strip().lower()
            if answer not in ("y", "yes", "是"):
                _err("已取消，数据库未改变" if zh else "cancelled; the database is unchanged")
                return 1
        info = restore(url, file, folder=folder, timezone=config.centre.timezone, user=me)
    except (BackupUnsupported, BackupRefused) as exc:
        _err(exc.message(lang))
        return 2
    ctx = _context(args)
    try:
        record_restore(ctx, info, me.username)
    finally:
        ctx.close()
    if zh:
        revisions = f"{info.revision_restored} → {info.revision_now}"
        _out(f"已恢复：{info.database}（{info.case_count} 件案件，结构版本 {revisions}）")
        if info.safety_backup:
            _out(f"恢复前的数据库已另存为：{info.safety_backup}")
    else:
        _out(
            f"restored: {info.database} ({info.case_count} case(s), schema {info.revision_restored} -> "
            f"{info.revision_now})"
        )
        if info.safety_backup:
            _out(f"the database as it was before is saved as: {info.safety_backup}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="reception", description="一站式受理台 / One-stop reception desk")
    p.add_argument("--version", action="version", version=f"reception {__version__}")
    p.add_argument("--db", help="SQLAlchemy URL or SQLite file (default: RECEPTION_DB, then the user data folder)")
    p.add_argument("--config", help="hall configuration file (default: hall.toml in the user config folder)")
    p.add_argument("--lang", choices=["zh", "en"], help="language of messages (default zh, or RECEPTION_LANG)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # what a person does is done signed in (reception.cli_signin)
    signed = argparse.ArgumentParser(add_help=False)
    signed.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="who does it (default: RECEPTION_USER); the password is asked for, or read from RECEPTION_PASSWORD",
    )

    sub.add_parser(
        "about", help="version, database (never its password), folders and the licences of what is shipped"
    ).set_defaults(func=cmd_about)
    sub.add_parser("init", help="create or migrate the database; write the hall config if missing").set_defaults(
        func=cmd_init
    )
    s = sub.add_parser("intake", parents=[signed], help="register one case (JSON object) or several (JSON list)")
    s.add_argument("file", help="JSON file, or - for standard input")
    s.set_defaults(func=cmd_intake)
    s = sub.add_parser("show", parents=[signed], help="show one case")
    s.add_argument("case_no")
    s.add_argument("--json", action="store_true", help="print the case in its JSON form")
    s.add_argument(
        "--full",
        action="store_true",
        help="ID numbers and phones in full (needs the role and --reason; audited as case.view_full)",
    )
    s.add_argument("--reason", help="with --full: why (e.g. 核对身份; no ID or phone numbers in it)")
    s.set_defaults(func=cmd_show)
    s = sub.add_parser(
        "search", parents=[signed], help="search by case number, ID number, phone, name or words of the facts"
    )
    s.add_argument("text")
    s.add_argument("--json", action="store_true")
    s.add_argument("--limit", type=int, default=200)
    s.set_defaults(func=cmd_search)
    s = sub.add_parser(
        "list",
        parents=[signed],
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
    s = sub.add_parser("demo", parents=[signed], help="add realistic synthetic cases")
    s.add_argument("--cases", type=int, default=100)
    s.add_argument("--seed", type=int, default=None)
    s.set_defaults(func=cmd_demo)
    s = sub.add_parser(
        "receipt", parents=[signed], help="print a case's receipt, 80 mm slip or transfer slip to a PDF file"
    )
    s.add_argument("case_no")
    s.add_argument("--out", required=True, help="PDF file to write")
    s.add_argument("--layout", choices=["a4", "slip", "transfer"], default="a4")
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
        parents=[signed],
        help="end-of-day export (日结): register as XLSX and CSV, PDF summary, manifest.json",
        description=(
            "Export this workstation's register of the cases received on a day (or from --from to --to) "
            "as XLSX and CSV (UTF-8 with BOM), a PDF summary and manifest.json with the files' SHA-256. "
            "The export shows what the signed-in person's role may take out: for a clerk (窗口受理员) ID "
            "numbers, phones and addresses are masked (110105********1239, 138****5678) and health, income "
            "and property are left out. A closed day is exported from what was stored when it was closed, "
            "so exporting it again gives the same files."
        ),
    )
    s.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="the day")
    s.add_argument("--from", dest="date_from", type=_iso_date, metavar="YYYY-MM-DD", help="first day of a range")
    s.add_argument("--to", dest="date_to", type=_iso_date, metavar="YYYY-MM-DD", help="last day of a range")
    s.add_argument("--out", required=True, help="folder to write the files into (created if missing)")
    s.add_argument("--close", action="store_true", help="close the day (日结) first; refused if already closed")
    s.set_defaults(func=cmd_export)
    s = sub.add_parser("note", parents=[signed], help="add a note (备注) to a case's timeline")
    s.add_argument("case_no")
    s.add_argument("text")
    s.set_defaults(func=cmd_note)
    s = sub.add_parser(
        "answer",
        parents=[signed],
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
    s.set_defaults(func=cmd_answer)
    s = sub.add_parser(
        "close",
        parents=[signed],
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
    s.set_defaults(func=cmd_close)
    s = sub.add_parser("timeline", parents=[signed], help="a case's timeline: events and receipt prints, oldest first")
    s.add_argument("case_no")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_timeline)
    s = sub.add_parser("attempts", parents=[signed], help="a case's push attempts (推送记录), newest first")
    s.add_argument("case_no")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_attempts)
    s = sub.add_parser("audit", help="the audit trail: verify its hash chain, list who did what when")
    audit_sub = s.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    a = audit_sub.add_parser(
        "verify", parents=[signed], help="check the chain (exit 0 intact; 1 with one line per problem)"
    )
    a.add_argument(
        "--manifest",
        action="append",
        metavar="FILE",
        help="also check the audit head an export's manifest.json recorded (repeatable)",
    )
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_audit)
    a = audit_sub.add_parser("list", parents=[signed], help="audit records, newest first")
    a.add_argument("--from", dest="date_from", type=_iso_date, metavar="DATE", help="first day (YYYY-MM-DD)")
    a.add_argument("--to", dest="date_to", type=_iso_date, metavar="DATE", help="last day (YYYY-MM-DD)")
    a.add_argument("--user", help="only this user's records")
    a.add_argument("--action", help="an action (case.create), or its group (case)")
    a.add_argument("--limit", type=int, default=100, help="at most this many records (default 100)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_audit)
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
    s = sub.add_parser(
        "deadletters", parents=[signed], help="transfers that could not be pushed (dead letters), with the reason"
    )
    s.add_argument("--department")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_deadletters)
    s = sub.add_parser("retry", parents=[signed], help="put a dead letter back in the queue (same transfer id)")
    s.add_argument("transfer_id")
    s.set_defaults(func=cmd_retry)
    s = sub.add_parser("reroute", parents=[signed], help="send a transfer to another department instead (new transfer)")
    s.add_argument("transfer_id")
    s.add_argument("--department", required=True)
    s.add_argument("--reason", required=True)
    s.set_defaults(func=cmd_reroute)
    s = sub.add_parser(
        "backup",
        parents=[signed],
        help="back the SQLite database up (online backup API), daily with rotation, or list the backups",
        description=(
            "--out FILE: a backup into FILE (refused if it exists), checked (integrity, schema revision) and "
            "described in FILE.json (time, source, schema revision, case count, audit chain head, SHA-256). "
            "--auto: today's backup into the [backup] folder of the hall file if there is none yet, then delete "
            "what keep_days/keep_months no longer keep (only files named reception-YYYYMMDD-HHMMSS*.sqlite3); "
            "for a scheduled task. --list: the backups in that folder. A PostgreSQL database is backed up by "
            "its server (pg_dump): exit 2."
        ),
    )
    mode = s.add_mutually_exclusive_group(required=True)
    mode.add_argument("--out", metavar="FILE", help="write the backup to this file")
    mode.add_argument("--auto", action="store_true", help="the daily backup and rotation (scheduled task)")
    mode.add_argument("--list", action="store_true", help="list the backups in the backup folder")
    s.add_argument("--json", action="store_true", help="with --list: JSON")
    s.set_defaults(func=cmd_backup)
    s = sub.add_parser(
        "restore",
        parents=[signed],
        help="replace the SQLite database with a backup, after checking it (close the desk first)",
        description=(
            "Checks FILE first (SQLite header and size, the SHA-256 in FILE.json if present, integrity check, "
            "a reception database, a schema revision not newer than this program's) and prints what it "
            "checked; a failed check changes nothing (exit 2). Refused while another program has the database "
            "open (exit 1). Otherwise saves the current database into the backup folder "
            "(reception-…-pre-restore.sqlite3), puts the backup in its place and migrates it."
        ),
    )
    s.add_argument("file", help="the backup file")
    s.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    s.set_defaults(func=cmd_restore)
    from reception import cli_users

    cli_users.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=os.environ.get("RECEPTION_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    lang = _lang(args)
    from reception.cli_signin import refusals

    try:
        return args.func(args)
    except refusals() as exc:
        _err(exc.message(lang))
        return 3
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
