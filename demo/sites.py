"""The demo schools and their places: buildings, zones, gates, devices, patrol checkpoints.

Plain data. The simulator draws its events from it and a later issue loads it into the SQL ledger,
so every id here is stable: never rename one, only add. Ids are unique within their school (the
ledger keys them by school id + id); building and zone ids are what events carry in `building` and
`zone`, device ids what they carry in `source`.

`demo-univ` is modelled on seed 001's pilot buildings (4 on the main campus, 4 on the Xinxiang
campus); `demo-middle` and `demo-primary` are two smaller schools of one district.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SchoolKind = Literal["university", "middle", "primary"]
BuildingKind = Literal["teaching", "lab", "canteen", "office", "dormitory", "library"]
# The seven device systems feeding the command centre (seed 001 二.(二).3 and .6).
System = Literal["fire", "video", "perimeter", "access", "broadcast", "vehicle", "one_key"]
SYSTEMS: tuple[str, ...] = ("fire", "video", "perimeter", "access", "broadcast", "vehicle", "one_key")
# What a device is within its system; the simulator picks devices by kind (a smoke detector
# raises smoke alarms, a temperature sensor reports readings, a barrier logs plates).
DeviceKind = Literal[
    "smoke", "temp", "gas", "leak",  # fire: detectors, sensors, residual-current monitors
    "cam",  # video
    "fence",  # perimeter: one fence segment
    "reader",  # access: face-recognition reader at a gate
    "speaker",  # broadcast
    "barrier", "radar",  # vehicle: barrier gate with plate camera, speed checkpoint
    "sos",  # one_key alarm column
]


@dataclass(frozen=True)
class Zone:
    id: str
    name_zh: str


@dataclass(frozen=True)
class Building:
    id: str
    name_zh: str
    name_en: str
    kind: BuildingKind
    campus: str
    unit_zh: str  # the internal unit responsible for it (责任单位)
    zones: tuple[Zone, ...]


@dataclass(frozen=True)
class Gate:
    """A face-recognition gate: a campus gate, or a building entrance when `building` is set."""

    id: str
    name_zh: str
    campus: str
    building: str | None = None
    vehicles: bool = False  # has a vehicle barrier


@dataclass(frozen=True)
class Device:
    id: str
    system: System
    kind: DeviceKind
    building: str | None = None
    zone: str | None = None
    gate: str | None = None


@dataclass(frozen=True)
class Checkpoint:
    """A patrol checkpoint (巡更点)."""

    id: str
    name_zh: str
    building: str | None = None
    zone: str | None = None


@dataclass(frozen=True)
class Campus:
    id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class School:
    id: str
    name_zh: str
    name_en: str
    kind: SchoolKind
    district_zh: str | None  # the education bureau above it; a university reports to the province
    campuses: tuple[Campus, ...]
    buildings: tuple[Building, ...]
    gates: tuple[Gate, ...]
    staff: int
    students: int
    devices: tuple[Device, ...]
    checkpoints: tuple[Checkpoint, ...]
    guards: tuple[str, ...]  # security guards who walk the patrol routes (保安)
    duty_officers: tuple[str, ...]  # duty-room officers who acknowledge alerts (值班人员)

    def devices_of(self, system: str) -> tuple[Device, ...]:
        return tuple(d for d in self.devices if d.system == system)


def _zones(*pairs: str) -> tuple[Zone, ...]:
    """Zones from alternating id, Chinese name."""
    return tuple(Zone(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2))


def _at(system: System, kind: DeviceKind, *places: str) -> tuple[Device, ...]:
    """Devices at "building/zone" places; the id says what and where, e.g. smoke-chem-north-1f-lobby."""
    out = []
    for place in places:
        building, zone = place.split("/")
        out.append(Device(f"{kind}-{building}-{zone}", system, kind, building, zone))
    return tuple(out)


def _at_gates(system: System, kind: DeviceKind, *gates: str) -> tuple[Device, ...]:
    return tuple(Device(f"{kind}-{gate}", system, kind, gate=gate) for gate in gates)


def _fence(*segments: str) -> tuple[Device, ...]:
    return tuple(Device(f"fence-{segment}", "perimeter", "fence") for segment in segments)


def _patrol(*places: str) -> tuple[Checkpoint, ...]:
    """Checkpoints at "building/zone" places, named after the zone."""
    out = []
    for number, place in enumerate(places, start=1):
        building, zone = place.split("/")
        out.append(Checkpoint(f"cp-{number:02d}", f"{zone}巡更点", building, zone))
    return tuple(out)


def _people(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix}-{n:02d}" for n in range(1, count + 1))


# -- demo-univ: seed 001's pilot buildings on two campuses ---------------------------------------
_UNIV_BUILDINGS = (
    Building("chem-north", "化学化工学院（化学北楼）", "Chemistry North Building", "lab", "main", "化学化工学院",
             _zones("1f-lobby", "一楼大厅", "2f-teaching-lab", "二楼教学实验室", "3f-lab-305", "三楼305实验室",
                    "b1-chem-store", "负一楼危化品库")),
    Building("xueyuan-canteen", "学苑餐厅", "Xueyuan Canteen", "canteen", "main", "后勤管理处饮食服务中心",
             _zones("1f-dining", "一楼就餐区", "kitchen", "后厨操作间", "gas-room", "燃气间", "store", "食材库房")),
    Building("qinzheng", "勤政楼", "Qinzheng Administration Building", "office", "main", "党政办公室",
             _zones("1f-lobby", "一楼大厅", "3f-offices", "三楼办公区", "5f-meeting", "五楼会议室",
                    "power-room", "配电室")),
    Building("xiyu-10", "西寓10号楼", "Xiyu Dormitory No. 10", "dormitory", "main", "学生工作处公寓管理中心",
             _zones("entrance", "门厅", "duty-room", "宿管值班室", "rooms", "二至六层宿舍", "stairs", "楼梯间")),
    Building("xiangzhen", "向真楼", "Xiangzhen Teaching Building", "teaching", "xinxiang", "新联学院教务处",
             _zones("1f-lobby", "一楼大厅", "classrooms", "教室层", "stairs", "楼梯间", "power-room", "配电室")),
    Building("weixuan-canteen", "味轩餐厅", "Weixuan Canteen", "canteen", "xinxiang", "新联学院后勤处",
             _zones("dining", "就餐区", "kitchen", "后厨操作间", "gas-room", "燃气间")),
    Building("library", "图书信息楼", "Library and Information Building", "library", "xinxiang", "新联学院图书馆",
             _zones("1f-lobby", "一楼大厅", "reading-rooms", "阅览室", "stacks", "书库", "server-room", "数据机房")),
    Building("xianzhai", "贤斋", "Xianzhai Dormitory", "dormitory", "xinxiang", "新联学院学生处",
             _zones("entrance", "门厅", "duty-room", "宿管值班室", "rooms", "宿舍层", "stairs", "楼梯间")),
)

DEMO_UNIV = School(
    id="demo-univ",
    name_zh="演示大学",
    name_en="Demo University",
    kind="university",
    district_zh=None,
    campuses=(Campus("main", "本部校区", "Main campus"), Campus("xinxiang", "新乡校区", "Xinxiang campus")),
    buildings=_UNIV_BUILDINGS,
    gates=(
        Gate("main-south-gate", "本部南大门", "main", vehicles=True),
        Gate("main-east-gate", "本部东门", "main", vehicles=True),
        Gate("main-north-gate", "本部北门", "main"),
        Gate("xinxiang-main-gate", "新乡校区正门", "xinxiang", vehicles=True),
        Gate("xinxiang-west-gate", "新乡校区西门", "xinxiang"),
        Gate("chem-north-entrance", "化学北楼门禁", "main", building="chem-north"),
        Gate("xiyu-10-entrance", "西寓10号楼门禁", "main", building="xiyu-10"),
        Gate("library-entrance", "图书信息楼门禁", "xinxiang", building="library"),
        Gate("xianzhai-entrance", "贤斋门禁", "xinxiang", building="xianzhai"),
    ),
    staff=2_900,
    students=38_000,
    devices=(
        *_at("fire", "smoke", "chem-north/1f-lobby", "chem-north/3f-lab-305", "chem-north/b1-chem-store",
             "xueyuan-canteen/kitchen", "qinzheng/3f-offices", "qinzheng/power-room", "xiyu-10/rooms",
             "xiangzhen/classrooms", "weixuan-canteen/kitchen", "library/stacks", "library/server-room",
             "xianzhai/rooms"),
        *_at("fire", "temp", "chem-north/3f-lab-305", "chem-north/b1-chem-store", "xueyuan-canteen/kitchen",
             "qinzheng/power-room", "xiyu-10/rooms", "xiangzhen/power-room", "weixuan-canteen/kitchen",
             "library/server-room", "xianzhai/rooms"),
        *_at("fire", "gas", "chem-north/3f-lab-305", "chem-north/b1-chem-store", "xueyuan-canteen/gas-room",
             "weixuan-canteen/gas-room"),
        *_at("fire", "leak", "chem-north/1f-lobby", "xueyuan-canteen/kitchen", "qinzheng/power-room",
             "xiyu-10/rooms", "xiangzhen/power-room", "weixuan-canteen/kitchen", "library/server-room",
             "xianzhai/rooms"),
        *_at("video", "cam", "chem-north/1f-lobby", "chem-north/b1-chem-store", "xueyuan-canteen/1f-dining",
             "xueyuan-canteen/kitchen", "qinzheng/1f-lobby", "xiyu-10/entrance", "xiyu-10/stairs",
             "xiangzhen/stairs", "weixuan-canteen/kitchen", "library/reading-rooms", "xianzhai/entrance"),
        *_at_gates("video", "cam", "main-south-gate", "main-east-gate", "xinxiang-main-gate"),
        *_fence("main-north", "main-east", "main-south", "main-west", "xinxiang-north", "xinxiang-east"),
        *_at_gates("access", "reader", "main-south-gate", "main-east-gate", "main-north-gate",
                   "xinxiang-main-gate", "xinxiang-west-gate", "chem-north-entrance", "xiyu-10-entrance",
                   "library-entrance", "xianzhai-entrance"),
        *_at("broadcast", "speaker", "chem-north/1f-lobby", "xueyuan-canteen/1f-dining", "qinzheng/1f-lobby",
             "xiyu-10/entrance", "xiangzhen/1f-lobby", "weixuan-canteen/dining", "library/1f-lobby",
             "xianzhai/entrance"),
        *_at_gates("vehicle", "barrier", "main-south-gate", "main-east-gate", "xinxiang-main-gate"),
        *_at_gates("vehicle", "radar", "main-south-gate", "xinxiang-main-gate"),
        *_at("one_key", "sos", "xueyuan-canteen/1f-dining", "xiyu-10/duty-room", "library/1f-lobby",
             "xianzhai/duty-room", "weixuan-canteen/dining"),
        *_at_gates("one_key", "sos", "main-south-gate", "xinxiang-main-gate"),
    ),
    checkpoints=_patrol("chem-north/b1-chem-store", "chem-north/3f-lab-305", "xueyuan-canteen/gas-room",
                        "qinzheng/power-room", "xiyu-10/stairs", "xiangzhen/stairs",
                        "weixuan-canteen/gas-room",
                        "library/server-room", "xianzhai/stairs"),
    guards=_people("guard", 12),
    duty_officers=_people("duty", 4),
)

# -- demo-middle and demo-primary: two smaller schools in one district ---------------------------
DEMO_MIDDLE = School(
    id="demo-middle",
    name_zh="演示区第一中学",
    name_en="Demo District No. 1 Middle School",
    kind="middle",
    district_zh="演示区教育局",
    campuses=(Campus("main", "校本部", "Main campus"),),
    buildings=(
        Building("teaching", "教学楼", "Teaching Building", "teaching", "main", "教务处",
                 _zones("1f", "一层教室", "2f-4f", "二至四层教室", "stairs", "楼梯间")),
        Building("science", "实验楼", "Science Building", "lab", "main", "教务处实验室",
                 _zones("chem-lab", "化学实验室", "physics-lab", "物理实验室", "chem-store", "化学药品室")),
        Building("canteen", "学生食堂", "Canteen", "canteen", "main", "总务处",
                 _zones("dining", "就餐区", "kitchen", "后厨操作间", "gas-room", "燃气间")),
        Building("dormitory", "学生宿舍楼", "Boarding House", "dormitory", "main", "政教处",
                 _zones("entrance", "门厅", "rooms", "宿舍层", "stairs", "楼梯间")),
        Building("admin", "行政楼", "Administration Building", "office", "main", "校长办公室",
                 _zones("1f-lobby", "一楼大厅", "offices", "办公区", "power-room", "配电室")),
    ),
    gates=(
        Gate("main-gate", "正门", "main", vehicles=True),
        Gate("back-gate", "后门", "main"),
        Gate("dormitory-entrance", "宿舍楼门禁", "main", building="dormitory"),
    ),
    staff=180,
    students=2_400,
    devices=(
        *_at("fire", "smoke", "teaching/2f-4f", "science/chem-store", "canteen/kitchen", "dormitory/rooms",
             "admin/power-room"),
        *_at("fire", "temp", "science/chem-store", "canteen/kitchen", "dormitory/rooms", "admin/power-room"),
        *_at("fire", "gas", "science/chem-lab", "canteen/gas-room"),
        *_at("fire", "leak", "teaching/1f", "canteen/kitchen", "dormitory/rooms", "admin/power-room"),
        *_at("video", "cam", "teaching/stairs", "science/chem-store", "canteen/kitchen",
             "dormitory/entrance"),
        *_at_gates("video", "cam", "main-gate", "back-gate"),
        *_fence("north", "east", "south", "west"),
        *_at_gates("access", "reader", "main-gate", "back-gate", "dormitory-entrance"),
        *_at("broadcast", "speaker", "teaching/1f", "canteen/dining", "dormitory/entrance"),
        *_at_gates("vehicle", "barrier", "main-gate"),
        *_at_gates("vehicle", "radar", "main-gate"),
        *_at("one_key", "sos", "dormitory/entrance"),
        *_at_gates("one_key", "sos", "main-gate"),
    ),
    checkpoints=_patrol("science/chem-store", "canteen/gas-room", "dormitory/stairs", "teaching/stairs",
                        "admin/power-room"),
    guards=_people("guard", 5),
    duty_officers=_people("duty", 2),
)

DEMO_PRIMARY = School(
    id="demo-primary",
    name_zh="演示区实验小学",
    name_en="Demo District Experimental Primary School",
    kind="primary",
    district_zh="演示区教育局",
    campuses=(Campus("main", "校本部", "Main campus"),),
    buildings=(
        Building("teaching", "教学楼", "Teaching Building", "teaching", "main", "教导处",
                 _zones("1f-2f", "一二年级教室", "3f-4f", "三四年级教室", "stairs", "楼梯间")),
        Building("canteen", "食堂", "Canteen", "canteen", "main", "总务处",
                 _zones("dining", "就餐区", "kitchen", "后厨操作间")),
        Building("complex", "综合楼", "Activity and Office Building", "office", "main", "校长办公室",
                 _zones("offices", "办公区", "hall", "多功能厅", "power-room", "配电室")),
    ),
    gates=(
        Gate("main-gate", "正门", "main", vehicles=True),
        Gate("side-gate", "侧门", "main"),
    ),
    staff=90,
    students=1_500,
    devices=(
        *_at("fire", "smoke", "teaching/1f-2f", "teaching/3f-4f", "canteen/kitchen", "complex/hall"),
        *_at("fire", "temp", "canteen/kitchen", "complex/power-room"),
        *_at("fire", "gas", "canteen/kitchen"),
        *_at("fire", "leak", "teaching/1f-2f", "complex/power-room"),
        *_at("video", "cam", "teaching/stairs", "canteen/kitchen", "complex/hall"),
        *_at_gates("video", "cam", "main-gate", "side-gate"),
        *_fence("north", "east", "south", "west"),
        *_at_gates("access", "reader", "main-gate", "side-gate"),
        *_at("broadcast", "speaker", "teaching/stairs", "complex/hall"),
        *_at_gates("vehicle", "barrier", "main-gate"),
        *_at_gates("one_key", "sos", "main-gate"),
    ),
    checkpoints=_patrol("teaching/stairs", "canteen/kitchen", "complex/power-room"),
    guards=_people("guard", 3),
    duty_officers=_people("duty", 2),
)

SCHOOLS: tuple[School, ...] = (DEMO_UNIV, DEMO_MIDDLE, DEMO_PRIMARY)
SCHOOLS_BY_ID: dict[str, School] = {school.id: school for school in SCHOOLS}
