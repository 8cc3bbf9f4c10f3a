"""Write ``resources/config/example-hall.toml``: an example hall shaped like 乌达区 (Wuda District).

The 1+8+22+148 network has 148 grid points; typing them by hand invites mistakes, so this script
generates the file. Every name, phone number and address is invented. Run it from the repository:

    .venv/bin/python tools/gen_example_hall.py            # rewrite the file
    .venv/bin/python tools/gen_example_hall.py --check    # exit 1 if the file is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "config" / "example-hall.toml"

HOURS = "工作日 8:30-12:00, 14:30-17:30"

# code, name, name_en, level, track, phone, address, extra comment
DEPARTMENTS = [
    (
        "court",
        "乌达区人民法院诉讼服务中心",
        "Wuda District People's Court, litigation service centre",
        "district",
        "litigation",
        "0473-2012301",
        "乌达区滨河大道18号",
        "立案、诉前调解、再审申请、执行",
    ),
    (
        "procuratorate",
        "乌达区人民检察院12309检察服务中心",
        "Wuda District Procuratorate, 12309 service centre",
        "district",
        "procuratorate",
        "0473-2012309",
        "乌达区人民路56号",
        "控告申诉、民事行政检察监督、立案监督",
    ),
    (
        "legal_aid",
        "乌达区法律援助中心",
        "Wuda District Legal Aid Centre",
        "district",
        "legal_aid",
        "0473-2012348",
        "乌达区新华街9号",
        "法律援助申请、值班律师",
    ),
    (
        "justice_bureau",
        "乌达区司法局",
        "Wuda District Justice Bureau",
        "district",
        "mediation",
        "0473-2012360",
        "乌达区新华街9号",
        "人民调解工作指导、司法所、以案定补审核",
    ),
    (
        "petition_bureau",
        "乌达区信访局",
        "Wuda District Petition Bureau",
        "district",
        "petition",
        "0473-2012366",
        "乌达区乌达路1号",
        "信访事项受理、办理、复查复核",
    ),
    (
        "hrss",
        "乌达区人力资源和社会保障局",
        "Wuda District Human Resources and Social Security Bureau",
        "district",
        "administrative",
        "0473-2012321",
        "乌达区团结路22号",
        "劳动保障监察（欠薪投诉）、工伤认定",
    ),
    (
        "labour_arbitration",
        "乌达区劳动人事争议仲裁院",
        "Wuda District Labour and Personnel Dispute Arbitration Court",
        "district",
        "administrative",
        "0473-2012325",
        "乌达区团结路22号",
        "劳动争议调解、仲裁",
    ),
    (
        "housing",
        "乌达区住房和城乡建设局",
        "Wuda District Housing and Urban-Rural Development Bureau",
        "district",
        "administrative",
        "0473-2012331",
        "乌达区民主街15号",
        "房屋征收、物业监管",
    ),
    (
        "natural_resources",
        "乌达区自然资源局",
        "Wuda District Natural Resources Bureau",
        "district",
        "administrative",
        "0473-2012335",
        "乌达区民主街17号",
        "土地权属、征地",
    ),
    (
        "police",
        "乌海市公安局乌达区分局",
        "Wuda District Public Security Sub-bureau",
        "district",
        "police",
        "0473-2012110",
        "乌达区苏海图街33号",
        "治安、家庭暴力、民转刑风险处置",
    ),
    (
        "police_legal",
        "乌达区公安分局法制大队",
        "Wuda District Public Security Sub-bureau, legal affairs unit",
        "district",
        "police",
        "0473-2012118",
        "乌达区苏海图街33号",
        "不服公安机关决定的复核、法制审核",
    ),
    (
        "traffic_police",
        "乌达区公安分局交通管理大队",
        "Wuda District traffic police brigade",
        "district",
        "police",
        "0473-2012122",
        "乌达区梁家沟路8号",
        "道路交通事故处理与损害赔偿调解",
    ),
    (
        "market_regulation",
        "乌达区市场监督管理局（12315）",
        "Wuda District Market Regulation Bureau (12315)",
        "district",
        "administrative",
        "0473-2012315",
        "乌达区巴音赛路12号",
        "消费投诉举报",
    ),
    (
        "health",
        "乌达区卫生健康委员会",
        "Wuda District Health Commission",
        "district",
        "administrative",
        "0473-2012341",
        "乌达区人民路80号",
        "医疗机构监管",
    ),
    (
        "medical_mediation",
        "乌达区医疗纠纷人民调解委员会",
        "Wuda District People's Mediation Committee for Medical Disputes",
        "district",
        "mediation",
        "0473-2012343",
        "乌达区人民路80号",
        "医疗纠纷专业调解",
    ),
    (
        "discipline",
        "乌达区纪委监委",
        "Wuda District Commission for Discipline Inspection and Supervision",
        "district",
        "discipline",
        "0473-2012312",
        "乌达区乌达路1号",
        "检举控告公职人员",
    ),
    (
        "womens_federation",
        "乌达区妇女联合会",
        "Wuda District Women's Federation",
        "district",
        "other",
        "0473-2012338",
        "乌达区新华街21号",
        "妇女儿童维权、家庭暴力协助",
    ),
    (
        "civil_affairs",
        "乌达区民政局",
        "Wuda District Civil Affairs Bureau",
        "district",
        "administrative",
        "0473-2012351",
        "乌达区新华街27号",
        "低保、临时救助",
    ),
    (
        "district_mediation",
        "乌达区矛盾纠纷联合调解中心",
        "Wuda District Joint Mediation Centre",
        "district",
        "mediation",
        "0473-2012200",
        "乌达区滨河大道26号 区综治中心二楼",
        "区级联合调解，统筹 8+22+148 调解网络",
    ),
    (
        "government",
        "乌达区人民政府",
        "Wuda District People's Government",
        "district",
        "administrative",
        "0473-2012001",
        "乌达区乌达路1号",
        "征收补偿、土地权属处理、行政复议、意见建议",
    ),
]

# town name, street code suffix, [(community name, grid count)]
TOWNS = [
    ("三道坎街道", "001", [("团结社区", 8), ("红旗社区", 7), ("铁路社区", 6)]),
    ("五虎山街道", "002", [("五虎山社区", 7), ("矿山社区", 6), ("东风社区", 7)]),
    ("梁家沟街道", "003", [("梁家沟社区", 8), ("建设社区", 6), ("光明社区", 7)]),
    ("滨河街道", "004", [("滨河社区", 7), ("海湾社区", 6), ("民主社区", 7), ("幸福社区", 6)]),
    ("新达街道", "005", [("新达社区", 8), ("新华社区", 7), ("文化社区", 7)]),
    ("巴音赛街道", "006", [("巴音赛社区", 7), ("胜利社区", 6)]),
    ("苏海图街道", "007", [("苏海图社区", 7), ("和平社区", 6)]),
    ("乌兰淖尔镇", "100", [("乌兰淖尔村", 6), ("新地村", 6)]),
]

WORKERS = ["李建平", "王秀兰", "张海军", "刘丽娟", "陈志刚", "杨春梅"]
WORKERS += ["赵国强", "孙桂英", "周晓东", "吴玉兰", "郭文华", "何淑珍"]

HEADER = """\
# 示例配置：乌达区综治中心 / Example hall: Wuda District comprehensive governance centre
#
# 形如内蒙古乌海市乌达区（区划代码 150304）的"1+8+22+148"调解网络：1 个区级中心、8 个镇（街道）
# 中心、22 个村（社区）调解站、148 个网格调解点。部门名称取真实机构的通常叫法；电话、地址、
# 社区和网格名称均为虚构，仅供演示，启用前请逐项核对改写。
# Shaped like Wuda District, Wuhai, Inner Mongolia (district code 150304) and its "1+8+22+148" network:
# 1 district centre, 8 town/street centres, 22 community stations, 148 grid points. Department names
# follow the usual names of such bodies; phones, addresses, community and grid names are invented.
# Check and rewrite every entry before going live.
#
# `reception init` 把本文件复制为用户配置目录中的 hall.toml。各键的含义见 resources/config/defaults.toml，
# 未写出的键取默认值。/ `reception init` copies this file to hall.toml in the user config folder. Every
# key is explained in resources/config/defaults.toml; keys left out take their default.
#
# 本文件由 tools/gen_example_hall.py 生成 / generated by tools/gen_example_hall.py

[centre]
name = "乌达区综治中心"
code = "150304"
case_no_prefix = "ZZ"
timezone = "Asia/Shanghai"

[workstation]
# 每台受理电脑一个代码，如 W01 W02 … / one code per intake computer
code = "W01"

[intake]
group_visit_threshold = 5
max_representatives = 5
grid_amount_limit = 10000
town_amount_threshold = 100000
town_people_threshold = 10

[files]
routing_rules = "routing.toml"
deadline_rules = "deadlines.toml"
"""


def q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def departments() -> list[str]:
    out = [
        "",
        "# ---------------------------------------------------------------------------------------------",
        "# 进驻及对接部门 / stationed and linked departments",
        "# ---------------------------------------------------------------------------------------------",
    ]
    for code, name, name_en, level, track, phone, address, note in DEPARTMENTS:
        out += [
            "",
            f"# {note}",
            "[[department]]",
            f"code = {q(code)}",
            f"name = {q(name)}",
            f"name_en = {q(name_en)}",
            f"level = {q(level)}",
            f"track = {q(track)}",
            f"contact = {{ phone = {q(phone)}, address = {q(address)}, hours = {q(HOURS)} }}",
        ]
        if code == "court":
            out += [
                "# 转办方式（缺省 manual：打印转办单）；部门队列接口示例 / how transfers reach it (default manual:",
                "# the printed slip); the department-queue API would be:",
                "# [department.transport]",
                '# kind = "http"',
                '# base_url = "https://susong.example.invalid/queue/v1"',
                "# 令牌和签名密钥在系统密钥环中：dept-court-token、dept-court-signing-key",
                "# token and signing key live in the keyring: dept-court-token, dept-court-signing-key",
            ]
    return out


def network() -> list[str]:
    out = [
        "",
        "# ---------------------------------------------------------------------------------------------",
        '# 调解网络 "1+8+22+148" / the mediation network',
        "# ---------------------------------------------------------------------------------------------",
        "",
        "[network]",
    ]
    phone = 2013100
    for town, suffix, _ in TOWNS:
        phone += 11
        out += [
            "",
            "[[network.town]]",
            f"code = {q('150304' + suffix)}",
            f"name = {q(town)}",
            f"centre_name = {q(town + '综治中心')}",
            f"contact = {{ phone = {q(f'0473-{phone}')}, address = {q('乌达区' + town + '便民服务中心')}, "
            f"hours = {q(HOURS)} }}",
        ]
    out += ["", "# 22 个村（社区）调解站 / 22 community stations"]
    for _town, suffix, communities in TOWNS:
        for i, (community, _) in enumerate(communities, 1):
            out += [
                "",
                "[[network.community]]",
                f"code = {q(f'150304{suffix}{i:03d}')}",
                f"name = {q(community)}",
                f"town = {q('150304' + suffix)}",
                f"station_name = {q(community + '人民调解委员会')}",
            ]
    out += ["", "# 148 个网格调解点 / 148 grid points"]
    n = 0
    for _town, suffix, communities in TOWNS:
        for i, (community, grids) in enumerate(communities, 1):
            ccode = f"150304{suffix}{i:03d}"
            for g in range(1, grids + 1):
                out += [
                    "",
                    "[[network.grid]]",
                    f"code = {q(f'{ccode}-{g:02d}')}",
                    f"name = {q(f'{community}第{g}网格')}",
                    f"community = {q(ccode)}",
                ]
                if g == 1:
                    out.append(f"worker = {q(WORKERS[n % len(WORKERS)])}")
                    n += 1
    return out


def render() -> str:
    assert len(TOWNS) == 8
    assert sum(len(c) for _, _, c in TOWNS) == 22
    assert sum(g for _, _, c in TOWNS for _, g in c) == 148
    return HEADER + "\n".join(departments() + network()) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--check", action="store_true", help="exit 1 if the file differs from what would be written")
    args = p.parse_args(argv)
    text = render()
    if args.check:
        ok = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("up to date" if ok else f"{OUT} is out of date")
        return 0 if ok else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
