"""The component ids of the own-password page (/account/password), named once."""
from __future__ import annotations

VIEW = "account-password-view"  # store: {"lang"} of the page as loaded
MESSAGE = "account-password-message"
OLD = "account-password-old"
NEW = "account-password-new"
AGAIN = "account-password-again"
SAVE = "account-password-save"
