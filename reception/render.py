"""A case as readable text, for ``reception show`` (the receipt issue renders PDFs)."""

from __future__ import annotations

from reception.config import HallConfig
from reception.labels import enum_label, field_label


def case_text(doc: dict, config: HallConfig, lang: str = "zh") -> str:
    zh = not lang.startswith("en")
    sep = "：" if zh else ": "

    def line(key: str, value) -> str:
        return f"{field_label(key, lang)}{sep}{value}"

    out = [
        f"{'案件编号' if zh else 'Case number'}{sep}{doc['case_no']}",
        f"{'状态' if zh else 'Status'}{sep}{enum_label('status', doc['status'], lang)}",
        line("window", enum_label("window", doc["window"], lang)),
        line("channel", enum_label("channel", doc["channel"], lang)),
        line("received_at", doc["received_at"]),
        line("clerk", doc.get("clerk") or ""),
    ]
    for i, a in enumerate(doc.get("applicants") or []):
        bits = [a["name"], enum_label("sex", a.get("sex"), lang), a.get("birth_date") or "", a.get("id_number") or ""]
        bits.append(a.get("phone") or "")
        out.append(f"{field_label('applicants', lang)}{i + 1}{sep}" + " ".join(b for b in bits if b))
    group = doc.get("group") or {}
    if group:
        reps = "、".join(r["name"] for r in group.get("representatives") or [])
        out.append(
            f"{field_label('group', lang)}{sep}{group.get('headcount')} {field_label('representatives', lang)} {reps}"
        )
    for c in doc.get("counterparties") or []:
        out.append(f"{field_label('counterparties', lang)}{sep}{c['name']}")
    cat = config.category_label(doc.get("category"), lang) if doc.get("category") else ""
    if doc.get("subcategory"):
        cat += " / " + config.subcategory_label(doc["category"], doc["subcategory"], lang)
    out.append(line("category", cat))
    place = doc.get("place") or {}
    names = [config.network.node_name(place.get(k)) for k in ("town", "community", "grid") if place.get(k)]
    out.append(line("place", " ".join(n for n in names if n)))
    out.append(line("facts", doc.get("facts") or ""))
    for r in doc.get("requests") or []:
        out.append(f"  - {r}")
    r = doc.get("routing")
    if r:
        dept = r.get("department_name") or r.get("department")
        level = enum_label("level", r.get("level"), lang)
        rule = r.get("rule_name") or r.get("rule")
        out.append(f"{'分流' if zh else 'Routed to'}{sep}{dept}（{level}）{'依据' if zh else 'rule'} {rule}")
        if r.get("overridden"):
            out.append(f"  {'改派理由' if zh else 'override reason'}{sep}{r.get('override_reason')}")
    for d in doc.get("deadlines") or []:
        label = d["label"] if zh else d.get("label_en") or d["label"]
        note = ""
        if d.get("calendar_missing"):
            note = "（节假日安排未载入，按周末推算）" if zh else " (holiday calendar not loaded: weekends only)"
        out.append(f"{'期限' if zh else 'Deadline'}{sep}{label} {d['due']}{note}")
    for t in doc.get("transfers") or []:
        role = ("主办" if t["role"] == "lead" else "协办") if zh else t["role"]
        out.append(
            f"{'转办' if zh else 'Transfer'}{sep}{config.department_label(t['department'], lang)} {role} {t['status']}"
        )
    return "\n".join(out)
