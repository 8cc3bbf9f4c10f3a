"""The ``reception`` command line end to end on a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reception.cli import main
from tests.factories import base_case


@pytest.fixture(autouse=True)
def _signed_in(cli_as):
    """The command line signed in as a clerk (``RECEPTION_USER``/``RECEPTION_PASSWORD``)."""
    cli_as()


@pytest.fixture
def case_file(tmp_path, config):
    def write(data, name="case.json") -> str:
        p = tmp_path / name
        p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return str(p)

    return write


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("reception ")


def test_init_creates_database_and_hall_config(cli, tmp_path):
    code, out, _ = cli("init")
    assert code == 0
    assert "数据库已就绪" in out
    assert (Path(os.environ["RECEPTION_CONFIG_DIR"]) / "hall.toml").is_file()
    assert (tmp_path / "hall.sqlite3").is_file()
    assert cli("init")[0] == 0  # idempotent


def test_intake_show_search_round_trip(cli, case_file, config):
    code, out, err = cli("intake", case_file(base_case(config)))
    assert code == 0, err
    case_no = out.strip()
    assert case_no.startswith("ZZ-150304-")

    code, out, _ = cli("show", case_no, "--json")
    doc = json.loads(out)
    assert doc["case_no"] == case_no and doc["applicants"][0]["name"] == "张三"

    code, out, _ = cli("show", case_no)
    assert "案件编号：" + case_no in out and "张三" in out and "期限" in out

    code, out, _ = cli("--lang", "en", "show", case_no)
    assert "Case number: " + case_no in out

    for query in (case_no, "110105900307123", "13812345678", "张三", "工资"):
        code, out, _ = cli("search", query, "--json")
        assert code == 0
        assert [r["case_no"] for r in json.loads(out)] == [case_no], query


def test_show_masks_and_shows_in_full_only_with_the_role_and_a_reason(cli, cli_as, case_file, config, db_url):
    """``reception show`` shows what the case dialog shows; ``--full --reason`` goes through the core's
    ``reveal_case``: the role, a reason without numbers, a ``case.view_full`` audit record."""
    data = base_case(config)
    full_id = data["applicants"][0]["id_number"]
    phone = data["applicants"][0]["phone"]
    case_no = cli("intake", case_file(data))[1].strip()
    code, out, _ = cli("show", case_no, "--json")
    applicant = json.loads(out)["applicants"][0]
    assert code == 0 and applicant["id_number"] != full_id and applicant["id_number"].endswith(full_id[-4:])
    assert full_id not in out and phone not in out
    code, out, _ = cli("show", case_no)
    assert full_id not in out and phone not in out

    code, out, err = cli("show", case_no, "--full")
    assert (code, out) == (2, "") and "--reason" in err
    code, out, err = cli("show", case_no, "--full", "--reason", "回电 13812345678")
    assert (code, out) == (2, "") and err.startswith("reason:")
    code, out, err = cli("show", case_no, "--json", "--full", "--reason", "核对身份")
    assert code == 0, err
    assert json.loads(out)["applicants"][0]["id_number"] == full_id

    from reception import audit
    from reception.context import open_context

    ctx = open_context(db_url)
    try:
        views = audit.records(ctx, action="case.view_full")
    finally:
        ctx.close()
    assert [(v.user, v.object_id, v.detail["reason"]) for v in views] == [("lixiaomei", case_no, "核对身份")]

    cli_as("auditor", "shenji")  # case.view, not case.view_personal
    code, out, _ = cli("show", case_no)
    assert code == 0 and full_id not in out
    code, out, err = cli("show", case_no, "--full", "--reason", "核对身份")
    assert (code, out) == (3, "") and err.strip() == "审计员无权查看完整的证件号码、电话和住址"


def test_a_person_signs_in_and_the_core_checks_the_role(cli, cli_as, case_file, config, monkeypatch):
    """No name, a wrong password, a role without the permission: exit 3, nothing written."""
    data = case_file(base_case(config))
    monkeypatch.delenv("RECEPTION_USER")
    code, out, err = cli("intake", data)
    assert (code, out) == (3, "") and "请用 --as 用户名 登录" in err
    code, out, err = cli("--lang", "en", "intake", data, "--as", "nobody")
    assert (code, out) == (3, "") and err.strip() == "wrong user name or password"
    cli_as("auditor", "shenji")
    code, out, err = cli("intake", data)
    assert (code, out) == (3, "") and err.strip() == "审计员无权受理登记"
    code, out, _ = cli("list", "--json")
    assert code == 0 and json.loads(out)["total"] == 0  # nothing was registered
    # a password read from the terminal's place, standard input, when RECEPTION_PASSWORD is not set
    import io

    from tests.accounts import PASSWORD

    monkeypatch.delenv("RECEPTION_PASSWORD")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code, out, err = cli("intake", data, "--as", "lixiaomei")
    assert code == 0 and out.startswith("ZZ-"), err


def test_intake_list_prints_every_number(cli, case_file, config):
    code, out, err = cli("intake", case_file([base_case(config), base_case(config, "legal_aid")]))
    assert code == 0, err
    assert len(out.split()) == 2


def test_invalid_input_exits_2_with_one_line_per_error(cli, case_file, config):
    bad = base_case(config)
    bad["applicants"][0]["id_number"] = "110105199003071238"
    bad["applicants"][0]["phone"] = "5551"
    code, out, err = cli("intake", case_file(bad))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines == [
        "applicants[0].id_number: 校验位错误",
        "applicants[0].phone: 电话号码格式不正确",
    ]
    code, _, err = cli("--lang", "en", "intake", case_file(bad))
    assert "applicants[0].id_number: wrong check character (expected 9)" in err
    assert cli("search", "张三", "--json")[1].strip() == "[]"  # nothing written


def test_not_json_exits_2(cli, tmp_path):
    p = tmp_path / "x.json"
    p.write_text("{not json", encoding="utf-8")
    code, _, err = cli("intake", str(p))
    assert code == 2 and "x.json" in err


def test_unknown_case_exits_1(cli):
    code, _, err = cli("show", "ZZ-150304-W01-2025-999999")
    assert code == 1 and "没有找到" in err


def test_broken_hall_config_names_file_and_line(db_url, tmp_path, capsys):
    hall = tmp_path / "hall.toml"
    hall.write_text('[centre]\nname = "测试中心"\ncode = "15030"\n', encoding="utf-8")
    code = main(["--db", db_url, "--config", str(hall), "init"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{hall}:3: centre.code" in err


def test_demo_generates_valid_cases(cli):
    code, out, err = cli("demo", "--cases", "40", "--seed", "3")
    assert code == 0, err
    assert "40" in out
    code, out, _ = cli("search", "工资", "--json")
    assert code == 0


def test_installed_entry_point_runs_as_a_process(db_url, tmp_path, config):
    """The console script, started as a real process, from another working directory."""
    exe = Path(sys.executable).with_name("reception")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "reception"]
    p = tmp_path / "c.json"
    p.write_text(json.dumps(base_case(config), ensure_ascii=False), encoding="utf-8")
    r = subprocess.run([*cmd, "--db", db_url, "intake", str(p)], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r2 = subprocess.run([*cmd, "--db", db_url, "search", "张三"], capture_output=True, text=True, cwd=tmp_path)
    assert r.stdout.strip() in r2.stdout


def test_about_shows_the_version_and_the_database_without_its_password(capsys):
    from reception import __version__

    assert main(["--db", "postgresql+psycopg://hall:s3cret@db.example/hall", "about"]) == 0
    out = capsys.readouterr().out
    assert __version__ in out and "postgresql+psycopg://hall:***@db.example/hall" in out
    assert "s3cret" not in out and "WenQuanYi" in out
