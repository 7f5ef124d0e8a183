"""What the demo campus's risk points are made of: per kind of place, the risk points a school's
safety office usually lists, with their hazard sources (危险源), possible accident types (GB 6441
事故类别), control measures and the risk levels such a place can reach. Plain data; `demo.seed`
turns it into rows.
"""
from __future__ import annotations

from dataclasses import dataclass

from ledger.models.risk import ACCIDENT_TYPES, CATEGORIES, CONTROL_LEVEL_OF  # noqa: F401 (the demo's vocabulary is the ledger's)

# Factor sets that reach each level under the default cut-offs (ledger/risk_grading.toml);
# the demo grades them with the rules in force, so other cut-offs colour them differently.
LEC_FACTORS: dict[str, tuple[tuple[float, float, float], ...]] = {
    "major": ((3, 6, 40), (1, 6, 100), (3, 3, 40)),
    "high": ((3, 6, 15), (1, 6, 40), (6, 2, 15)),
    "moderate": ((3, 6, 7), (1, 6, 15), (3, 3, 15)),
    "low": ((1, 6, 7), (0.5, 6, 7), (1, 3, 15), (3, 6, 3)),
}
LS_FACTORS: dict[str, tuple[tuple[int, int], ...]] = {
    "major": ((4, 5), (5, 4), (5, 5)),
    "high": ((3, 5), (4, 4), (5, 3)),
    "moderate": ((3, 3), (2, 5), (3, 4)),
    "low": ((2, 2), (1, 3), (2, 4), (2, 3)),
}
LEVEL_CODES = {"R": "major", "O": "high", "Y": "moderate", "B": "low"}


@dataclass(frozen=True)
class RiskTemplate:
    name: str  # appended to the zone's name: 三楼305实验室 + 危化品使用
    category: str
    sources: tuple[str, ...]
    accidents: tuple[str, ...]
    measures: str
    method: str  # LEC | LS
    levels: str  # the levels it can reach, as R/O/Y/B letters


def _t(name, category, sources, accidents, measures, method, levels) -> RiskTemplate:
    return RiskTemplate(name, category, tuple(sources.split("；")), tuple(accidents.split("、")), measures,
                        method, levels)


TEMPLATES: dict[str, tuple[RiskTemplate, ...]] = {
    "chem_store": (
        _t("危化品储存", "场所", "易燃液体；强氧化剂；剧毒品", "火灾、爆炸、中毒和窒息",
           "专柜分类存放，剧毒品双人双锁，台账日清月结，温湿度监测", "LEC", "R"),
        _t("气瓶存放", "设备设施", "氢气瓶；乙炔瓶；气瓶减压阀", "其他爆炸、火灾",
           "气瓶固定并分区存放，可燃气体报警联动排风，定期检验", "LEC", "RO"),
        _t("危化品出入库作业", "作业活动", "搬运倾倒；领用登记缺失", "灼烫、中毒和窒息",
           "双人出入库，佩戴防护用品，领用登记可追溯", "LS", "OY"),
        _t("库房通风照明", "设备设施", "排风机；防爆灯具", "中毒和窒息、触电", "防爆电器，排风机每周检查", "LS", "YB"),
    ),
    "lab": (
        _t("危化品使用", "作业活动", "有机溶剂；强酸强碱；加热反应", "火灾、灼烫、中毒和窒息",
           "实验前风险评估，通风橱内操作，最小量领用", "LEC", "ROY"),
        _t("实验气瓶使用", "设备设施", "钢瓶；管路接头", "其他爆炸、物体打击",
           "气瓶固定链，检漏，用后关阀", "LEC", "OY"),
        _t("实验用电", "设备设施", "烘箱；马弗炉；插线板", "触电、火灾", "大功率设备专线，人走断电", "LS", "YB"),
        _t("通风橱与应急设施", "设备设施", "通风橱；洗眼器", "中毒和窒息、灼烫", "风速月检，洗眼器周检", "LS", "YB"),
    ),
    "kitchen": (
        _t("炉灶作业", "作业活动", "燃气灶具；燃气管道；热油", "火灾、爆炸、灼烫",
           "持证上岗，油锅不离人，燃气报警联动切断，灭火毯就近配置", "LEC", "ROY"),
        _t("排烟系统", "设备设施", "排烟罩油污；烟道", "火灾", "烟道每季度清洗，排烟罩每日清理", "LS", "OY"),
        _t("厨房机械", "设备设施", "绞肉机；和面机；切片机", "机械伤害", "防护罩完好，一机一闸，专人操作", "LS", "YB"),
        _t("食品加工", "作业活动", "生熟混放；食材变质", "食物中毒", "生熟分开，留样48小时，晨检", "LS", "OY"),
    ),
    "gas_room": (
        _t("燃气管道与阀门", "设备设施", "天然气管道；调压阀；软管", "爆炸、火灾、中毒和窒息",
           "燃气报警联动切断阀，软管定期更换，每日巡检", "LEC", "R"),
        _t("燃气间通风", "场所", "燃气积聚", "中毒和窒息、爆炸", "机械排风常开，防爆电器", "LS", "OY"),
        _t("燃气间动火检修", "作业活动", "动火作业；带气作业", "爆炸、火灾",
           "动火审批，专业单位作业，现场监护", "LS", "OY"),
    ),
    "dining": (
        _t("就餐高峰人员密集", "场所", "人员拥挤；地面湿滑", "踩踏、摔伤",
           "错峰就餐，高峰值守疏导，防滑垫", "LS", "OY"),
        _t("餐厅疏散通道", "场所", "通道占用；安全出口", "踩踏、火灾", "出口常闭不锁，通道不堆物", "LS", "YB"),
        _t("餐厅电气", "设备设施", "售餐设备；照明线路", "触电、火灾", "电气线路年检，漏电保护", "LS", "YB"),
    ),
    "food_store": (
        _t("食材库房", "场所", "食材变质；鼠害", "食物中毒", "先进先出，温湿度记录，防鼠设施", "LS", "YB"),
        _t("冷库", "设备设施", "冷库门；制冷剂", "中毒和窒息、其他伤害", "冷库门内开启装置，报警按钮", "LS", "YB"),
    ),
    "power_room": (
        _t("高低压配电设备", "设备设施", "变压器；配电柜；电缆", "触电、火灾",
           "持证电工值守，停送电票制，绝缘工具定检", "LEC", "OY"),
        _t("配电室运行维护", "作业活动", "带电作业；误操作", "触电", "两人作业一人监护，挂牌上锁", "LS", "OY"),
        _t("配电室防小动物与防水", "场所", "小动物进入；渗水", "触电、火灾", "挡鼠板，排水检查", "LS", "YB"),
    ),
    "server_room": (
        _t("机房供配电与UPS", "设备设施", "UPS蓄电池；精密空调", "火灾、触电", "气体灭火系统，蓄电池巡检", "LEC", "OY"),
        _t("机房运维作业", "作业活动", "带电插拔；线缆敷设", "触电", "运维登记，防静电措施", "LS", "YB"),
    ),
    "stairs": (
        _t("楼梯间通行", "场所", "上下课拥挤；扶手松动", "踩踏、高处坠落",
           "分时段放学，楼梯口值守，扶手定检", "LS", "OYB"),
        _t("楼梯间杂物与照明", "场所", "杂物堆放；应急照明", "火灾、摔伤", "每日巡查清理，应急照明月检", "LS", "YB"),
    ),
    "dorm_rooms": (
        _t("宿舍用电", "设备设施", "大功率电器；私拉电线；电动车电池", "火灾、触电",
           "限电装置，每周查寝，电动车集中充电", "LEC", "ROY"),
        _t("宿舍消防设施", "设备设施", "烟感；灭火器", "火灾", "烟感联网，灭火器月检", "LS", "YB"),
        _t("宿舍阳台与窗户", "场所", "阳台护栏；窗户限位", "高处坠落", "护栏高度达标，限位器完好", "LS", "YB"),
    ),
    "duty_room": (
        _t("宿管值班", "作业活动", "夜间值守脱岗", "其他伤害", "24小时值班，交接班记录", "LS", "B"),
        _t("值班室用电", "设备设施", "电暖器；插线板", "火灾、触电", "禁用明火电热器具", "LS", "YB"),
    ),
    "entrance": (
        _t("门厅人员进出", "场所", "进出拥挤；外来人员", "踩踏、其他伤害", "门禁人脸识别，访客登记", "LS", "YB"),
        _t("门厅装饰与安全出口", "场所", "易燃装饰；出口锁闭", "火灾", "不使用易燃装饰，出口常开", "LS", "B"),
    ),
    "offices": (
        _t("办公区用电", "设备设施", "电脑；饮水机；插线板", "火灾、触电", "人走断电，插线板不串接", "LS", "YB"),
        _t("办公区消防", "场所", "纸质档案；疏散通道", "火灾", "灭火器到位，通道畅通", "LS", "B"),
        _t("电缆井", "设备设施", "电缆井封堵缺失", "火灾", "防火封堵，井门上锁", "LEC", "Y"),
    ),
    "assembly": (
        _t("会议与集会", "作业活动", "人员集中；大型活动", "踩踏、火灾", "活动安保方案，疏散引导员", "LS", "OY"),
        _t("音响灯光设备", "设备设施", "舞台灯具；音响线路", "触电、火灾", "专人操作，线路规范敷设", "LS", "YB"),
    ),
    "classrooms": (
        _t("教室课间活动", "作业活动", "追逐打闹；门窗", "物体打击、摔伤", "课间巡查，窗户限位器", "LS", "YB"),
        _t("教室用电与多媒体", "设备设施", "插座；多媒体设备", "触电、火灾", "插座防护盖，设备定检", "LS", "YB"),
        _t("教学楼疏散", "场所", "集中放学；疏散通道", "踩踏", "分楼层错时放学，疏散演练", "LS", "OY"),
    ),
    "reading": (
        _t("阅览室人员密集", "场所", "考试季人员集中", "踩踏、火灾", "限流，安全出口标志完好", "LS", "YB"),
        _t("阅览室电气", "设备设施", "照明；充电插座", "火灾", "插座限功率，夜间断电", "LS", "B"),
    ),
    "stacks": (
        _t("书库火灾", "场所", "纸质藏书；喷淋系统", "火灾", "喷淋系统月检，严禁明火", "LEC", "OY"),
        _t("密集书架", "设备设施", "密集架；登高梯", "机械伤害、高处坠落", "密集架防夹装置，登高有人扶梯", "LS", "YB"),
    ),
    "lobby": (
        _t("大厅人员通行", "场所", "人员聚集；地面湿滑", "摔伤、踩踏", "雨天防滑垫，安全出口畅通", "LS", "YB"),
        _t("大厅电梯", "设备设施", "电梯", "起重伤害", "电梯年检，困人应急演练", "LS", "YB"),
    ),
}


def zone_kind(building_kind: str, zone_id: str) -> str:
    """Which template list fits a zone, from the building's kind and the zone's id."""
    z = zone_id
    if "chem-store" in z:
        return "chem_store"
    if "lab" in z:
        return "lab"
    for key, kind in (("gas-room", "gas_room"), ("kitchen", "kitchen"), ("dining", "dining"),
                      ("power-room", "power_room"), ("server-room", "server_room"), ("stairs", "stairs"),
                      ("duty-room", "duty_room"), ("entrance", "entrance"), ("meeting", "assembly"),
                      ("hall", "assembly"), ("reading", "reading"), ("stacks", "stacks"),
                      ("lobby", "lobby"), ("offices", "offices"), ("store", "food_store")):
        if key in z:
            return kind
    if z == "rooms":
        return "dorm_rooms"
    return "classrooms" if building_kind == "teaching" else "offices"


# Names for the people in the demo ledger (责任人, 发现人): surname + given name, drawn by seed.
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
            "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰",
         "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "国庆", "红梅", "晓东", "文博", "雪梅", "宏伟", "子涵")

# Notes that go with each step of a hazard's closed loop in the demo history.
STEP_NOTES = {
    "report": "巡查发现，已拍照上传",
    "notify": "已下发整改通知书，明确责任人和整改期限",
    "rectify": "责任单位已制定整改方案并开始整改",
    "feedback": "整改完成，提交整改前后照片",
    "accept": "复查合格，同意销号",
    "reject": "复查不合格，退回继续整改",
}
MAJOR_PLAN = "制定专项整改方案：停用相关设施，委托专业单位整改，整改期间专人盯守"
MAJOR_EMERGENCY = "设置警戒区域并张贴告知，配置应急器材，发现异常立即疏散并报告"

# Risk points of a whole building (no zone), listed for the university's buildings.
BUILDING_TEMPLATES: tuple[RiskTemplate, ...] = (
    _t("建筑消防设施", "设备设施", "消火栓；火灾自动报警系统；自动喷淋", "火灾",
       "维保单位每月检测，消防控制室双人持证值守", "LEC", "YB"),
    _t("外墙与屋面", "场所", "外墙饰面脱落；屋面积水", "物体打击、坍塌", "外墙每学期检查，汛期巡查屋面", "LS", "YB"),
)
