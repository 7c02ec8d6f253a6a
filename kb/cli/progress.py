"""A progress bar on standard error while a long command runs, only where someone watches it.

Drawn when standard error is a terminal and the command does not print --json; otherwise
nothing is drawn, so logs and pipes stay clean. The bar is removed when the work ends: the
command's own summary line is what remains.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
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

from kb.services.progress import Progress as ProgressFn


def wanted(*, json_: bool) -> bool:
    """True when a bar helps: standard error is a terminal and output is not JSON."""
    return not json_ and sys.stderr.isatty()


@contextmanager
def progress_bar(label: str, unit: str, *, enabled: bool) -> Iterator[ProgressFn | None]:
    """A callback drawing `label [bar] done/total unit`, or None when not enabled."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update
