"""The component ids of the users page (/admin/users), named once."""
from __future__ import annotations

VIEW = "admin-users-view"  # store: {"lang"} of the page as loaded (nothing in it is trusted for scope)
MESSAGE = "admin-users-message"
PEOPLE = "admin-users-people"
FAILURES = "admin-users-failures"
NEW_USERNAME = "admin-users-new-username"
NEW_NAME = "admin-users-new-name"
NEW_ROLE = "admin-users-new-role"
NEW_UNIT = "admin-users-new-unit"
NEW_PASSWORD = "admin-users-new-password"
CREATE = "admin-users-create"
PERSON = "admin-users-person"
EDIT_ROLE = "admin-users-edit-role"
EDIT_UNIT = "admin-users-edit-unit"
SAVE = "admin-users-save"
DISABLE = "admin-users-disable"
ENABLE = "admin-users-enable"  # a disabled account signs in again
RESET_PASSWORD = "admin-users-reset-password"
RESET = "admin-users-reset"
UPLOAD = "admin-users-upload"
IMPORT_MESSAGE = "admin-users-import-message"
RESULT = "admin-users-result"  # dcc.Download: the created accounts with their first passwords
TEMPLATE = "admin-users-template"
TEMPLATE_FILE = "admin-users-template-file"
# A person's notification contacts (issue 16): set by an admin for people in their scope.
ADDRESS_KIND = "admin-users-address-kind"
ADDRESS_VALUE = "admin-users-address-value"
ADDRESS_SAVE = "admin-users-address-save"
ADDRESS_CLEAR = "admin-users-address-clear"
