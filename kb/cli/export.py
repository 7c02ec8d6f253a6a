"""`kb export ...` and `kb import claims`: claim tables out to files, claim spreadsheets in.

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
from kb.cli.root import AS_OPTION, JSON_OPTION, app, data_session, optional_actor, print_json
from kb.errors import ImportProblem
from kb.export import FORMATS, FRAME_NAMES
from kb.services import users as users_svc
from kb.services.claim_import import import_claims
from kb.services.export import export_bundle, export_frame

export_app = typer.Typer(help="Export claim tables to CSV, Excel, Parquet or JSON Lines.")
import_app = typer.Typer(help="Import claims from a spreadsheet.", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")

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
        with data_session() as session:
            actor = optional_actor(session, as_)
            rows = export_frame(
                session=session, frame=frame, path=output, fmt=fmt, filters=filters,
                actor=actor, bom=bom,
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
    with data_session() as session:
        actor = optional_actor(session, as_)
        counts = export_bundle(session=session, path=output, filters=filters, actor=actor)
    if json_:
        print_json({"path": str(output), "rows": counts})
    else:
        typer.echo(f"wrote {', '.join(f'{n:,} {k}' for k, n in counts.items())} to {output}")


@import_app.command("claims")
def import_claims_cmd(
    path: Path = typer.Argument(..., help="A .csv or .xlsx file with a `text` column."),
    article: str = typer.Option(..., "--article", help="Slug of the article to add to."),
    as_: str = AS_OPTION,
    title: str | None = typer.Option(None, "--title", help="Create the article with this title."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Import the good rows anyway."),
    json_: bool = JSON_OPTION,
) -> None:
    """Import claims (text, section, citekeys, kind, notes) into an article, all or nothing."""
    with data_session() as session:
        actor = users_svc.resolve_actor(session=session, email=as_)
        try:
            report = import_claims(
                session=session, actor=actor, path=path, article=article, title=title,
                skip_bad=skip_bad,
            )  # fmt: skip
        except ImportProblem as exc:
            if json_:
                print_json({"error": str(exc), "refused": [vars(p) for p in exc.problems]})
            else:
                for problem in exc.problems:
                    typer.echo(str(problem), err=True)
            raise
    if json_:
        print_json(report.as_dict())
        return
    made = " (new article)" if report.created_article else ""
    typer.echo(f"imported {report.imported} of {report.rows} rows into {article}{made}")
    for problem in report.refused:
        typer.echo(f"refused {problem}")
    if report.ignored_columns:
        typer.echo(f"ignored columns: {', '.join(report.ignored_columns)}")
