"""Valid cases for tests, built from the hall configuration in use."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))


def first_place(config) -> dict:
    grid = next(iter(config.network.grids.values()))
    community = config.network.communities[grid.community]
    return {"town": community.town, "community": community.code, "grid": grid.code, "cross": "none"}


def base_case(config, window: str = "petition", *, received_at: str | None = None, **overrides) -> dict:
    doc = {
        "schema_version": "1.0",
        "window": window,
        "channel": "visit",
        "received_at": received_at or (datetime.now(CST) - timedelta(hours=1)).replace(microsecond=0).isoformat(),
        "clerk": "李晓梅",
        "applicants": [
            {
                "name": "张三",
                "ethnicity": "汉族",
                "id_type": "resident_id",
                "id_number": "110105199003071239",
                "phone": "13812345678",
                "address": "乌海市乌达区团结路1号",
                "occupation": "务工",
            }
        ],
        "counterparties": [{"kind": "organisation", "name": "乌海市鑫达建筑工程有限公司"}],
        "category": "labour",
        "subcategory": "unpaid_wages",
        "place": first_place(config),
        "facts": "申请人在工地务工，包工头拖欠工资三万元至今未付。",
        "requests": ["支付拖欠工资30000元"],
        "amount": 30000,
        "purpose": "claim",
        "materials": [{"name": "工资欠条", "original": False, "pages": 1}],
        "risk": {"level": "yellow", "flags": []},
        "disposal": {"privacy_consent": True, "mediation_consent": "yes"},
    }
    if window == "legal_aid":
        doc["legal_aid"] = {"legal_position": "applicant", "aid_form": "representation_civil"}
    for key, value in overrides.items():
        doc[key] = value
    return copy.deepcopy(doc)
