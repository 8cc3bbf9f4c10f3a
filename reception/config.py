"""The hall configuration: centre, workstation, intake thresholds, categories, departments, network.

``resources/config/defaults.toml`` declares every key with its default; the hall's own ``hall.toml``
(in the user config folder) is merged over it: tables key by key, lists (``[[category]]``,
``[[department]]``, the node lists under ``[network]``) replaced as a whole when the hall gives them.
Without a ``hall.toml`` the shipped ``example-hall.toml`` is used, so a fresh install works.

Everything wrong with the files is reported at once in one :class:`~reception.errors.ConfigError`
whose problems name the file, the line and the key path (``department[3].track``). tomllib does not
keep positions, so :class:`TomlLocator` finds a key's line by scanning the TOML text.
"""

from __future__ import annotations

import copy
import re
import shutil
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reception.errors import MESSAGES, ConfigError, ConfigProblem, FieldError, field_error, messages
from reception.paths import config_dir, resource_path
from reception.workcal import toml_error_line

LEVELS: tuple[str, ...] = ("grid", "community", "town", "district")
TRACKS: tuple[str, ...] = (
    "litigation",
    "procuratorate",
    "legal_aid",
    "petition",
    "mediation",
    "administrative",
    "police",
    "discipline",
    "other",
)
HALL_FILE = "hall.toml"
TRANSPORT_KINDS: tuple[str, ...] = ("http", "folder", "manual")
LOOPBACK_HOSTS: frozenset[str] = frozenset({"127.0.0.1", "::1", "localhost"})

_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_NODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,39}$")
_WORKSTATION_RE = re.compile(r"^[A-Za-z0-9]{1,8}$")
_CENTRE_CODE_RE = re.compile(r"^\d{6}$")
_PREFIX_RE = re.compile(r"^[A-Z0-9]{1,8}$")

messages(
    {
        "config.read": ("无法读取配置文件：{detail}", "cannot read the configuration file: {detail}"),
        "config.syntax": ("TOML 语法错误：{detail}", "TOML syntax error: {detail}"),
        "config.unknown_key": (
            "未知的配置项“{name}”，请检查拼写（允许的键：{allowed}）",
            'unknown key "{name}"; check the spelling (allowed keys: {allowed})',
        ),
        "config.missing": ("缺少必填项", "required key is missing"),
        "config.type": ("类型错误，应为{expected_zh}", "wrong type, expected {expected_en}"),
        "config.empty": ("不能为空", "must not be empty"),
        "config.enum": ("取值“{value}”无效，可选值：{choices}", 'invalid value "{value}"; allowed: {choices}'),
        "config.code": (
            "代码“{value}”无效：只能用小写字母、数字和下划线，以字母开头，最长 40 位",
            'invalid code "{value}": lower-case letters, digits and "_", starting with a letter, at most 40',
        ),
        "config.node_code": (
            "节点代码“{value}”无效：只能用字母、数字、“-”和“_”，最长 40 位",
            'invalid node code "{value}": letters, digits, "-" and "_", at most 40',
        ),
        "config.workstation_code": (
            "工作站代码“{value}”无效：只能由字母和数字组成，1–8 位",
            'invalid workstation code "{value}": letters and digits only, 1–8 characters',
        ),
        "config.centre_code": (
            "区划代码“{value}”无效：应为 6 位数字",
            'invalid district code "{value}": 6 digits expected',
        ),
        "config.case_no_prefix": (
            "案件编号前缀“{value}”无效：只能由大写字母和数字组成，1–8 位",
            'invalid case number prefix "{value}": upper-case letters and digits, 1–8 characters',
        ),
        "config.timezone": ("未知的时区“{value}”", 'unknown time zone "{value}"'),
        "config.range": ("取值 {value} 超出范围：应不小于 {min}", "value {value} out of range: must be at least {min}"),
        "config.range_max": (
            "取值 {value} 超出范围：应不大于 {max}",
            "value {value} out of range: must be at most {max}",
        ),
        "config.order": (
            "取值 {value} 应不小于 {other}（{other_value}）",
            "value {value} must not be less than {other} ({other_value})",
        ),
        "config.duplicate": (
            "代码“{value}”重复，已在 {first} 使用",
            'duplicate code "{value}", already used at {first}',
        ),
        "config.reference": ("引用的{what_zh}“{value}”不存在", 'unknown {what_en} "{value}"'),
        "config.file_missing": (
            "找不到文件“{value}”，已查找：{looked}",
            'file "{value}" not found; looked in: {looked}',
        ),
        "config.dir_missing": ("找不到目录“{value}”", 'folder "{value}" not found'),
        "config.url": (
            "地址“{value}”无效：应为 https://主机[:端口][/路径]",
            'invalid address "{value}": expected https://host[:port][/path]',
        ),
        "config.https_required": (
            "地址“{value}”必须使用 https://（只有本机地址 127.0.0.1、::1、localhost 可用 http://）",
            'address "{value}" must use https:// (plain http:// only for 127.0.0.1, ::1 or localhost)',
        ),
        "config.transport_key": (
            "推送方式“{kind}”不使用配置项“{name}”（可用：{allowed}）",
            'transport kind "{kind}" takes no key "{name}" (its keys: {allowed})',
        ),
        "config.secret_name": (
            "密钥名称“{value}”无效：只能用字母、数字、“.”、“-”和“_”，最长 80 位",
            'invalid secret name "{value}": letters, digits, ".", "-" and "_", at most 80',
        ),
        "config.positive": ("取值 {value} 应大于 0", "value {value} must be greater than 0"),
        "config.not_a_folder": ("“{value}”不是文件夹", '"{value}" is not a folder'),
        "place.unknown_town": ("镇（街道）代码“{value}”不存在", 'unknown town/street code "{value}"'),
        "place.unknown_community": ("村（社区）代码“{value}”不存在", 'unknown village/community code "{value}"'),
        "place.unknown_grid": ("网格代码“{value}”不存在", 'unknown grid code "{value}"'),
        "place.community_not_in_town": (
            "“{community}”不属于“{town}”",
            '"{community}" does not belong to "{town}"',
        ),
        "place.grid_not_in_community": (
            "网格“{grid}”不属于“{community}”",
            'grid "{grid}" does not belong to "{community}"',
        ),
        "place.grid_not_in_town": ("网格“{grid}”不属于“{town}”", 'grid "{grid}" does not belong to "{town}"'),
    }
)

_EXPECTED: dict[str, tuple[str, str]] = {
    "str": ("字符串", "a string"),
    "int": ("整数", "an integer"),
    "number": ("数字", "a number"),
    "bool": ("true 或 false", "true or false"),
    "table": ("表（[...] 或 {...}）", "a table ([...] or {...})"),
    "tables": ("表数组（[[...]]）", "an array of tables ([[...]])"),
    "str_list": ("字符串列表", "a list of strings"),
}


def _expected(kind: str) -> dict[str, str]:
    zh, en = _EXPECTED[kind]
    return {"expected_zh": zh, "expected_en": en}


def _lang_en(lang: str) -> bool:
    return lang.startswith("en")


# -- the configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Centre:
    name: str
    code: str
    case_no_prefix: str = "ZZ"
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True)
class Workstation:
    code: str


@dataclass(frozen=True)
class IntakeSettings:
    group_visit_threshold: int = 5
    max_representatives: int = 5
    grid_amount_limit: float = 10000.0
    town_amount_threshold: float = 100000.0
    town_people_threshold: int = 10
    grid_categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileSettings:
    routing_rules: Path
    deadline_rules: Path
    calendars_dir: Path | None = None


@dataclass(frozen=True)
class ReceiptSettings:
    """``[receipts]``: the font embedded in receipts and other PDFs (see ``reception.pdf.fonts``)."""

    #: a TrueType font file (``.ttf``/``.ttc``) to use instead of the system or shipped font
    font: Path | None = None
    #: which font of a ``.ttc`` collection
    font_index: int = 0
    #: fonts for characters the main font lacks, tried in order before the system fallbacks;
    #: ``"path"`` or ``"path#index"``
    fallback_fonts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contact:
    phone: str | None = None
    address: str | None = None
    hours: str | None = None


@dataclass(frozen=True)
class Transport:
    """``[department.transport]``: how transfers reach the department (``reception.dispatch``).

    ``kind``: ``http`` (the department-queue API), ``folder`` (JSON files in a shared inbox folder,
    status files read from an outbox folder) or ``manual`` (the printed transfer slip; answers are
    recorded by hand). Without a ``transport`` table a department is ``manual`` and ``configured`` is
    False. Secrets are never in the file: ``token_secret`` and ``signing_secret`` name keyring entries.
    """

    kind: str = "manual"
    #: a ``[department.transport]`` table was given (False: the default ``manual``)
    configured: bool = False
    #: http: the API's base URL (https, or http to a loopback address)
    base_url: str | None = None
    #: http: keyring name of the bearer token (default ``dept-<code>-token``)
    token_secret: str | None = None
    #: http: keyring name of the HMAC signing key (default ``dept-<code>-signing-key``)
    signing_secret: str | None = None
    #: http: a CA bundle (PEM) to verify the department's certificate with, instead of the system's
    ca_bundle: Path | None = None
    #: http: seconds for one request (connect, read, write)
    timeout_s: float = 10.0
    #: http/folder: seconds between two polls of a delivered transfer's status (None: ``[dispatch]``'s)
    poll_interval_s: float | None = None
    #: folder: where transfers are written (``<transfer id>.json``)
    inbox: Path | None = None
    #: folder: where the department drops status files (``<transfer id>.status.json``); None: no answers
    outbox: Path | None = None

    def __bool__(self) -> bool:  # "has a transport configured", as the old dict's truthiness meant
        return self.configured


#: ``[dispatch] concurrency`` at most (requests under way at once per department)
MAX_CONCURRENCY = 32


@dataclass(frozen=True)
class DispatchSettings:
    """``[dispatch]``: how the dispatcher retries and polls (``reception.dispatch``)."""

    #: full-jitter exponential backoff: the n-th retry waits uniform(0, min(cap, base * 2**n)) seconds
    backoff_base_s: float = 2.0
    backoff_cap_s: float = 600.0
    #: an entry still failing after this many hours becomes a dead letter
    max_age_hours: float = 72.0
    #: seconds a claimed entry stays claimed; a killed dispatcher's entries are retried after this
    lease_s: float = 60.0
    #: seconds between two polls of a delivered transfer's status (a department may set its own)
    poll_interval_s: float = 60.0
    #: while a department is not answering, its lane tries it again at least this often (seconds; the
    #: lane's own full-jitter backoff, capped here, so a department that comes back is noticed soon)
    probe_cap_s: float = 30.0
    #: requests one department's lane keeps under way at once (1 to ``MAX_CONCURRENCY``)
    concurrency: int = 4


@dataclass(frozen=True)
class BackupSettings:
    """``[backup]``: the automatic daily backup of the SQLite database (``reception.backup``)."""

    #: where backups go; None: a ``backups`` folder in the user data folder (``reception.backup.backup_folder``)
    folder: Path | None = None
    #: every backup younger than this many days is kept (at least 1: today's)
    keep_days: int = 30
    #: beyond ``keep_days``, the first backup of each of the last ``keep_months`` months (this month
    #: counted) is kept; 0 keeps none beyond ``keep_days``
    keep_months: int = 12


#: ``[accounts] idle_lock_minutes`` bounds: at least a minute, at most two hours
IDLE_LOCK_MIN_MINUTES = 1
IDLE_LOCK_MAX_MINUTES = 120


@dataclass(frozen=True)
class AccountSettings:
    """``[accounts]``: signing in at the desk (``reception.security.accounts``, ``ui.idle_lock``)."""

    #: minutes without keyboard or mouse input after which the desk locks and asks for the password
    #: again (the form being filled is kept); 1 to ``IDLE_LOCK_MAX_MINUTES``
    idle_lock_minutes: float = 15.0


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    name_en: str
    level: str
    track: str
    contact: Contact = field(default_factory=Contact)
    #: how transfers reach the department (default: manual, not configured)
    transport: Transport = field(default_factory=Transport, compare=False, hash=False)

    def label(self, lang: str = "zh") -> str:
        return self.name_en if _lang_en(lang) else self.name


@dataclass(frozen=True)
class Subcategory:
    code: str
    name: str
    name_en: str

    def label(self, lang: str = "zh") -> str:
        return self.name_en if _lang_en(lang) else self.name


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    name_en: str
    subs: dict[str, Subcategory] = field(default_factory=dict, hash=False)

    def label(self, lang: str = "zh") -> str:
        return self.name_en if _lang_en(lang) else self.name


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    centre_name: str | None = None
    contact: Contact = field(default_factory=Contact)


@dataclass(frozen=True)
class Community:
    code: str
    name: str
    town: str
    station_name: str | None = None


@dataclass(frozen=True)
class Grid:
    code: str
    name: str
    community: str
    worker: str | None = None


@dataclass(frozen=True, eq=False)
class Network:
    """The mediation network: town centres, community stations, grid points (codes unique network-wide)."""

    towns: dict[str, Town] = field(default_factory=dict)
    communities: dict[str, Community] = field(default_factory=dict)
    grids: dict[str, Grid] = field(default_factory=dict)

    def town_of(self, community: str | None) -> str | None:
        c = self.communities.get(community or "")
        return c.town if c else None

    def community_of(self, grid: str | None) -> str | None:
        g = self.grids.get(grid or "")
        return g.community if g else None

    def level_of(self, code: str | None) -> str | None:
        """``town``, ``community`` or ``grid`` for a node code; ``None`` if unknown."""
        if not code:
            return None
        if code in self.towns:
            return "town"
        if code in self.communities:
            return "community"
        if code in self.grids:
            return "grid"
        return None

    def node_name(self, code: str | None) -> str | None:
        """The plain name of any node (``团结社区``), or ``None``."""
        node = self.towns.get(code or "") or self.communities.get(code or "") or self.grids.get(code or "")
        return node.name if node else None

    def station_name(self, code: str | None) -> str | None:
        """The name of the body at a node: the town's centre, the community's station, the grid point."""
        if not code:
            return None
        if code in self.towns:
            t = self.towns[code]
            return t.centre_name or t.name
        if code in self.communities:
            c = self.communities[code]
            return c.station_name or c.name
        g = self.grids.get(code)
        return g.name if g else None

    def communities_in(self, town: str) -> list[Community]:
        return [c for c in self.communities.values() if c.town == town]

    def grids_in(self, community: str) -> list[Grid]:
        return [g for g in self.grids.values() if g.community == community]

    def validate_place(
        self, town: str | None, community: str | None, grid: str | None, *, prefix: str = "place"
    ) -> list[FieldError]:
        """Check that the given codes exist and nest (grid in community in town). Empty codes are skipped."""
        errors: list[FieldError] = []
        t = c = None
        if town:
            if town in self.towns:
                t = town
            else:
                errors.append(field_error("place.unknown_town", f"{prefix}.town", value=town))
        if community:
            if community not in self.communities:
                errors.append(field_error("place.unknown_community", f"{prefix}.community", value=community))
            else:
                c = community
                if t and self.communities[c].town != t:
                    errors.append(
                        field_error(
                            "place.community_not_in_town",
                            f"{prefix}.community",
                            community=self.communities[c].name,
                            town=self.towns[t].name,
                        )
                    )
        if grid:
            g = self.grids.get(grid)
            if g is None:
                errors.append(field_error("place.unknown_grid", f"{prefix}.grid", value=grid))
            elif c and g.community != c:
                errors.append(
                    field_error(
                        "place.grid_not_in_community",
                        f"{prefix}.grid",
                        grid=g.name,
                        community=self.communities[c].name,
                    )
                )
            elif not c and not community and t and self.town_of(g.community) != t:
                errors.append(
                    field_error("place.grid_not_in_town", f"{prefix}.grid", grid=g.name, town=self.towns[t].name)
                )
        return errors


@dataclass(frozen=True, eq=False)
class HallConfig:
    centre: Centre
    workstation: Workstation
    intake: IntakeSettings
    files: FileSettings
    departments: dict[str, Department]
    categories: dict[str, Category]
    network: Network
    #: the files merged into this configuration, defaults first
    source_files: tuple[Path, ...] = ()
    receipts: ReceiptSettings = field(default_factory=ReceiptSettings)
    dispatch: DispatchSettings = field(default_factory=DispatchSettings)
    backup: BackupSettings = field(default_factory=BackupSettings)
    accounts: AccountSettings = field(default_factory=AccountSettings)

    @property
    def routing_rules_path(self) -> Path:
        return self.files.routing_rules

    @property
    def deadline_rules_path(self) -> Path:
        return self.files.deadline_rules

    @property
    def calendar_dirs(self) -> tuple[Path, ...]:
        return (self.files.calendars_dir,) if self.files.calendars_dir else ()

    def category_label(self, code: str | None, lang: str = "zh") -> str:
        cat = self.categories.get(code or "")
        return cat.label(lang) if cat else (code or "")

    def subcategory_label(self, category: str | None, sub: str | None, lang: str = "zh") -> str:
        cat = self.categories.get(category or "")
        s = cat.subs.get(sub or "") if cat else None
        return s.label(lang) if s else (sub or "")

    def department_label(self, code: str | None, lang: str = "zh") -> str:
        dept = self.departments.get(code or "")
        return dept.label(lang) if dept else (code or "")


# -- finding lines in TOML text -----------------------------------------------------------------

_PATH_PART_RE = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
_KEY_TOKEN_RE = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_\-]+)\s*')
_HEADER_RE = re.compile(r"^\s*(\[\[?)(.*?)(\]\]?)\s*(#.*)?$")


def split_path(path: str) -> list[str | int]:
    """``network.grid[17].community`` -> ``["network", "grid", 17, "community"]``."""
    out: list[str | int] = []
    for m in _PATH_PART_RE.finditer(path or ""):
        out.append(int(m.group(1)) if m.group(1) is not None else m.group(2))
    return out


def join_path(parts: Iterable[str | int]) -> str:
    s = ""
    for p in parts:
        s += f"[{p}]" if isinstance(p, int) else (f".{p}" if s else p)
    return s


def _split_key(text: str) -> list[str] | None:
    """Split a (dotted, maybe quoted) TOML key; ``None`` if ``text`` is not a key."""
    parts: list[str] = []
    pos = 0
    while True:
        m = _KEY_TOKEN_RE.match(text, pos)
        if not m:
            return None
        tok = m.group(1)
        parts.append(tok[1:-1] if tok[0] in "\"'" else tok)
        pos = m.end()
        if pos == len(text):
            return parts
        if text[pos] != ".":
            return None
        pos += 1


def _scan_value(value: str) -> tuple[int, str | None]:
    """Bracket depth change over ``value`` (strings and comments skipped) and an unclosed ``\"\"\"``/``'''``."""
    depth = 0
    i = 0
    n = len(value)
    while i < n:
        ch = value[i]
        if value.startswith('"""', i) or value.startswith("'''", i):
            delim = value[i : i + 3]
            end = value.find(delim, i + 3)
            if end < 0:
                return depth, delim
            i = end + 3
            continue
        if ch == '"':
            i += 1
            while i < n and value[i] != '"':
                i += 2 if value[i] == "\\" else 1
        elif ch == "'":
            end = value.find("'", i + 1)
            i = n if end < 0 else end
        elif ch == "#":
            break
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return depth, None


class TomlLocator:
    """Maps key paths (``department[3].track``) to 1-based line numbers of a TOML text.

    Understands table headers ``[a.b]``, arrays of tables ``[[a]]`` / ``[[a.b]]`` (counted by index,
    nested ones per parent element) and ``key = value`` lines; a key inside an inline table or a
    multi-line array maps to the line of the key that holds it.
    """

    def __init__(self, text: str):
        self.lines: dict[str, int] = {}
        aot: dict[str, int] = {}  # array-of-tables path -> elements seen so far
        current = ""
        depth = 0
        open_string: str | None = None

        def resolve(parts: list[str]) -> str:
            p = ""
            for seg in parts:
                p = f"{p}.{seg}" if p else seg
                if p in aot:
                    p = f"{p}[{aot[p] - 1}]"
            return p

        for n, raw in enumerate(text.splitlines(), 1):
            if open_string:
                if open_string in raw:
                    rest = raw.split(open_string, 1)[1]
                    delta, open_string = _scan_value(rest)
                    depth = max(0, depth + delta)
                continue
            if depth > 0:
                delta, open_string = _scan_value(raw)
                depth = max(0, depth + delta)
                continue
            stripped = raw.strip()
            if not stripped or stripped.startswith("#"):
                continue
            m = _HEADER_RE.match(raw)
            if m and stripped.startswith("["):
                keys = _split_key(m.group(2).strip())
                if keys is None:
                    continue
                if m.group(1) == "[[":
                    parent = resolve(keys[:-1])
                    full = f"{parent}.{keys[-1]}" if parent else keys[-1]
                    idx = aot.get(full, 0)
                    aot[full] = idx + 1
                    self.lines.setdefault(full, n)
                    current = f"{full}[{idx}]"
                else:
                    current = resolve(keys)
                self.lines.setdefault(current, n)
                continue
            key_text, sep, value = raw.partition("=")
            keys = _split_key(key_text.strip()) if sep else None
            if not keys:
                continue
            path = ".".join([current, *keys]) if current else ".".join(keys)
            self.lines.setdefault(path, n)
            delta, open_string = _scan_value(value)
            depth = max(0, delta)

    def line(self, path: str) -> int | None:
        """The line of exactly this key path, or ``None``."""
        return self.lines.get(join_path(split_path(path)))

    def nearest(self, path: str) -> int | None:
        """The line of the key path, else of its closest enclosing key or table header."""
        parts = split_path(path)
        while parts:
            found = self.lines.get(join_path(parts))
            if found is not None:
                return found
            parts.pop()
        return None


# -- loading --------------------------------------------------------------------------------------


def defaults_path() -> Path:
    return resource_path("config", "defaults.toml")


def example_path() -> Path:
    return resource_path("config", "example-hall.toml")


def write_example(dest: Path, *, overwrite: bool = False) -> Path:
    """Copy the example hall (``example-hall.toml``) to ``dest`` (used by ``reception init``)."""
    dest = Path(dest)
    if dest.exists() and not overwrite:
        raise FileExistsError(str(dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(example_path(), dest)
    return dest


def deep_merge(base: dict, over: dict) -> dict:
    """``over`` merged into a copy of ``base``: tables key by key, everything else (lists too) replaced."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def config_problem(file: str, line: int | None, key: str, code: str, **params: Any) -> ConfigProblem:
    zh, en = MESSAGES[code]
    return ConfigProblem(file=file, line=line, key=key, message_zh=zh.format(**params), message_en=en.format(**params))


def read_layers(paths: Iterable[Path]) -> list[tuple[str, str, dict]]:
    """(file, text, data) of each TOML file, in order; every file's problems reported at once."""
    problems: list[ConfigProblem] = []
    layers: list[tuple[str, str, dict]] = []
    for p in paths:
        try:
            text, data = read_toml(p)
        except ConfigError as e:
            problems += e.problems
            continue
        layers.append((str(p), text, data))
    if problems:
        raise ConfigError(problems)
    return layers


def read_toml(path: Path) -> tuple[str, dict]:
    """Read and parse a TOML file; unreadable files and syntax errors raise :class:`ConfigError`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([config_problem(str(path), None, "", "config.read", detail=str(e))]) from e
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = getattr(e, "msg", None)
        detail = msg if isinstance(msg, str) else re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        raise ConfigError(
            [config_problem(str(path), toml_error_line(e, text), "", "config.syntax", detail=detail)]
        ) from e


@dataclass
class _Layer:
    file: str
    data: dict
    locator: TomlLocator


def _has(data: Any, parts: list[str | int]) -> int:
    """How many leading parts of the path exist in ``data``."""
    node = data
    for i, p in enumerate(parts):
        if isinstance(p, int):
            if not isinstance(node, list) or p >= len(node):
                return i
            node = node[p]
        else:
            if not isinstance(node, dict) or p not in node:
                return i
            node = node[p]
    return len(parts)


class Sources:
    """The files merged into one configuration, in order (later wins): names the file and line of a key."""

    def __init__(self, layers: list[tuple[str, str, dict]]):
        self.layers = [_Layer(file, data, TomlLocator(text)) for file, text, data in layers]

    def where(self, path: str) -> tuple[str, int | None]:
        parts = split_path(path)
        best: _Layer | None = None
        best_len = -1
        for layer in self.layers:  # a later file wins a tie: its value replaced the earlier one
            k = _has(layer.data, parts)
            if k >= best_len:
                best, best_len = layer, k
        if best is None:  # pragma: no cover - there is always at least one layer
            return "", None
        return best.file, best.locator.nearest(path)


class Checker:
    """Collects problems while reading values out of a merged configuration (shared with routing)."""

    def __init__(self, sources: Sources):
        self.sources = sources
        self.problems: list[ConfigProblem] = []

    def bad(self, path: str, code: str, **params: Any) -> None:
        file, line = self.sources.where(path)
        self.problems.append(config_problem(file, line, path, code, **params))

    @staticmethod
    def sub(path: str, key: str | int) -> str:
        if isinstance(key, int):
            return f"{path}[{key}]"
        return f"{path}.{key}" if path else key

    def unknown(self, table: dict, allowed: Iterable[str], path: str) -> None:
        allowed = tuple(allowed)
        for key in table:
            if key not in allowed:
                self.bad(self.sub(path, key), "config.unknown_key", name=key, allowed=", ".join(allowed))

    def table(self, parent: dict, key: str, path: str, *, required: bool = False) -> dict:
        v = parent.get(key)
        if v is None:
            if required:
                self.bad(self.sub(path, key), "config.missing")
            return {}
        if not isinstance(v, dict):
            self.bad(self.sub(path, key), "config.type", **_expected("table"))
            return {}
        return v

    def tables(self, parent: dict, key: str, path: str, *, required: bool = False) -> list[dict]:
        v = parent.get(key)
        if v is None:
            if required:
                self.bad(self.sub(path, key), "config.missing")
            return []
        if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
            self.bad(self.sub(path, key), "config.type", **_expected("tables"))
            return []
        if required and not v:
            self.bad(self.sub(path, key), "config.empty")
        return v

    def text(self, t: dict, key: str, path: str, *, required: bool = True, default: str | None = None) -> str | None:
        v = t.get(key)
        where = self.sub(path, key)
        if v is None:
            if required:
                self.bad(where, "config.missing")
            return default
        if not isinstance(v, str):
            self.bad(where, "config.type", **_expected("str"))
            return default
        if required and not v.strip():
            self.bad(where, "config.empty")
            return default
        return v.strip() or default

    def integer(self, t: dict, key: str, path: str, *, default: int, minimum: int | None = None) -> int:
        v = t.get(key)
        where = self.sub(path, key)
        if v is None:
            self.bad(where, "config.missing")
            return default
        if isinstance(v, bool) or not isinstance(v, int):
            self.bad(where, "config.type", **_expected("int"))
            return default
        if minimum is not None and v < minimum:
            self.bad(where, "config.range", value=v, min=minimum)
            return default
        return v

    def number(self, t: dict, key: str, path: str, *, default: float, minimum: float | None = None) -> float:
        v = t.get(key)
        where = self.sub(path, key)
        if v is None:
            self.bad(where, "config.missing")
            return default
        if isinstance(v, bool) or not isinstance(v, int | float):
            self.bad(where, "config.type", **_expected("number"))
            return default
        if minimum is not None and v < minimum:
            self.bad(where, "config.range", value=v, min=minimum)
            return default
        return float(v)

    def flag(self, t: dict, key: str, path: str) -> bool | None:
        v = t.get(key)
        if v is None:
            return None
        if not isinstance(v, bool):
            self.bad(self.sub(path, key), "config.type", **_expected("bool"))
            return None
        return v

    def str_list(self, t: dict, key: str, path: str) -> list[str]:
        v = t.get(key)
        if v is None:
            return []
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            self.bad(self.sub(path, key), "config.type", **_expected("str_list"))
            return []
        return v

    def choice(
        self,
        t: dict,
        key: str,
        path: str,
        choices: tuple[str, ...],
        *,
        default: str | None = None,
        required: bool = True,
    ) -> str | None:
        """One of ``choices``; a missing key gives ``default`` (a problem if required and no default)."""
        if t.get(key) is None:
            if required and default is None:
                self.bad(self.sub(path, key), "config.missing")
            return default
        v = self.text(t, key, path, required=False)
        if v is None:
            return default
        if v not in choices:
            self.bad(self.sub(path, key), "config.enum", value=v, choices=" | ".join(choices))
            return default
        return v


_TOP_KEYS = (
    "centre",
    "workstation",
    "intake",
    "files",
    "category",
    "department",
    "network",
    "receipts",
    "dispatch",
    "backup",
    "accounts",
)
_TRANSPORT_KEYS: dict[str, tuple[str, ...]] = {
    "http": ("kind", "base_url", "token_secret", "signing_secret", "ca_bundle", "timeout_s", "poll_interval_s"),
    "folder": ("kind", "inbox", "outbox", "poll_interval_s"),
    "manual": ("kind",),
}
_SECRET_NAME_RE = re.compile(r"^[A-Za-z0-9._\-]{1,80}$")
_CONTACT_KEYS = ("phone", "address", "hours")


class _Builder(Checker):
    def __init__(self, sources: Sources, base_dir: Path):
        super().__init__(sources)
        self.base_dir = base_dir

    def build(self, d: dict, source_files: tuple[Path, ...]) -> HallConfig:
        self.unknown(d, _TOP_KEYS, "")
        centre = self.centre(self.table(d, "centre", "", required=True))
        workstation = self.workstation(self.table(d, "workstation", "", required=True))
        categories = self.categories(self.tables(d, "category", "", required=True))
        intake = self.intake(self.table(d, "intake", "", required=True), categories)
        files = self.files(self.table(d, "files", "", required=True))
        departments = self.departments(self.tables(d, "department", "", required=True))
        network = self.network(self.table(d, "network", "", required=True))
        receipts = self.receipts(self.table(d, "receipts", ""))
        dispatch = self.dispatch(self.table(d, "dispatch", ""))
        backup = self.backup(self.table(d, "backup", ""))
        accounts = self.accounts(self.table(d, "accounts", ""))
        if self.problems:
            raise ConfigError(self.problems)
        return HallConfig(
            centre=centre,
            workstation=workstation,
            intake=intake,
            files=files,
            departments=departments,
            categories=categories,
            network=network,
            source_files=source_files,
            receipts=receipts,
            dispatch=dispatch,
            backup=backup,
            accounts=accounts,
        )

    def centre(self, t: dict) -> Centre:
        p = "centre"
        self.unknown(t, ("name", "code", "case_no_prefix", "timezone"), p)
        name = self.text(t, "name", p) or ""
        code = self.text(t, "code", p) or ""
        if code and not _CENTRE_CODE_RE.match(code):
            self.bad(f"{p}.code", "config.centre_code", value=code)
        prefix = self.text(t, "case_no_prefix", p, default="ZZ") or "ZZ"
        if not _PREFIX_RE.match(prefix):
            self.bad(f"{p}.case_no_prefix", "config.case_no_prefix", value=prefix)
        tz = self.text(t, "timezone", p, default="Asia/Shanghai") or "Asia/Shanghai"
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            self.bad(f"{p}.timezone", "config.timezone", value=tz)
            tz = "Asia/Shanghai"
        return Centre(name=name, code=code, case_no_prefix=prefix, timezone=tz)

    def workstation(self, t: dict) -> Workstation:
        self.unknown(t, ("code",), "workstation")
        code = self.text(t, "code", "workstation") or ""
        if code and not _WORKSTATION_RE.match(code):
            self.bad("workstation.code", "config.workstation_code", value=code)
        return Workstation(code=code)

    def intake(self, t: dict, categories: dict[str, Category]) -> IntakeSettings:
        p = "intake"
        d = IntakeSettings()
        self.unknown(t, [f for f in IntakeSettings.__dataclass_fields__], p)
        group = self.integer(t, "group_visit_threshold", p, default=d.group_visit_threshold, minimum=2)
        reps = self.integer(t, "max_representatives", p, default=d.max_representatives, minimum=1)
        grid_limit = self.number(t, "grid_amount_limit", p, default=d.grid_amount_limit, minimum=0)
        town_amount = self.number(t, "town_amount_threshold", p, default=d.town_amount_threshold, minimum=0)
        if town_amount < grid_limit:
            self.bad(
                f"{p}.town_amount_threshold",
                "config.order",
                value=town_amount,
                other="grid_amount_limit",
                other_value=grid_limit,
            )
        people = self.integer(t, "town_people_threshold", p, default=d.town_people_threshold, minimum=1)
        grid_categories = self.str_list(t, "grid_categories", p)
        for i, code in enumerate(grid_categories):
            if categories and code not in categories:
                self.bad(
                    f"{p}.grid_categories[{i}]", "config.reference", value=code, what_zh="事项类别", what_en="category"
                )
        return IntakeSettings(
            group_visit_threshold=group,
            max_representatives=reps,
            grid_amount_limit=grid_limit,
            town_amount_threshold=town_amount,
            town_people_threshold=people,
            grid_categories=tuple(grid_categories),
        )

    def _resolve_file(self, t: dict, key: str, fallback: str) -> Path:
        name = self.text(t, key, "files", default=fallback) or fallback
        p = Path(name).expanduser()
        candidates = [p] if p.is_absolute() else [self.base_dir / p, resource_path("rules", name)]
        for c in candidates:
            if c.is_file():
                return c
        self.bad(f"files.{key}", "config.file_missing", value=name, looked=", ".join(str(c.parent) for c in candidates))
        return candidates[-1]

    def files(self, t: dict) -> FileSettings:
        self.unknown(t, ("routing_rules", "deadline_rules", "calendars_dir"), "files")
        routing = self._resolve_file(t, "routing_rules", "routing.toml")
        deadlines = self._resolve_file(t, "deadline_rules", "deadlines.toml")
        cal = self.text(t, "calendars_dir", "files", required=False)
        cal_dir = None
        if cal:
            cal_dir = Path(cal).expanduser()
            if not cal_dir.is_absolute():
                cal_dir = self.base_dir / cal_dir
            if not cal_dir.is_dir():
                self.bad("files.calendars_dir", "config.dir_missing", value=str(cal_dir))
        return FileSettings(routing_rules=routing, deadline_rules=deadlines, calendars_dir=cal_dir)

    def _font_file(self, spec: str, where: str) -> Path | None:
        name = spec.strip()
        m = re.match(r"^(.*)#\d+$", name)
        p = Path(m.group(1) if m else name).expanduser()
        if not p.is_absolute():
            p = self.base_dir / p
        if not p.is_file():
            self.bad(where, "config.file_missing", value=name, looked=str(p.parent))
            return None
        return p

    def receipts(self, t: dict) -> ReceiptSettings:
        p = "receipts"
        self.unknown(t, ("font", "font_index", "fallback_fonts"), p)
        font_text = self.text(t, "font", p, required=False)
        font = self._font_file(font_text, f"{p}.font") if font_text else None
        index = 0
        if t.get("font_index") is not None:
            index = self.integer(t, "font_index", p, default=0, minimum=0)
        fallbacks: list[str] = []
        for i, spec in enumerate(self.str_list(t, "fallback_fonts", p)):
            if not spec.strip():
                continue
            path = self._font_file(spec, f"{p}.fallback_fonts[{i}]")
            if path is not None:
                m = re.match(r"^.*(#\d+)$", spec.strip())
                fallbacks.append(str(path) + (m.group(1) if m else ""))
        return ReceiptSettings(font=font, font_index=index, fallback_fonts=tuple(fallbacks))

    def code(self, t: dict, path: str, seen: dict[str, str], *, pattern: re.Pattern = _CODE_RE) -> str | None:
        code = self.text(t, "code", path)
        if code is None:
            return None
        if not pattern.match(code):
            self.bad(f"{path}.code", "config.code" if pattern is _CODE_RE else "config.node_code", value=code)
            return None
        if code in seen:
            self.bad(f"{path}.code", "config.duplicate", value=code, first=seen[code])
            return None
        seen[code] = path
        return code

    def contact(self, t: dict, key: str, path: str) -> Contact:
        c = self.table(t, key, path)
        where = self.sub(path, key)
        self.unknown(c, _CONTACT_KEYS, where)
        return Contact(**{k: self.text(c, k, where, required=False) for k in _CONTACT_KEYS})

    def categories(self, items: list[dict]) -> dict[str, Category]:
        out: dict[str, Category] = {}
        seen: dict[str, str] = {}
        for i, t in enumerate(items):
            p = f"category[{i}]"
            self.unknown(t, ("code", "name", "name_en", "sub"), p)
            code = self.code(t, p, seen)
            name = self.text(t, "name", p) or ""
            name_en = self.text(t, "name_en", p, required=False) or name
            subs: dict[str, Subcategory] = {}
            seen_subs: dict[str, str] = {}
            for j, s in enumerate(self.tables(t, "sub", p)):
                sp = f"{p}.sub[{j}]"
                self.unknown(s, ("code", "name", "name_en"), sp)
                scode = self.code(s, sp, seen_subs)
                sname = self.text(s, "name", sp) or ""
                sname_en = self.text(s, "name_en", sp, required=False) or sname
                if scode:
                    subs[scode] = Subcategory(scode, sname, sname_en)
            if code:
                out[code] = Category(code, name, name_en, subs)
        return out

    def departments(self, items: list[dict]) -> dict[str, Department]:
        out: dict[str, Department] = {}
        seen: dict[str, str] = {}
        for i, t in enumerate(items):
            p = f"department[{i}]"
            self.unknown(t, ("code", "name", "name_en", "level", "track", "contact", "transport"), p)
            code = self.code(t, p, seen)
            name = self.text(t, "name", p) or ""
            name_en = self.text(t, "name_en", p, required=False) or name
            level = self.choice(t, "level", p, LEVELS, default="district") or "district"
            track = self.choice(t, "track", p, TRACKS) or "other"
            contact = self.contact(t, "contact", p)
            transport = self.transport(t, p, code or "")
            if code:
                out[code] = Department(code, name, name_en, level, track, contact, transport)
        return out

    def _seconds(self, t: dict, key: str, path: str, default: float) -> float:
        if t.get(key) is None:
            return default
        v = self.number(t, key, path, default=default)
        if v <= 0:
            self.bad(self.sub(path, key), "config.positive", value=v)
            return default
        return v

    def _path(self, t: dict, key: str, path: str, *, must_exist: bool = False) -> Path | None:
        text = self.text(t, key, path, required=False)
        if not text:
            return None
        p = Path(text).expanduser()
        if not p.is_absolute():
            p = self.base_dir / p
        if must_exist and not p.is_file():
            self.bad(self.sub(path, key), "config.file_missing", value=text, looked=str(p.parent))
        return p

    def _secret_name(self, t: dict, key: str, path: str, default: str) -> str:
        name = self.text(t, key, path, required=False) or default
        if not _SECRET_NAME_RE.match(name):
            self.bad(self.sub(path, key), "config.secret_name", value=name)
        return name

    def transport(self, dept: dict, path: str, code: str) -> Transport:
        """``[department.transport]``: checked by kind; absent means manual (not configured)."""
        if dept.get("transport") is None:
            return Transport()
        t = self.table(dept, "transport", path)
        p = self.sub(path, "transport")
        kind = self.choice(t, "kind", p, TRANSPORT_KINDS, default="manual") or "manual"
        allowed = _TRANSPORT_KEYS[kind]
        for key in t:
            if key in allowed:
                continue
            if any(key in keys for keys in _TRANSPORT_KEYS.values()):
                self.bad(self.sub(p, key), "config.transport_key", kind=kind, name=key, allowed=", ".join(allowed))
            else:
                self.bad(self.sub(p, key), "config.unknown_key", name=key, allowed=", ".join(allowed))
        poll = self._seconds(t, "poll_interval_s", p, 0.0) or None
        if kind == "http":
            base_url = self.text(t, "base_url", p)
            if base_url:
                base_url = self._base_url(base_url, self.sub(p, "base_url"))
            return Transport(
                kind=kind,
                configured=True,
                base_url=base_url,
                token_secret=self._secret_name(t, "token_secret", p, f"dept-{code}-token"),
                signing_secret=self._secret_name(t, "signing_secret", p, f"dept-{code}-signing-key"),
                ca_bundle=self._path(t, "ca_bundle", p, must_exist=True),
                timeout_s=self._seconds(t, "timeout_s", p, Transport.timeout_s),
                poll_interval_s=poll,
            )
        if kind == "folder":
            if t.get("inbox") is None:
                self.bad(self.sub(p, "inbox"), "config.missing")
            return Transport(
                kind=kind,
                configured=True,
                inbox=self._path(t, "inbox", p),
                outbox=self._path(t, "outbox", p),
                poll_interval_s=poll,
            )
        return Transport(kind="manual", configured=True)

    def _base_url(self, url: str, where: str) -> str | None:
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            self.bad(where, "config.url", value=url)
            return None
        if parts.scheme not in ("http", "https") or not host or parts.query or parts.fragment:
            self.bad(where, "config.url", value=url)
            return None
        if parts.scheme == "http" and host not in LOOPBACK_HOSTS:
            self.bad(where, "config.https_required", value=url)
            return None
        return url.rstrip("/")

    def dispatch(self, t: dict) -> DispatchSettings:
        p = "dispatch"
        d = DispatchSettings()
        self.unknown(t, [f for f in DispatchSettings.__dataclass_fields__], p)
        base = self._seconds(t, "backoff_base_s", p, d.backoff_base_s)
        cap = self._seconds(t, "backoff_cap_s", p, d.backoff_cap_s)
        if cap < base:
            self.bad(f"{p}.backoff_cap_s", "config.order", value=cap, other="backoff_base_s", other_value=base)
            cap = max(base, d.backoff_cap_s)
        return DispatchSettings(
            backoff_base_s=base,
            backoff_cap_s=cap,
            max_age_hours=self._seconds(t, "max_age_hours", p, d.max_age_hours),
            lease_s=self._seconds(t, "lease_s", p, d.lease_s),
            poll_interval_s=self._seconds(t, "poll_interval_s", p, d.poll_interval_s),
            probe_cap_s=self._seconds(t, "probe_cap_s", p, d.probe_cap_s),
            concurrency=self._concurrency(t, p, d.concurrency),
        )

    def _concurrency(self, t: dict, path: str, default: int) -> int:
        if t.get("concurrency") is None:
            return default
        v = self.integer(t, "concurrency", path, default=default, minimum=1)
        if v > MAX_CONCURRENCY:
            self.bad(self.sub(path, "concurrency"), "config.range_max", value=v, max=MAX_CONCURRENCY)
            return default
        return v

    def backup(self, t: dict) -> BackupSettings:
        """``[backup]``: ``folder`` relative to the hall file's folder ("" = the default), ``keep_days`` at
        least 1, ``keep_months`` at least 0."""
        p = "backup"
        d = BackupSettings()
        self.unknown(t, [f for f in BackupSettings.__dataclass_fields__], p)
        folder = self._path(t, "folder", p)
        if folder is not None and folder.exists() and not folder.is_dir():
            self.bad(f"{p}.folder", "config.not_a_folder", value=str(folder))
        days = d.keep_days
        if t.get("keep_days") is not None:
            days = self.integer(t, "keep_days", p, default=d.keep_days, minimum=1)
        months = d.keep_months
        if t.get("keep_months") is not None:
            months = self.integer(t, "keep_months", p, default=d.keep_months, minimum=0)
        return BackupSettings(folder=folder, keep_days=days, keep_months=months)

    def accounts(self, t: dict) -> AccountSettings:
        """``[accounts]``: ``idle_lock_minutes`` a number from 1 to ``IDLE_LOCK_MAX_MINUTES``."""
        p = "accounts"
        d = AccountSettings()
        self.unknown(t, [f for f in AccountSettings.__dataclass_fields__], p)
        minutes = d.idle_lock_minutes
        if t.get("idle_lock_minutes") is not None:
            minutes = self.number(t, "idle_lock_minutes", p, default=d.idle_lock_minutes, minimum=IDLE_LOCK_MIN_MINUTES)
            if minutes > IDLE_LOCK_MAX_MINUTES:
                self.bad(f"{p}.idle_lock_minutes", "config.range_max", value=minutes, max=IDLE_LOCK_MAX_MINUTES)
                minutes = d.idle_lock_minutes
        return AccountSettings(idle_lock_minutes=minutes)

    def network(self, t: dict) -> Network:
        p = "network"
        self.unknown(t, ("town", "community", "grid"), p)
        seen: dict[str, str] = {}
        towns: dict[str, Town] = {}
        for i, x in enumerate(self.tables(t, "town", p, required=True)):
            q = f"{p}.town[{i}]"
            self.unknown(x, ("code", "name", "centre_name", "contact"), q)
            code = self.code(x, q, seen, pattern=_NODE_RE)
            name = self.text(x, "name", q) or ""
            centre_name = self.text(x, "centre_name", q, required=False)
            contact = self.contact(x, "contact", q)
            if code:
                towns[code] = Town(code, name, centre_name, contact)
        communities: dict[str, Community] = {}
        for i, x in enumerate(self.tables(t, "community", p)):
            q = f"{p}.community[{i}]"
            self.unknown(x, ("code", "name", "town", "station_name"), q)
            code = self.code(x, q, seen, pattern=_NODE_RE)
            name = self.text(x, "name", q) or ""
            town = self.text(x, "town", q)
            if town and town not in towns:
                self.bad(f"{q}.town", "config.reference", value=town, what_zh="镇（街道）", what_en="town")
            station = self.text(x, "station_name", q, required=False)
            if code and town:
                communities[code] = Community(code, name, town, station)
        grids: dict[str, Grid] = {}
        for i, x in enumerate(self.tables(t, "grid", p)):
            q = f"{p}.grid[{i}]"
            self.unknown(x, ("code", "name", "community", "worker"), q)
            code = self.code(x, q, seen, pattern=_NODE_RE)
            name = self.text(x, "name", q) or ""
            community = self.text(x, "community", q)
            if community and community not in communities:
                self.bad(
                    f"{q}.community", "config.reference", value=community, what_zh="村（社区）", what_en="community"
                )
            worker = self.text(x, "worker", q, required=False)
            if code and community:
                grids[code] = Grid(code, name, community, worker)
        return Network(towns=towns, communities=communities, grids=grids)


def load_config(path: Path | None = None) -> HallConfig:
    """The hall configuration: ``defaults.toml`` with the hall's file merged over it.

    ``path`` None: ``hall.toml`` in the user config folder if it exists, else the shipped example hall.
    Relative file names under ``[files]`` are looked up next to the hall file (the user config folder
    for the example), then in ``resources/rules``. Every problem raises in one :class:`ConfigError`.
    """
    if path is None:
        hall = config_dir() / HALL_FILE
        if hall.is_file():
            path, base_dir = hall, hall.parent
        else:
            path, base_dir = example_path(), config_dir()
    else:
        path = Path(path)
        base_dir = path.resolve().parent
    layers = read_layers([defaults_path(), path])
    merged: dict = {}
    for _, _, data in layers:
        merged = deep_merge(merged, data)
    return _Builder(Sources(layers), base_dir).build(merged, (defaults_path(), path))
