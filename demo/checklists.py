"""What the simulated inspectors, trainers and assessors write: campaign checklists, hazard titles,
training and drill titles, assessment findings. Plain data, in the words of seeds 001, 003 and 004;
the campaigns' checklists are the product's data files.
"""
from __future__ import annotations

from ledger.campaign_files import CampaignSpec, shipped

# The campaigns are data shipped with the product (ledger/campaigns/*.toml, seeds 003 and 004), read
# and checked by ledger/campaign_files.py: the demo loads the same files a real school's admin sees.
# Their order here only spreads the demo's phase dates (demo/seed_hazards.py START_OFFSETS).
DEMO_ORDER = ("fire-safety", "lab-chemicals", "food-safety", "crowded-places", "school-bus", "special-equipment",
              "drowning", "flood-geology")
CAMPAIGNS: tuple[CampaignSpec, ...] = tuple(sorted(
    shipped(), key=lambda c: (DEMO_ORDER.index(c.code) if c.code in DEMO_ORDER else len(DEMO_ORDER), c.code)))

# Hazards the inspections find, by the kind of building they are found in (隐患名称).
HAZARD_TITLES: dict[str, tuple[str, ...]] = {
    "lab": ("危化品未落实双人双锁", "实验室通风橱故障", "危化品台账与实物不符", "洗眼器冲淋装置失效",
            "气瓶未固定"),
    "canteen": ("燃气软管老化", "后厨排烟罩油污积聚", "燃气报警器未联动切断阀", "冷库门内开启装置损坏",
                "灭火毯缺失"),
    "office": ("配电箱未上锁", "消防通道堆放杂物", "应急照明损坏", "电缆井防火封堵缺失"),
    "dormitory": ("宿舍违规使用大功率电器", "楼梯间堆放杂物", "疏散指示标志损坏", "电动车楼道内充电",
                  "安全出口门锁闭"),
    "teaching": ("楼梯扶手松动", "教室插座破损", "灭火器过期", "窗户限位器缺失"),
    "library": ("书库消防喷淋故障", "机房空调漏水", "阅览室安全出口标志不亮", "电气线路私拉乱接"),
}

# Where a hazard comes from (seed 003: self-inspection, school inspection, authority inspection).
HAZARD_SOURCES: tuple[str, ...] = ("self_inspection", "school_inspection", "authority_inspection")

TRAININGS: tuple[str, ...] = (
    "双重预防体系全员培训", "消防安全知识培训", "实验室安全准入培训", "食品安全操作培训",
    "岗位风险告知卡学习", "应急处置卡演练培训", "防溺水安全教育", "防校园欺凌教育",
)
DRILLS: tuple[str, ...] = (
    "消防疏散演练", "防踩踏应急疏散演练", "实验室危化品泄漏处置演练", "食堂燃气泄漏处置演练",
    "防恐防暴演练", "地震应急避险演练",
)

# Assessment findings an inspector can deduct for (seed 001 attachment 2): article, points, reason.
ASSESSMENT_FINDINGS: tuple[tuple[int, float, str], ...] = (
    (8, 2, "重大风险告知栏损坏未及时修复"),
    (10, 2, "负责人不清楚本单位安全风险"),
    (14, 2, "岗位人员不清楚岗位风险"),
    (15, 5, "隐患排查中发现明显问题"),
    (16, 5, "隐患治理未闭环"),
    (17, 5, "隐患未按期整改"),
)

WEATHER_KINDS: tuple[str, ...] = ("rainstorm", "gale", "heat", "cold_wave", "fog", "thunderstorm")
