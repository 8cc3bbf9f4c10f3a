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
