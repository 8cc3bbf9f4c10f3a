"""Human names of the case form's fields and enumerations, in Chinese and English.

The UI and the receipts use these; error texts are ``<field label>：<message>``.
"""

from __future__ import annotations

import re

FIELDS: dict[str, tuple[str, str]] = {
    "schema_version": ("格式版本", "Format version"),
    "window": ("受理窗口", "Window"),
    "channel": ("来源渠道", "Channel"),
    "received_at": ("受理时间", "Received at"),
    "clerk": ("受理人", "Clerk"),
    "applicants": ("申请人", "Applicants"),
    "name": ("姓名", "Name"),
    "sex": ("性别", "Sex"),
    "ethnicity": ("民族", "Ethnicity"),
    "birth_date": ("出生日期", "Date of birth"),
    "id_type": ("证件类型", "ID type"),
    "id_number": ("证件号码", "ID number"),
    "phone": ("联系电话", "Phone"),
    "residence": ("户籍地", "Registered residence"),
    "address": ("现住址", "Current address"),
    "address_place": ("住址所属网格", "Address area"),
    "occupation": ("职业", "Occupation"),
    "employer": ("工作单位", "Employer"),
    "population_groups": ("人群类别", "Population group"),
    "education": ("文化程度", "Education"),
    "health": ("健康状况", "Health"),
    "agent": ("代理人", "Agent"),
    "type": ("类型", "Type"),
    "relationship": ("与当事人关系", "Relationship"),
    "organisation": ("所在单位", "Organisation"),
    "power_of_attorney": ("授权委托书", "Power of attorney"),
    "group": ("集体访", "Group visit"),
    "headcount": ("来访人数", "Headcount"),
    "representatives": ("代表", "Representatives"),
    "participants": ("参与人员", "Participants"),
    "counterparties": ("被申请人/对方当事人", "Counter-parties"),
    "kind": ("类别", "Kind"),
    "uscc": ("统一社会信用代码", "Unified social credit code"),
    "legal_representative": ("法定代表人", "Legal representative"),
    "category": ("事项类别", "Category"),
    "subcategory": ("事项子类", "Sub-category"),
    "place": ("问题属地", "Place"),
    "town": ("镇/街道", "Town/street"),
    "community": ("村/社区", "Village/community"),
    "grid": ("网格", "Grid"),
    "cross": ("跨区域", "Cross-area"),
    "detail": ("详细地点", "Location detail"),
    "occurred_on": ("发生日期", "Date of the matter"),
    "facts": ("事实与理由", "Facts and reasons"),
    "requests": ("诉求", "Requests"),
    "amount": ("涉及金额", "Amount"),
    "people_affected": ("涉及人数", "People affected"),
    "purpose": ("信访目的", "Purpose"),
    "limitation_ends_on": ("时效届满日", "Limitation ends on"),
    "prior_handling": ("既往处理情况", "Prior handling"),
    "body": ("处理机关", "Body"),
    "form": ("处理形式", "Form"),
    "stage": ("程序阶段", "Stage"),
    "document_no": ("文书编号", "Document number"),
    "result": ("处理结果", "Result"),
    "date": ("日期", "Date"),
    "final": ("是否终结", "Final"),
    "legal_aid": ("法律援助", "Legal aid"),
    "legal_position": ("诉讼地位", "Legal position"),
    "aid_form": ("援助形式", "Form of aid"),
    "case_stage": ("案件阶段", "Case stage"),
    "previous_applications": ("既往申请次数", "Previous applications"),
    "household_size": ("家庭人口", "Household size"),
    "household_income": ("家庭月收入", "Household income"),
    "property": ("家庭财产", "Property"),
    "hardship_exempt": ("免予核查理由", "Means-test exemption"),
    "materials": ("收到材料", "Materials received"),
    "original": ("原件", "Original"),
    "pages": ("页数", "Pages"),
    "copies": ("份数", "Copies"),
    "returned": ("已退还", "Returned"),
    "risk": ("风险", "Risk"),
    "level": ("等级", "Level"),
    "flags": ("风险标记", "Risk flags"),
    "note": ("备注", "Note"),
    "disposal": ("处置", "Disposal"),
    "resolved_on_spot": ("当场化解/答复", "Resolved on the spot"),
    "answer": ("答复内容", "Answer"),
    "route_override": ("改派", "Routing override"),
    "department": ("承办部门", "Department"),
    "reason": ("理由", "Reason"),
    "mediation_consent": ("调解意愿", "Mediation consent"),
    "privacy_consent": ("个人信息告知同意", "Privacy consent"),
    "leader_override": ("值班领导批准理由", "Duty leader's approval"),
    "notes": ("备注", "Notes"),
    "department_numbers": ("部门案号", "Department case numbers"),
}

ENUMS: dict[str, dict[str, tuple[str, str]]] = {
    "window": {
        "litigation": ("诉讼服务", "Litigation service"),
        "procuratorate": ("检察服务(12309)", "Procuratorial service (12309)"),
        "legal_aid": ("法律援助", "Legal aid"),
        "petition": ("信访接待", "Petition reception"),
        "mediation": ("人民调解", "People's mediation"),
        "consultation": ("法律咨询", "Consultation"),
    },
    "channel": {
        "visit": ("来访", "Visit"),
        "letter": ("来信", "Letter"),
        "phone": ("来电", "Phone"),
        "online": ("网上", "Online"),
        "referral": ("转办", "Referral"),
        "grid_report": ("网格上报", "Grid report"),
        "screening": ("排查", "Screening"),
        "court_delegated": ("诉前委派", "Court-delegated"),
    },
    "sex": {"male": ("男", "Male"), "female": ("女", "Female")},
    "risk": {
        "red": ("红色", "Red"),
        "orange": ("橙色", "Orange"),
        "yellow": ("黄色", "Yellow"),
        "blue": ("蓝色", "Blue"),
    },
    "flag": {
        "extreme_act_threat": ("扬言极端行为", "Threat of extreme acts"),
        "group": ("群体性", "Group"),
        "civil_to_criminal": ("民转刑风险", "Civil-to-criminal risk"),
        "repeat_visit": ("重复访", "Repeat visit"),
        "level_skipping": ("越级访", "Level-skipping"),
        "special_population": ("特殊群体", "Special population"),
    },
    "level": {
        "grid": ("网格", "Grid point"),
        "community": ("村(社区)", "Community station"),
        "town": ("镇(街道)", "Town centre"),
        "district": ("区级", "District centre"),
    },
    "purpose": {
        "consultation": ("咨询", "Consultation"),
        "suggestion": ("意见建议", "Suggestion"),
        "appeal": ("申诉", "Appeal"),
        "claim": ("求决", "Claim"),
        "other": ("其他", "Other"),
    },
    "status": {
        "registered": ("已登记", "Registered"),
        "routed": ("已分流", "Routed"),
        "in_progress": ("办理中", "In progress"),
        "returned": ("已退回", "Returned"),
        "resolved": ("当场办结", "Resolved at the counter"),
        "closed": ("已办结", "Closed"),
    },
    "consent": {
        "yes": ("同意调解", "Agrees"),
        "no": ("不同意调解", "Refuses"),
        "not_asked": ("未询问", "Not asked"),
    },
    "role": {
        "applicant": ("申请人", "Applicant"),
        "agent": ("代理人", "Agent"),
        "representative": ("代表", "Representative"),
        "participant": ("参与人", "Participant"),
        "counterparty": ("对方当事人", "Counter-party"),
    },
}


def _lang_index(lang: str) -> int:
    return 1 if lang.startswith("en") else 0


def field_label(path: str, lang: str = "zh") -> str:
    """Label of the last named component of a field path: ``applicants[0].id_number`` -> 证件号码."""
    names = re.findall(r"[A-Za-z_]+", path or "")
    for name in reversed(names):
        if name in FIELDS:
            return FIELDS[name][_lang_index(lang)]
    return ""


def enum_label(kind: str, value: str | None, lang: str = "zh") -> str:
    if value is None:
        return ""
    pair = ENUMS.get(kind, {}).get(value)
    return pair[_lang_index(lang)] if pair else value
