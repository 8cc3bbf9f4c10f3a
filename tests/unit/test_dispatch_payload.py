"""The payload: the case's JSON form limited to what the department needs, byte-for-byte stable."""

from __future__ import annotations

import json
import random
import types

from sqlalchemy import select

from reception.config import DispatchSettings
from reception.dispatch import backoff
from reception.dispatch.payload import canonical_json, payload_bytes
from reception.intake import register_case
from reception.storage.models import Case, CaseDeadline, Transfer
from reception.tracking import add_note, record_answer
from tests.factories import base_case


def legal_aid_case(ctx) -> str:
    doc = base_case(ctx.config, "legal_aid")
    doc["legal_aid"].update({"household_income": 1800, "property": "无房产\n无车辆", "household_size": 3})
    doc["applicants"][0]["health"] = "二级残疾"
    doc["disposal"]["notes"] = "内部备注：申请人情绪激动"
    doc["department_numbers"] = {"legal_aid": "援申字12号", "court": "(2025)内0304民初1号"}
    return register_case(ctx, doc).case_no


def payloads(ctx, case_no, extra_department: str | None = None) -> dict[str, bytes]:
    with ctx.db.read() as s:
        case = s.execute(select(Case).where(Case.case_no == case_no)).scalar_one()
        transfers = list(s.scalars(select(Transfer).where(Transfer.case_id == case.id)))
        deadlines = list(s.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case.id)))
        if extra_department:
            fake = types.SimpleNamespace(**{c: getattr(transfers[0], c) for c in ("id", "role", "created_at")})
            fake.department, fake.level, fake.node, fake.rule_id = extra_department, None, None, None
            transfers.append(fake)
        return {t.department: payload_bytes(ctx.config, case, t, deadlines) for t in transfers}


def test_only_the_legal_aid_department_gets_the_means_test_and_health(ctx):
    case_no = legal_aid_case(ctx)
    bodies = payloads(ctx, case_no, extra_department="court")
    assert "legal_aid" in bodies and "court" in bodies
    la = json.loads(bodies["legal_aid"])
    assert la["case"]["legal_aid"]["household_income"] == 1800
    assert la["case"]["legal_aid"]["property"] == "无房产\n无车辆"
    assert la["case"]["applicants"][0]["health"] == "二级残疾"
    assert la["case"]["department_numbers"] == {"legal_aid": "援申字12号"}
    for code, raw in bodies.items():
        data = json.loads(raw)
        assert "notes" not in data["case"]["disposal"]  # the centre's internal note goes to nobody
        assert "内部备注" not in raw.decode()
        assert data["case_no"] == case_no and data["centre_code"] == ctx.config.centre.code
        assert data["schema_version"] == "1.0" and data["transfer"]["department"] == code
        assert data["transfer"]["role"] in ("lead", "assist")
        if code != "legal_aid":
            assert "household_income" not in data["case"]["legal_aid"]
            assert "property" not in data["case"]["legal_aid"]
            assert "health" not in data["case"]["applicants"][0]
            assert "二级残疾" not in raw.decode() and "1800" not in raw.decode()
            assert code not in ("court",) or data["case"]["department_numbers"] == {"court": "(2025)内0304民初1号"}


def test_payload_is_identical_after_the_case_changes(ctx):
    case_no = legal_aid_case(ctx)
    before = payloads(ctx, case_no)
    add_note(ctx, case_no, "回访电话未接通", user="x")
    record_answer(ctx, case_no, department="legal_aid", kind="accepted", text=None, user="x")
    after = payloads(ctx, case_no)
    assert before == after
    raw = before["legal_aid"]
    assert raw == canonical_json(json.loads(raw))  # sorted keys, no spaces, UTF-8
    assert "张三".encode() in raw and raw.startswith(b'{"case":{')  # UTF-8 as is, keys sorted, no spaces


def test_backoff_bounds():
    settings = DispatchSettings(backoff_base_s=2, backoff_cap_s=600)
    rng = random.Random(7)
    for attempts in range(0, 40):
        ceiling = min(600, 2 * 2**attempts)
        values = [backoff(attempts, settings, rng) for _ in range(200)]
        assert all(0 <= v <= ceiling for v in values)
        assert max(values) > ceiling * 0.8  # full jitter spreads over the whole range
    assert backoff(10_000, settings, rng) <= 600
