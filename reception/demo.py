"""Realistic synthetic cases for demonstrations, manual testing and benchmarks.

Everything here is invented: names are drawn from common surnames and given-name characters, ID
numbers are valid synthetic numbers (right region, date and check character, made-up sequence),
phones use real mobile prefixes with random subscriber numbers, organisations get valid unified
social credit codes. Cases cover every window, channel and category, spread over working hours of
the days before ``end``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from stdnum.cn import uscc as stdnum_uscc

from reception.config import HallConfig
from reception.idcard import synthesize_resident_id

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕斌辉波建国志红"
    "梅鑫宇浩然子轩欣怡雨涵博文晨阳佳琪思远海燕丽娟春梅秀兰国强建华"
)
RARE_NAMES = ("龚䶮", "吉𠮷", "王喆", "林堃", "赵昇", "陈犇")
MONGOL_NAMES = ("巴特尔", "其其格", "乌云娜", "斯琴", "额尔敦", "萨仁图雅")
ETHNICITIES = ("汉族",) * 16 + ("蒙古族",) * 3 + ("回族", "满族")
OCCUPATIONS = ("务工", "个体经营", "退休", "农民", "职员", "教师", "司机", "无业", "自由职业", "外卖骑手")
MOBILE_PREFIXES = (
    "138",
    "139",
    "137",
    "150",
    "151",
    "152",
    "158",
    "159",
    "182",
    "187",
    "135",
    "133",
    "153",
    "180",
    "189",
    "166",
    "177",
    "199",
)
HOME_REGIONS = ("150304",) * 10 + ("150302", "150303", "150202", "152801", "640104", "610402", "130102", "410105")
STREETS = ("团结路", "新华街", "乌达路", "滨河大道", "苏海图街", "梁家沟路", "五虎山路", "巴音赛路", "人民路", "民主街")
COMPANIES = (
    "乌海市鑫达建筑工程有限公司",
    "乌达区恒泰物业服务有限公司",
    "内蒙古宏源煤业有限责任公司",
    "乌海市顺通运输有限公司",
    "乌达区福满家超市",
    "乌海市康宁医院",
    "乌海市金源房地产开发有限公司",
    "乌达区兴旺家政服务部",
    "内蒙古蓝天化工有限公司",
    "乌海市诚信汽车销售服务有限公司",
)

# (category, subcategory, facts template, requests, amount range, preferred windows)
MATTERS = (
    (
        "labour",
        "unpaid_wages",
        "申请人于{y}年在{co}工地务工，工期结束后{co}拖欠工资{amt}元至今未付，多次催要无果。",
        ["支付拖欠工资{amt}元"],
        (3000, 80000),
        ("petition", "legal_aid", "mediation"),
    ),
    (
        "labour",
        "dismissal",
        "申请人在{co}工作{n}年，{co}以经营困难为由口头辞退，未支付经济补偿。",
        ["支付经济补偿金{amt}元", "补缴社会保险"],
        (8000, 60000),
        ("legal_aid", "consultation"),
    ),
    (
        "labour",
        "work_injury",
        "申请人在{co}上班期间受伤，单位未申报工伤，医疗费{amt}元由个人垫付。",
        ["认定工伤并支付医疗费"],
        (5000, 90000),
        ("legal_aid", "petition"),
    ),
    (
        "marriage_family",
        "divorce",
        "申请人与配偶{other}因感情不和分居{n}年，现就子女抚养和共同财产分割发生争议。",
        ["调解离婚事宜", "明确子女抚养权"],
        None,
        ("mediation", "litigation", "consultation"),
    ),
    (
        "marriage_family",
        "support",
        "申请人年逾七旬，{n}个子女互相推诿，拒不支付赡养费，生活困难。",
        ["子女每月支付赡养费"],
        (500, 3000),
        ("mediation", "legal_aid"),
    ),
    (
        "marriage_family",
        "domestic_violence",
        "申请人称长期遭受配偶{other}殴打，近日再次受伤，担心人身安全。",
        ["制止家庭暴力", "申请人身安全保护令"],
        None,
        ("petition", "legal_aid"),
    ),
    (
        "neighbour",
        None,
        "申请人与邻居{other}因楼上漏水、噪音问题多次发生口角，双方关系紧张。",
        ["邻居维修漏水管道并赔偿损失"],
        (500, 5000),
        ("mediation", "consultation"),
    ),
    (
        "contract",
        "lending",
        "{other}于{y}年向申请人借款{amt}元，约定一年内归还，到期后以各种理由拖延。",
        ["归还借款{amt}元及利息"],
        (10000, 300000),
        ("litigation", "mediation"),
    ),
    (
        "contract",
        "sale",
        "申请人从{co}购买的货物存在质量问题，{co}拒绝退换，涉及货款{amt}元。",
        ["退还货款{amt}元"],
        (2000, 50000),
        ("litigation", "mediation"),
    ),
    (
        "property_mgmt",
        None,
        "小区物业{co}长期不履行维修义务，电梯多次故障，业主拒交物业费引发纠纷。",
        ["物业公司维修电梯", "公示物业费收支"],
        None,
        ("petition", "mediation"),
    ),
    (
        "housing_homestead",
        None,
        "申请人与{other}因宅基地界线发生争议，对方在争议地块上修建围墙。",
        ["拆除围墙恢复原状"],
        None,
        ("mediation", "petition"),
    ),
    (
        "requisition",
        "compensation",
        "申请人房屋被列入棚户区改造范围，对补偿安置方案有异议，认为评估价格偏低{amt}元。",
        ["重新评估并提高补偿标准"],
        (50000, 400000),
        ("petition",),
    ),
    (
        "traffic",
        None,
        "申请人骑电动车与{other}驾驶的小型轿车相撞受伤，对赔偿数额协商不成。",
        ["赔偿医疗费、误工费共计{amt}元"],
        (3000, 120000),
        ("mediation", "litigation"),
    ),
    (
        "medical",
        None,
        "申请人家属在{co}手术后出现并发症，认为医院存在过错。",
        ["医院承担赔偿责任{amt}元"],
        (20000, 500000),
        ("mediation", "petition"),
    ),
    (
        "consumer",
        None,
        "申请人在{co}办理预付卡{amt}元，商家停业后无法退款。",
        ["退还预付卡余额"],
        (1000, 20000),
        ("consultation", "mediation"),
    ),
    (
        "litigation_related",
        "judgment",
        "申请人对法院作出的民事判决不服，认为认定事实错误，判决已生效。",
        ["对生效判决提出异议，请求再审"],
        None,
        ("petition", "litigation", "procuratorate"),
    ),
    (
        "litigation_related",
        "enforcement",
        "申请人胜诉后{other}拒不履行判决，执行案件进展缓慢，涉及执行款{amt}元。",
        ["加快执行进度"],
        (20000, 200000),
        ("litigation", "petition"),
    ),
    (
        "litigation_related",
        "police_decision",
        "申请人报案后公安机关作出不予立案决定，申请人不服。",
        ["撤销不予立案决定"],
        None,
        ("procuratorate", "petition"),
    ),
    (
        "report_officials",
        "official_misconduct",
        "申请人反映某村干部在低保评定中优亲厚友。",
        ["调查处理相关人员"],
        None,
        ("petition",),
    ),
    (
        "suggestion",
        None,
        "申请人建议在社区增设老年人日间照料中心和无障碍设施。",
        ["增设日间照料中心"],
        None,
        ("petition", "consultation"),
    ),
    (
        "social_assistance",
        "hardship",
        "申请人因病致贫，家庭收入微薄，申请救助。",
        ["申请临时救助"],
        None,
        ("petition", "consultation"),
    ),
    ("pollution", None, "附近{co}夜间生产噪音和粉尘严重，影响居民休息和健康。", ["责令企业整改"], None, ("petition",)),
    (
        "forest_land",
        "land_contract",
        "申请人承包的{n}亩耕地被同村{other}占用耕种，协商未果。",
        ["返还承包地"],
        None,
        ("mediation", "petition"),
    ),
    (
        "public_order",
        "violence_risk",
        "申请人与{other}因债务纠纷多次发生冲突，对方扬言报复，存在民转刑风险。",
        ["及时处置，防止矛盾激化"],
        (5000, 50000),
        ("petition", "mediation"),
    ),
)

WINDOW_WEIGHTS = {
    "petition": 30,
    "mediation": 25,
    "legal_aid": 15,
    "litigation": 15,
    "procuratorate": 5,
    "consultation": 10,
}
CHANNEL_WEIGHTS = {
    "visit": 60,
    "letter": 8,
    "phone": 10,
    "online": 8,
    "referral": 6,
    "grid_report": 6,
    "screening": 1,
    "court_delegated": 1,
}
RISK_WEIGHTS = {"blue": 40, "yellow": 40, "orange": 15, "red": 5}
MATERIALS = (
    "身份证复印件",
    "劳动合同",
    "工资欠条",
    "借条",
    "判决书",
    "病历资料",
    "收款收据",
    "照片",
    "协议书",
    "户口簿复印件",
)
CLERKS = ("李晓梅", "张建军", "王丽", "刘海涛")


class _Gen:
    def __init__(self, config: HallConfig, rng: random.Random):
        self.config = config
        self.rng = rng
        self.tz = ZoneInfo(config.centre.timezone)
        self.grids = list(config.network.grids.values())

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def name(self) -> str:
        r = self.rng.random()
        if r < 0.01:
            return self.rng.choice(RARE_NAMES)
        if r < 0.05:
            return self.rng.choice(MONGOL_NAMES)
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.7 else "")
        return self.rng.choice(SURNAMES) + given

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def person(self, received: date, *, adult: bool = True) -> dict:
        age = self.rng.randint(19, 82) if adult else self.rng.randint(8, 17)
        birth = received - timedelta(days=age * 365 + self.rng.randint(0, 364))
        sex = self.rng.choice(("male", "female"))
        seq = self.rng.randrange(0, 500) * 2 + (1 if sex == "male" else 0)
        region = self.rng.choice(HOME_REGIONS)
        grid = self.rng.choice(self.grids)
        community = self.config.network.communities[grid.community]
        town = self.config.network.towns[community.town]
        return {
            "name": self.name(),
            "ethnicity": self.rng.choice(ETHNICITIES),
            "id_type": "resident_id",
            "id_number": synthesize_resident_id(region, birth, seq),
            "phone": self.mobile(),
            "residence": "内蒙古自治区乌海市乌达区" if region == "150304" else "外省市",
            "address": f"乌海市乌达区{town.name}{community.name}{self.rng.choice(STREETS)}{self.rng.randint(1, 199)}号",
            "occupation": self.rng.choice(OCCUPATIONS),
        }

    def organisation(self, name: str) -> dict:
        body = "91150304" + "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        return {
            "kind": "organisation",
            "name": name,
            "uscc": body + stdnum_uscc.calc_check_digit(body),
            "address": f"乌海市乌达区{self.rng.choice(STREETS)}{self.rng.randint(1, 300)}号",
        }

    def received_at(self, day: date) -> datetime:
        minute = self.rng.randint(8 * 60 + 30, 17 * 60 + 20)
        return datetime.combine(day, time(minute // 60, minute % 60, self.rng.randint(0, 59)), self.tz)

    def case(self, day: date) -> dict:
        rng = self.rng
        matter = rng.choice(MATTERS)
        cat, sub, facts_t, reqs_t, amt_range, windows = matter
        window = rng.choice(windows) if rng.random() < 0.8 else self.pick(WINDOW_WEIGHTS)
        if cat == "litigation_related" and window == "petition":
            window = rng.choice(("litigation", "procuratorate"))  # 诉访分离
        channel = self.pick(CHANNEL_WEIGHTS) if window in ("petition", "mediation", "consultation") else "visit"
        received = self.received_at(day)
        applicant = self.person(day)
        amount = round(rng.uniform(*amt_range), -2) if amt_range else None
        other = self.name()
        company = rng.choice(COMPANIES)
        fmt = {
            "y": day.year - rng.randint(0, 2),
            "co": company,
            "amt": f"{amount:.0f}" if amount else "",
            "n": rng.randint(2, 12),
            "other": other,
        }
        grid = rng.choice(self.grids)
        community = self.config.network.communities[grid.community]
        risk = self.pick(RISK_WEIGHTS)
        flags: list[str] = []
        if sub == "violence_risk":
            flags.append("civil_to_criminal")
            risk = rng.choice(("orange", "red"))
        if rng.random() < 0.08:
            flags.append("repeat_visit")
        doc: dict = {
            "schema_version": "1.0",
            "window": window,
            "channel": channel,
            "received_at": received.isoformat(),
            "clerk": rng.choice(CLERKS),
            "applicants": [applicant],
            "category": cat,
            "subcategory": sub,
            "place": {
                "town": community.town,
                "community": community.code,
                "grid": grid.code,
                "cross": rng.choices(("none", "cross_grid", "cross_community", "cross_town"), (80, 10, 7, 3))[0],
            },
            "occurred_on": (day - timedelta(days=rng.randint(3, 400))).isoformat(),
            "facts": facts_t.format(**fmt),
            "requests": [r.format(**fmt) for r in reqs_t],
            "amount": amount,
            "people_affected": 1,
            "risk": {"level": risk, "flags": flags},
            "disposal": {
                "privacy_consent": True,
                "mediation_consent": rng.choices(("yes", "no", "not_asked"), (70, 10, 20))[0],
                "resolved_on_spot": window == "consultation" and rng.random() < 0.6,
            },
            "materials": [
                {"name": m, "original": rng.random() < 0.3, "pages": rng.randint(1, 12), "returned": False}
                for m in rng.sample(MATERIALS, rng.randint(1, 3))
            ],
        }
        if window == "petition":
            doc["purpose"] = {"suggestion": "suggestion", "social_assistance": "claim"}.get(
                cat, rng.choice(("claim", "appeal", "claim", "other"))
            )
        if "{co}" in facts_t:
            doc["counterparties"] = [self.organisation(company)]
        else:
            doc["counterparties"] = [{"kind": "person", "name": other, "sex": rng.choice(("male", "female"))}]
        if window == "legal_aid":
            doc["legal_aid"] = {
                "legal_position": "applicant" if cat == "labour" else "plaintiff",
                "aid_form": rng.choice(("representation_civil", "consultation", "drafting")),
                "household_size": rng.randint(1, 6),
                "household_income": float(rng.randrange(800, 4000, 100)),
            }
            if sub in ("unpaid_wages", "work_injury"):
                doc["legal_aid"]["hardship_exempt"] = "农民工请求支付劳动报酬/工伤赔偿，免予核查经济困难状况"
        if window == "petition" and rng.random() < 0.06:
            headcount = rng.randint(5, 40)
            reps = [applicant] + [self.person(day) for _ in range(rng.randint(0, 4))]
            doc["group"] = {"headcount": headcount, "representatives": reps}
            doc["people_affected"] = headcount
            doc["risk"]["flags"].append("group")
            doc["risk"]["level"] = rng.choice(("orange", "red"))
        if doc["disposal"]["resolved_on_spot"]:
            doc["disposal"]["answer"] = "已当场解答相关法律规定及办理途径。"
        if rng.random() < 0.1:
            doc["agent"] = {
                "type": rng.choice(("relative", "entrusted")),
                "name": self.name(),
                "phone": self.mobile(),
                "relationship": rng.choice(("配偶", "子女", "律师")),
                "power_of_attorney": True,
            }
        return doc


def generate_cases(
    config: HallConfig, n: int, *, seed: int | None = None, end: date | None = None, days: int | None = None
) -> list[dict]:
    """``n`` valid cases received over the working days up to ``end`` (default: today)."""
    rng = random.Random(seed)
    gen = _Gen(config, rng)
    end = end or datetime.now(gen.tz).date()
    days = days or max(5, min(365, n // 20 + 1))
    workdays = [end - timedelta(days=i) for i in range(days * 2) if (end - timedelta(days=i)).weekday() < 5][:days]
    out = []
    for _ in range(n):
        day = rng.choice(workdays)
        out.append(gen.case(day))
    out.sort(key=lambda d: d["received_at"])
    now = datetime.now(gen.tz)
    for d in out:  # today's cases must not be in the future
        if datetime.fromisoformat(d["received_at"]) > now:
            d["received_at"] = (now - timedelta(minutes=rng.randint(1, 120))).isoformat()
    return out
