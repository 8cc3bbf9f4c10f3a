"""The parts of ``build_installer.py`` that need no build: what is pruned, the version, the generated files.
(The build itself: tests/integration/test_installer_build.py.)"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

import build_installer as bi

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("PySide6/Qt/translations/qtbase_de.qm", True),
        ("PySide6/Qt/translations/qtbase_zh_CN.qm", False),
        ("PySide6/Qt/translations/qt_zh_CN.qm", False),
        ("PySide6\\translations\\qt_help_fr.qm", True),  # the Windows wheel's layout
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6\\plugins\\platforms\\qwindows.dll", False),
        ("PySide6\\plugins\\platforms\\qdirect2d.dll", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", False),
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", True),
        ("PySide6\\plugins\\imageformats\\qico.dll", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", True),
        ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", True),
        ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", False),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", False),
        ("PySide6\\opengl32sw.dll", True),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", False),
        ("resources/translations/desk_en.qm", False),  # the desk's own catalogue
        ("reception/migrations/versions/0001_initial_schema.py", False),
    ],
)
def test_what_the_rules_leave_out(dest, dropped):
    assert bi.dropped_by_rule(dest) is dropped


def _toc(tmp_path, entries):
    """TOC entries with real files of the given sizes (the pruning report adds them up)."""
    out = []
    for dest, size, kind in entries:
        if kind == "SYMLINK":
            out.append((dest, size, kind))  # size: the link's relative target
            continue
        src = tmp_path / dest.replace("/", "_")
        src.write_bytes(b"x" * size)
        out.append((dest, str(src), kind))
    return out


def test_libraries_only_the_removed_files_needed_go_with_them(tmp_path):
    binaries = _toc(
        tmp_path,
        [
            ("PySide6/Qt/plugins/platforms/libqwayland.so", 100, "BINARY"),
            ("PySide6/Qt/plugins/platforms/libqxcb.so", 100, "BINARY"),
            ("PySide6/Qt/lib/libQt6WaylandClient.so.6", 1000, "BINARY"),
            ("PySide6/Qt/lib/libQt6XcbQpa.so.6", 1000, "BINARY"),
            ("PySide6/Qt/lib/libQt6Gui.so.6", 5000, "BINARY"),
            ("libwayland-client.so.0", 300, "BINARY"),  # a system library: only Qt's Wayland client needs it
            ("PySide6/QtGui.abi3.so", 200, "EXTENSION"),
            ("libpython3.11.so.1.0", 400, "BINARY"),
            ("libQt6WaylandClient.so.6", "PySide6/Qt/lib/libQt6WaylandClient.so.6", "SYMLINK"),
            ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ],
    )
    links = {
        "libqwayland.so": ["libQt6WaylandClient.so.6", "libQt6Gui.so.6"],
        "libqxcb.so": ["libQt6XcbQpa.so.6", "libQt6Gui.so.6"],
        "libQt6WaylandClient.so.6": ["libQt6Gui.so.6", "libwayland-client.so.0"],
        "libQt6XcbQpa.so.6": ["libQt6Gui.so.6"],
        "QtGui.abi3.so": ["libQt6Gui.so.6"],
    }
    datas = [
        ("PySide6/Qt/translations/qtbase_de.qm", str(tmp_path / "de"), "DATA"),
        ("PySide6/Qt/translations/qtbase_zh_CN.qm", str(tmp_path / "zh"), "DATA"),
    ]
    (tmp_path / "de").write_bytes(b"d" * 50)
    (tmp_path / "zh").write_bytes(b"z" * 50)

    def needed(src: str) -> list[str]:
        name = next(dest for dest, s, kind in binaries if s == src and kind != "SYMLINK")
        return links.get(Path(name).name, [])

    kept, kept_datas, result = bi.prune_toc(binaries, datas, needed)
    names = [dest for dest, _, _ in kept]
    assert names == [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "PySide6/Qt/lib/libQt6Gui.so.6",
        "PySide6/QtGui.abi3.so",
        "libpython3.11.so.1.0",  # nothing links it: loaded at run time, kept
        "libQt6Gui.so.6",  # the link to a kept library stays
    ]
    assert [dest for dest, _, _ in kept_datas] == ["PySide6/Qt/translations/qtbase_zh_CN.qm"]
    assert sorted(result.removed) == [
        ("PySide6/Qt/lib/libQt6WaylandClient.so.6", 1000),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", 100),
        ("PySide6/Qt/translations/qtbase_de.qm", 50),
        ("libwayland-client.so.0", 300),
    ]
    assert result.bytes == 1450
    assert result.kept_anyway == []


def test_a_ruled_out_file_that_something_kept_links_to_stays(tmp_path):
    binaries = _toc(
        tmp_path,
        [
            ("PySide6/Qt6Gui.dll", 500, "BINARY"),
            ("PySide6/d3dcompiler_47.dll", 300, "BINARY"),  # named by the rules
            ("PySide6/dxgi-helper.dll", 30, "BINARY"),
            ("PySide6/QtGui.pyd", 20, "EXTENSION"),
        ],
    )
    links = {
        "QtGui.pyd": ["Qt6Gui.dll"],
        "Qt6Gui.dll": ["d3dcompiler_47.dll"],
        "d3dcompiler_47.dll": ["dxgi-helper.dll"],
    }

    def needed(src: str) -> list[str]:
        name = next(dest for dest, s, _ in binaries if s == src)
        return links.get(Path(name.replace("\\", "/")).name, [])

    kept, _, result = bi.prune_toc(binaries, [], needed)
    assert [d for d, _, _ in kept] == [d for d, _, _ in binaries]  # Qt6Gui.dll could not load without it
    assert result.removed == []
    assert result.kept_anyway == [("PySide6/d3dcompiler_47.dll", "PySide6/Qt6Gui.dll")]


@pytest.mark.parametrize(
    ("version", "numbers"),
    [("0.1.0", (0, 1, 0, 0)), ("1.2rc1", (1, 2, 0, 0)), ("2.0.1.post3", (2, 0, 1, 0)), ("3", (3, 0, 0, 0))],
)
def test_windows_gets_four_version_numbers(version, numbers):
    assert bi.version_numbers(version) == numbers


def test_the_version_is_pyprojects_and_the_installed_one():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert bi.project_version() == declared


def test_version_information_is_the_expression_pyinstaller_reads():
    text = bi.version_info_text("1.2.3", "reception.exe", ("受理台命令行", "desk command line"))
    tree = ast.parse(text, mode="eval")
    assert isinstance(tree.body, ast.Call) and tree.body.func.id == "VSVersionInfo"
    strings = {
        ast.literal_eval(n.args[0]): ast.literal_eval(n.args[1])
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and n.func.id == "StringStruct"
    }
    assert strings["OriginalFilename"] == "reception.exe"
    assert strings["InternalName"] == "reception"
    assert strings["FileVersion"] == strings["ProductVersion"] == "1.2.3"
    assert "filevers=(1, 2, 3, 0)" in text
    assert "受理台命令行" in text and "desk command line" in text


def test_the_bundle_gets_resources_migrations_and_every_module(tmp_path):
    qm = tmp_path / "desk_en.qm"
    qm.write_bytes(b"qm")
    datas = bi.resource_datas(qm)
    sources = {Path(src).relative_to(ROOT).as_posix() for src, _ in datas if Path(src).is_relative_to(ROOT)}
    assert "resources/fonts/wqy-microhei.ttc" in sources
    assert "resources/licenses/LGPL-3.0.txt" in sources
    assert "resources/icons/desk.ico" in sources
    assert not [s for s in sources if s.startswith("resources/translations/")]  # the build's own .qm instead
    assert (str(qm), "resources/translations") in datas
    assert ("resources/config", "resources/config") not in datas
    assert all(not folder.startswith("/") for _, folder in datas)
    migrations = {Path(src).relative_to(ROOT).as_posix(): folder for src, folder in bi.migration_datas()}
    assert migrations["reception/migrations/env.py"] == "reception/migrations"
    assert migrations["reception/migrations/script.py.mako"] == "reception/migrations"
    versions = [s for s in migrations if s.startswith("reception/migrations/versions/0")]
    assert len(versions) == len(list((ROOT / "reception" / "migrations" / "versions").glob("0*.py")))
    modules = bi.app_modules()
    for name in ("ui.intake.form", "ui.cases.detail", "ui.smoke", "reception.selfcheck", "reception.export"):
        assert name in modules
    assert "ui.__init__" not in modules and "ui" in modules


def test_iscc_is_found_where_given_or_in_the_environment(tmp_path, monkeypatch):
    iscc = tmp_path / "ISCC.exe"
    iscc.write_bytes(b"")
    monkeypatch.delenv("ISCC", raising=False)
    for var in ("ProgramFiles(x86)", "ProgramFiles", "LOCALAPPDATA"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert bi.find_iscc() is None
    assert bi.find_iscc(str(iscc)) == iscc
    monkeypatch.setenv("ISCC", str(iscc))
    assert bi.find_iscc() == iscc
    monkeypatch.delenv("ISCC")
    installed = tmp_path / "pf" / "Inno Setup 6"
    installed.mkdir(parents=True)
    (installed / "ISCC.exe").write_bytes(b"")
    monkeypatch.setenv("ProgramFiles(x86)", str(tmp_path / "pf"))
    assert bi.find_iscc() == installed / "ISCC.exe"


def test_links_to_pruned_libraries_are_removed(tmp_path):
    lib = tmp_path / "_internal" / "PySide6" / "Qt" / "lib"
    lib.mkdir(parents=True)
    (lib / "libQt6Core.so.6").write_bytes(b"core")
    kept = tmp_path / "_internal" / "libQt6Core.so.6"
    kept.symlink_to("PySide6/Qt/lib/libQt6Core.so.6")
    dangling = tmp_path / "_internal" / "libQt6Svg.so.6"
    dangling.symlink_to("PySide6/Qt/lib/libQt6Svg.so.6")  # its target was pruned
    assert bi.drop_dangling_links(tmp_path) == [dangling]
    assert kept.read_bytes() == b"core" and not dangling.is_symlink()
