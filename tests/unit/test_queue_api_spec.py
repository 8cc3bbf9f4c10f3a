"""The published department-queue API (``resources/api/department-queue-1.json``): a well-formed
OpenAPI 3.1 document that keeps the wire contract of issue 5."""

from __future__ import annotations

import jsonschema
import pytest

from tests.queue_api import resolve, response, response_schema, spec

STATUSES = ["received", "accepted", "rejected", "in-progress", "completed", "cancelled", "failed"]


def _walk(node, path=""):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}/{i}")


def test_parses_as_openapi_31_and_every_ref_resolves():
    doc = spec()
    assert doc["openapi"].startswith("3.1.")
    assert doc["info"]["version"] and doc["info"]["title"]
    resolve(doc)  # raises on a dangling or cyclic $ref
    for where, node in _walk(doc["components"]["schemas"]):
        if "type" in node or "enum" in node or "const" in node:
            jsonschema.Draft202012Validator.check_schema(node), where


def test_post_transfers_keeps_the_wire_contract():
    post = spec()["paths"]["/transfers"]["post"]
    headers = {p["name"]: p for p in resolve(post["parameters"]) if p["in"] == "header"}
    assert set(headers) == {"Idempotency-Key", "X-Reception-Timestamp", "X-Reception-Signature"}
    assert all(h["required"] for h in headers.values())
    assert headers["Idempotency-Key"]["schema"]["format"] == "uuid"
    sig = jsonschema.Draft202012Validator(headers["X-Reception-Signature"]["schema"])
    assert sig.is_valid("sha256=" + "0a" * 32)
    assert not sig.is_valid("sha1=" + "0a" * 20)
    assert spec()["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert set(post["responses"]) == {"200", "201", "401", "403", "409", "422", "429", "5XX"}
    assert "Retry-After" in post["responses"]["429"]["headers"]
    for code in (200, 201):
        schema = response_schema("/transfers", "post", code)
        jsonschema.validate({"queue_ref": "Q1", "status": "received"}, schema)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"queue_ref": "Q1", "status": "accepted"}, schema)
    for code in (401, 403, 409, 422, 429):
        jsonschema.validate({"reason": "x"}, response_schema("/transfers", "post", code))
    assert "description" in response("/transfers", "post", 503)


def test_payload_envelope_refers_to_the_case_schema():
    payload = resolve(spec()["components"]["schemas"]["TransferPayload"])
    required = {"payload_version", "schema_version", "centre_code", "case_no", "transfer", "case"}
    assert set(payload["required"]) == required
    assert set(payload["properties"]["transfer"]["required"]) == {"id", "department", "role"}
    assert "case-1.json" in payload["description"]
    example = {
        "payload_version": "1",
        "schema_version": "1.0",
        "centre_code": "150304",
        "case_no": "ZZ150304-A1-2025-000001",
        "transfer": {"id": "8d3f6a0e-1f7b-4c59-9a57-3e3c1c0f2b11", "department": "court", "role": "assist"},
        "case": {"schema_version": "1.0", "window": "petition", "extra": "ignored"},
        "future_field": 1,
    }
    jsonschema.validate(example, payload)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**example, "transfer": {**example["transfer"], "role": "owner"}}, payload)


def test_the_dispatchers_payload_matches_the_envelope(ctx):
    """What ``reception.dispatch.payload`` builds for a registered case fits the published schema."""
    from sqlalchemy import select

    from reception.dispatch import payload as payload_mod
    from reception.intake import register_case
    from reception.storage.models import Case, CaseDeadline, Transfer
    from tests.factories import base_case

    register_case(ctx, base_case(ctx.config))
    with ctx.db.read() as s:
        case = s.scalars(select(Case)).one()
        transfers = s.scalars(select(Transfer)).all()
        deadlines = s.scalars(select(CaseDeadline)).all()
        schema = resolve(spec()["components"]["schemas"]["TransferPayload"])
        assert transfers
        for t in transfers:
            body = payload_mod.build_payload(ctx.config, case, t, deadlines)
            jsonschema.validate(body, schema)
            assert body["transfer"]["id"] == t.id


def test_status_answer_and_its_vocabulary():
    schema = response_schema("/transfers/{queue_ref}", "get", 200)
    assert schema["required"] == ["queue_ref", "status", "reason", "outcome", "department_case_no", "updated_at"]
    assert schema["properties"]["status"]["enum"] == STATUSES
    ok = {
        "queue_ref": "Q1",
        "status": "in-progress",
        "reason": None,
        "outcome": None,
        "department_case_no": None,
        "updated_at": "2025-06-03T02:14:05.120Z",
    }
    jsonschema.validate(ok, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**ok, "status": "closed"}, schema)


def test_examples_match_their_schemas():
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            for code, answer in resolve(op["responses"]).items():
                media = answer.get("content", {}).get("application/json", {})
                if "example" in media:
                    jsonschema.validate(media["example"], media["schema"]), (method, path, code)


def test_the_guide_tells_a_department_what_to_check():
    text = spec()["info"]["description"]
    for needle in ("±300 s", "Idempotency-Key", "SHA-256", "constant", "tests/department_receiver.py", "409", "422"):
        assert needle in text
