"""Reference import speed for RIS, MEDLINE, PubMed XML and CSL-JSON, against each format's own
parse, in one run.

For each format, a generated file of KB_BENCH_REF_RECORDS records (default 20,000; authors with
accents, 100-200 word abstracts, DOIs, PMIDs, NLM publication types) is (a) parsed by the
format's own library alone: `rispy.loads`, `json.loads`, lxml's `etree.fromstring`; MEDLINE has
no library kb uses, so its baseline is the least any reader does: splitting the text into
lines and tags with one regex; and (b) imported by `kb.services.references.import_file` into an
empty, migrated SQLite database (decode, read, keys, study types, problems, duplicates, insert,
commit). Goal: median(b) / median(a) <= 2.0.

    python -m benchmarks.bench_ref_formats
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import rispy
from lxml import etree
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import row  # noqa: E402
from kb.db import make_engine  # noqa: E402
from kb.formats import ReferenceRecord  # noqa: E402
from kb.formats.writers import render_csl_json, render_ris  # noqa: E402
from kb.migrate import upgrade  # noqa: E402
from kb.services.references import import_file  # noqa: E402

RUNS = 3
SURNAMES = ["Müller", "Øster", "García", "Nguyen", "Smith", "O'Brien", "Kowalczyk", "Lee",
            "Costantini", "van der Berg", "Ðorđević", "Zhang", "Ibáñez", "Okafor"]  # fmt: skip
WORDS = [
    "pain", "stenosis", "lumbar", "spinal", "stimulation", "outcome", "trial", "cohort",
    "exercise", "therapy", "surgery", "decompression", "balance", "muscle", "nerve", "injection",
    "opioid", "function", "disability", "quality", "life", "randomized", "controlled",
    "patients", "chronic", "elderly",
]  # fmt: skip
TYPES = [
    "Journal Article", "Randomized Controlled Trial", "Meta-Analysis", "Review", "Case Reports",
    "Practice Guideline", "Observational Study", "Comparative Study",
]  # fmt: skip
JOURNALS = ["Spine", "Pain", "Neuromodulation", "European Spine Journal", "BMJ", "Lancet"]


def records(n: int, seed: int = 7) -> list[tuple[ReferenceRecord, list[str]]]:
    """n distinct works with their publication types, the same for a given n and seed."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        words = rnd.sample(WORDS, 8)
        authors = [
            f"{rnd.choice(SURNAMES)}, {rnd.choice('ABCDEFGH')}." for _ in range(rnd.randint(1, 6))
        ]
        abstract = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(100, 200))) + "."
        year = rnd.randint(1990, 2025)
        record = ReferenceRecord(
            citekey=f"r{i}",
            entry_type="article",
            title=" ".join(words).capitalize() + f" {i}",
            authors=authors,
            journal=rnd.choice(JOURNALS),
            year=year,
            volume=str(rnd.randint(1, 60)),
            number=str(rnd.randint(1, 12)),
            pages=f"{rnd.randint(1, 500)}-{rnd.randint(501, 900)}",
            doi=f"10.5555/bench.{year}.{i}",
            pmid=str(30_000_000 + i),
            abstract=abstract,
            source="generated",
        )
        out.append((record, ["Journal Article", rnd.choice(TYPES)]))
    return out


def _medline(works: list[tuple[ReferenceRecord, list[str]]]) -> str:
    out = []
    for r, types in works:
        lines = [f"PMID- {r.pmid}", f"DP  - {r.year} Jan"]
        lines.append(f"TI  - {r.title}.")
        words = (r.abstract or "").split()
        lines.append("AB  - " + " ".join(words[:12]))
        lines += ["      " + " ".join(words[k : k + 12]) for k in range(12, len(words), 12)]
        lines += [f"FAU - {a}" for a in r.authors]
        lines += [f"PT  - {t}" for t in types]
        lines += [f"TA  - {r.journal}", f"VI  - {r.volume}", f"IP  - {r.number}"]
        lines += [f"PG  - {r.pages}", f"AID - {r.doi} [doi]"]
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _xml(works: list[tuple[ReferenceRecord, list[str]]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>']
    for r, types in works:
        authors = "".join(
            f"<Author><LastName>{escape(a.split(', ')[0])}</LastName>"
            f"<ForeName>{escape(a.split(', ')[1])}</ForeName></Author>"
            for a in r.authors
        )
        ptypes = "".join(f"<PublicationType>{t}</PublicationType>" for t in types)
        out.append(
            f"<PubmedArticle><MedlineCitation><PMID>{r.pmid}</PMID><Article><Journal>"
            f"<JournalIssue><Volume>{r.volume}</Volume><Issue>{r.number}</Issue><PubDate>"
            f"<Year>{r.year}</Year></PubDate></JournalIssue><Title>{r.journal}</Title></Journal>"
            f"<ArticleTitle>{escape(r.title or '')}.</ArticleTitle><Pagination><MedlinePgn>"
            f'{r.pages}</MedlinePgn></Pagination><ELocationID EIdType="doi">{r.doi}'
            f"</ELocationID><Abstract><AbstractText>{r.abstract}</AbstractText></Abstract>"
            f"<AuthorList>{authors}</AuthorList><PublicationTypeList>{ptypes}"
            "</PublicationTypeList></Article></MedlineCitation></PubmedArticle>"
        )
    out.append("</PubmedArticleSet>\n")
    return "\n".join(out)


def _ris(works: list[tuple[ReferenceRecord, list[str]]]) -> str:
    for r, _ in works:
        r.source = "generated"
        r.study_type_inferred = True  # let the reader judge the types: no KB tags
    text = render_ris(r for r, _ in works)
    # EndNote exports carry no citation key: drop the ID lines, and give the types as M3.
    text = re.sub(r"^ID  - .*\n", "", text, flags=re.M)
    by_pmid = {f"AN  - PMID: {r.pmid}\n": types for r, types in works}
    return re.sub(
        r"^AN  - PMID: \d+\n",
        lambda m: m.group() + "".join(f"M3  - {t}\n" for t in by_pmid[m.group()]),
        text,
        flags=re.M,
    )


def _csl(works: list[tuple[ReferenceRecord, list[str]]]) -> str:
    return render_csl_json(r for r, _ in works)


_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *- (.*)$", re.M)

FORMATS: dict[str, tuple[str, Callable[[Any], str], Callable[[str], Any], str]] = {
    "ris": (".ris", _ris, rispy.loads, "rispy.loads"),
    "medline": (".nbib", _medline, lambda t: _TAG.findall(t), "one regex over the tag lines"),
    "pubmed-xml": (".xml", _xml, lambda t: etree.fromstring(t.encode()), "lxml fromstring"),
    "csl-json": (".json", _csl, json.loads, "json.loads"),
}


def run() -> list[dict[str, Any]]:
    """Per format, time its own parse alone and kb's full import; one row each."""
    n = int(os.environ.get("KB_BENCH_REF_RECORDS", "20000"))
    works = records(n)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.sqlite"
        engine = make_engine(f"sqlite:///{template}")
        upgrade(engine)
        engine.dispose()
        for fmt, (suffix, write, parse, baseline) in FORMATS.items():
            data = write(works).encode("utf-8")
            text = data.decode("utf-8")
            parse_times, import_times = [], []
            for i in range(RUNS):
                start = time.perf_counter()
                parse(text)
                parse_times.append(time.perf_counter() - start)
                db = Path(tmp) / f"{fmt}{i}.sqlite"
                shutil.copyfile(template, db)
                engine = make_engine(f"sqlite:///{db}")
                with Session(engine) as session:
                    start = time.perf_counter()
                    report = import_file(
                        session=session, actor=None, data=data, name=f"bench{suffix}"
                    )
                    import_times.append(time.perf_counter() - start)
                engine.dispose()
                assert report.written and len(report.created) == n, report.problems[:3]
            a = statistics.median(parse_times) * 1000
            b = statistics.median(import_times) * 1000
            rows.append(
                row(
                    f"{fmt} import",
                    f"{n:,} records ({len(data) / 1e6:.1f} MB): kb import into empty SQLite",
                    b,
                    engine="sqlite",
                    baseline=f"{baseline} alone",
                    baseline_ms=a,
                    target="ratio <= 2.0",
                    ok=b / a <= 2.0,
                )
            )
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
