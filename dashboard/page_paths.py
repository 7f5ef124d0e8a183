"""Which registered page a path shows, matched as Dash's page router matches it.

Dash 4 keeps its matcher private (dash/_pages.py: `_path_to_page`, `_parse_path_variables`) and
offers no public one, so this is the same rule over the public `dash.page_registry`: in the
registry's order, a page whose `path_template` matches the path (with at least one variable), else
a page whose `path` is the path, both compared without their leading and trailing slashes. The
access guard asks it which page a request or the router's callback names, so the guard and the
router never disagree; tests/dashboard/test_page_paths.py holds it to Dash's own on every page.
"""
from __future__ import annotations

import re
from fnmatch import fnmatch

import dash


def page_for(path_id: str) -> dict:
    """The registry entry of the page `path_id` (a path without its slashes at either end) shows;
    {} when no page does."""
    for page in dash.page_registry.values():
        template = page.get("path_template")
        if template and _path_variables(path_id, template.strip("/")):
            return page
        if path_id == page["path"].strip("/"):
            return page
    return {}


def _path_variables(path: str, template: str) -> dict[str, str] | None:
    """The <variables> of `template` that `path` fills (Dash's _parse_path_variables); None when
    the path does not fit the template."""
    if not fnmatch(path, re.sub("<.*?>", "*", template)):
        return None
    names = re.findall("<(.*?)>", template)
    found = re.findall(re.sub("<.*?>", "(.*)", template), path)
    if not found:  # fits the wildcards, not the pattern (Dash would fail here): no page
        return None
    values = found[0] if isinstance(found[0], tuple) else found
    return dict(zip(names, values))
