"""What the simulated inspectors, trainers and assessors write: campaign checklists, hazard titles,
training and drill titles, assessment findings. Plain data, in the words of seeds 001, 003 and 004.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Campaign:
    """A special campaign (专项治理) and the checklist items its inspectors tick."""

    id: str
    name_zh: str
    school_kinds: tuple[str, ...]
    items: tuple[str, ...]
    building_kinds: tuple[str, ...] = ()  # where it is checked; empty means every building


_ALL = ("university", "middle", "primary")

CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign("fire-safety", "消防安全专项整治", _ALL, (
        "疏散通道、安全出口畅通", "无易燃可燃装饰装修", "灭火器在有效期内", "应急照明和疏散指示完好",
        "消防控制室双人值守", "建筑物消防验收手续齐全",
    )),
    Campaign("lab-chemicals", "危险化学品专项整治", ("university", "middle"), (
        "危险化学药品专柜存放并有危险标志", "易燃易爆剧毒药品双人双锁", "化学药品总账明细账齐全",
        "药品室通风遮光设施正常", "废弃药品及时清理报废", "实验室应急预案和急救用品齐全",
    ), ("lab",)),
    Campaign("food-safety", "食品安全专项整治", _ALL, (
        "明厨亮灶视频正常", "食材进货查验记录完整", "从业人员健康证有效", "留样48小时并有记录",
        "燃气管道和阀门完好",
    ), ("canteen",)),
    Campaign("crowded-places", "人员密集场所安全", _ALL, (
        "楼梯间无堆放杂物", "上下学时段有领导值守", "大型活动有安保方案和预案", "防踩踏疏导人员到位",
    )),
    Campaign("school-bus", "校车和交通安全", ("middle", "primary"), (
        "校车取得使用许可", "校车驾驶人资格有效", "无超员超速", "按许可路线行驶",
    )),
    Campaign("special-equipment", "特种设备安全", ("university", "middle"), (
        "电梯定期检验合格", "锅炉压力容器检验合格", "特种设备作业人员持证上岗",
    )),
    Campaign("drowning", "防溺水专项行动", ("middle", "primary"), (
        "防溺水警示牌完好", "家长告知书签收", "汛期暑期安全教育落实",
    )),
    Campaign("flood-geology", "防汛和地质灾害防治", _ALL, (
        "排水设施畅通", "防汛物资到位", "应急转移避险方案完善",
    )),
)

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
