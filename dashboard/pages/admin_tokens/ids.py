"""The component ids of the wall tokens page (/admin/tokens), named once."""
from __future__ import annotations

VIEW = "admin-tokens-view"  # store: {"lang"} of the page as loaded (nothing in it is trusted for scope)
MESSAGE = "admin-tokens-message"
ISSUED = "admin-tokens-issued"  # the new token's wall address and QR code, shown once
WALL_URL = "admin-tokens-wall-url"
TOKENS = "admin-tokens-list"
SCHOOL = "admin-tokens-school"
LABEL = "admin-tokens-label"
CREATE = "admin-tokens-create"
TOKEN = "admin-tokens-token"
REVOKE = "admin-tokens-revoke"
ROTATE = "admin-tokens-rotate"
