"""The wheel works on its own: resources and migrations ship inside it.

How the test environment is made, and why:

* The wheel is built with ``pip wheel --no-deps`` from a copy of the checkout in ``tmp_path``, so the
  build's ``build/`` and ``*.egg-info`` folders never land in the working tree. pip builds in an
  isolated environment and takes setuptools from the machine's configured index.
* The wheel goes into a fresh venv made with ``python -m venv --without-pip`` and is installed with
  the test interpreter's pip (``pip --python <venv python> install --no-deps --no-index``).
* The dependencies (SQLAlchemy, Alembic, PySide6, …) are *not* downloaded again: a ``.pth`` file
  in the fresh venv appends this project's ``.venv`` site-packages to ``sys.path``. Paths listed in a
  ``.pth`` file are not themselves scanned for ``.pth`` files, so the editable install of the
  checkout in ``.venv`` (a ``__editable__*.pth`` import hook) stays inactive, and the fresh venv's
  own site-packages comes first: ``reception`` can only be imported from the wheel. The test checks
  that it is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from reception.storage.migrate import head_revision

ROOT = Path(__file__).resolve().parents[2]
_NOT_SOURCE = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", ".*_cache", ".hypothesis", "*.sqlite3*"
)


def _unlisted_packages() -> list[str]:
    """Packages of the source tree that pyproject's explicit ``packages`` list leaves out of the wheel."""
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("reception", "ui")
        for init in (ROOT / top).rglob("__init__.py")
    }
    return sorted(found - set(listed))


def test_every_package_is_listed_in_pyproject():
    """pyproject lists packages by hand (resources/ is mapped into reception.resources); a new
    subpackage left off the list would be missing from the wheel and the installer."""
    assert _unlisted_packages() == []


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600):
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout, check=False
    )
    assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv python, venv bin folder, venv site-packages) with only the built wheel installed."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    shutil.copytree(ROOT, src, ignore=_NOT_SOURCE)
    dist = base / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)], cwd=base)
    wheels = list(dist.glob("reception_desk-*.whl"))
    assert len(wheels) == 1

    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=base)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheels[0]),
        ],
        cwd=base,
    )
    site = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=base).stdout.strip()
    )
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_reception_test_deps.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    return python, bindir, site


@pytest.fixture
def outside(tmp_path, installed):
    """A working folder outside the checkout and an environment that knows nothing of it."""
    _, bindir, _ = installed
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "RECEPTION_DB", "VIRTUAL_ENV")}
    for name in ("DATA", "CONFIG", "LOG"):
        d = tmp_path / f"installed-{name.lower()}"
        d.mkdir()
        env[f"RECEPTION_{name}_DIR"] = str(d)
    env["PATH"] = str(bindir) + os.pathsep + env.get("PATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    return work, env


@pytest.mark.slow
def test_installed_wheel_finds_its_resources_and_migrations(installed, outside):
    python, _, site = installed
    work, env = outside
    probe = (
        "import json, reception, reception.paths as p, reception.storage.migrate as m;"
        "print(json.dumps({'module': reception.__file__, 'version': reception.__version__,"
        "'resources': str(p.resources_dir()), 'defaults': str(p.resource_path('config', 'defaults.toml')),"
        "'migrations': str(m.MIGRATIONS), 'head': m.head_revision(),"
        "'versions': sorted(x.name for x in (m.MIGRATIONS / 'versions').glob('0*.py'))}))"
    )
    info = json.loads(_run([str(python), "-c", probe], cwd=work, env=env).stdout)
    site = site.resolve()
    for key in ("module", "resources", "defaults", "migrations"):
        path = Path(info[key]).resolve()
        assert path.is_relative_to(site), f"{key} comes from {path}, not the installed wheel"
        assert not path.is_relative_to(ROOT)
    assert Path(info["resources"]) == site / "reception" / "resources"
    assert Path(info["defaults"]).is_file()
    assert (Path(info["migrations"]) / "env.py").is_file()
    assert (Path(info["migrations"]) / "script.py.mako").is_file()
    assert info["versions"] == sorted(x.name for x in (ROOT / "reception" / "migrations" / "versions").glob("0*.py"))
    assert info["head"] == head_revision()
    assert info["version"] == "0.1.0"
    for folder in ("rules", "calendars", "schema"):
        assert any((Path(info["resources"]) / folder).iterdir())


@pytest.mark.slow
def test_installed_command_runs_from_anywhere(installed, outside):
    python, bindir, _ = installed
    work, env = outside
    reception = str(bindir / "reception")

    out = _run([reception, "--version"], cwd=work, env=env).stdout
    assert out.strip() == "reception 0.1.0"

    out = _run([reception, "init"], cwd=work, env=env).stdout
    assert "数据库已就绪" in out and head_revision() in out
    data_dir = Path(env["RECEPTION_DATA_DIR"])
    assert (Path(env["RECEPTION_CONFIG_DIR"]) / "hall.toml").is_file()
    assert (data_dir / "reception.sqlite3").is_file()

    # accounts: the administrator, who adds a clerk, who sets their own password; the clerk then works
    def user(*args: str, stdin: str) -> None:
        r = subprocess.run(
            [reception, "user", *args], cwd=work, env=env, input=stdin, capture_output=True, text=True, timeout=120
        )
        assert r.returncode == 0, r.stderr

    user("setup", "admin", "--name", "管理员", stdin="Hall-Setup-2026!\n")
    user(
        "add",
        "zhangsan",
        "--name",
        "张三",
        "--role",
        "clerk",
        "--as",
        "admin",
        stdin="Hall-Setup-2026!\nFirst-Pass-26\n",
    )
    user("passwd", "zhangsan", stdin="First-Pass-26\nClerk-Pass-2026\n")
    refused = subprocess.run([reception, "demo", "--cases", "3"], cwd=work, env=env, capture_output=True, text=True)
    assert refused.returncode == 3 and "--as" in refused.stderr
    env = {**env, "RECEPTION_USER": "zhangsan", "RECEPTION_PASSWORD": "Clerk-Pass-2026"}

    out = _run([reception, "demo", "--cases", "3", "--seed", "1"], cwd=work, env=env).stdout
    assert out.strip() == "已生成演示案件 3 件"

    found = _run([reception, "search", "工资", "--json"], cwd=work, env=env)
    results = json.loads(found.stdout)
    # the same answer as reading every stored document
    count = (
        "import json, sqlite3, sys; from reception.search_index import document_text;"
        "con = sqlite3.connect(sys.argv[1]);"
        "docs = [json.loads(r[0]) for r in con.execute('SELECT document FROM cases')];"
        "print(len(docs), sum('工资' in document_text(d) for d in docs))"
    )
    total, with_word = map(
        int, _run([str(python), "-c", count, str(data_dir / "reception.sqlite3")], cwd=work, env=env).stdout.split()
    )
    assert total == 3
    assert len(results) == with_word
    plain = _run([reception, "search", "工资"], cwd=work, env=env)
    assert f"共 {with_word} 件" in plain.stderr
    assert not list(work.iterdir())  # nothing written to the working folder


@pytest.mark.slow
def test_installed_desk_starts_from_anywhere(installed, outside):
    """The ``reception-desk`` command of the wheel: ``reception user setup`` creates the database and the
    first administrator, then the desk signs in unattended and opens its window; its translations and style
    sheet come from the wheel."""
    python, bindir, _ = installed
    work, env = outside
    env["QT_QPA_PLATFORM"] = "offscreen"
    probe = (
        "import reception.paths as p;"
        "print(p.resource_path('translations', 'desk_en.qm').is_file(), p.resource_path('qss', 'desk.qss').is_file())"
    )
    assert _run([str(python), "-c", probe], cwd=work, env=env).stdout.split() == ["True", "True"]
    # the first administrator, made from the command line (the desk asks in a dialog at the first start)
    password = "Hall-Setup-2026!"
    setup = subprocess.run(
        [str(bindir / "reception"), "user", "setup", "admin", "--name", "管理员"],
        cwd=work,
        env=env,
        input=password + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    desk = str(bindir / "reception-desk")
    _run(
        [desk, "--quit-after-start", "--lang", "en", "--user", "admin"],
        cwd=work,
        env={**env, "RECEPTION_PASSWORD": password},
        timeout=120,
    )
    assert (Path(env["RECEPTION_DATA_DIR"]) / "reception.sqlite3").is_file()
    assert (Path(env["RECEPTION_LOG_DIR"]) / "desk.log").is_file()
    assert not list(work.iterdir())
