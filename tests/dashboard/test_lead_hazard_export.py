"""The hazard ledger's Excel download equals the grid's filter, on the demo ledger: for several
filters the page drawn from a deep link, the grid after a filter change and the file its download
link fetches list the same hazards in the same order. And who may download: not a wall token, not
an anonymous caller, not someone over other schools."""
from __future__ import annotations

from io import BytesIO
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from dashboard.app import create_app
from dashboard.pages.lead_hazards import view as part
from tests.dashboard.conftest import client_with, issue_token, signed_in
from tests.dashboard.lead_support import demo_ledger  # noqa: F401 (fixture)
from tests.dashboard.test_access import _callback_body, _router

SCHOOL = "demo-univ"
FILTERS = [
    {},
    {"stage": "notified"},
    {"overdue": "1"},
    {"overdue": "0", "grade": "ordinary"},
    {"grade": "major"},
    {"unit": "demo-univ/u01"},
    {"building": "chem-north", "overdue": "0"},
    {"stage": "accepted", "grade": "major"},
]


@pytest.fixture
def app(demo_ledger):  # noqa: F811
    return create_app(demo_ledger)


def find(node, component_id: str):
    """The component with this id in a layout's JSON."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == component_id:
            return node["props"]
        for value in node.values():
            found = find(value, component_id)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = find(value, component_id)
            if found is not None:
                return found
    return None


def page(client, query: dict):
    """The page as a deep link draws it: (grid codes, download href)."""
    response = _router(client, "?" + urlencode({"school": SCHOOL, **query}), "/lead/hazards")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    layout = response.json["response"]["_pages_content"]["children"]
    grid, link = find(layout, part.GRID), find(layout, part.DOWNLOAD)
    return [r["code"] for r in grid["rowData"]], link["href"]


def refiltered(app, client, query: dict):
    """The grid after the filters are set to `query` on the page: (grid codes, download href)."""
    key = next(k for k in app.callback_map if f"{part.GRID}.rowData" in k)
    values = {part.F_STAGE: query.get("stage", ""), part.F_GRADE: query.get("grade", ""),
              part.F_UNIT: query.get("unit", ""), part.F_OVERDUE: query.get("overdue", ""),
              part.F_BUILDING: query.get("building", ""), part.VIEW: {"school": SCHOOL, "lang": "zh"}}
    response = client.post("/_dash-update-component", json=_callback_body(app, key, values))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    out = response.json["response"]
    return [r["code"] for r in out[part.GRID]["rowData"]], out[part.DOWNLOAD]["href"]


def download(client, href: str) -> list[dict]:
    response = client.get(href)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in line))) for line in sheet.iter_rows(min_row=2)]


def test_the_download_lists_the_grids_hazards_in_the_grids_order(app):
    client = signed_in(app, "leader")
    sizes = set()
    for query in FILTERS:
        codes, href = page(client, query)
        again, href_after_change = refiltered(app, client, query)
        assert again == codes, query
        assert href_after_change == href, query
        rows = download(client, href)
        assert [r["隐患编号"] for r in rows] == codes, query
        assert [r["序号"] for r in rows] == list(range(1, len(codes) + 1))
        sizes.add(len(codes))
    assert len(sizes) > 3 and 0 < min(sizes - {0})  # the filters really narrow the ledger


def test_the_files_rows_say_what_the_filter_asked(app):
    client = signed_in(app, "leader")
    _, href = page(client, {"overdue": "1"})
    rows = download(client, href)
    assert rows and all(r["逾期天数"] and r["逾期天数"] > 0 and r["当前环节"] != "已验收销号" for r in rows)
    _, href = page(client, {"grade": "major", "stage": "rectifying"})
    assert {(r["隐患等级"], r["当前环节"]) for r in download(client, href)} == {("重大隐患", "整改中")}
    rows = download(client, f"/lead/hazards.xlsx?school={SCHOOL}&lang=en&grade=major")
    assert rows and set(rows[0]) >= {"No.", "Code", "Grade", "Stage", "Days overdue"}
    assert {r["Grade"] for r in rows} == {"Major"}


def test_the_download_has_no_row_limit(app, monkeypatch):
    client = signed_in(app, "leader")
    monkeypatch.setattr(part, "GRID_LIMIT", 5)  # a smaller grid: the file still has them all
    codes, href = page(client, {})
    everything = download(client, href)
    assert len(codes) == 5 and len(everything) == 18  # the demo university's 18 hazards
    assert [r["隐患编号"] for r in everything][:5] == codes


def test_who_may_download(app, demo_ledger):  # noqa: F811
    href = f"/lead/hazards.xlsx?school={SCHOOL}&stage=notified"
    assert app.server.test_client().get(href).status_code == 401
    assert client_with(app, issue_token(demo_ledger)).get(href).status_code == 403  # a wall token
    head = signed_in(app, "head")  # a leader over demo-middle only
    assert head.get(href).status_code == 403
    assert head.get(href.replace(SCHOOL, "demo-middle")).status_code == 200
    assert signed_in(app, "officer").get(href).status_code == 200  # duty officers read the ledger too
    leader = signed_in(app, "leader")
    assert leader.get("/lead/hazards.xlsx").status_code == 400  # which school?
    assert leader.get("/lead/hazards.xlsx?school=no-such-school").status_code == 404


def test_a_callback_cannot_read_a_school_outside_the_callers(app):
    """The grid's callback is the page's (lead.view); the school its store names is refused by the
    guard before it runs (dashboard/callback_scope.py)."""
    head = signed_in(app, "head")
    key = next(k for k in app.callback_map if f"{part.GRID}.rowData" in k)
    body = _callback_body(app, key, {part.VIEW: {"school": SCHOOL, "lang": "zh"}, part.F_STAGE: ""})
    refused = head.post("/_dash-update-component", json=body)
    assert refused.status_code == 403 and refused.json["school"] == SCHOOL
    record = next(k for k in app.callback_map if part.RECORD in k)
    body = _callback_body(app, record, {part.VIEW: {"school": SCHOOL, "lang": "zh"},
                                        part.GRID: {"rowId": "HZ-DEMO-UNIV-001"}})
    response = head.post("/_dash-update-component", json=body)
    assert response.status_code == 403 and "HZ-DEMO-UNIV-001" not in response.get_data(as_text=True)
    # The same tap by a leader over the school shows the record, its loop steps included.
    shown = signed_in(app, "leader").post("/_dash-update-component", json=body).get_data(as_text=True)
    assert "HZ-DEMO-UNIV-001" in shown and "上报隐患" in shown


def test_the_photos_cell_links_the_first_photo_which_opens_only_for_someone_in_scope(app, demo_ledger):  # noqa: F811
    """A hazard with photos: its 照片 cell counts them and links the first at this server's
    /photos/<key>; that address opens for a signed-in leader over the school, for nobody else."""
    from openpyxl import load_workbook as load
    from sqlalchemy import select

    from kernel.connections import sql_engine, sql_sessions
    from ledger.models import Hazard, OrgUnit, User
    from tests.ledger import photo_support as made

    engine = sql_engine(demo_ledger)
    with sql_sessions(engine)() as db:
        school = db.scalar(select(OrgUnit).where(OrgUnit.code == SCHOOL))
        hazard = db.scalar(select(Hazard).where(Hazard.code == "HZ-DEMO-UNIV-001"))
        uploader = db.scalar(select(User.id).where(User.username == "leader"))
        photos = [made.kept(db, demo_ledger.photo_dir, uploader, school, data) for data in made.distinct(2)]
        for photo in photos:
            photo.hazard_id, photo.pending = hazard.id, None
        db.commit()
        first = photos[0].key
    engine.dispose()
    leader = signed_in(app, "leader")
    response = leader.get(f"/lead/hazards.xlsx?school={SCHOOL}")
    sheet = load(BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    column = header.index("照片") + 1
    cells = {sheet.cell(row=n, column=header.index("隐患编号") + 1).value: sheet.cell(row=n, column=column)
             for n in range(2, sheet.max_row + 1)}
    linked = cells.pop("HZ-DEMO-UNIV-001")
    assert linked.value == "2 张" and linked.hyperlink.target == f"http://localhost/photos/{first}"
    assert {c.value for c in cells.values()} == {0} and all(c.hyperlink is None for c in cells.values())
    path = f"/photos/{first}"
    assert leader.get(path).status_code == 200
    assert signed_in(app, "head").get(path).status_code == 403  # a leader over another school
    assert app.server.test_client().get(path).status_code in (302, 401)  # nobody signed in
