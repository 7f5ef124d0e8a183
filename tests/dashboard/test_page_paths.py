"""Pages: every page folder is found by Dash Pages, and the guard's page matcher (dashboard/page_paths.py,
over the public page registry) answers as Dash's own router does (dash/_pages.py, private)."""
from __future__ import annotations

from pathlib import Path

import dash
import pytest
from dash._pages import _path_to_page  # the private original, here only to hold the copy to it

from dashboard import roles
from dashboard.page_paths import _path_variables, page_for

PAGES = Path(__file__).resolve().parents[2] / "dashboard" / "pages"


def test_each_page_folder_registers_its_page_once_and_only_there(app):
    registered = {page["name"]: page for page in dash.page_registry.values()}
    assert set(registered) == set(roles.PAGES)
    for folder in (f for f in PAGES.iterdir() if f.is_dir() and not f.name.startswith(("_", "."))):
        # Dash imports every file of the pages folder whose text says register_page (skipping names
        # that start with "_"): only page.py may, or a builder would be imported a second time.
        saying = sorted(f.name for f in folder.glob("*.py") if "register_page" in f.read_text(encoding="utf-8"))
        assert saying == ["page.py"], folder.name
        assert (folder / "__init__.py").exists() and (folder / "ids.py").exists()
        assert registered[folder.name]["module"].endswith(f"{folder.name}.page")


@pytest.mark.parametrize("path", ["", "lead", "lead/hazards", "lead/risks", "lead/domain", "lead/campaigns",
                                  "lead/assessment", "lead/district", "duty", "wall", "nothing", "lead/nothing",
                                  "lead/hazards/x", "LEAD", "lead//hazards"])
def test_the_guard_matches_a_path_to_the_page_dash_s_router_shows(app, path):
    assert page_for(path) == _path_to_page(path)[0]


def test_path_templates_fill_as_dash_fills_them():
    from dash._pages import _parse_path_variables

    for path, template in (("asset/a100", "asset/<asset_id>"), ("a/1/b/2", "a/<x>/b/<y>"), ("other", "asset/<id>"),
                           ("asset/", "asset/<id>")):
        assert _path_variables(path, template) == _parse_path_variables(path, template)
