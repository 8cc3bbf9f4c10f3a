"""Intake receipts (受理回执), 80 mm slips and transfer slips (转办单) as PDF.

``render_receipt(ctx, case_no, layout)`` reads the case in a short session, renders the PDF outside
any transaction, then records the print: a :class:`~reception.storage.models.ReceiptPrint` row and an
:class:`~reception.storage.models.AuditRecord` (``receipt.print`` or ``receipt.reprint``, object the
case number, no personal data) in one write transaction. The first print of a layout is the original;
every later one is a reprint, marked 补打 with the reprint time on every page. ``record=False`` renders
a preview and records nothing.

Layouts:

- ``a4`` — the visitor's copy (来访人联) and the archive stub (存根联) on one A4 page, with a cut line;
- ``slip`` — the essentials for an 80 mm thermal receipt printer (72 mm printable, page height
  fitted to the content);
- ``transfer`` — one 转办单 per lead transfer, for departments that take cases on paper, with a
  receipt-back section (转办回执) the department signs and returns.

What the receipt shows follows domain.md §5. Applicants' ID numbers and phones are masked
(``110105********1239``, ``138****5678``) on every layout; a counter-party's ID number, phone and
address never appear. Counter-party names appear only on the transfer slip (the department needs
them to handle the matter; §5 does not list them for the visitor's receipt), and not even there for
检举控告 matters.

Wording, the centre's contacts and the seal text come from ``resources/receipts/template.toml``,
overridden key by key by ``receipt-template.toml`` in the user config folder (:func:`load_template`).

A character that no font can draw makes printing refuse with :class:`MissingGlyphs`
(``receipt.missing_glyphs``) naming the characters and where they are; nothing is printed with an
empty box. The verification/query code and the QR code are described in ``reception.verification``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from reception import audit as audit_trail
from reception.config import Checker, HallConfig, Sources, deep_merge, read_layers
from reception.context import Context
from reception.errors import ConfigError, NotFound, ReceptionError, messages
from reception.labels import enum_label
from reception.paths import (
    RECEIPT_TEMPLATE_FILE,
    hall_receipt_template_path,
    receipt_template_path,
)
from reception.pdf.fonts import FontSet, font_set
from reception.pdf.styles import MaskedPerson, masked_person
from reception.queries import case_document
from reception.secrets import SecretUnavailable
from reception.security.roles import Principal, acting
from reception.storage.models import Case, ReceiptPrint
from reception.verification import canonical_time, code_for_case, qr_payload

log = logging.getLogger(__name__)

Layout = Literal["a4", "slip", "transfer"]
LAYOUTS: tuple[str, ...] = ("a4", "slip", "transfer")
TEMPLATE_FILE = RECEIPT_TEMPLATE_FILE

messages(
    {
        "receipt.missing_glyphs": (
            "以下字符无可用字体：{chars}。请改用同音字并在备注中说明，或安装含这些字符的字库后重试。",
            "no installed font has these characters: {chars}. Use a homophone and explain it in the notes, "
            "or install a font that has them, then try again.",
        ),
    }
)


class MissingGlyphs(ReceptionError):
    """Some characters of the receipt cannot be drawn with any available font."""

    code = "receipt.missing_glyphs"

    def __init__(self, chars: str, where: dict[str, str]):
        self.chars = chars
        #: character -> label of the first field it occurs in (申请人姓名 …)
        self.where = where
        listed_zh = "、".join(f"{ch}（U+{ord(ch):04X}，{where.get(ch, '')}）" for ch in chars)
        listed_en = ", ".join(f"{ch} (U+{ord(ch):04X}, {where.get(ch, '')})" for ch in chars)
        from reception.errors import MESSAGES

        zh, en = MESSAGES[self.code]
        super().__init__(zh.format(chars=listed_zh), en.format(chars=listed_en))


@dataclass(frozen=True)
class RenderedReceipt:
    pdf: bytes
    reprint: bool
    pages: int
    #: characters no font could draw; always "" unless ``allow_missing`` was given (previews)
    missing: str
    layout: str
    #: the verification/query code printed, or None when the keyring is not secure
    code: str | None = None
    sha256: str = ""
    #: things the clerk should be told (e.g. the verification code is unavailable)
    warnings: tuple[str, ...] = ()


# -- the wording template -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptTemplate:
    data: dict
    source_files: tuple[Path, ...] = ()
    #: identifies the files' versions (path, mtime, size), for caches
    key: tuple = ()

    def text(self, section: str, key: str, default: str = "") -> str:
        v = self.data.get(section, {}).get(key, default)
        return v if isinstance(v, str) else default

    def number(self, section: str, key: str, default: int = 0) -> int:
        v = self.data.get(section, {}).get(key, default)
        return v if isinstance(v, int) and not isinstance(v, bool) else default

    def fill(self, section: str, key: str, **values: Any) -> str | None:
        """The text with ``{name}`` placeholders filled; ``None`` when a placeholder it uses is empty
        (the line is then left out). Unknown ``{names}`` stay as written."""
        return fill(self.text(section, key), **values)

    def strings(self) -> Iterator[tuple[str, str]]:
        for section, table in self.data.items():
            if isinstance(table, dict):
                for key, v in table.items():
                    if isinstance(v, str):
                        yield f"{section}.{key}", v


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, **values: Any) -> str | None:
    empty = False

    def sub(m: re.Match) -> str:
        nonlocal empty
        name = m.group(1)
        if name not in values:
            return m.group(0)
        v = values[name]
        if v is None or v == "":
            empty = True
            return ""
        return str(v)

    out = _PLACEHOLDER.sub(sub, text)
    return None if empty else out


template_path = receipt_template_path
hall_template_path = hall_receipt_template_path


_template_cache: dict[tuple, ReceiptTemplate] = {}


def _stamp(p: Path) -> tuple[str, int, int] | None:
    try:
        st = p.stat()
    except OSError:
        return None
    return (str(p), st.st_mtime_ns, st.st_size)


def load_template(hall_file: Path | None = None) -> ReceiptTemplate:
    """The shipped wording with the hall's ``receipt-template.toml`` merged over it, key by key.

    A key or section the shipped file does not have, or a value of another type, is a
    :class:`ConfigError` naming the file, line and key. Cached until either file changes."""
    shipped = template_path()
    hall = hall_file if hall_file is not None else hall_template_path()
    key = (_stamp(shipped), _stamp(hall))
    cached = _template_cache.get(key)
    if cached is not None:
        return cached
    layers = read_layers([shipped, hall] if hall.is_file() else [shipped])
    base = layers[0][2]
    merged = base
    if len(layers) > 1:
        checker = Checker(Sources(layers))
        _check_against(checker, base, layers[1][2], "")
        if checker.problems:
            raise ConfigError(checker.problems)
        merged = deep_merge(base, layers[1][2])
    tmpl = ReceiptTemplate(merged, tuple(Path(f) for f, _, _ in layers), key)
    _template_cache.clear()
    _template_cache[key] = tmpl
    return tmpl


def _check_against(checker: Checker, base: dict, over: dict, path: str) -> None:
    for k, v in over.items():
        where = checker.sub(path, k)
        if k not in base:
            checker.bad(where, "config.unknown_key", name=k, allowed=", ".join(base))
            continue
        b = base[k]
        if isinstance(b, dict):
            if not isinstance(v, dict):
                checker.bad(where, "config.type", expected_zh="表（[...]）", expected_en="a table ([...])")
            else:
                _check_against(checker, b, v, where)
        elif isinstance(b, str) and not isinstance(v, str):
            checker.bad(where, "config.type", expected_zh="字符串", expected_en="a string")
        elif isinstance(b, int) and (isinstance(v, bool) or not isinstance(v, int)):
            checker.bad(where, "config.type", expected_zh="整数", expected_en="an integer")


# -- what the paper shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineLine:
    label: str
    due: str
    basis: str
    note: str = ""


@dataclass(frozen=True)
class TransferView:
    number: str
    department: str
    contact: str
    assisting: tuple[str, ...]
    return_due: str


@dataclass(frozen=True)
class ReceiptView:
    """Every piece of text a layout prints (apart from the template's wording), already masked."""

    layout: str
    centre: str
    case_no: str
    code: str | None
    qr: str | None
    received: str
    window: str
    window_code: str
    workstation: str
    clerk: str
    channel: str
    applicants: tuple[MaskedPerson, ...]
    applicant_count: int
    agent: MaskedPerson | None
    group: str
    counterparties: tuple[str, ...]  # names only, transfer slip only
    category: str
    place: str
    matter: str
    requests: tuple[str, ...]
    materials: tuple[str, ...]
    department: str
    department_contact: str
    assisting: tuple[str, ...]
    resolved: bool
    deadlines: tuple[DeadlineLine, ...]
    routing_basis: str
    report_officials: bool
    progress: tuple[str, ...]
    rights: str
    rights_short: str
    centre_phone: str
    centre_contact: str
    seal_text: str
    seal_subtitle: str
    printed_at: str
    printed_date: str
    reprint: bool
    transfers: tuple[TransferView, ...] = ()
    warnings: tuple[str, ...] = field(default=())


# labels of the view's fields for the missing-glyph message
_FIELD_LABELS = {
    "centre": "中心名称",
    "clerk": "受理人",
    "applicants": "申请人",
    "agent": "代理人",
    "group": "集体访",
    "counterparties": "对方当事人",
    "category": "事项类别",
    "place": "问题属地",
    "matter": "事项摘要",
    "requests": "诉求",
    "materials": "收到材料",
    "department": "承办部门",
    "department_contact": "承办部门联系方式",
    "assisting": "协办部门",
    "deadlines": "办理期限",
    "routing_basis": "分流依据",
    "progress": "进度查询",
    "rights": "权利告知",
    "rights_short": "权利告知",
    "centre_contact": "中心联系方式",
    "seal_text": "印章文字",
    "transfers": "转办",
}


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _cn_time(t: datetime) -> str:
    return f"{_cn_date(t.date())} {t:%H:%M}"


def _shorten(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "……"


def _contact_text(contact, labels: tuple[str, str, str] = ("电话", "地址", "办公时间")) -> str:
    if contact is None:
        return ""
    bits = []
    for label, value in zip(labels, (contact.phone, contact.address, contact.hours), strict=True):
        if value:
            bits.append(f"{label} {value}")
    return "　".join(bits)


def _material_line(m: dict, t: ReceiptTemplate) -> str:
    bits = []
    if m.get("original") is True:
        bits.append(t.text("text", "original"))
    elif m.get("original") is False:
        bits.append(t.text("text", "copy"))
    if m.get("pages"):
        bits.append(fill(t.text("text", "pages"), n=m["pages"]) or "")
    if m.get("copies"):
        bits.append(fill(t.text("text", "copies"), n=m["copies"]) or "")
    if m.get("returned"):
        bits.append(t.text("text", "returned"))
    extra = "，".join(b for b in bits if b)
    return f"{m.get('name') or ''}（{extra}）" if extra else (m.get("name") or "")


def build_view(
    config: HallConfig,
    calendar,
    doc: dict,
    tmpl: ReceiptTemplate,
    layout: str,
    *,
    code: str | None,
    reprint: bool,
    now: datetime,
    warnings: tuple[str, ...] = (),
) -> ReceiptView:
    tz = ZoneInfo(config.centre.timezone)
    local_now = now.astimezone(tz)
    received = datetime.fromisoformat(doc["received_at"]).astimezone(tz)
    centre = tmpl.text("centre", "name") or config.centre.name
    case_no = doc["case_no"]
    applicants = tuple(masked_person(a) for a in doc.get("applicants") or [])
    agent = masked_person(doc["agent"]) if doc.get("agent") else None
    group = doc.get("group") or {}
    group_line = ""
    if group:
        reps = "、".join(r.get("name") or "" for r in group.get("representatives") or [])
        group_line = (fill(tmpl.text("text", "headcount"), n=group.get("headcount") or "") or "") + reps
    category = config.category_label(doc.get("category")) if doc.get("category") else ""
    if doc.get("subcategory"):
        category += " / " + config.subcategory_label(doc.get("category"), doc["subcategory"])
    place = doc.get("place") or {}
    place_text = " ".join(
        n for n in (config.network.node_name(place.get(k)) for k in ("town", "community", "grid")) if n
    )
    limit = {"a4": 150, "slip": 60, "transfer": 600}[layout]
    routing = doc.get("routing") or {}
    resolved = doc.get("status") == "resolved" or not routing
    dept_code = routing.get("department")
    dept = config.departments.get(dept_code or "")
    department = ""
    department_contact = ""
    if not resolved:
        department = dept.name if dept else (routing.get("department_name") or dept_code or "")
        node = routing.get("node")
        if node:
            station = config.network.station_name(node)
            if station and station != department:
                department = f"{department}（{station}）"
            town = config.network.towns.get(node)
            if town is not None and _contact_text(town.contact):
                department_contact = _contact_text(town.contact)
        if not department_contact and dept is not None:
            department_contact = _contact_text(dept.contact)
    assisting = tuple(config.department_label(c) for c in routing.get("also") or []) if not resolved else ()
    deadlines = tuple(
        DeadlineLine(
            label=d.get("label") or "",
            due=_cn_date(date.fromisoformat(d["due"])),
            basis=d.get("basis") or "",
            note=tmpl.text("text", "calendar_missing") if d.get("calendar_missing") else "",
        )
        for d in doc.get("deadlines") or []
    )
    basis_bits = [routing.get("rule_name") or "", routing.get("basis") or ""]
    routing_basis = "；".join(b for b in basis_bits if b)
    window = doc.get("window") or ""
    phone = tmpl.text("centre", "phone")
    address = tmpl.text("centre", "address")
    hours = tmpl.text("centre", "hours")
    progress: list[str] = []
    for key in ("phone", "counter", "counter_where", "qr"):
        if key == "qr" and not code:
            continue
        line = tmpl.fill(
            "progress",
            key,
            phone=phone,
            address=address,
            hours=hours,
            centre=centre,
        )
        if line:
            progress.append(line)
    rights = tmpl.text("rights", window) or tmpl.text("rights", "default")
    rights_short = tmpl.text("rights_short", window) or tmpl.text("rights_short", "default")
    centre_contact = "　".join(
        b for b in (f"电话 {phone}" if phone else "", f"地址 {address}" if address else "", hours) if b
    )
    transfers: list[TransferView] = []
    if layout == "transfer":
        days = tmpl.number("transfer", "return_days", 5)
        return_due = _cn_date(calendar.add_working_days(local_now.date(), days))
        leads = [t for t in doc.get("transfers") or [] if t.get("role") == "lead"]
        for i, t in enumerate(leads, 1):
            d = config.departments.get(t["department"])
            name = d.name if d else t["department"]
            if t["department"] == dept_code:
                name, contact = department or name, department_contact
            else:
                contact = _contact_text(d.contact) if d else ""
            transfers.append(
                TransferView(
                    number=f"{case_no}-{i:02d}",
                    department=name,
                    contact=contact,
                    assisting=assisting,
                    return_due=return_due,
                )
            )
    report_officials = doc.get("category") == "report_officials"
    counterparties: tuple[str, ...] = ()
    if layout == "transfer" and not report_officials:
        counterparties = tuple(c.get("name") or "" for c in doc.get("counterparties") or [])
    return ReceiptView(
        layout=layout,
        centre=centre,
        case_no=case_no,
        code=code,
        qr=qr_payload(case_no, code) if code else None,
        received=_cn_time(received),
        window=enum_label("window", window),
        window_code=window,
        workstation=doc.get("workstation") or config.workstation.code,
        clerk=doc.get("clerk") or "",
        channel=enum_label("channel", doc.get("channel")),
        applicants=applicants,
        applicant_count=len(applicants),
        agent=agent,
        group=group_line,
        counterparties=counterparties,
        category=category,
        place=place_text,
        matter=_shorten(doc.get("facts") or "", limit),
        requests=tuple(_shorten(r, limit) for r in doc.get("requests") or []),
        materials=tuple(_material_line(m, tmpl) for m in doc.get("materials") or []),
        department=department,
        department_contact=department_contact,
        assisting=assisting,
        resolved=resolved,
        deadlines=deadlines,
        routing_basis=routing_basis,
        report_officials=report_officials,
        progress=tuple(progress),
        rights=rights,
        rights_short=rights_short,
        centre_phone=phone,
        centre_contact=centre_contact,
        seal_text=tmpl.text("centre", "seal_text") or centre,
        seal_subtitle=tmpl.text("centre", "seal_subtitle"),
        printed_at=_cn_time(local_now),
        printed_date=_cn_date(local_now.date()),
        reprint=reprint,
        transfers=tuple(transfers),
        warnings=warnings,
    )


def _view_texts(view: ReceiptView) -> Iterator[tuple[str, str]]:
    def walk(label: str, v: Any) -> Iterator[tuple[str, str]]:
        if isinstance(v, str):
            yield label, v
        elif isinstance(v, tuple | list):
            for x in v:
                yield from walk(label, x)
        elif isinstance(v, MaskedPerson | DeadlineLine | TransferView):
            for f in fields(v):
                yield from walk(label, getattr(v, f.name))

    for f in fields(view):
        yield from walk(_FIELD_LABELS.get(f.name, f.name), getattr(view, f.name))


_template_missing: dict[tuple, tuple[tuple[str, str], ...]] = {}


def check_glyphs(fonts: FontSet, view: ReceiptView, tmpl: ReceiptTemplate) -> tuple[str, dict[str, str]]:
    """Characters of the view or the wording that no font has, and where each first occurs."""
    found: list[str] = []
    where: dict[str, str] = {}
    for label, text in _view_texts(view):
        for ch in fonts.missing(text):
            if ch not in where:
                where[ch] = label
                found.append(ch)
    cache_key = (id(fonts), tmpl.key) if tmpl.key else None
    in_template = _template_missing.get(cache_key) if cache_key else None
    if in_template is None:
        in_template = tuple((ch, f"模板 {k}") for k, v in tmpl.strings() for ch in fonts.missing(v))
        if cache_key:
            _template_missing[cache_key] = in_template
    for ch, label in in_template:
        if ch not in where:
            where[ch] = label
            found.append(ch)
    return "".join(found), where


# -- rendering and recording ----------------------------------------------------------------------


def _prints_so_far(ctx: Context, case_id: int, layout: str, session=None) -> int:
    stmt = (
        select(func.count())
        .select_from(ReceiptPrint)
        .where(ReceiptPrint.case_id == case_id, ReceiptPrint.layout == layout)
    )
    if session is not None:
        return session.execute(stmt).scalar_one()
    with ctx.db.read() as s:
        return s.execute(stmt).scalar_one()


def render_receipt(
    ctx: Context,
    case_no: str,
    layout: str = "a4",
    *,
    user: Principal | str | None = None,
    now: datetime | None = None,
    record: bool = True,
    allow_missing: bool = False,
) -> RenderedReceipt:
    """Render the receipt of ``case_no`` in ``layout`` and (unless ``record`` is false) record the print.

    Raises :class:`MissingGlyphs` when some text cannot be drawn (a preview may pass
    ``allow_missing=True`` to get the PDF anyway, with ``missing`` set; it is never recorded),
    :class:`reception.errors.NotFound` for an unknown case, :class:`ReceptionError`
    ``receipt.no_transfer`` for a transfer slip of a case resolved on the spot.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown receipt layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    if record and allow_missing:
        raise ValueError("a recorded print may not have missing characters")
    user = acting(user, "receipt.print" if record else "case.view")
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    doc = case_document(ctx, case_no)  # short read session
    with ctx.db.read() as session:
        case_id = session.execute(select(Case.id).where(Case.case_no == doc["case_no"])).scalar_one()
    if layout == "transfer" and not any(t.get("role") == "lead" for t in doc.get("transfers") or []):
        raise ReceptionError(
            f"案件 {doc['case_no']} 没有转办部门（已当场办结），无需打印转办单",
            f"case {doc['case_no']} has no transfer (resolved at the counter): no transfer slip to print",
            code="receipt.no_transfer",
        )
    tmpl = load_template()
    fonts = font_set(ctx.config)
    warnings: list[str] = list(fonts.warnings)
    code: str | None = None
    try:
        received = datetime.fromisoformat(doc["received_at"])
        code = code_for_case(doc["case_no"], received, create=True)
    except SecretUnavailable as exc:
        warnings.append(exc.message("zh"))
        log.warning("receipt of %s printed without verification code: %s", doc["case_no"], exc.message("en"))
    reprint = _prints_so_far(ctx, case_id, layout) > 0
    for _attempt in range(3):
        rendered = _render(ctx, doc, tmpl, fonts, layout, code, reprint, now, tuple(warnings), allow_missing)
        if not record:
            return rendered
        with ctx.db.write() as session:
            earlier = _prints_so_far(ctx, case_id, layout, session)
            if (earlier > 0) != reprint:  # another workstation printed meanwhile: render again as 补打
                reprint = earlier > 0
                continue
            session.add(
                ReceiptPrint(
                    case_id=case_id,
                    layout=layout,
                    printed_at=now,
                    user=user or doc.get("clerk"),
                    workstation=ctx.config.workstation.code,
                    reprint=reprint,
                    sha256=rendered.sha256,
                )
            )
            audit_trail.append(
                session,
                ctx,
                [
                    {
                        "at": now,
                        "user": user or doc.get("clerk"),
                        "workstation": ctx.config.workstation.code,
                        "action": "receipt.reprint" if reprint else "receipt.print",
                        "object_type": "case",
                        "object_id": doc["case_no"],
                        "result": "ok",
                        "detail": {
                            "layout": layout,
                            "pages": rendered.pages,
                            "sha256": rendered.sha256,
                            "verification": code is not None,
                        },
                    }
                ],
            )
        log.info("receipt %s of %s printed (%s)", layout, doc["case_no"], "reprint" if reprint else "original")
        return rendered
    raise ReceptionError(  # pragma: no cover - needs three concurrent printers
        "打印记录冲突，请重试", "conflicting prints of the same receipt; try again"
    )


def _render(
    ctx: Context,
    doc: dict,
    tmpl: ReceiptTemplate,
    fonts: FontSet,
    layout: str,
    code: str | None,
    reprint: bool,
    now: datetime,
    warnings: tuple[str, ...],
    allow_missing: bool,
) -> RenderedReceipt:
    from reception.pdf import receipt_layouts

    view = build_view(
        ctx.config, ctx.calendar, doc, tmpl, layout, code=code, reprint=reprint, now=now, warnings=warnings
    )
    missing, where = check_glyphs(fonts, view, tmpl)
    if missing and not allow_missing:
        raise MissingGlyphs(missing, where)
    pdf, pages = receipt_layouts.render(view, tmpl, fonts)
    return RenderedReceipt(
        pdf=pdf,
        reprint=reprint,
        pages=pages,
        missing=missing,
        layout=layout,
        code=code,
        sha256=hashlib.sha256(pdf).hexdigest(),
        warnings=warnings,
    )


def receipt_prints(ctx: Context, case_no: str) -> list[dict]:
    """The prints recorded for a case, oldest first (for the desk's history view)."""
    with ctx.db.read() as session:
        case_id = session.execute(select(Case.id).where(Case.case_no == case_no.strip().upper())).scalar_one_or_none()
        if case_id is None:
            raise NotFound(f"没有找到案件 {case_no}", f"no case {case_no}")
        rows = session.scalars(
            select(ReceiptPrint).where(ReceiptPrint.case_id == case_id).order_by(ReceiptPrint.id)
        ).all()
        return [
            {
                "layout": r.layout,
                "printed_at": r.printed_at.isoformat(),
                "user": r.user,
                "workstation": r.workstation,
                "reprint": r.reprint,
                "sha256": r.sha256,
            }
            for r in rows
        ]


__all__ = [
    "LAYOUTS",
    "MissingGlyphs",
    "ReceiptTemplate",
    "ReceiptView",
    "RenderedReceipt",
    "canonical_time",
    "load_template",
    "receipt_prints",
    "render_receipt",
]


def warm_up(ctx: Context) -> None:
    """Render one receipt of a made-up case in memory, reading and writing nothing.

    The first receipt of a process costs ~0.2 s more than the next ones: the layout code, QR code and
    font subsetting, the keyring backend lookup, and compiling the queries that read a case. The desk
    calls this in the background after its window shows, so the visitor's first receipt of the day
    comes as fast as every other."""
    from reception.demo import generate_cases
    from reception.intake import deadline_dict, prepare, routing_dict
    from reception.secrets import keyring_status

    keyring_status()  # finds the keyring backend (~0.1 s the first time)
    with ctx.db.read() as session:
        latest = session.execute(select(Case.case_no).order_by(Case.id.desc()).limit(1)).scalar()
    if latest is not None:
        case_document(ctx, latest)  # read-only: compiles the queries a receipt runs
        _prints_so_far(ctx, 0, "a4")

    sample = generate_cases(ctx.config, 1, seed=1)[0]
    p = prepare(ctx, sample)
    doc = dict(p.case.document)
    doc.update(
        case_no=f"ZZ-{ctx.config.centre.code}-{ctx.config.workstation.code}-2000-000000",
        status="routed",
        workstation=ctx.config.workstation.code,
        routing=routing_dict(p.decision),
        deadlines=[deadline_dict(d) for d in p.deadlines],
        transfers=[{"department": p.decision.department, "role": "lead"}] if p.decision else [],
    )
    fonts = font_set(ctx.config)
    _render(ctx, doc, load_template(), fonts, "a4", None, False, datetime.now(UTC), (), True)
