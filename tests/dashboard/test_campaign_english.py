"""Campaigns in two languages, pure: English pages read a campaign's and its items' English, Chinese
pages the Chinese, and a campaign with no English (one made before it existed) reads in Chinese on
both; the campaigns form pairs line n of its English box with the n-th item."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from dashboard.pages.admin_campaigns import view as admin_campaigns
from dashboard.pages.admin_campaigns.callbacks import checklist
from dashboard.pages.lead_campaigns import view as lead_campaigns
from ledger.errors import LedgerError
from queries.ledger.campaign_admin import CampaignRow
from queries.ledger.lead_campaigns import CampaignProgress, FailingCheck, ItemProgress
from tests.dashboard.lead_support import component_texts as texts

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=timezone.utc)
PHASES = (("inspect", date(2026, 12, 1), date(2026, 12, 31)),)


def progress(name_en):
    return CampaignProgress("fire", "消防安全专项整治", "inspect", "running", PHASES,
                            (ItemProgress(1, "灭火器在有效期内", 2, 1, 0, "Extinguishers in date"),), name_en)


@pytest.mark.parametrize("lang, name_en, shown", [
    ("en", "Fire safety campaign", "Fire safety campaign"),
    ("zh", "Fire safety campaign", "消防安全专项整治"),
    ("en", None, "消防安全专项整治"),  # no English yet: the Chinese rather than nothing
])
def test_the_leadership_page_names_a_campaign_in_the_pages_language(lang, name_en, shown):
    assert shown in texts(lead_campaigns.campaign_card(lang, progress(name_en)))


def test_failing_checks_and_items_read_in_english_on_english_pages():
    failing = [FailingCheck("fire", "消防安全专项整治", "灭火器在有效期内", "", None, None, NOW, "guard", "",
                            "Fire safety campaign", "Extinguishers in date")]
    english = texts(lead_campaigns.failing_section("en", failing, 1, now=NOW, tz=timezone.utc))
    assert "Fire safety campaign" in english and "Extinguishers in date" in english
    chinese = texts(lead_campaigns.failing_section("zh", failing, 1, now=NOW, tz=timezone.utc))
    assert "消防安全专项整治" in chinese and "灭火器在有效期内" in chinese and "Extinguishers in date" not in chinese
    items = {"items": [{"item": "灭火器在有效期内", "item_en": "Extinguishers in date", "checks": []},
                       {"item": "疏散通道畅通", "item_en": None, "checks": []}]}
    assert {"Extinguishers in date", "疏散通道畅通"} <= set(texts(lead_campaigns.item_checks("en", items,
                                                                                            tz=timezone.utc)))


def test_the_campaigns_admin_page_lists_and_offers_the_name_in_the_pages_language():
    row = CampaignRow("fire", "消防安全专项整治", (), (), None, (), ("灭火器在有效期内",), "", True,
                      "Fire safety campaign", ("Extinguishers in date",))
    assert "Fire safety campaign" in texts(admin_campaigns.campaign_list("en", [row]))
    assert "消防安全专项整治" in texts(admin_campaigns.campaign_list("zh", [row]))
    assert admin_campaigns.pick_options("en", [row])[0]["label"] == "Fire safety campaign（fire）"


def test_the_forms_english_box_pairs_line_n_with_item_n():
    assert checklist("疏散通道畅通\n\n灭火器有效\n应急照明完好\n", "Exits clear\n\nLighting works\n\n") == [
        {"zh": "疏散通道畅通", "en": "Exits clear"}, "灭火器有效", {"zh": "应急照明完好", "en": "Lighting works"}]
    assert checklist("疏散通道畅通", None) == ["疏散通道畅通"]  # no English box: Chinese only, as before
    with pytest.raises(LedgerError) as refused:
        checklist("疏散通道畅通", "Exits clear\nExtinguishers in date")
    assert "2 lines for 1 items" in str(refused.value) and "第 n 行是第 n 项的英文" in refused.value.text("zh")
