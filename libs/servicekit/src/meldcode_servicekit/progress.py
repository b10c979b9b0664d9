"""Progress of an operator's long-running command (rebuild, retention run, dead-letter replay):
done of total, time elapsed and time left, on stderr, so stdout keeps only the command's report.

The use case takes a `Report` callback and knows nothing of the terminal; the command line wraps it
in `progress(...)`. A total of `None` shows a running count until the total is known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

Report = Callable[[int, int | None], None]


def no_progress(done: int, total: int | None) -> None:
    """The default `Report` of a use case run without a terminal (a schedule, a test)."""


@contextmanager
def progress(title: str, unit: str, *, console: Console | None = None) -> Iterator[Report]:
    """A progress bar titled `title` counting `unit` (Dutch: the operator reads it); yields the
    `Report` to give the use case."""
    with Progress(
        TextColumn(f"[bold]{title}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        TextColumn("nog"),
        TimeRemainingColumn(),
        console=console or Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(title, total=None)

        def report(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield report
