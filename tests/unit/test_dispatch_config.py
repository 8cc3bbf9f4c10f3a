"""[department.transport] and [dispatch]: typed, checked, errors naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from reception.config import DispatchSettings, Transport, load_config
from reception.errors import ConfigError
from tests.dispatch_helpers import hall_with


def problems(hall) -> dict[str, object]:
    with pytest.raises(ConfigError) as info:
        load_config(hall)
    return {p.key: p for p in info.value.problems}


def line_of(hall, needle: str) -> int:
    return next(i for i, line in enumerate(hall.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_defaults_without_transport_and_dispatch(config):
    court = config.departments["court"].transport
    assert court == Transport() and court.kind == "manual" and not court.configured and not court
    assert config.dispatch == DispatchSettings()
    assert (config.dispatch.backoff_base_s, config.dispatch.backoff_cap_s) == (2, 600)
    assert (config.dispatch.max_age_hours, config.dispatch.lease_s, config.dispatch.poll_interval_s) == (72, 60, 60)


def test_http_transport_parsed_with_secret_defaults(tmp_path):
    (tmp_path / "hall").mkdir()
    (tmp_path / "hall" / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    hall = hall_with(
        tmp_path,
        {
            "court": 'kind = "http"\nbase_url = "https://court.example.invalid/q/"\nca_bundle = "ca.pem"\n'
            "timeout_s = 3\npoll_interval_s = 30",
            "hrss": 'kind = "http"\nbase_url = "http://127.0.0.1:8080"\ntoken_secret = "hrss-api"',
            "legal_aid": 'kind = "folder"\ninbox = "la/in"\noutbox = "/srv/la/out"',
            "procuratorate": 'kind = "manual"',
        },
        extra="[dispatch]\nbackoff_base_s = 1\nbackoff_cap_s = 30\nlease_s = 5\n",
    )
    cfg = load_config(hall)
    court = cfg.departments["court"].transport
    assert court.kind == "http" and court.configured and court
    assert court.base_url == "https://court.example.invalid/q"
    assert (court.token_secret, court.signing_secret) == ("dept-court-token", "dept-court-signing-key")
    assert court.ca_bundle == hall.parent / "ca.pem"
    assert (court.timeout_s, court.poll_interval_s) == (3, 30)
    hrss = cfg.departments["hrss"].transport
    assert (hrss.base_url, hrss.token_secret, hrss.signing_secret) == (
        "http://127.0.0.1:8080",
        "hrss-api",
        "dept-hrss-signing-key",
    )
    la = cfg.departments["legal_aid"].transport
    assert (la.kind, la.inbox, la.outbox) == ("folder", hall.parent / "la" / "in", Path("/srv/la/out"))
    assert cfg.departments["procuratorate"].transport == Transport(kind="manual", configured=True)
    assert cfg.dispatch == DispatchSettings(backoff_base_s=1, backoff_cap_s=30, lease_s=5)


@pytest.mark.parametrize(
    "url",
    ["http://court.example.invalid/q", "http://10.0.0.5:8080", "http://[::2]/x"],
)
def test_plain_http_only_to_loopback(tmp_path, url):
    hall = hall_with(tmp_path, {"court": f'kind = "http"\nbase_url = "{url}"'})
    p = problems(hall)["department[0].transport.base_url"]
    assert "https" in p.message_en and url in p.message_en
    assert p.line == line_of(hall, f'base_url = "{url}"') and p.file == str(hall)


@pytest.mark.parametrize("url", ["http://[::1]:9000/q", "http://localhost:9000", "https://[::1]/q"])
def test_loopback_http_accepted(tmp_path, url):
    cfg = load_config(hall_with(tmp_path, {"court": f'kind = "http"\nbase_url = "{url}"'}))
    assert cfg.departments["court"].transport.base_url == url.rstrip("/")


def test_every_problem_named(tmp_path):
    hall = hall_with(
        tmp_path,
        {
            "court": 'kind = "email"\nto = "x@example.invalid"',
            "procuratorate": 'kind = "http"\ntimeout_s = 0\ninbox = "x"\nca_bundle = "missing.pem"',
            "legal_aid": 'kind = "folder"\nbase_url = "https://x.invalid"',
            "justice_bureau": 'kind = "http"\nbase_url = "ftp://x"\ntoken_secret = "has space"',
        },
        extra="[dispatch]\nbackoff_base_s = 10\nbackoff_cap_s = 5\nlease = 3\nmax_age_hours = -1\n",
    )
    p = problems(hall)
    assert "email" in p["department[0].transport.kind"].message_en
    assert "department[0].transport.to" in p
    assert p["department[1].transport.base_url"].message_en == "required key is missing"
    assert "greater than 0" in p["department[1].transport.timeout_s"].message_en
    assert 'takes no key "inbox"' in p["department[1].transport.inbox"].message_en
    assert "missing.pem" in p["department[1].transport.ca_bundle"].message_en
    assert p["department[2].transport.inbox"].message_en == "required key is missing"
    assert 'takes no key "base_url"' in p["department[2].transport.base_url"].message_en
    assert "ftp://x" in p["department[3].transport.base_url"].message_en
    assert "has space" in p["department[3].transport.token_secret"].message_en
    assert "backoff_base_s" in p["dispatch.backoff_cap_s"].message_en
    assert "dispatch.lease" in p and "dispatch.max_age_hours" in p
    assert p["dispatch.backoff_cap_s"].line == line_of(hall, "backoff_cap_s = 5")
    assert p["department[0].transport.kind"].line == line_of(hall, 'kind = "email"')


def test_concurrency_and_probe_cap(tmp_path):
    ok = load_config(hall_with(tmp_path, {}, extra="[dispatch]\nconcurrency = 8\nprobe_cap_s = 15\n"))
    assert (ok.dispatch.concurrency, ok.dispatch.probe_cap_s) == (8, 15)
    assert (DispatchSettings().concurrency, DispatchSettings().probe_cap_s) == (4, 30)
    for bad, needle in (("0", "at least 1"), ("33", "at most 32"), ('"4"', "int"), ("2.5", "int")):
        p = problems(hall_with(tmp_path, {}, extra=f"[dispatch]\nconcurrency = {bad}\n"))
        assert needle in p["dispatch.concurrency"].message_en, (bad, p["dispatch.concurrency"].message_en)
    p = problems(hall_with(tmp_path, {}, extra="[dispatch]\nprobe_cap_s = 0\n"))
    assert "greater than 0" in p["dispatch.probe_cap_s"].message_en
