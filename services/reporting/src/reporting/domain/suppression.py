"""Small-number suppression of one table of counts with sums, checked by linear programming.

A table is a set of cells and the sum relations between them (`total == sum(parts)`). What a
reader learns from the table as shown: every visible cell's value, that a `"<5"` cell lies in
1..4, that an `"x"` cell is at least 5 (only non-zero cells that are not small are chosen as
complements), and every sum relation. A hidden cell is *protected* when those facts leave it more
than one possible value.

1. *Primary*: every count from 1 to 4 is hidden as `"<5"`.
2. *Complementary*: while a sum has exactly one hidden member, its smallest non-zero visible member
   is hidden too (`"x"`) — the quick rule that settles most tables.
3. *Audit*: for each primary cell the smallest and largest value it can take given everything
   shown are computed with a linear program; while one is pinned to a single value, another cell
   of a sum it is part of (or, failing that, of the table) is hidden and the rule repeats.
4. *Withholding*: when a small count is still pinned with every non-zero cell around it hidden
   (four schools with 1 case each and a total of 4: each must be 1), the visible zeros are what
   pin it, so every cell linked to it by sums is withheld, zeros included (`"geheim"`: any value).

The tables this module receives are two-way tables with their margins (schools × steps or
outcomes, with row, column and grand totals) or one-way ones; their sum relations are the flow
conservation of a network, so the constraint matrix is totally unimodular and the linear
program's extremes are integers: "not pinned by the linear program" means "more than one integer
value is consistent with what is shown" (docs/adr/0017).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Final, TypeAlias, TypeVar

SMALL_NUMBER: Final = 5
"""Counts below this (and above 0) are not shown."""
SUPPRESSED: Final = "<5"
COMPLEMENT: Final = "x"
WITHHELD: Final = "geheim"
"""Every cell of a table that no choice of complements protects (zeros included)."""

K = TypeVar("K", bound=Hashable)
Shown: TypeAlias = int | str
Sums: TypeAlias = Sequence[tuple[K, Sequence[K]]]


def suppress(cells: Mapping[K, int], sums: Sums[K]) -> dict[K, Shown]:
    """The cells as shown: primary, complementary and audited suppression (module doc).

    `sums` lists (total, parts) with cells[total] == sum(cells[p] for p in parts).
    """
    hidden: dict[K, str] = {k: SUPPRESSED for k, v in cells.items() if 0 < v < SMALL_NUMBER}
    if not hidden:
        return dict(cells)
    _complement_single_hidden(cells, sums, hidden)
    tables = _tables(sums)
    # Hiding a cell only widens what a reader must consider, so a count found free stays free:
    # each primary cell is audited until it is free, once.
    for cell in sorted(hidden, key=str):
        table_sums = tables.get(cell, [])
        while hidden.get(cell) == SUPPRESSED and _pinned(cell, cells, table_sums, hidden):
            extra = _next_complement(cells, table_sums, hidden, cell)
            if extra is not None:
                hidden[extra] = COMPLEMENT
                _complement_single_hidden(cells, sums, hidden)
            else:
                hidden.update(dict.fromkeys(_linked(table_sums, cell), WITHHELD))
    return {k: hidden.get(k, v) for k, v in cells.items()}


def _tables(sums: Sums[K]) -> dict[K, list[tuple[K, Sequence[K]]]]:
    """Every cell's table: the sums linked to it, directly or through other cells."""
    out: dict[K, list[tuple[K, Sequence[K]]]] = {}
    for total, parts in sums:
        members = {total, *parts}
        joined = [total, *parts]
        tables = {id(out[k]): out[k] for k in members if k in out}
        merged: list[tuple[K, Sequence[K]]] = [(total, parts)]
        for table in tables.values():
            merged += table
            joined += [k for t, ps in table for k in (t, *ps)]
        for k in joined:
            out[k] = merged
    return out


def _complement_single_hidden(cells: Mapping[K, int], sums: Sums[K], hidden: dict[K, str]) -> None:
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            members = [total, *parts]
            if sum(1 for k in members if k in hidden) != 1:
                continue
            visible = [k for k in members if k not in hidden and cells[k] > 0]
            if not visible:
                continue  # a true sum with one non-zero member: that member is its total, hidden too
            hidden[min(visible, key=lambda k: (cells[k], str(k)))] = COMPLEMENT
            changed = True


def _next_complement(cells: Mapping[K, int], sums: Sums[K], hidden: Mapping[K, str], pinned: K) -> K | None:
    """The smallest non-zero visible cell that shares a sum with `pinned`, else of its table (`sums`)."""
    near = [k for total, parts in sums if pinned in (total, *parts) for k in (total, *parts)]
    table = [k for total, parts in sums for k in (total, *parts)]
    for candidates in (near, table):
        visible = [k for k in candidates if k not in hidden and cells[k] > 0]
        if visible:
            return min(visible, key=lambda k: (cells[k], str(k)))
    return None


def _linked(sums: Sums[K], cell: K) -> set[K]:
    """The cells connected to `cell` through sums (its table)."""
    linked = {cell}
    grown = True
    while grown:
        grown = False
        for total, parts in sums:
            members = {total, *parts}
            if members & linked and not members <= linked:
                linked |= members
                grown = True
    return linked


def pinned_cells(cells: Mapping[K, int], sums: Sums[K], hidden: Mapping[K, str]) -> list[K]:
    """The primary cells (`"<5"`) whose value follows from what is shown (`_pinned`)."""
    tables = _tables(sums)
    return [
        k
        for k in sorted(hidden, key=str)
        if hidden[k] == SUPPRESSED and _pinned(k, cells, tables.get(k, []), hidden)
    ]


def _pinned(cell: K, cells: Mapping[K, int], sums: Sums[K], hidden: Mapping[K, str]) -> bool:
    """Whether a hidden cell has one possible value given what is shown: the visible cells, the
    bounds of the hidden ones (1..4 for `"<5"`, at least 5 for `"x"`, at least 0 when withheld) and
    the sum relations of its table (`sums`)."""
    variables = sorted({k for total, parts in sums for k in (total, *parts) if k in hidden} | {cell}, key=str)
    index = {k: i for i, k in enumerate(variables)}
    rows: list[list[float]] = []
    rhs: list[float] = []
    for total, parts in sums:
        row = [0.0] * len(variables)
        known = 0
        for k, sign in [(total, 1), *((p, -1) for p in parts)]:
            if k in index:
                row[index[k]] += sign
            else:
                known += sign * cells[k]
        rows.append(row)
        rhs.append(-known)
    known_bounds: dict[str, tuple[int, int | None]] = {
        SUPPRESSED: (1, SMALL_NUMBER - 1),
        COMPLEMENT: (SMALL_NUMBER, None),
        WITHHELD: (0, None),
    }
    bounds = [known_bounds[hidden[k]] for k in variables]
    true = cells[cell]
    for sense in (-1, 1):  # a larger value is the likelier alternative: one program mostly does
        if abs(_extreme(index[cell], len(variables), rows, rhs, bounds, sense=sense) - true) >= 0.5:
            return False
    return True


def _extreme(
    i: int,
    n: int,
    rows: list[list[float]],
    rhs: list[float],
    bounds: list[tuple[int, int | None]],
    *,
    sense: int,
) -> float:
    # imported here: scipy.optimize takes seconds of CPU to import, which every process of the
    # service paid at start-up (the consumer and each rebuild worker too) but only dashboards need
    from scipy.optimize import linprog

    objective = [0.0] * n
    objective[i] = float(sense)
    result = linprog(
        objective,
        A_eq=rows or None,
        b_eq=rhs or None,
        bounds=bounds,
        method="highs",
    )
    if result.status == 3:  # unbounded: an "x" cell no sum holds down
        return float("inf") * -sense
    if result.status != 0:  # the true values always satisfy what is shown
        raise RuntimeError(f"suppression audit: {result.message}")
    return float(result.x[i])
