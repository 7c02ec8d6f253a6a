"""Synthetic medical .bib files for speed tests: deterministic for a given size and seed.

The entries carry what real PubMed/Zotero exports carry and what costs time to read: LaTeX
accents and UTF-8 in names, protective braces, @string journal macros, month macros, `#`
concatenation, 100-200 word abstracts, DOIs, PMIDs, and study types or NLM publication types.

    python benchmarks/gen_bib.py 20000 -o /tmp/synthetic_20k.bib
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

JOURNALS = {
    "jama": "JAMA",
    "nejm": "The New England Journal of Medicine",
    "lancet": "Lancet",
    "bmj": "BMJ",
    "neuromod": "Neuromodulation",
    "spine": "Spine",
    "pain": "Pain",
    "corr": "Clinical Orthopaedics and Related Research",
    "musnerve": "Muscle {\\&} Nerve",
    "cochrane": "Cochrane Database of Systematic Reviews",
}
BRACED_JOURNALS = [
    "European Spine Journal",
    "Journal of Neurosurgery: Spine",
    "Pain Medicine",
    "Archives of Physical Medicine and Rehabilitation",
    "{BMC} Musculoskeletal Disorders",
]
LAST_NAMES = [
    'M{\\"u}ller',
    "Müller",
    "Garc{\\'\\i}a",
    "Nu{\\~n}ez",
    "{\\O}stergaard",
    "Østergaard",
    "Fran{\\c{c}}ois",
    "Çelik",
    "Smith",
    "Johnson",
    "Costantini",
    "Van Buyten",
    "de la Cruz",
    "Ozcan-Eksi",
    "Dvo{\\v{r}}{\\'a}k",
    "Kowalczyk",
    "Nakamura",
    "O'Brien",
    'Lindstr{\\"o}m',
    "Zhang",
]
FIRST_NAMES = ["Anna", "J{\\'e}r{\\^o}me", "Jérôme", "Björn", "Maria", "Li", "S. J.", "Ahmet"]
CORPORATE = ["{World Health Organization}", "{North American Spine Society}"]
DESIGNS = [
    ("a randomized controlled trial", "rct", "Randomized Controlled Trial"),
    ("a systematic review and meta-analysis", "systematic-review", "Meta-Analysis; Review"),
    ("a prospective cohort study", "cohort", "Journal Article; Observational Study"),
    ("a case-control study", "case-control", "Case-Control Studies"),
    ("a cross-sectional study", "cross-sectional", "Cross-Sectional Studies"),
    ("a case report", "case-report", "Case Reports"),
    ("a registry of consecutive patients", "case-series", "Multicenter Study"),
    ("clinical practice guideline", "guideline", "Practice Guideline"),
    ("a narrative review", "narrative-review", "Review"),
]
INTERVENTIONS = [
    "Spinal cord stimulation",
    "Decompressive laminectomy",
    "{McKenzie} exercises",
    "Epidural steroid injection",
    "Physical therapy",
    "{SGLT2} inhibitors",
    "Cognitive behavioural therapy",
]
CONDITIONS = [
    "lumbar spinal stenosis",
    "chronic low back pain",
    "{COVID-19} pneumonia",
    "type 2 diabetes",
    "{Parkinson}'s disease",
    "knee osteoarthritis",
]
SENTENCES = [
    "We enrolled {n} patients with {condition} across three centres.",
    "Pain intensity on the visual analog scale decreased from 7.4 $\\pm$ 2.3 to 2.8 $\\pm$ 2.4"
    " ($p < 0.05$) over a mean 27-month follow-up.",
    "The mean difference was -1.63 (95\\% CI -2.68 to -0.57; $p = 0.002$).",
    "Outcomes were assessed with the Oswestry Disability Index and the {{EQ-5D}}.",
    "Adverse events occurred in {k} of {n} participants ({pct}\\%).",
    "Secondary outcomes included walking distance, opioid use and return to work.",
    "Patients were followed for 12--24~months after the intervention.",
    "Risk of bias was assessed with the Cochrane tool; heterogeneity was moderate.",
    "These findings support a randomised comparison in a larger population.",
    "The hazard ratio for reoperation was 0.71 (95\\% CI 0.55--0.92).",
    "Quality of life improved in both groups, with no difference between them.",
    "Data were analysed by intention to treat using mixed-effects models.",
]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _abstract(rng: random.Random, condition: str) -> str:
    words, sentences = 0, []
    target = rng.randint(100, 200)
    while words < target:
        n = rng.randint(20, 900)
        k = rng.randint(0, n // 4)
        sentence = rng.choice(SENTENCES).format(
            n=n, k=k, pct=round(100 * k / n, 1), condition=condition
        )
        sentences.append(sentence)
        words += len(sentence.split())
    return " ".join(sentences)


def _authors(rng: random.Random) -> str:
    if rng.random() < 0.03:
        return rng.choice(CORPORATE)
    names = []
    for _ in range(rng.randint(1, 8)):
        last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        names.append(f"{last}, {first}" if rng.random() < 0.7 else f"{first} {last}")
    if rng.random() < 0.1:
        names.append("others")
    return " and ".join(names)


def _entry(rng: random.Random, i: int) -> str:
    design, code, pubtype = rng.choice(DESIGNS)
    condition = rng.choice(CONDITIONS)
    year = rng.randint(1985, 2025)
    title = f"{rng.choice(INTERVENTIONS)} for {condition}: {design}"
    fields = [
        ("author", "{" + _authors(rng) + "}"),
        ("title", "{" + title + "}"),
    ]
    roll = rng.random()
    if roll < 0.5:
        fields.append(("journal", rng.choice(list(JOURNALS))))
    elif roll < 0.6:
        fields.append(("journal", rng.choice(list(JOURNALS)) + ' # " (Supplement)"'))
    else:
        fields.append(("journal", "{" + rng.choice(BRACED_JOURNALS) + "}"))
    fields.append(("year", str(year) if rng.random() < 0.5 else "{" + str(year) + "}"))
    if rng.random() < 0.6:
        fields.append(("month", rng.choice(MONTHS)))
    first_page = rng.randint(1, 2000)
    fields += [
        ("volume", "{" + str(rng.randint(1, 400)) + "}"),
        ("number", "{" + str(rng.randint(1, 12)) + "}"),
        ("pages", "{" + f"{first_page}--{first_page + rng.randint(3, 15)}" + "}"),
        ("doi", "{10." + str(rng.randint(1000, 9999)) + f"/synthetic.{year}.{i}" + "}"),
        ("pmid", "{" + str(10_000_000 + i) + "}"),
        ("abstract", "{" + _abstract(rng, condition) + "}"),
    ]
    if rng.random() < 0.3:
        fields.append(("studytype", "{" + code + "}"))
    elif rng.random() < 0.4:
        fields.append(("pubtype", "{" + pubtype + "}"))
    if rng.random() < 0.1:
        fields.append(("note", '"Epub ahead of print" # " " # {' + str(year) + "}"))
    if rng.random() < 0.2:
        fields.append(("keywords", "{Humans; Pain Measurement; Treatment Outcome}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@article{{syn{i:06d}{year},\n{body}\n}}\n"


def generate_bib(n: int, seed: int = 0) -> str:
    """A .bib text of `n` synthetic medical articles, the same text for the same seed."""
    rng = random.Random(seed)
    head = "".join(f'@string{{{name} = "{value}"}}\n' for name, value in JOURNALS.items())
    return head + "\n" + "\n".join(_entry(rng, i) for i in range(n))


def main() -> None:
    """Write a generated file: `python benchmarks/gen_bib.py N -o PATH`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=20_000, help="number of entries")
    parser.add_argument("-o", "--output", type=Path, default=Path("synthetic.bib"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    args.output.write_text(generate_bib(args.n, args.seed), encoding="utf-8")
    print(f"wrote {args.n} entries to {args.output}")


if __name__ == "__main__":
    main()
