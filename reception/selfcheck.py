"""The smoke test of an installed program, core part: does everything the desk needs work from here?

``reception-desk --smoke-test`` (``ui.smoke``) runs it in the built bundle after every build
(``build_installer.py``) and after an installation. It works in a data folder of its own and proves,
through the real core, that the program's files are complete:

1. the shipped resources and the Alembic migrations are found (inside the bundle when frozen);
2. the data folder is one the smoke test may write to: a database holding cases that the smoke test did
   not register is refused, never written to (:class:`NotASmokeFolder`);
3. the database is created, or an older one migrated in place (with the backup the migration takes), or
   found at the newest revision — the same ``open_context`` the desk runs at every start;
4. the hall's time zone is known (on Windows that needs the ``tzdata`` package);
5. the system keyring is found (on Windows the Credential Manager must be, in the bundle), then a keyring
   of this process only is put in its place: the smoke test writes no secret into the workstation;
6. argon2 password hashing works; the PostgreSQL driver and its libpq load (required in the bundle);
7. a realistic synthetic case (``reception.demo``) is registered through ``reception.intake`` as the
   service ``smoke-test``, and read back;
8. its A4 receipt is rendered through ``reception.receipts`` with the shipped WenQuanYi Micro Hei as the
   main font (a hall's choice of font is set aside for this check only), the font embedded, the query code
   verified, and the PDF kept in ``<data folder>/smoke-test/``;
9. the day's register is exported (XLSX, CSV, PDF summary, manifest) into the same folder.

Each step is a :class:`Check` with a text in Chinese and English; the first that fails ends the run.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import secrets
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from keyring.backend import KeyringBackend

from reception.errors import ReceptionError

log = logging.getLogger(__name__)

#: the name the smoke test acts under (a plain name: a trusted service, see ``security.roles.acting``)
SMOKE_USER = "smoke-test"
#: the clerk named on the smoke test's case
SMOKE_CLERK = "冒烟测试"
#: folder (inside the data folder) for what the smoke test leaves to look at
OUT_FOLDER = "smoke-test"
REPORT_FILE = "report.txt"

TITLES: dict[str, tuple[str, str]] = {
    "bundle": ("程序文件", "program files"),
    "folder": ("数据文件夹", "data folder"),
    "database": ("数据库", "database"),
    "timezone": ("时区数据", "time zone data"),
    "keyring": ("系统密钥存储", "system keyring"),
    "passwords": ("密码散列", "password hashing"),
    "postgres": ("PostgreSQL 驱动", "PostgreSQL driver"),
    "intake": ("受理登记", "intake"),
    "receipt": ("受理回执", "receipt"),
    "export": ("日结导出", "day export"),
}


def titles(mapping: dict[str, tuple[str, str]]) -> None:
    """Register the (zh, en) titles of more checks (the desk's part of the smoke test, ``ui.smoke``)."""
    TITLES.update(mapping)


class SmokeTestFailed(ReceptionError):
    code = "smoke.failed"


class NotASmokeFolder(ReceptionError):
    """The data folder holds a database with the hall's own cases: the smoke test does not write there."""

    code = "smoke.not_a_smoke_folder"

    def __init__(self, path: Path, others: int):
        super().__init__(
            f"数据库 {path} 中有 {others} 件不是冒烟测试登记的案件：冒烟测试只在自己的数据文件夹中运行，"
            "不会写入本厅的数据库。请不设置 RECEPTION_DATA_DIR（使用临时文件夹），或让它指向一个空文件夹。",
            f"the database {path} holds {others} case(s) the smoke test did not register: the smoke test only "
            "runs in a data folder of its own and never writes to a hall's database. Leave RECEPTION_DATA_DIR "
            "unset (a temporary folder is used) or point it at an empty folder.",
        )
        self.path = path
        self.others = others


def process_keyring() -> KeyringBackend:
    """A keyring that lives in this process only (the smoke test's): nothing reaches the workstation's
    Credential Manager, and the receipt's query code can still be made and verified.

    The class is made here, not at import: keyring registers every ``KeyringBackend`` subclass, and one
    defined before keyring picked its backend could be picked as this process's keyring."""

    class ProcessKeyring(KeyringBackend):
        priority = 1

        def __init__(self):
            super().__init__()
            self._store: dict[tuple[str, str], str] = {}

        def set_password(self, service, username, password):
            self._store[(service, username)] = password

        def get_password(self, service, username):
            return self._store.get((service, username))

        def delete_password(self, service, username):
            self._store.pop((service, username), None)

    return ProcessKeyring()


@dataclass(frozen=True)
class Check:
    key: str
    ok: bool
    zh: str
    en: str

    def title(self, lang: str = "zh") -> str:
        zh, en = TITLES.get(self.key, (self.key, self.key))
        return en if lang.startswith("en") else zh

    def text(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh

    def line(self, lang: str = "zh") -> str:
        mark = ("ok  " if self.ok else "FAIL") if lang.startswith("en") else ("通过" if self.ok else "失败")
        sep = ": " if lang.startswith("en") else "："
        return f"[{mark}] {self.title(lang)}{sep}{self.text(lang)}"


def describe(exc: BaseException) -> tuple[str, str]:
    """(zh, en) of an exception: the core's own words for its errors, else the type and message."""
    if isinstance(exc, ReceptionError):
        return exc.message("zh"), exc.message("en")
    text = f"{type(exc).__name__}: {exc}"
    return text, text


def frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def _kb(n: int) -> str:
    return f"{n / 1024:.0f} KB"


class SmokeTest:
    """The steps of the smoke test on the data folder ``folder`` (the user data folder of this process:
    ``ui.smoke`` points ``RECEPTION_DATA_DIR`` at it). ``step`` runs one more check (the Qt part adds its
    own); the first failure stops :meth:`run_core`."""

    def __init__(self, folder: Path, *, now: datetime | None = None):
        self.folder = Path(folder)
        self.out = self.folder / OUT_FOLDER
        self.now = now
        self.checks: list[Check] = []
        self.ctx = None
        self.case_no: str | None = None
        self.receipt: Path | None = None
        self._previous_keyring: KeyringBackend | None = None

    # -- running -----------------------------------------------------------------------------------
    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def step(self, key: str, fn: Callable[[], tuple[str, str]]) -> bool:
        """Run ``fn`` (returns its (zh, en) detail) as the check ``key``; an exception fails the check."""
        try:
            zh, en = fn()
        except Exception as exc:
            log.error("smoke test: %s failed", key, exc_info=exc)
            zh, en = describe(exc)
            self.checks.append(Check(key, False, zh, en))
            return False
        log.info("smoke test: %s ok", key)
        self.checks.append(Check(key, True, zh, en))
        return True

    def run_core(self) -> bool:
        self.out.mkdir(parents=True, exist_ok=True)
        steps = (
            ("bundle", self.check_bundle),
            ("folder", self.check_folder),
            ("database", self.check_database),
            ("timezone", self.check_timezone),
            ("keyring", self.check_keyring),
            ("passwords", self.check_passwords),
            ("postgres", self.check_postgres_driver),
            ("intake", self.check_intake),
            ("receipt", self.check_receipt),
            ("export", self.check_export),
        )
        return all(self.step(key, fn) for key, fn in steps)

    def close(self) -> None:
        if self.ctx is not None:
            self.ctx.close()
            self.ctx = None
        if self._previous_keyring is not None:
            import keyring

            keyring.set_keyring(self._previous_keyring)
            self._previous_keyring = None

    def report(self, lang: str = "zh") -> str:
        head = (
            ("smoke test passed" if self.ok else "smoke test FAILED")
            if lang.startswith("en")
            else ("冒烟测试通过" if self.ok else "冒烟测试失败")
        )
        return "\n".join([head, *(c.line(lang) for c in self.checks)]) + "\n"

    def write_report(self, lang: str = "zh") -> Path:
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / REPORT_FILE
        path.write_text(self.report(lang), encoding="utf-8")
        return path

    # -- the steps ---------------------------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        from reception.paths import default_db_url

        return Path(default_db_url().removeprefix("sqlite:///"))

    def check_bundle(self) -> tuple[str, str]:
        from reception.paths import resources_dir
        from reception.storage.db import schema_head
        from reception.storage.migrate import MIGRATIONS, head_revision

        resources = resources_dir()
        versions = sorted(p.name for p in (MIGRATIONS / "versions").glob("[0-9]*.py"))
        missing = [p for p in (MIGRATIONS / "env.py", MIGRATIONS / "script.py.mako") if not p.is_file()]
        if missing or not versions:
            raise SmokeTestFailed(
                f"迁移脚本不全：{MIGRATIONS}（缺 {', '.join(p.name for p in missing) or 'versions/'}）",
                f"migrations incomplete in {MIGRATIONS} (missing {', '.join(p.name for p in missing) or 'versions/'})",
            )
        head = head_revision()
        if schema_head() != head:
            found = f"{schema_head()} / {head}"
            raise SmokeTestFailed(f"迁移脚本的最新版本不一致：{found}", f"migration head differs: {found}")
        if frozen():
            bundle = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)).resolve()
            for what, path in (("resources", resources), ("migrations", MIGRATIONS)):
                if not path.resolve().is_relative_to(bundle):
                    raise SmokeTestFailed(f"{what} 不在程序包中：{path}", f"{what} not inside the bundle: {path}")
        where = "程序包" if frozen() else "源代码"
        where_en = "bundle" if frozen() else "source"
        return (
            f"{where}；资源 {resources}；迁移脚本 {len(versions)} 个，最新 {head}",
            f"{where_en}; resources {resources}; {len(versions)} migrations, newest {head}",
        )

    def check_folder(self) -> tuple[str, str]:
        path = self.db_path
        if not path.exists():
            return f"新的数据文件夹 {self.folder}", f"new data folder {self.folder}"
        cases, ours = 0, 0
        con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
        try:
            try:
                cases = con.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
                ours = con.execute(
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'case.create' AND \"user\" = ?", (SMOKE_USER,)
                ).fetchone()[0]
            except sqlite3.OperationalError as exc:  # no tables yet
                if "no such table" not in str(exc):
                    raise
        finally:
            con.close()
        if cases > ours:
            raise NotASmokeFolder(path, cases - ours)
        return (
            f"{self.folder}（已有冒烟测试的数据库，{cases} 件冒烟测试案件）",
            f"{self.folder} (a smoke-test database with {cases} smoke-test case(s))",
        )

    def check_database(self) -> tuple[str, str]:
        from reception.context import open_context
        from reception.paths import default_db_url
        from reception.storage.db import Database, stored_revision
        from reception.storage.migrate import current_revision

        url = default_db_url()
        path = self.db_path
        existed = path.exists()
        before = None
        if existed:
            db = Database(url)
            try:
                before = stored_revision(db)
            finally:
                db.dispose()
        backups_before = set(path.parent.glob(path.name + ".pre-*.bak"))
        self.ctx = open_context(url)
        after = current_revision(self.ctx.db)
        with self.ctx.db.read() as session:
            from sqlalchemy import func, select

            from reception.storage.models import Case

            cases = session.execute(select(func.count()).select_from(Case)).scalar_one()
        if not existed or before is None:
            return (
                f"新建 {path}，结构版本 {after}",
                f"created {path}, schema {after}",
            )
        if before == after:
            return (
                f"{path} 已是最新结构版本 {after}，原有 {cases} 件案件",
                f"{path} already at schema {after}, {cases} case(s) kept",
            )
        made = sorted(set(path.parent.glob(path.name + ".pre-*.bak")) - backups_before)
        if not made:
            raise SmokeTestFailed(
                f"数据库从 {before} 迁移到 {after}，但没有留下迁移前的备份",
                f"database migrated from {before} to {after} without the backup taken before migrating",
            )
        return (
            f"{path} 已从结构版本 {before} 迁移到 {after}，原有 {cases} 件案件保留；迁移前的备份：{made[-1].name}",
            f"{path} migrated from schema {before} to {after}, {cases} case(s) kept; backup before migrating: "
            f"{made[-1].name}",
        )

    def check_timezone(self) -> tuple[str, str]:
        from zoneinfo import ZoneInfo

        name = self.ctx.config.centre.timezone
        now = datetime.now(ZoneInfo(name))
        return f"{name}（当地时间 {now:%Y-%m-%d %H:%M}）", f"{name} (local time {now:%Y-%m-%d %H:%M})"

    def check_keyring(self) -> tuple[str, str]:
        import keyring

        from reception.secrets import keyring_status

        secure, backend = keyring_status()
        if frozen() and sys.platform == "win32" and not secure:
            raise SmokeTestFailed(
                f"找不到 Windows 凭据管理器（当前为 {backend}）：程序包缺少 keyring 的 Windows 后端",
                f"Windows Credential Manager not found (backend: {backend}): the bundle lacks keyring's "
                "Windows backend",
            )
        self._previous_keyring = keyring.get_keyring()
        keyring.set_keyring(process_keyring())
        state_zh = "安全" if secure else "不安全，回执将不带查询码"
        state_en = "secure" if secure else "not secure: receipts print without a query code"
        return (
            f"{backend}（{state_zh}）；冒烟测试改用仅在本进程内的临时密钥，不写入系统",
            f"{backend} ({state_en}); the smoke test uses a keyring of its own process instead, nothing is "
            "written to the system",
        )

    def check_passwords(self) -> tuple[str, str]:
        from reception.security.passwords import hash_password, verify_password

        password = secrets.token_urlsafe(12)
        encoded = hash_password(password)
        if not verify_password(encoded, password) or verify_password(encoded, password + "x"):
            raise SmokeTestFailed("argon2 校验结果不对", "argon2 verification gave a wrong answer")
        return f"argon2（{encoded.split('$')[1]}）", f"argon2 ({encoded.split('$')[1]})"

    def check_postgres_driver(self) -> tuple[str, str]:
        try:
            import psycopg
        except ImportError as exc:
            if frozen():
                raise SmokeTestFailed(
                    f"程序包缺少 PostgreSQL 驱动 psycopg：{exc}", f"the bundle lacks the PostgreSQL driver: {exc}"
                ) from exc
            return (
                "未安装（postgres 额外依赖）；本厅使用 SQLite 时不需要",
                "not installed (the postgres extra); not needed with SQLite",
            )
        from sqlalchemy.engine import make_url

        make_url("postgresql+psycopg://smoke@127.0.0.1/none").get_dialect().import_dbapi()
        libpq = psycopg.pq.version()
        version = f"psycopg {psycopg.__version__}", psycopg.pq.__impl__, f"libpq {libpq // 10000}.{libpq % 10000}"
        return f"{version[0]}（{version[1]}），{version[2]}", f"{version[0]} ({version[1]}), {version[2]}"

    def _sample_case(self) -> dict:
        """A synthetic case whose text the shipped font draws on its own (no CJK Extension A/B names)."""
        from reception.demo import generate_cases

        for _ in range(50):
            case = generate_cases(self.ctx.config, 1, seed=secrets.randbits(32))[0]
            text = json.dumps(case, ensure_ascii=False)
            if not any(ord(ch) > 0xFFFF or 0x3400 <= ord(ch) <= 0x4DBF for ch in text):
                case["clerk"] = SMOKE_CLERK
                return case
        raise SmokeTestFailed("没能生成示例案件", "could not make a sample case")  # pragma: no cover

    def check_intake(self) -> tuple[str, str]:
        from reception.intake import register_case
        from reception.labels import enum_label
        from reception.queries import case_document

        case = self._sample_case()
        registered = register_case(self.ctx, case, user=SMOKE_USER, now=self.now)
        doc = case_document(self.ctx, registered.case_no)
        if [a.get("name") for a in doc.get("applicants") or []] != [a.get("name") for a in case["applicants"]]:
            raise SmokeTestFailed("读回的案件与登记的不一致", "the case read back differs from the one registered")
        self.case_no = registered.case_no
        department = (registered.routing or {}).get("department_name") or "—"
        return (
            f"{registered.case_no}（{enum_label('window', case['window'], 'zh')}，承办：{department}）",
            f"{registered.case_no} ({enum_label('window', case['window'], 'en')}, handled by {department})",
        )

    def check_receipt(self) -> tuple[str, str]:
        from reception.pdf.fonts import font_set, shipped_font_path
        from reception.receipts import render_receipt
        from reception.verification import verify

        shipped = shipped_font_path()
        config = dataclasses.replace(
            self.ctx.config, receipts=dataclasses.replace(self.ctx.config.receipts, font=shipped, font_index=0)
        )
        fonts = font_set(config)
        if fonts.primary.path.resolve() != shipped.resolve():
            raise SmokeTestFailed(
                f"程序自带的字体无法使用：{shipped}（{'; '.join(fonts.warnings)}）",
                f"the shipped font cannot be used: {shipped} ({'; '.join(fonts.warnings)})",
            )
        rendered = render_receipt(dataclasses.replace(self.ctx, config=config), self.case_no, "a4", user=SMOKE_USER)
        pdf = rendered.pdf
        if not pdf.startswith(b"%PDF-") or b"/FontFile2" not in pdf:
            raise SmokeTestFailed(
                "回执 PDF 不完整或没有嵌入字体", "the receipt PDF is incomplete or has no embedded font"
            )
        if rendered.code is None or not verify(self.ctx, self.case_no, rendered.code):
            raise SmokeTestFailed("回执查询码无法校验", "the receipt's query code does not verify")
        self.receipt = self.out / f"receipt-{self.case_no}.pdf"
        self.receipt.write_bytes(pdf)
        return (
            f"A4 {rendered.pages} 页，{_kb(len(pdf))}，嵌入字体 {shipped.name}（程序自带），查询码 {rendered.code} "
            f"校验通过：{self.receipt}",
            f"A4, {rendered.pages} page(s), {_kb(len(pdf))}, font {shipped.name} (shipped) embedded, query code "
            f"{rendered.code} verified: {self.receipt}",
        )

    def check_export(self) -> tuple[str, str]:
        from reception.export import export_register
        from reception.queries import case_document

        day = datetime.fromisoformat(case_document(self.ctx, self.case_no)["received_at"]).date()
        out = self.out / f"export-{self.case_no}"
        result = export_register(self.ctx, start=day, end=day, out_dir=out, role="clerk", user=SMOKE_USER, now=self.now)
        names = sorted(p.name for p in [*result.files.values(), result.manifest])
        return (
            f"{day}：{result.counts.get('total', 0)} 件，{', '.join(names)}（{out}）",
            f"{day}: {result.counts.get('total', 0)} case(s), {', '.join(names)} ({out})",
        )
