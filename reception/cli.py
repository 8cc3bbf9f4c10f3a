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
