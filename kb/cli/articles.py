"""`kb article ...` and `kb check`: articles, their claims and their markers."""

from __future__ import annotations

from pathlib import Path

import typer

from kb.cli.progress import progress_bar, wanted
from kb.cli.root import (
    AS_OPTION,
    JSON_OPTION,
    app,
    data_session,
    optional_actor,
    print_json,
    print_table,
)
from kb.errors import InvalidInput
from kb.services import articles as svc
from kb.services.checks import run_checks
from kb.services.ingest import IngestResult, ingest_article
from kb.services.ingest.batch import BatchReport, article_files, ingest_files
from kb.services.users import resolve_actor

article_app = typer.Typer(
    help="Articles: ingest, status, claims, marker mapping.", no_args_is_help=True
)
app.add_typer(article_app, name="article")


def _print_ingest(r: IngestResult) -> None:
    typer.echo(f"article {r.slug}: {r.title}")
    typer.echo(f"  {len(r.claims)} claims; markers: {', '.join(r.markers) or 'none'}")
    for c in r.claims:
        markers = f" [{', '.join(c['markers'])}]" if c["markers"] else ""
        typer.echo(f"    {c['position']:>3}. ({c['kind']}){markers} {c['text'][:90]}")
    confirmed = [x for x in r.links if x["state"] == "confirmed"]
    inferred = [x for x in r.links if x["state"] == "inferred"]
    typer.echo(
        f"  marker mapping: {r.mapping}; links confirmed {len(confirmed)}, "
        f"inferred {len(inferred)} (confirm with `kb article map-markers`)"
    )
    for link in r.links:
        typer.echo(f"    marker {link['marker']} -> {link['citekey']} ({link['state']})")
    for ref in r.references:
        label = f"[{ref.number}] " if ref.number is not None else ""
        typer.echo(f"  reference {label}{ref.citekey or '-'} ({ref.how}): {ref.text[:90]}")
    if r.unresolved:
        typer.echo(
            f"  {len(r.unresolved)} reference(s) not in the library (--add-missing adds them)"
        )
    for kind, n in r.flags.items():
        typer.echo(f"  flags: {kind}: {n}")
    for w in r.warnings:
        typer.echo(f"  warning: {w}")


@article_app.command("ingest")
def ingest(
    paths: list[Path] = typer.Argument(
        ...,
        help="Articles (text, Markdown, HTML, Word .docx, JATS XML): files, or folders "
        "searched recursively.",
    ),
    title: str | None = typer.Option(None, "--title", help="Title (default: the first line)."),
    slug: str | None = typer.Option(None, "--slug", help="URL slug (default: from the title)."),
    as_: str = AS_OPTION,
    add_missing: bool = typer.Option(
        False, "--add-missing", help="Add printed references missing from the library."
    ),
    json_: bool = JSON_OPTION,
) -> None:
    """Ingest articles: claims, citations, measures and automatic flags, each all or nothing.

    One file prints its claims, links and flags. Several files or a folder ingest each article
    in its own transaction and end with one line per file; the exit status is 1 if any was
    refused.
    """
    if len(paths) == 1 and not paths[0].is_dir():
        _ingest_one(paths[0], title, slug, as_, add_missing, json_)
        return
    files, missing = article_files(paths)
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        with progress_bar("Ingesting", "files", enabled=wanted(json_=json_)) as progress:
            report = ingest_files(
                session=session, actor=actor, files=files, add_missing=add_missing,
                title=title, slug=slug, progress=progress,
            )  # fmt: skip
    report.files[:0] = missing
    if json_:
        print_json(report.as_dict())
    else:
        _print_batch(report)
    if report.refused:
        raise typer.Exit(1)


def _ingest_one(
    path: Path, title: str | None, slug: str | None, as_: str, add_missing: bool, json_: bool
) -> None:
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}")
    data = path.read_bytes()
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        result = ingest_article(
            session=session, actor=actor, text=data, title=title, slug=slug,
            add_missing=add_missing, filename=str(path),
        )  # fmt: skip
    if json_:
        print_json(result.as_dict())
    else:
        _print_ingest(result)


def _print_batch(report: BatchReport) -> None:
    for f in report.files:
        if f.ingested:
            flags = ", ".join(f"{kind} {n}" for kind, n in f.flags.items()) or "no flags"
            typer.echo(f"ingested {f.file}: article {f.slug}, {f.claims} claims; {flags}")
        else:
            typer.echo(f"refused {f.file}: {f.error}")
    totals = report.as_dict()
    typer.echo(
        f"{totals['ingested']} ingested ({totals['claims']} claims, {totals['flags']} flags), "
        f"{totals['refused']} refused"
    )


@app.command("check")
def check(
    article: str | None = typer.Option(None, "--article", help="Only this article's claims."),
    as_: str | None = typer.Option(None, "--as", help="Account running it (default: operator)."),
    json_: bool = JSON_OPTION,
) -> None:
    """Re-run the automatic checks; no duplicate flags, gone causes resolved."""
    with data_session() as session:
        actor = optional_actor(session, as_)
        report = run_checks(session=session, actor=actor, article_slug=article)
    if json_:
        print_json(report.as_dict())
        return
    typer.echo(f"checked {report.claims} claims")
    for kind, n in sorted(report.raised.items()):
        typer.echo(f"  raised {kind}: {n}")
    for kind, n in sorted(report.resolved.items()):
        typer.echo(f"  resolved {kind}: {n}")


@article_app.command("list")
def article_list(
    search: str | None = typer.Option(None, "--search", help="Only slugs/titles containing this."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most this many (newest)."),
    json_: bool = JSON_OPTION,
) -> None:
    """Articles with their claims per status and derived status."""
    with data_session() as session:
        rows = svc.list_articles(session=session, search=search, limit=limit)
    if json_:
        print_json(rows)
    else:
        cols = ["slug", "status", "claims", "Submitted", "Under Review", "Approved", "open_flags"]
        print_table(rows, cols)


@article_app.command("show")
def article_show(slug: str = typer.Argument(...), json_: bool = JSON_OPTION) -> None:
    """An article's claims in order, with status, markers and open flags."""
    with data_session() as session:
        article, claims = svc.article_claims(session=session, slug=slug)
        rows = [
            {
                "id": c.id,
                "position": c.position,
                "status": c.status,
                "kind": c.kind,
                "markers": ", ".join(c.markers or []),
                "open_flags": c.open_flag_count,
                "section": c.section,
                "text": c.text,
            }
            for c in claims
        ]
        head = {"slug": article.slug, "title": article.title, "marker_map": article.marker_map}
    if json_:
        print_json({**head, "claims": rows})
        return
    typer.echo(f"{head['slug']}: {head['title']}")
    print_table(rows, ["id", "position", "status", "kind", "markers", "open_flags", "text"])


@article_app.command("map-markers")
def article_map_markers(
    slug: str = typer.Argument(...),
    pairs: list[str] = typer.Argument(..., help="MARKER=CITEKEY pairs, e.g. 2=costantini2010scs"),
    as_: str = AS_OPTION,
    json_: bool = JSON_OPTION,
) -> None:
    """Link every claim carrying these markers to the references; resolves ambiguity flags."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        marker, sep, key = pair.partition("=")
        if not sep or not marker.strip() or not key.strip():
            raise InvalidInput(f"{pair!r} is not MARKER=CITEKEY")
        mapping[marker.strip()] = key.strip()
    with data_session() as session:
        actor = resolve_actor(session=session, email=as_)
        result = svc.set_marker_mapping(session=session, actor=actor, slug=slug, mapping=mapping)
    if json_:
        print_json(result)
        return
    typer.echo(f"{slug}: mapped {len(mapping)} marker(s); {len(result['claims'])} claim(s) linked")
    for kind, n in result["resolved"].items():
        typer.echo(f"  resolved {kind}: {n}")
