"""Ids and numbers a page's browser sends, as a forged request sends them (SQLite and PostgreSQL,
the real Redis): past the ledger's INTEGER, past SQLite's 64 bits, True (1 to Python and to SQL),
JSON's Infinity. Each is refused or found absent in the page's words, never a 500 (SQLite's driver
raises OverflowError), never "failed" (PostgreSQL refuses the number: not the ledger's fault)."""
from __future__ import annotations

import json

import pytest

from dashboard.app import create_app
from dashboard.pages.admin_notify import ids as notify
from dashboard.pages.admin_tokens import ids as walls
from tests.dashboard.conftest import signed_in
from tests.dashboard.test_access import _callback_body, _callback_key
from tests.dashboard.test_people_pages import district_settings  # noqa: F401 (a fixture)

NOT_IDS = (2**31, 2**63, 10**20, True, 0, -1)
FAILED = ("失败", "暂时无法")  # the words of a ledger that could not be reached or written


def _post(app, client, output: str, values: dict, button: str) -> tuple[int, str]:
    body = _callback_body(app, _callback_key(app, output), values)
    body["changedPropIds"] = [f"{button}.n_clicks"]
    answer = client.post("/_dash-update-component", json=body)
    return answer.status_code, answer.get_data(as_text=True)


# (the page's message, the button, the field that holds the id, the rest of the form)
PICKS = [
    (walls.MESSAGE, walls.REVOKE, walls.TOKEN, {walls.SCHOOL: "s1", walls.VIEW: {}}),
    (walls.MESSAGE, walls.ROTATE, walls.TOKEN, {walls.SCHOOL: "s1", walls.VIEW: {}}),
    (notify.MESSAGE, notify.ENABLE, notify.CHANNEL, {notify.VIEW: {"lang": "zh"}}),
    (notify.MESSAGE, notify.DISABLE, notify.CHANNEL, {notify.VIEW: {"lang": "zh"}}),
]


@pytest.mark.parametrize(("output", "button", "field", "form"), PICKS, ids=lambda v: v if isinstance(v, str) else "")
def test_a_picked_id_that_cannot_be_one_is_refused_in_words(district_settings, output, button,  # noqa: F811
                                                            field, form):
    app = create_app(district_settings)
    admin = signed_in(app, "wang")
    for odd in NOT_IDS:
        status, text = _post(app, admin, output, {**form, field: odd, button: 1}, button)
        assert status == 200 and "未" in text and not any(w in text for w in FAILED), (odd, status, text[:300])


def test_infinity_for_a_number_is_a_400_not_a_500(district_settings):  # noqa: F811
    """Flask parses JSON's Infinity (Python's json does); int() of it raises OverflowError, which
    is a wrong value as ValueError is (dashboard/bad_input.py)."""
    app = create_app(district_settings)
    admin = signed_in(app, "wang")
    body = _callback_body(app, _callback_key(app, notify.MESSAGE), {
        notify.VIEW: {"lang": "zh"}, notify.SAVE: 1, notify.UNIT: 1, notify.KIND: "webhook", notify.NAME: "x",
        notify.CONFIG: "{}", notify.RATE: 0})
    body["changedPropIds"] = [f"{notify.SAVE}.n_clicks"]
    raw = json.dumps(body).replace(f'"id": "{notify.RATE}", "property": "value", "value": 0',
                                   f'"id": "{notify.RATE}", "property": "value", "value": Infinity')
    assert "Infinity" in raw
    answer = admin.post("/_dash-update-component", data=raw, content_type="application/json")
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
