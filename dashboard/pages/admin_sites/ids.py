"""The component ids of the site administration page (/admin/sites), named once. assets/admin_sites.js
uses DRAW, OUTLINE, UNDO, CLEAR and POINTS by these names."""
from __future__ import annotations

VIEW = "admin-sites-view"  # store: {"lang"} of the page as loaded (nothing in it is trusted for scope)
MESSAGE = "admin-sites-message"  # the building card's answer
PLAN_MESSAGE = "admin-sites-plan-message"  # the plan card's answer
REFRESH = "admin-sites-refresh"  # store: bumped after a building write ({"n", "building" to select})
PLAN_REFRESH = "admin-sites-plan-refresh"  # store: bumped after a plan write or an import
SCHOOL = "admin-sites-school"
CAMPUS = "admin-sites-campus"
WIDTH = "admin-sites-width"
HEIGHT = "admin-sites-height"
X = "admin-sites-x"
Y = "admin-sites-y"
UPLOAD = "admin-sites-upload"
UPLOAD_NAME = "admin-sites-upload-name"
SAVE_PLAN = "admin-sites-save-plan"
PLAN = "admin-sites-plan"  # store: what the drawing shows (image, box, other outlines, the outline to edit)
PLAN_SHOWN = "admin-sites-plan-shown"  # what the clientside loader answers (points on the drawing)
DRAW = "admin-sites-draw"  # the drawing's host: assets/admin_sites.js draws an SVG in it
OUTLINE = "admin-sites-outline"  # store: the outline as drawn, [[x, y], ...] metres, written by the script
POINTS = "admin-sites-points"
UNDO = "admin-sites-undo"
CLEAR = "admin-sites-clear"
BUILDING = "admin-sites-building"  # "" = a new building
CODE = "admin-sites-code"
NAME_ZH = "admin-sites-name-zh"
NAME_EN = "admin-sites-name-en"
USE = "admin-sites-use"
FLOORS = "admin-sites-floors"
UNIT = "admin-sites-unit"
SAVE_BUILDING = "admin-sites-save-building"
RETIRE_BUILDING = "admin-sites-retire-building"
ZONE_CODE = "admin-sites-zone-code"
ZONE_NAME = "admin-sites-zone-name"
ADD_ZONE = "admin-sites-add-zone"
ZONE = "admin-sites-zone"  # a zone of the building picked, to retire
RETIRE_ZONE = "admin-sites-retire-zone"
ZONE_EDIT_ZH = "admin-sites-zone-edit-zh"  # the picked zone's names, to rename it
ZONE_EDIT_EN = "admin-sites-zone-edit-en"
SAVE_ZONE = "admin-sites-save-zone"
ZONE_MESSAGE = "admin-sites-zone-message"  # the rename's answer
GEOJSON = "admin-sites-geojson"
BUILDINGS = "admin-sites-buildings"
