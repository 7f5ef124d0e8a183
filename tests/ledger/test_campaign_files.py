"""Special campaigns as data files (ledger/campaign_files.py): the shipped checklists of seeds 003 and
004 load and pass the check; a bad file is refused whole, with its reasons, each naming its key."""
from __future__ import annotations

from datetime import date

import pytest

from demo.checklists import CAMPAIGNS
from ledger.campaign_files import SHIPPED, CampaignFileError, from_mapping, load, parse, shipped

GOOD = """
code = "winter-heating"
name_zh = "冬季取暖安全专项检查"
school_types = ["primary", "kindergarten"]
building_kinds = ["dormitory"]
items = ["取暖设备完好", "无私拉乱接电线"]
[[phases]]
phase = "deploy"
starts_on = 2026-11-01
ends_on = 2026-11-07
[[phases]]
phase = "inspect"
starts_on = 2026-11-08
ends_on = 2026-12-31
"""


def test_the_shipped_campaigns_load_and_the_demo_reads_the_same_files():
    campaigns = shipped()
    assert len(campaigns) == len(list(SHIPPED.glob("*.toml"))) == 8
    assert {c.code for c in campaigns} == {c.code for c in CAMPAIGNS}
    lab = next(c for c in campaigns if c.code == "lab-chemicals")
    assert lab.building_kinds == ("lab",) and "primary" not in lab.school_types
    assert "易燃易爆剧毒药品双人双锁" in lab.items  # seed 003 (一) 4: 双人双锁
    fire = next(c for c in campaigns if c.code == "fire-safety")
    assert fire.school_types == () and fire.applies_to("kindergarten")  # every type of school


def test_a_good_file_gives_its_campaign():
    spec = parse(GOOD.encode())
    assert spec.code == "winter-heating" and spec.items == ("取暖设备完好", "无私拉乱接电线")
    assert [p.phase for p in spec.phases] == ["deploy", "inspect"]
    assert spec.phases[1].ends_on == date(2026, 12, 31)
    assert spec.applies_to("primary") and spec.applies_to(None) and not spec.applies_to("university")
    assert from_mapping(spec.as_json()) == spec  # what the form shows comes back unchanged


@pytest.mark.parametrize("content, reason", [
    (b"code = ", "not TOML"),
    ("code = '冬'".encode("gbk"), "not UTF-8"),
    (b"x" * (64 * 1024 + 1), "larger than 64 KB"),
    (GOOD.replace('code = "winter-heating"', 'code = "冬季 取暖"'), "code: 1 to 64"),
    (GOOD.replace('name_zh = "冬季取暖安全专项检查"\n', ""), "name_zh: is required"),
    (GOOD.replace('"kindergarten"', '"nursery"'), "school_types: 'nursery' not one of"),
    (GOOD.replace('["dormitory"]', '["Dorm Room"]'), "building_kinds: 'Dorm Room' not a building kind"),
    (GOOD.replace('items = ["取暖设备完好", "无私拉乱接电线"]', "items = []"), "at least one item"),
    (GOOD.replace('"无私拉乱接电线"', '"取暖设备完好"'), "items 2: 取暖设备完好 is listed twice"),
    (GOOD.replace('"无私拉乱接电线"', '"无私拉\\u001b乱接电线"'), "items 2: holds an invisible character"),
    (GOOD.replace("ends_on = 2026-11-07", "ends_on = 2026-10-07"), "deploy: ends (2026-10-07) before it starts"),
    (GOOD.replace("starts_on = 2026-11-08", "starts_on = 2026-11-05"), "inspect: starts (2026-11-05) before deploy"),
    (GOOD.replace('phase = "inspect"', 'phase = "deploy"'), "each phase at most once"),
    (GOOD.replace('phase = "inspect"', 'phase = "review"'), "phase must be one of deploy, inspect, consolidate"),
    (GOOD.replace("ends_on = 2026-12-31", 'ends_on = "next year"'), "inspect.ends_on: must be a date"),
    (GOOD + 'owner = "d1"\n', "unknown key owner"),
    (GOOD.replace('"取暖设备完好",', '{ zh = "取暖设备完好", en = "Heaters\\u0007 work" },'),
     "items 1.en: holds an invisible character"),
    (GOOD.replace('"取暖设备完好",', f'{{ zh = "取暖设备完好", en = "{"x" * 201}" }},'), "items 1.en: has at most 200"),
    (GOOD.replace('"取暖设备完好",', '{ en = "Heaters work" },'), "items 1.zh: is required"),
    (GOOD.replace('"取暖设备完好",', '{ zh = "取暖设备完好", fr = "x" },'), "items 1: unknown key fr"),
    (GOOD.replace('"取暖设备完好",', '{ zh = "无私拉乱接电线", en = "x" },'), "items 2: 无私拉乱接电线 is listed"),
    ('name_en = "Winter\\nheating"\n' + GOOD, "name_en: holds an invisible character"),
])
def test_a_bad_file_is_refused_with_its_reason(content, reason):
    with pytest.raises(CampaignFileError) as refused:
        parse(content if isinstance(content, bytes) else content.encode(), name="upload.toml")
    assert reason in str(refused.value)
    assert str(refused.value).startswith("upload.toml: ")


def test_english_sits_beside_the_chinese_and_a_file_without_it_still_loads():
    english = parse(GOOD.replace('name_zh = "冬季取暖安全专项检查"\n', 'name_zh = "冬季取暖安全专项检查"\n'
                                 'name_en = "Winter heating safety"\n').replace(
        '"无私拉乱接电线"', '{ zh = "无私拉乱接电线", en = "No makeshift wiring" }').encode())
    assert english.name_en == "Winter heating safety"
    assert english.items == ("取暖设备完好", "无私拉乱接电线")  # what events name: the Chinese, unchanged
    assert english.checklist == (("取暖设备完好", ""), ("无私拉乱接电线", "No makeshift wiring"))
    assert from_mapping(english.as_json()) == english  # the form's round trip keeps the English
    chinese = parse(GOOD.encode())
    assert (chinese.name_en, chinese.items_en) == ("", ())
    assert chinese.checklist == (("取暖设备完好", ""), ("无私拉乱接电线", ""))
    assert all(c.name_en and all(en for _zh, en in c.checklist) for c in shipped())  # shipped in both


def test_every_reason_is_given_at_once():
    bad = GOOD.replace('code = "winter-heating"', 'code = ""').replace('"kindergarten"', '"nursery"')
    with pytest.raises(CampaignFileError) as refused:
        parse(bad)
    assert len(refused.value.reasons) == 2


def test_a_shipped_file_is_named_by_its_code(tmp_path):
    (tmp_path / "other-name.toml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(CampaignFileError, match="differs from its name"):
        load(tmp_path / "other-name.toml")
