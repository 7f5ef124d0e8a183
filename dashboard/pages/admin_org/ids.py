"""The component ids of the organisation page (/admin/org), named once."""
from __future__ import annotations

VIEW = "admin-org-view"  # store: {"lang"} of the page as loaded (nothing in it is trusted for scope)
TREE = "admin-org-tree"
MESSAGE = "admin-org-message"
ADD_PARENT = "admin-org-add-parent"
ADD_KIND = "admin-org-add-kind"
ADD_CODE = "admin-org-add-code"
ADD_NAME_ZH = "admin-org-add-name-zh"
ADD_NAME_EN = "admin-org-add-name-en"
ADD_TYPE = "admin-org-add-type"
ADD = "admin-org-add"
EDIT_UNIT = "admin-org-edit-unit"
EDIT_NAME_ZH = "admin-org-edit-name-zh"
EDIT_NAME_EN = "admin-org-edit-name-en"
EDIT_TYPE = "admin-org-edit-type"
EDIT_PARENT = "admin-org-edit-parent"  # move the unit under another (optional)
SAVE = "admin-org-save"
