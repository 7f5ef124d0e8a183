"""Response cards, pure (ledger/response_cards.py): the most specific card matches, numbers are
checked before they become tel: links, lines refuse control characters, the nearest cameras are the
zone's then the building's."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from ledger.errors import LedgerError
from ledger.response_cards import (
    Camera,
    contact_lines,
    match_card,
    nearest_cameras,
    read_contacts,
    tel_number,
    text_lines,
)


@dataclass(frozen=True)
class Card:
    id: int
    alert_type: str | None = None
    domain: str | None = None
    building_code: str | None = None
    zone_code: str | None = None


DEFAULT = Card(1, domain="environment")
FIRE = Card(2, alert_type="fire")
SMOKE = Card(3, alert_type="fire.smoke_alarm")
SMOKE_LIB = Card(4, alert_type="fire.smoke_alarm", building_code="lib")
SMOKE_LIB_3F = Card(5, alert_type="fire.smoke_alarm", building_code="lib", zone_code="3F")
FIRE_LIB_3F = Card(6, alert_type="fire", building_code="lib", zone_code="3F")
ALL = [DEFAULT, FIRE, SMOKE, SMOKE_LIB, SMOKE_LIB_3F]


def match(cards, type="fire.smoke_alarm", domain="environment", building="lib", zone="3F"):
    return match_card(cards, type=type, domain=domain, building=building, zone=zone)


def test_the_most_specific_card_matches_type_and_zone_then_building_then_type_then_the_domain():
    assert match(ALL) is SMOKE_LIB_3F
    assert match(ALL, zone="2F") is SMOKE_LIB
    assert match(ALL, building="gym", zone=None) is SMOKE
    assert match(ALL, type="fire.gas_leak") is FIRE  # a prefix, on its dot only
    assert match(ALL, type="fireworks.show") is DEFAULT
    assert match(ALL, type="security.intrusion", domain="security") is None
    # A family's card of the zone outranks the exact type's card of the whole school.
    assert match([SMOKE, FIRE_LIB_3F]) is FIRE_LIB_3F
    assert match([SMOKE_LIB_3F, FIRE_LIB_3F]) is SMOKE_LIB_3F  # same place: the exact type
    assert match([Card(8, alert_type="fire.smoke_alarm"), Card(7, alert_type="fire.smoke_alarm")]).id == 7
    assert match([Card(9, alert_type="fire.smoke_alarm", zone_code="3F", building_code="lab")]) is None


@pytest.mark.parametrize("written, dialled", [
    ("119", "119"), ("0571-8888 1234", "057188881234"), ("+86 138 0013 8000", "+8613800138000"),
    ("（0571）88881234", "057188881234"), ("0571-88881234,802", "057188881234,802")])
def test_a_telephone_number_is_dialled_as_digits(written, dialled):
    assert tel_number(written) == dialled


@pytest.mark.parametrize("written", ["12", "abc", "119\"><script>", "javascript:alert(1)", "+", "1" * 16,
                                     "0571 8888;;1", ""])
def test_anything_else_is_refused_in_both_languages(written):
    with pytest.raises(LedgerError) as refused:
        tel_number(written)
    assert "电话号码" in refused.value.text("zh") and "telephone" in refused.value.text("en")


def test_contacts_are_a_name_and_a_number_a_line_and_lines_refuse_control_characters():
    contacts = contact_lines("保卫处值班室 0571-88881234\n\n消防：119\r\nFire brigade: 119")
    assert [(c.name, c.number, c.dial) for c in contacts] == [
        ("保卫处值班室", "0571-88881234", "057188881234"), ("消防", "119", "119"), ("Fire brigade", "119", "119")]
    for bad, zh in (("值班室", "应是“名称 电话”"), ("值班室 12", "不是电话号码"), ("", "至少一行")):
        with pytest.raises(LedgerError) as refused:
            contact_lines(bad)
        assert zh in refused.value.text("zh")
    with pytest.raises(LedgerError) as refused:
        text_lines("先报警\n切断\x1b[31m电源", "处置步骤", required=True)
    assert "第 2 行有不可见字符 U+001B（ESC）" in refused.value.text("zh") and "line 2" in refused.value.text("en")
    assert text_lines(" 一 \n\n 二\t三 ", "步骤", required=True) == ["一", "二\t三"]
    with pytest.raises(LedgerError):
        text_lines("\n".join(["步"] * 31), "步骤", required=True)
    assert read_contacts("值班室 119\n坏行\n另 12") == read_contacts("值班室 119")  # unreadable lines left out


def test_the_nearest_cameras_are_the_zones_then_the_buildings_and_none_elsewhere():
    cams = [Camera("c1", "B 三层走廊", "lib", "3F", "rtsp://nvr/1"), Camera("c2", "A 大厅", "lib", "1F", "http://n/2"),
            Camera("c3", "A 三层楼梯", "lib", "3F", "http://n/3"), Camera("c4", "操场", "field", None, "http://n/4"),
            Camera("c5", "C 门口", "lib", None, "http://n/5")]
    assert [c.source for c in nearest_cameras(cams, building="lib", zone="3F")] == ["c3", "c1", "c2", "c5"]
    assert [c.source for c in nearest_cameras(cams, building="lib", zone="3F", limit=2)] == ["c3", "c1"]
    assert [c.source for c in nearest_cameras(cams, building="lib", zone=None)] == ["c3", "c2", "c1", "c5"]
    assert nearest_cameras(cams, building=None, zone=None) == []
