"""The versioned migrations of signals's own tables: `NNNN_name.sql`, applied in order (ADR 20)."""

from meldcode_edge.migrations import Migrations

MIGRATIONS = Migrations.from_package("signals", __name__)
