"""The versioned migrations of reporting's own tables: `NNNN_name.sql`, applied in order (ADR 20)."""

from meldcode_edge.migrations import Migrations

MIGRATIONS = Migrations.from_package("reporting", __name__)
