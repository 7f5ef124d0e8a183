"""Every Dash callback, as a caller limited to one school and as a careless or hostile browser sends
it (issue 12, defects 1 and 9): a store edited to name another school is refused before the
callback runs; values of the wrong kind, JSON nested too deeply and a clientside callback's output
are a 400 with a message, never a 500.

The ledger holds the demo campus (three schools), so a leak would carry real rows."""
from __future__ import annotations

from datetime import datetime

import pytest
from dash._utils import split_callback_id

from dashboard import callback_scope, roles
from dashboard.access import EXTENSION, ROUTER_OUTPUT
from dashboard.app import create_app
from demo.seed import load_demo
from kernel.connections import sql_engine, sql_sessions
from ledger.db import migrate
from ledger.grading import GradingRules
from tests.conftest import settings_for
from tests.dashboard.conftest import client_with, issue_token, make_user, signed_in

MINE, THEIRS = "demo-univ", "demo-middle"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('scope') / 'campus.db'}"
    from kernel.settings import Settings

    settings = Settings.from_env(environ={}, database_url=url)
    engine = sql_engine(settings)
    migrate(engine)
    with sql_sessions(engine).begin() as session:
        load_demo(session, today=datetime.now(settings.tz).date(), rules=GradingRules.load(settings.risk_grading_file),
                  tz=settings.tz)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def scoped(redis_url, demo_db, tmp_path_factory):
    """The app, and clients limited to MINE: a person of each role and a wall token. One for the
    module: every test only asks and is refused, and the callers' sign-ins are the costly part."""
    settings = settings_for(redis_url, tmp_path_factory.mktemp("scoped"), database_url=demo_db,
                            secret_key="c" * 32)
    app = create_app(settings)
    callers = {}
    for role in ("admin", "duty", "leader"):
        name = f"{role}-{id(app)}"
        make_user(settings, name, role=role, schools=(MINE,))
        callers[role] = signed_in(app, name)
    callers["wall"] = client_with(app, issue_token(settings, school=MINE))
    callers["wall"].get("/")  # Dash adds its page router on the first request
    return app, callers


def _server_callbacks(app) -> list[str]:
    return [key for key, spec in app.callback_map.items() if "callback" in spec and key != ROUTER_OUTPUT]


def _caller_for(app, callers, key):
    """A client whose role may run the callback: the callback's own permission decides (the people
    are signed-in persons: the phone pages' permissions are a person's only, never a token's)."""
    permission = app.server.extensions[EXTENSION].callback_permission(key)
    return next(callers[role] for role in ("wall", "leader", "duty", "admin")  # the people are people (user_id)
                if roles.Principal(role=role, user_id=None if role == "wall" else 1).may(permission))


def _body(app, key: str, value_for) -> dict:
    """The body the renderer posts for `key`, each input's and state's value from value_for(item);
    pattern-matching ones as one matching component (MATCH) or a list of one (ALL)."""
    spec = app.callback_map[key]
    parsed = split_callback_id(key)
    outputs = [_blank(o) for o in parsed] if isinstance(parsed, list) else _blank(parsed)

    def item(declared):
        if declared["id"].startswith("{"):
            one = {"id": _matching(declared["id"]), "property": declared["property"], "value": value_for(declared)}
            return one if '["MATCH"]' in declared["id"] else [one]
        return {**declared, "value": value_for(declared)}

    return {"output": key, "outputs": outputs, "inputs": [item(i) for i in spec["inputs"]],
            "state": [item(s) for s in spec["state"]],
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in spec["inputs"][:1]]}


def _blank(output):
    if not output["id"].startswith("{"):
        return output
    return {**output, "id": _matching(output["id"])} if '["MATCH"]' in output["id"] else []


def _matching(pattern: str) -> dict:
    import json

    wild = {"ALL": "x", "MATCH": "x", "ALLSMALLER": "x"}
    return {k: (wild[v[0]] if isinstance(v, list) else v) for k, v in json.loads(pattern).items()}


def _carries_school(app, key) -> bool:
    spec = app.callback_map[key]
    return any(i["property"] == "data" or (i["id"], i["property"]) in callback_scope.SCHOOL_PROPERTIES
               for i in spec["inputs"] + spec["state"])


def _school_values(school):
    def value_for(declared):
        if (declared["id"], declared["property"]) in callback_scope.SCHOOL_PROPERTIES:
            return school
        if declared["property"] == "data":
            return {"school": school, "lang": "zh", "year": 2026}
        return None
    return value_for


def test_a_store_edited_to_name_another_school_is_refused_by_every_callback(scoped):
    app, callers = scoped
    checked = []
    for key in _server_callbacks(app):
        if not _carries_school(app, key):
            continue
        caller = _caller_for(app, callers, key)
        theirs = caller.post("/_dash-update-component", json=_body(app, key, _school_values(THEIRS)))
        assert theirs.status_code == 403 and theirs.json["school"] == THEIRS, (key, theirs.status_code)
        nested = caller.post("/_dash-update-component", json=_body(
            app, key, lambda d: {"view": {"filters": [{"school": THEIRS}]}} if d["property"] == "data" else None))
        assert nested.status_code == 403, (key, nested.status_code)
        mine = caller.post("/_dash-update-component", json=_body(app, key, _school_values(MINE)))
        assert mine.status_code in (200, 204), (key, mine.status_code, mine.get_data(as_text=True)[:300])
        checked.append(key)
    # The duty console's handover (the defect found), the wall and every leadership page's view.
    pages = {app.server.extensions[EXTENSION].callback_pages.get(key) for key in checked}
    assert {"duty", "wall", "lead_overview", "lead_hazards", "lead_risks", "lead_campaigns",
            "lead_assessment"} <= pages


def test_the_duty_handover_shows_only_the_callers_school(scoped):
    app, callers = scoped
    key = next(k for k in _server_callbacks(app) if "duty-handover" in k)
    body = _body(app, key, lambda d: {"school": MINE, "lang": "zh"} if d["property"] == "data" else None)
    today = datetime.now().date().isoformat()
    for item in body["inputs"]:
        item["value"] = today if "date" in item["id"] else "day"
    answer = callers["duty"].post("/_dash-update-component", json=body)
    assert answer.status_code == 200
    hrefs = [part["href"] for part in answer.json["response"].values() if "href" in part]
    assert hrefs and hrefs[0].startswith(f"/api/v1/schools/{MINE}/handover?")
    assert hrefs[1].startswith(f"/api/v1/schools/{MINE}/handover.pdf?")  # the printable PDF (issue 16)


WRONG_VALUES = [[], {}, [1, [2, {"a": None}]], "x" * 100_000, -1, 10 ** 30, 1e308, True, "\x00\x1b",
                {"school": ["a"]}, {"school": 5}, {"lang": {"x": 1}}]


@pytest.mark.parametrize("wrong", WRONG_VALUES, ids=range(len(WRONG_VALUES)))
def test_wrong_values_in_any_callback_are_a_400_never_a_500(scoped, wrong):
    app, callers = scoped
    for key in _server_callbacks(app):
        caller = _caller_for(app, callers, key)
        answer = caller.post("/_dash-update-component", json=_body(app, key, lambda _d: wrong))
        assert answer.status_code in (200, 204, 400, 403), (key, answer.status_code)
        if answer.status_code == 400:
            assert answer.json["error"], key


def test_malformed_callback_requests_are_a_400_with_a_message(scoped):
    app, callers = scoped
    admin = callers["admin"]
    deep = "[" * 100_000 + "]" * 100_000
    for body in (deep, '{"output": ' + deep + "}", "not json", "[]", '{"output": 5}',
                 '{"output": "x.children", "inputs": "all"}', '{"output": "x.children", "inputs": [1]}'):
        answer = admin.post("/_dash-update-component", data=body, content_type="application/json")
        assert answer.status_code == 400 and answer.json["error"], (body[:40], answer.status_code)
    clientside = next(key for key, spec in app.callback_map.items() if "callback" not in spec)
    answer = admin.post("/_dash-update-component", json=_body(app, clientside, lambda _d: None))
    assert answer.status_code == 400 and "clientside" in answer.json["error"]
    # Inputs that do not match the callback's own.
    key = _server_callbacks(app)[0]
    body = _body(app, key, lambda _d: None)
    body["inputs"] = body["inputs"][:-1] + [{"id": "something-else", "property": "value", "value": 1}]
    assert admin.post("/_dash-update-component", json=body).status_code == 400
    # Nobody signed in still hears 401 first, whatever they send.
    assert app.server.test_client().post("/_dash-update-component", data=deep,
                                          content_type="application/json").status_code == 401


def test_deep_json_to_any_api_route_is_a_400(scoped):
    app, callers = scoped
    deep = "[" * 100_000 + "]" * 100_000
    for rule in app.server.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/_dash") or rule.rule == "/login":
            continue
        path = rule.rule.replace("<int:alert_id>", "1").replace("<action>", "acknowledge") \
            .replace("<school>", MINE).replace("<code>", "H-1").replace("<path:path>", "x")
        answer = callers["admin"].post(path, data=deep, content_type="application/json")
        # 401: a route for a source key
        assert answer.status_code in (400, 401, 403, 404, 405), (rule.rule, answer.status_code)


def test_a_body_larger_than_any_page_sends_is_a_413(scoped):
    app, callers = scoped
    huge = b'{"output": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    answer = callers["admin"].post("/_dash-update-component", data=huge, content_type="application/json")
    assert answer.status_code == 413 and "larger than" in answer.json["error"]
    form = app.server.test_client().post("/login", data={"username": "x" * (3 * 1024 * 1024), "password": "y"})
    assert form.status_code == 413
