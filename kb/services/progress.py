"""Progress of long work, reported by a service to whoever shows it.

A service that may run for seconds (an export of a million claims, an import of a large file,
an ingest of many articles) takes an optional `progress` callback and calls it with how much is
done and the total (None while unknown). The CLI draws a bar on a terminal (kb.cli.progress);
the pages draw st.progress. Services never print.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    """Told after each step: done so far, and the total when it is known."""

    def __call__(self, done: int, total: int | None, /) -> None: ...


def tracked(
    items: Iterable[T], size: Callable[[T], int], total: int | None, progress: Progress | None
) -> Iterator[T]:
    """items unchanged, telling progress how much each covered once the consumer is done with it
    (asks for the next). The count is capped at total: the total was counted before the work
    began, and rows may have changed since; at the end progress hears the total."""
    if progress is None:
        yield from items
        return
    done = 0
    progress(0, total)
    for item in items:
        yield item
        done += size(item)
        progress(done if total is None else min(done, total), total)
    if total is not None and done < total:
        progress(total, total)
