"""The component ids of the risk-point register page (/admin/risks), named once."""
from __future__ import annotations

VIEW = "admin-risks-view"  # store: {"lang"} of the page as loaded (nothing in it is trusted for scope)
SCHOOL = "admin-risks-school"
TABLE = "admin-risks-table"
MESSAGE = "admin-risks-message"
PICK = "admin-risks-pick"  # an existing point to edit, retire or print
CODE = "admin-risks-code"
NAME = "admin-risks-name"
METHOD = "admin-risks-method"
L = "admin-risks-l"
E = "admin-risks-e"
C = "admin-risks-c"
S = "admin-risks-s"
GRADE = "admin-risks-grade"  # the computed score, level and colour, shown as the factors are typed
CONTROL_LEVEL = "admin-risks-control-level"
MEASURES = "admin-risks-measures"
UNIT = "admin-risks-unit"
PERSON = "admin-risks-person"
PLACE = "admin-risks-place"  # building, or building and zone
CATEGORY = "admin-risks-category"
REVIEWED = "admin-risks-reviewed"
ADD = "admin-risks-add"
SAVE = "admin-risks-save"
RETIRE = "admin-risks-retire"
CARD = "admin-risks-card"  # links to the picked point's notice card
