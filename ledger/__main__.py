"""`python -m ledger`: see ledger/cli.py. Logging is set up here, at the entry point, not in
`main` (tests call `main` inside pytest, whose logging must stay as it is)."""
import sys

from kernel import logs
from kernel.settings import Settings, SettingsError
from ledger.cli import main

try:
    logs.setup("ledger", Settings.from_env())
except SettingsError as exc:
    sys.exit(f"error: {exc}")
sys.exit(main())
