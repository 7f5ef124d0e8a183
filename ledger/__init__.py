"""The safety ledger: the dual-prevention records of every school, kept in SQL.

Pure rules (grading, the hazard closed loop, alert grouping, assessment scoring) live in plain
modules here and are tested without services; `models/` maps the records to SQL with SQLAlchemy;
the reads and writes the screens and the recorder use are in `queries/ledger/`.
"""
