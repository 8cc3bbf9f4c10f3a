"""What the About dialog shows (``reception.about``): the version, the database without its secrets, the
folders, and the licences of the shipped font and libraries as their own metadata state them."""

from __future__ import annotations

import email.message
from importlib import metadata
from pathlib import Path

import pytest

import reception
from reception import about
from reception.paths import resource_path


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql+psycopg://hall:s3cr%40t@db.example:5432/hall",
            "postgresql+psycopg://hall:***@db.example:5432/hall",
        ),
        (
            "postgresql+psycopg://hall@db.example/hall?sslmode=verify-full&password=abc&sslpassword=x&sslkey=/k.pem",
            "postgresql+psycopg://hall@db.example/hall?password=***&sslkey=***&sslmode=verify-full&sslpassword=***",
        ),
    ],
)
def test_database_url_is_shown_without_its_secrets(url, shown):
    from reception.storage.engine import redacted

    assert about.safe_database_url(url) == shown
    assert redacted(url) == shown  # what the status bar, the settings page and the logs show
    for secret in ("s3cr", "abc", "=x", "k.pem"):
        assert secret not in about.safe_database_url(url)


def test_a_bare_sqlite_path_is_shown_as_its_url(tmp_path):
    path = tmp_path / "hall.sqlite3"
    assert about.safe_database_url(str(path)) == "sqlite:///" + path.as_posix()


def test_about_info_names_the_database_and_the_user_folders(tmp_path, monkeypatch):
    info = about.about_info("postgresql+psycopg://hall:topsecret@127.0.0.1/hall")
    assert info.database == "postgresql+psycopg://hall:***@127.0.0.1/hall"
    assert info.database_file is None
    assert info.data_dir == tmp_path / "user-data"  # RECEPTION_DATA_DIR of tests/conftest.py
    assert info.config_dir == tmp_path / "user-config"
    assert info.log_dir == tmp_path / "user-log"
    assert info.hall_file is None  # no hall.toml yet: the shipped example is in use
    assert info.version == reception.__version__ == metadata.version("reception-desk")
    assert not info.frozen
    assert info.program_dir == Path(reception.__file__).resolve().parent.parent

    hall = tmp_path / "user-config" / "hall.toml"
    hall.write_text("", encoding="utf-8")
    local = about.about_info()  # the program's own choice: the SQLite file in the data folder
    assert local.database_file == tmp_path / "user-data" / "reception.sqlite3"
    assert local.database == "sqlite:///" + local.database_file.as_posix()
    assert local.hall_file == hall

    monkeypatch.setenv("RECEPTION_DB", "postgresql+psycopg://u:pw@host/db")
    assert about.about_info().database == "postgresql+psycopg://u:***@host/db"


def test_about_text_carries_everything_but_secrets():
    info = about.about_info("postgresql+psycopg://hall:topsecret@127.0.0.1/hall")
    zh = about.about_text(info, "zh", qt="Qt 6.12.0")
    en = about.about_text(info, "en")
    assert "topsecret" not in zh + en
    assert f"版本：{info.version}" in zh and f"Version: {info.version}" in en
    assert "Qt 6.12.0" in zh
    assert "数据库：postgresql+psycopg://hall:***@127.0.0.1/hall" in zh
    assert f"Data folder: {info.data_dir}" in en
    assert "（示例配置，尚未生成 hall.toml）" in zh
    for c in info.components:
        assert f"{c.name} {c.version} — {c.licence}" in en


def test_the_hall_file_in_use_is_found_among_the_config_sources(tmp_path):
    from reception.config import load_config, write_example

    assert about.hall_file_of(load_config()) is None  # the shipped example only
    hall = write_example(tmp_path / "user-config" / "hall.toml")
    assert about.hall_file_of(load_config()) == hall.resolve()


def _by_name(components):
    return {c.name.lower().replace("_", "-"): c for c in components}


def test_the_shipped_font_comes_first_with_its_licence():
    font = about.components()[0]
    assert font.kind == "font"
    assert "WenQuanYi Micro Hei" in font.name
    assert font.licence_files == (resource_path("fonts", "LICENSE-wqy-microhei.txt"),)
    text = about.licence_text(font)
    assert "Apache License" in text and "Version 2.0" in text
    assert "wqy-microhei.ttc" in text
    assert resource_path("fonts", "wqy-microhei.ttc").is_file()


def test_libraries_carry_the_licence_their_metadata_states():
    found = _by_name(about.components())
    for name in ("pyside6-essentials", "pyside6-pdf", "sqlalchemy", "alembic", "reportlab", "keyring", "platformdirs"):
        c = found[name]
        assert c.kind == "library"
        meta = metadata.metadata(c.name)
        assert c.version == metadata.version(c.name)
        assert c.licence == about.metadata_licence(meta)
        assert c.licence_files and all(p.is_file() for p in c.licence_files)
    assert found["pyside6-essentials"].licence == metadata.metadata("PySide6-Essentials")["License"]
    assert "LGPL-3.0" in found["pyside6-essentials"].licence
    assert found["sqlalchemy"].licence == "MIT"
    assert found["reportlab"].licence == "BSD License"  # its License field is a sentence: the classifier
    # PySide6 ships no licence text: the LGPLv3 (and the GPLv3 it builds on) from resources/licenses
    qt_text = about.licence_text(found["pyside6-essentials"])
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in qt_text and "GNU GENERAL PUBLIC LICENSE" in qt_text
    assert "doc.qt.io/qt-6/licenses-used-in-qt.html" in found["pyside6-essentials"].note_text("en")
    assert "MIT" in about.licence_text(found["sqlalchemy"]).upper()


def test_the_runtime_and_the_postgresql_driver_are_listed():
    found = _by_name(about.components())
    python = found["python"]
    assert python.kind == "runtime" and python.licence == "PSF-2.0"
    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in about.licence_text(python)
    assert found["psycopg"].kind == "library"
    assert found["psycopg-binary"].licence == "LGPL-3.0-only"
    assert "libpq" in found["psycopg-binary"].note_text("zh")


def test_every_dependency_of_the_distribution_is_listed_once():
    dists = about.shipped_distributions()
    assert dists[0].metadata["Name"] == "reception-desk"
    names = [about._normal(d.metadata["Name"]) for d in dists]
    assert len(names) == len(set(names))
    for req in metadata.requires("reception-desk"):
        name = about._requirement_name(req)
        if name is None:  # an extra's
            continue
        try:
            metadata.distribution(name)
        except metadata.PackageNotFoundError:  # for another system: tzdata on Windows
            assert "sys_platform" in req
            continue
        assert about._normal(name) in names
    # dependencies of dependencies too (SQLAlchemy needs typing_extensions, jsonschema referencing)
    assert {"typing-extensions", "referencing", "argon2-cffi-bindings"} <= set(names)
    # the test tools are not shipped
    assert "pytest" not in names and "hypothesis" not in names
    components = about.components()
    assert len(components) == len(dists) + 1  # the font and Python, no row for reception-desk itself
    assert all(c.licence and c.licence != "?" for c in components)


def test_requirements_only_an_extra_asks_for_are_not_followed():
    assert about._requirement_name('psycopg-binary==3.3.9; implementation_name != "pypy" and extra == "binary"') is None
    assert about._requirement_name('pywin32-ctypes>=0.2.0; sys_platform == "win32"') == "pywin32-ctypes"
    assert about._requirement_name("SQLAlchemy<2.1,>=2.0.30") == "SQLAlchemy"


def _meta(**fields) -> email.message.Message:
    m = email.message.Message()
    for key, value in fields.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            m[key.replace("_", "-")] = v
    return m


def test_the_licence_is_read_from_the_best_field_there_is():
    assert about.metadata_licence(_meta(License_Expression="MIT", License="whatever")) == "MIT"
    assert about.metadata_licence(_meta(License="BSD-3-Clause")) == "BSD-3-Clause"
    long = "Copyright (c) 2000 Someone. " * 5
    classifiers = ["License :: OSI Approved :: BSD License", "Programming Language :: Python"]
    assert about.metadata_licence(_meta(License=long, Classifier=classifiers)) == "BSD License"
    assert about.metadata_licence(_meta(License="UNKNOWN", Classifier=classifiers)) == "BSD License"
    assert about.metadata_licence(_meta(License="line one\nline two")) == "line one"
    assert about.metadata_licence(_meta()) == "?"
