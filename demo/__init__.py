"""The demo campus, its simulator and seed data: for `make run`, trials and tests, not production."""
