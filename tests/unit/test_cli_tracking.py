"""``reception note / answer / close / timeline`` end to end on a real SQLite file."""

from __future__ import annotations

import json

import pytest

from reception.intake import register_case
from tests.factories import base_case


@pytest.fixture(autouse=True)
def _signed_in(cli_as):
    """The command line signed in as a clerk (``RECEPTION_USER``/``RECEPTION_PASSWORD``)."""
    cli_as()


@pytest.fixture
def case_no(ctx) -> str:
    return register_case(ctx, base_case(ctx.config)).case_no


def test_note_answer_close_timeline(cli, cli_as, case_no):
    cli_as("clerk", "wangfang", display_name="王芳")
    code, out, err = cli("note", case_no, "申请人来电询问进展")
    assert code == 0, err
    assert out.strip() == f"{case_no}\t备注\t已分流"

    code, out, err = cli(
        "answer",
        case_no,
        "--department",
        "hrss",
        "--kind",
        "accepted",
        "--department-case-no",
        "乌人社监字第12号",
    )
    assert code == 0, err
    assert out.strip() == f"{case_no}\t部门受理\t办理中"

    code, out, err = cli(
        "answer", case_no, "--department", "乌达区法律援助中心", "--kind", "returned", "--text", "材料不全"
    )
    assert code == 0, err

    code, out, err = cli("close", case_no, "--outcome", "resolved", "--satisfaction", "satisfied", "--note", "已回访")
    assert code == 0, err
    assert out.strip() == f"{case_no}\t案件办结\t已办结"

    code, out, _ = cli("timeline", case_no)
    assert code == 0
    lines = out.strip().splitlines()
    assert [line.split("\t")[1] for line in lines] == [
        "受理登记",
        "分流转办",
        "备注",
        "部门受理",
        "部门退回",
        "案件办结",
    ]
    assert lines[2].split("\t")[2:] == ["wangfang", "申请人来电询问进展"]  # the signed-in person
    assert "化解成功；回访：满意；已回访" in lines[-1]

    code, out, _ = cli("--lang", "en", "timeline", case_no)
    assert out.strip().splitlines()[-1].split("\t")[1] == "Case closed"

    code, out, _ = cli("timeline", case_no, "--json")
    data = json.loads(out)
    assert [d["kind"] for d in data] == ["received", "routed", "note", "acknowledged", "returned", "closed"]
    assert data[3]["detail"]["department_case_no"] == "乌人社监字第12号"

    code, _, err = cli("close", case_no, "--outcome", "resolved", "--satisfaction", "satisfied")
    assert code == 1 and "已于" in err and "不能再次办结" in err


def test_bad_input_exits_2_with_field_lines(cli, case_no):
    code, out, err = cli("answer", case_no, "--department", "court", "--kind", "returned")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["department", "text"]
    assert "乌达区人力资源和社会保障局（hrss）" in lines[0]

    code, _, err = cli("close", case_no, "--outcome", "great", "--satisfaction", "meh")
    assert code == 2
    assert [line.split(":")[0] for line in err.strip().splitlines()] == ["outcome", "satisfaction"]

    code, _, err = cli("--lang", "en", "note", case_no, "  ")
    assert code == 2 and err.strip() == "text: required"

    code, _, err = cli("answer", case_no, "--department", "hrss", "--kind", "accepted", "--answered-on", "yesterday")
    assert code == 2 and err.startswith("answered_on: ")

    code, _, err = cli("timeline", "ZZ-150304-W01-2025-999999")
    assert code == 1 and "没有找到案件" in err
