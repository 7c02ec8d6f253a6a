"""`kb export ...`: claim tables out to files (CSV, Excel, Parquet, JSON Lines).

The claim filter options are shared: `filter_options()` builds a ClaimFilter from them, so any
command listing claims can take the same flags. Without --as, an export runs as the operator
(whoever can read the database file or URL may export it anyway); with --as the account needs
the export permission.
"""

from __future__ import annotations

from pathlib import Path

import typer

from kb.cli.filters import (
    ARTICLE,
    AUTHOR,
    FLAG_KIND,
    FROM,
    KIND,
    LEVEL,
    OPEN_FLAGS,
    REVIEWER,
    STATUS,
    STUDY,
    TEXT,
    TO,
    filter_options,
)
from kb.cli.progress import progress_bar, wanted
from kb.cli.root import JSON_OPTION, app, data_session, optional_actor, print_json
from kb.export import FORMATS, FRAME_NAMES
from kb.services.export import export_bundle, export_frame

export_app = typer.Typer(help="Export claim tables to CSV, Excel, Parquet or JSON Lines.")
app.add_typer(export_app, name="export")

OUT_OPTION = typer.Option(..., "-o", "--output", help="File to write.")
FORMAT_OPTION = typer.Option(
    None, "--format", help=f"{'|'.join(FORMATS)} (default: from the file's suffix)."
)
EXPORT_AS_OPTION = typer.Option(
    None, "--as", help="Account exporting (default: the operator, unchecked)."
)
BOM_OPTION = typer.Option(False, "--bom", help="CSV: start with the UTF-8 mark Excel looks for.")


def _register(frame: str) -> None:
    def command(
        output: Path = OUT_OPTION,
        fmt: str | None = FORMAT_OPTION,
        bom: bool = BOM_OPTION,
        as_: str | None = EXPORT_AS_OPTION,
        article: str | None = ARTICLE,
        status: list[str] = STATUS,
        kind: list[str] = KIND,
        study_type: list[str] = STUDY,
        level: list[str] = LEVEL,
        flag_kind: list[str] = FLAG_KIND,
        open_flags: bool | None = OPEN_FLAGS,
        reviewer: str | None = REVIEWER,
        author: str | None = AUTHOR,
        updated_from: str | None = FROM,
        updated_to: str | None = TO,
        text: str | None = TEXT,
        json_: bool = JSON_OPTION,
    ) -> None:
        filters = filter_options(
            article, status, kind, study_type, level, flag_kind, open_flags, reviewer, author,
            updated_from, updated_to, text,
        )  # fmt: skip
        unit = "references" if frame == "references" else "claims"
        with (
            data_session() as session,
            progress_bar(f"exporting {frame}", unit, enabled=wanted(json_=json_)) as progress,
        ):
            actor = optional_actor(session, as_)
            rows = export_frame(
                session=session, frame=frame, path=output, fmt=fmt, filters=filters,
                actor=actor, bom=bom, progress=progress,
            )  # fmt: skip
        if json_:
            print_json({"frame": frame, "path": str(output), "rows": rows})
        else:
            typer.echo(f"wrote {rows:,} {frame} rows to {output}")

    command.__doc__ = f"Export the {frame} table (one file; filters select the claims)."
    export_app.command(frame)(command)


for _frame in FRAME_NAMES:
    _register(_frame)


@export_app.command("bundle")
def export_bundle_cmd(
    output: Path = OUT_OPTION,
    as_: str | None = EXPORT_AS_OPTION,
    article: str | None = ARTICLE,
    status: list[str] = STATUS,
    kind: list[str] = KIND,
    study_type: list[str] = STUDY,
    level: list[str] = LEVEL,
    flag_kind: list[str] = FLAG_KIND,
    open_flags: bool | None = OPEN_FLAGS,
    reviewer: str | None = REVIEWER,
    author: str | None = AUTHOR,
    updated_from: str | None = FROM,
    updated_to: str | None = TO,
    text: str | None = TEXT,
    json_: bool = JSON_OPTION,
) -> None:
    """Every table as one sheet of an Excel workbook (.xlsx)."""
    filters = filter_options(
        article, status, kind, study_type, level, flag_kind, open_flags, reviewer, author,
        updated_from, updated_to, text,
    )  # fmt: skip
    with (
        data_session() as session,
        progress_bar("exporting", "sheets", enabled=wanted(json_=json_)) as progress,
    ):
        actor = optional_actor(session, as_)
        counts = export_bundle(
            session=session, path=output, filters=filters, actor=actor, progress=progress
        )
    if json_:
        print_json({"path": str(output), "rows": counts})
    else:
        typer.echo(f"wrote {', '.join(f'{n:,} {k}' for k, n in counts.items())} to {output}")
