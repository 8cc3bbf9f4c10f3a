"""The reference department receiver, over real HTTP on 127.0.0.1: the department-queue contract
(``resources/api/department-queue-1.json``) as a department would implement it, and its faults."""

from __future__ import annotations

import json
import threading
import time
import uuid

import httpx
import jsonschema
import pytest

from tests import receiver_fixtures
from tests.department_receiver import STATUSES, sign
from tests.queue_api import response_schema
from tests.receiver_fixtures import SIGNING_KEY, TOKEN

department_receiver = receiver_fixtures.department_receiver  # the fixture, shared with other modules


def payload(n: int = 1, **extra) -> dict:
    """A body shaped like the dispatcher's (``reception.dispatch.payload``)."""
    doc = {
        "payload_version": "1",
        "schema_version": "1.0",
        "centre_code": "150304",
        "centre_name": "乌达区综治中心",
        "case_no": f"ZZ150304-A1-2025-{n:06d}",
        "transfer": {"id": str(uuid.uuid4()), "department": "court", "role": "lead"},
        "case": {"schema_version": "1.0", "window": "petition", "facts": "拖欠工资。"},
    }
    doc.update(extra)
    return doc


def post(
    client: httpx.Client,
    base: str,
    doc: dict | bytes,
    *,
    key: str | None = None,
    token: str = TOKEN,
    signing_key: str = SIGNING_KEY,
    ts: int | None = None,
    signature: str | None = None,
) -> httpx.Response:
    body = doc if isinstance(doc, bytes) else json.dumps(doc, ensure_ascii=False, sort_keys=True).encode()
    if key is None:
        key = doc["transfer"]["id"] if isinstance(doc, dict) else str(uuid.uuid4())
    stamp = str(int(time.time()) if ts is None else ts)
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        "Authorization": f"Bearer {token}",
        "X-Reception-Timestamp": stamp,
        "X-Reception-Signature": signature or sign(signing_key, stamp, body),
    }
    return client.post(f"{base}/transfers", content=body, headers=headers)


def get(client: httpx.Client, base: str, ref: str, *, token: str = TOKEN) -> httpx.Response:
    return client.get(f"{base}/transfers/{ref}", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def client():
    with httpx.Client(timeout=5) as c:
        yield c


def check(resp: httpx.Response, path: str, method: str) -> dict:
    """The answer matches the published contract for its status code."""
    body = resp.json()
    jsonschema.validate(body, response_schema(path, method, resp.status_code))
    return body


def test_created_then_replayed_with_the_same_ref(department_receiver, client):
    r = department_receiver()
    doc = payload()
    first = post(client, r.url, doc)
    assert first.status_code == 201
    body = check(first, "/transfers", "post")
    assert body["status"] == "received"
    again = post(client, r.url, doc)
    assert again.status_code == 200
    assert check(again, "/transfers", "post") == body
    [got] = r.received()
    assert (got.idempotency_key, got.count, got.queue_refs) == (doc["transfer"]["id"], 1, (body["queue_ref"],))
    assert r.payload(doc["transfer"]["id"]) == doc


def test_same_key_different_payload_is_422(department_receiver, client):
    r = department_receiver()
    doc = payload()
    assert post(client, r.url, doc).status_code == 201
    changed = post(client, r.url, {**doc, "case_no": "other"}, key=doc["transfer"]["id"])
    assert changed.status_code == 422
    assert "different payload" in check(changed, "/transfers", "post")["reason"]
    assert [x.count for x in r.received()] == [1]


def test_concurrent_same_key_is_409_or_200_never_stored_twice(department_receiver, client):
    r = department_receiver(processing_s=0.4)  # the first request stays "processing" for 0.4 s
    doc = payload()
    answers: list[int] = []

    def send():
        with httpx.Client(timeout=5) as c:
            answers.append(post(c, r.url, doc).status_code)

    first = threading.Thread(target=send)
    first.start()
    time.sleep(0.15)
    second = post(client, r.url, doc)
    first.join()
    assert second.status_code == 409
    check(second, "/transfers", "post")
    assert answers == [201]
    assert post(client, r.url, doc).status_code == 200
    assert [x.count for x in r.received()] == [1]


def test_bad_signature_stale_timestamp_and_token_are_401(department_receiver, client):
    r = department_receiver()
    doc = payload()
    cases = {
        "signature with another key": post(client, r.url, doc, signing_key="wrong"),
        "malformed signature": post(client, r.url, doc, signature="sha256=00"),
        "stale timestamp": post(client, r.url, doc, ts=int(time.time()) - 301),
        "future timestamp": post(client, r.url, doc, ts=int(time.time()) + 301),
        "wrong token": post(client, r.url, doc, token="nope"),
    }
    for what, resp in cases.items():
        assert resp.status_code == 401, what
        check(resp, "/transfers", "post")
    # a body changed after signing fails too
    body = json.dumps(doc).encode()
    stamp = str(int(time.time()))
    resp = client.post(
        f"{r.url}/transfers",
        content=body.replace(b"court", b"cou_t"),
        headers={
            "Idempotency-Key": doc["transfer"]["id"],
            "Authorization": f"Bearer {TOKEN}",
            "X-Reception-Timestamp": stamp,
            "X-Reception-Signature": sign(SIGNING_KEY, stamp, body),
        },
    )
    assert resp.status_code == 401
    assert r.received() == []
    assert post(client, r.url, doc, ts=int(time.time()) - 250).status_code == 201  # inside the window


def test_forbidden_and_refused_payloads(department_receiver, client):
    r = department_receiver()
    r.forbidden = True
    resp = post(client, r.url, payload())
    assert resp.status_code == 403
    check(resp, "/transfers", "post")
    r.forbidden = False
    r.refuse_payloads(lambda p: "收入材料不属本部门" if "legal_aid" in p["case"] else None)
    resp = post(client, r.url, payload(case={"legal_aid": {}}))
    assert resp.status_code == 422
    assert check(resp, "/transfers", "post")["reason"] == "收入材料不属本部门"
    assert post(client, r.url, payload(), key="not-a-uuid").status_code == 422
    assert post(client, r.url, b"not json").status_code == 422
    assert r.received() == []


def test_restart_keeps_the_store_on_the_same_port(department_receiver, client):
    r = department_receiver()
    doc = payload()
    ref = post(client, r.url, doc).json()["queue_ref"]
    port = r.port
    r.restart()
    assert r.port == port
    again = post(client, r.url, doc)
    assert (again.status_code, again.json()["queue_ref"]) == (200, ref)
    assert get(client, r.url, ref).json()["status"] == "received"


def test_refuse_means_connection_refused_until_started(department_receiver, client):
    r = department_receiver()
    r.refuse()
    with pytest.raises(httpx.ConnectError):
        post(client, r.url, payload())
    r.start()
    assert post(client, r.url, payload()).status_code == 201


def test_injected_500s_before_and_after_storing(department_receiver, client):
    r = department_receiver()
    r.fail_next(2)
    doc = payload()
    assert [post(client, r.url, doc).status_code for _ in range(3)] == [500, 500, 201]
    doc2 = payload(2)
    r.fail_next(1, after_store=True)
    assert post(client, r.url, doc2).status_code == 500  # stored, but the hall doesn't know
    assert post(client, r.url, doc2).status_code == 200  # its retry is recognised
    r.fail_rate = 1.0
    assert post(client, r.url, payload(3)).status_code == 500
    assert sorted(x.count for x in r.received()) == [1, 1]


def test_dropped_connection_after_storing_then_replay(department_receiver, client):
    r = department_receiver()
    r.drop_next()
    doc = payload()
    with pytest.raises(httpx.TransportError):
        post(client, r.url, doc)
    assert post(client, r.url, doc).status_code == 200


def test_429_with_retry_after(department_receiver, client):
    r = department_receiver()
    r.retry_after = 7
    resp = post(client, r.url, payload())
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "7"
    r.retry_after = None
    assert post(client, r.url, payload()).status_code == 201


def test_slow_answers_and_hangs_time_out(department_receiver):
    r = department_receiver()
    r.delay_s = 0.3
    with httpx.Client(timeout=5) as c:
        t0 = time.monotonic()
        assert post(c, r.url, payload()).status_code == 201
        assert time.monotonic() - t0 >= 0.3
    r.delay_s = 0
    r.hang = True
    with httpx.Client(timeout=0.3) as c, pytest.raises(httpx.ReadTimeout):
        post(c, r.url, payload(2))
    # stop() releases the hung request thread (no leak); fixtures would fail on a leaked thread


def test_status_polling_follows_the_department(department_receiver, client):
    r = department_receiver()
    ref = post(client, r.url, payload()).json()["queue_ref"]
    body = check(get(client, r.url, ref), "/transfers/{queue_ref}", "get")
    assert body["status"] == "received"
    assert body["reason"] is None
    r.set_status(ref, "accepted", department_case_no="(2025)蒙0304民初123号")
    r.set_status(ref, "in-progress")
    body = check(get(client, r.url, ref), "/transfers/{queue_ref}", "get")
    assert (body["status"], body["department_case_no"]) == ("in-progress", "(2025)蒙0304民初123号")
    r.set_status(ref, "completed", outcome="调解成功，当场履行")
    body = check(get(client, r.url, ref), "/transfers/{queue_ref}", "get")
    assert (body["status"], body["outcome"]) == ("completed", "调解成功，当场履行")
    assert get(client, r.url, "Q000").status_code == 404
    assert get(client, r.url, ref, token="x").status_code == 401
    with pytest.raises(ValueError):
        r.set_status(ref, "closed")
    assert set(STATUSES) == {"received", "accepted", "rejected", "in-progress", "completed", "cancelled", "failed"}


def test_without_idempotency_every_post_is_a_new_row(department_receiver, client):
    r = department_receiver(idempotency=False)
    doc = payload()
    assert [post(client, r.url, doc).status_code for _ in range(3)] == [201, 201, 201]
    [got] = r.received()
    assert got.count == 3


def test_standalone_command_serves(tmp_path):
    import os
    import socket
    import subprocess
    import sys
    from pathlib import Path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parents[2]
    db = str(tmp_path / "x.sqlite3")
    args = ["--port", str(port), "--db", db, "--token", TOKEN, "--key", SIGNING_KEY]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.department_receiver", *args],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert "department receiver on" in proc.stdout.readline()
        with httpx.Client(timeout=5) as c:
            assert post(c, f"http://127.0.0.1:{port}", payload()).status_code == 201
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
