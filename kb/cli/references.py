"""`kb reference ...`: the reference library (BibTeX, RIS, MEDLINE, PubMed XML, CSL-JSON)."""

from __future__ import annotations

from pathlib import Path

import typer

from kb.cli.progress import progress_bar, wanted
from kb.cli.root import JSON_OPTION, app, data_session, optional_actor, print_json, print_table
from kb.errors import InvalidInput
from kb.services import references as svc
from kb.services.references import ImportReport

reference_app = typer.Typer(
    help="Import, export and inspect the reference library.", no_args_is_help=True
)
app.add_typer(reference_app, name="reference")


def _print_report(report: ImportReport) -> None:
    verb = "imported" if report.written else "refused, nothing written"
    typer.echo(f"{report.source}: {report.entries} entries, {verb}")
    if report.written:
        typer.echo(
            f"  created {len(report.created)}, updated {len(report.updated)}, "
            f"unchanged {report.unchanged}, skipped {len(report.skipped)}"
        )
    for p in report.problems:
        where = f"line {p.line}" if p.line else f"record {p.record}" if p.record else "line ?"
        # A refused key may hold control characters: never send them to the terminal raw.
        shown = p.citekey if p.citekey is None or p.citekey.isprintable() else ascii(p.citekey)
        key = f" [{shown}]" if shown else ""
        typer.echo(f"  {p.kind}: {where}{key}: {p.message}")
    for d in report.possible_duplicates:
        typer.echo(f"  possible duplicate: {d.citekeys[0]} and {d.citekeys[1]} ({d.reason})")
    if report.study_types:
        counts = ", ".join(f"{k} {v}" for k, v in report.study_types.items())
        typer.echo(f"  study types: {counts}")
    if report.unknown_study_type:
        shown = ", ".join(report.unknown_study_type[:20])
        more = len(report.unknown_study_type) - 20
        typer.echo(f"  study type unknown: {shown}" + (f" (+{more} more)" if more > 0 else ""))


@reference_app.command("import")
def reference_import(
    path: Path = typer.Argument(..., help="The .bib, .ris, .nbib, PubMed .xml or CSL .json file."),
    format_: str | None = typer.Option(
        None,
        "--format",
        help="bibtex, ris, medline, pubmed-xml or csl-json (default: from the suffix or content).",
    ),
    encoding: str | None = typer.Option(
        None, "--encoding", help="The file's encoding when it is not UTF-8 (latin-1, gbk, ...)."
    ),
    skip_bad: bool = typer.Option(
        False, "--skip-bad", help="Write the good entries and list the bad ones."
    ),
    as_: str | None = typer.Option(None, "--as", help="Account importing (default: operator)."),
    json_: bool = JSON_OPTION,
) -> None:
    """Import a reference file: upsert by citekey; any problem writes nothing unless --skip-bad."""
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}")
    with (
        data_session() as session,
        progress_bar("importing", "references", enabled=wanted(json_=json_)) as progress,
    ):
        actor = optional_actor(session, as_)
        report = svc.import_file(
            session=session,
            actor=actor,
            data=path.read_bytes(),
            name=path.name,
            format=format_,
            encoding=encoding,
            skip_bad=skip_bad,
            source=str(path),
            progress=progress,
        )
    if json_:
        print_json(report.as_dict())
    else:
        _print_report(report)
    if report.refused:
        raise typer.Exit(1)


@reference_app.command("export")
def reference_export(
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the file."),
    format_: str | None = typer.Option(
        None, "--format", help="bib, ris or csl-json (default: from the suffix, else bib)."
    ),
) -> None:
    """Write the whole library as BibTeX, RIS or CSL-JSON, with kb's study type and retraction."""
    fmt = svc.export_format_for(format_, output.name)
    with data_session() as session:
        text = svc.export_references(session=session, format=fmt)
    tmp = output.with_name(output.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)
    typer.echo(f"wrote {output}")


@reference_app.command("show")
def reference_show(citekey: str = typer.Argument(...), json_: bool = JSON_OPTION) -> None:
    """A reference and every claim that cites it, with each stance."""
    with data_session() as session:
        detail = svc.reference_detail(session=session, citekey=citekey)
    if json_:
        print_json(detail)
        return
    typer.echo(f"{detail['citekey']}: {detail['title']}")
    authors = "; ".join(detail["authors"]) or "(no author)"
    typer.echo(f"  {authors}. {detail['journal'] or ''} {detail['year'] or ''}".rstrip())
    level = detail["evidence_level"]
    typer.echo(
        f"  study type: {detail['study_type']}"
        + (" (inferred)" if detail["study_type_inferred"] else "")
        + (f", level {level}" if level else "")
        + f"; retraction: {detail['retraction']}"
    )
    typer.echo(f"  cited by {detail['cited_by']} claim(s) in {len(detail['articles'])} article(s)")
    rows = [
        {
            "claim": c["claim_id"],
            "article": c["article"],
            "marker": c["marker"],
            "stance": c["stance"],
            "status": c["claim_status"],
            "text": c["claim_text"],
        }
        for c in detail["cited_by_claims"]
    ]
    if rows:
        print_table(rows, ["claim", "article", "marker", "stance", "status", "text"])


@reference_app.command("list")
def reference_list(
    study_type: str | None = typer.Option(None, "--study-type", help="Only this study type."),
    uncited: bool = typer.Option(False, "--uncited", help="Only references no claim cites."),
    retracted: bool = typer.Option(False, "--retracted", help="Only retracted/flagged ones."),
    search: str | None = typer.Option(None, "--search", help="Citekey, title words, DOI, PMID."),
    json_: bool = JSON_OPTION,
) -> None:
    """List references with their cited-by counts."""
    with data_session() as session:
        rows = svc.list_references(
            session=session,
            study_type=study_type,
            uncited=uncited,
            retracted=retracted,
            search=search,
        )
    if json_:
        print_json(rows)
    else:
        print_table(rows, ["citekey", "year", "study_type", "retraction", "cited_by", "title"])


@reference_app.command("merge")
def reference_merge(
    keep: str = typer.Argument(..., help="Citekey to keep."),
    drop: str = typer.Argument(..., help="Citekey whose citations move to KEEP; then removed."),
    as_: str | None = typer.Option(None, "--as", help="Account merging (default: operator)."),
) -> None:
    """Merge two references that are the same work."""
    with data_session() as session:
        actor = optional_actor(session, as_)
        result = svc.merge_references(session=session, actor=actor, keep=keep, drop=drop)
    typer.echo(f"merged {drop} into {keep}: {len(result['claims'])} claim(s) updated")


@reference_app.command("retract")
def reference_retract(
    citekey: str = typer.Argument(...),
    status: str = typer.Option(
        ..., "--status", help="retracted, expression-of-concern, corrected or none."
    ),
    note: str = typer.Option("", "--note", help="Notice, date or link."),
    as_: str | None = typer.Option(None, "--as", help="Account recording it (default: operator)."),
) -> None:
    """Record a retraction status; approved claims citing it go back to review."""
    from kb.services.retraction import retract_reference

    with data_session() as session:
        actor = optional_actor(session, as_)
        result = retract_reference(
            session=session, actor=actor, citekey=citekey, status=status, note=note
        )
    typer.echo(f"{citekey}: {status}; {result}")
