"""The pages, a folder each (Dash Pages loads each folder's page.py; files starting with _ it skips).
A regular package, so the import contracts (pyproject.toml) see every page module."""
