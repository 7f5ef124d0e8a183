"""`python -m ledger`: see ledger/cli.py."""
import sys

from ledger.cli import main

sys.exit(main())
