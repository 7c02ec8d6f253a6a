"""Author-year citations: the printed forms found (and the look-alikes not), reference entries'
names and years, and resolution to entries (one, ambiguous, none). Fixtures are our own."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.ingest.authornames import fold, read_author_year_layout, same_name
from kb.ingest.authoryear import (
    EntryNames,
    find_citations,
    keep_named,
    parse_entry_names,
    resolve,
)
from kb.ingest.reflist import split_entries

# text -> [(printed item, page)], and whether the citation's words leave the sentence
FOUND = [
    ("pain (Smith et al., 2020).", [("Smith et al. 2020", None)], True),
    ("pain (Smith et al. 2020).", [("Smith et al. 2020", None)], True),
    ("pain (Smith et al 2020).", [("Smith et al 2020", None)], True),
    ("pain (Smith et al, 2020).", [("Smith et al 2020", None)], True),
    ("(Smith & Jones 2019; Lee 2018a, 2018b)",
     [("Smith & Jones 2019", None), ("Lee 2018a", None), ("Lee 2018b", None)], True),
    ("(Lee 2018a, b)", [("Lee 2018a", None), ("Lee 2018b", None)], True),
    ("(American Cancer Society, 2007)", [("American Cancer Society 2007", None)], True),
    ("(WHO 2021)", [("WHO 2021", None)], True),
    ("(U.S. EPA 2006)", [("U.S. EPA 2006", None)], True),
    ("(McMichael and Potter, 1980; Bayerdorffer et al, 1995)",
     [("McMichael and Potter 1980", None), ("Bayerdorffer et al 1995", None)], True),
    ("(Hites 2004; Law et al. 2003)", [("Hites 2004", None), ("Law et al. 2003", None)], True),
    ("(Smith 2020, p. 12)", [("Smith 2020", "p. 12")], True),
    ("(Smith 2020, pp. 12-14)", [("Smith 2020", "pp. 12-14")], True),
    ("(Smith 2020: 12)", [("Smith 2020", "12")], True),
    ("(see Zhou et al. 2002)", [("Zhou et al. 2002", None)], True),
    ("(e.g., Zhou et al. 2002; but see Hites 2004)",
     [("Zhou et al. 2002", None), ("Hites 2004", None)], True),
    ("(reviewed by Birnbaum and Staskal 2004)", [("Birnbaum and Staskal 2004", None)], True),
    ("(Smith 2019, Jones 2020)", [("Smith 2019", None), ("Jones 2020", None)], True),
    ("(Smith, Jones, and Lee 2019)", [("Smith, Jones, and Lee 2019", None)], True),
    ("(Smith, n.d.)", [("Smith n.d.", None)], True),
    ("(Jones in press)", [("Jones in press", None)], True),
    ("(De Vries 2010)", [("De Vries 2010", None)], True),
    ("(van der Berg 2011)", [("van der Berg 2011", None)], True),
    ("(O'Brien 2011)", [("O'Brien 2011", None)], True),
    ("(Feldt-Rasmussen et al. 2006)", [("Feldt-Rasmussen et al. 2006", None)], True),
    ("(Bayerdörffer et al. 1995)", [("Bayerdörffer et al. 1995", None)], True),
    ("Smith et al. (2020) showed", [("Smith et al. 2020", None)], False),
    ("Smith and Jones (2019) found", [("Smith and Jones 2019", None)], False),
    ("as van der Berg & O'Brien (2011a) found", [("van der Berg & O'Brien 2011a", None)], False),
    ("WHO (2021) recommends", [("WHO 2021", None)], False),
    ("yet Schriks and co-workers (2007) found", [("Schriks and co-workers 2007", None)], False),
    ("as Lee and colleagues (2007) found", [("Lee and colleagues 2007", None)], False),
    ("thyroxine (T4; Zhou et al. 2002)", [("Zhou et al. 2002", None)], False),
    ("as shown (Smith et al. 2020, Table 2)", [("Smith et al. 2020", None)], False),
    ("[Smith et al., 2020; WHO 2021]", [("Smith et al. 2020", None), ("WHO 2021", None)], True),
    ("Smith et al.'s (2020) trial", [("Smith et al. 2020", None)], False),
    ("Smith’s (2020) trial", [("Smith 2020", None)], False),
    ("Smith (2020, p. 3) notes", [("Smith 2020", "p. 3")], False),
]  # fmt: skip
NOT_CITATIONS = [
    "(Table 2)",
    "(Table 2, 2019)",
    "(Figure 3)",
    "(n = 2020)",
    "(95% CI, 2019-2021)",
    "(2019-2021)",
    "In 2007, the rate fell.",
    "In (2007) the rate fell.",
    "(P < 0.001)",
    "(January 2020)",
    "(March 2019 to May 2020)",
    "(from 2001 to 2005)",
    "(since 2007)",
    "(T4)",
    "(PBDE-47)",
    "(2.4 μg/pair/day or 12.3 μg/pair/day)",
    "(mean age 2019)",
    "(OR 2.1, 95% CI 1.2-3.4)",
    "[1]",
    "(1, 3)",
    "[1, 2]",
    "[GenBank accession no. AI979399]",
    "(Phase 2, 2019)",
    "(Study 2019-2020)",
    "(Jan. 2020)",
]


@pytest.mark.parametrize(("text", "items", "stripped"), FOUND)
def test_author_year_forms_are_found_with_their_items(
    text: str, items: list[tuple[str, str | None]], stripped: bool
) -> None:
    citations = find_citations(text)
    assert len(citations) == 1
    citation = citations[0]
    assert [(i.printed, i.page) for i in citation.items] == items
    assert (citation.end > citation.start) is stripped
    assert citation.printed in text
    if stripped:  # the whole parenthesis goes: "(" ... ")"
        assert text[citation.start] + text[citation.end - 1] in ("()", "[]")
    else:  # an empty span where the citation ends; the words stay in the sentence
        assert citation.start == citation.end and text[: citation.end].endswith(")")


@pytest.mark.parametrize("text", NOT_CITATIONS)
def test_look_alikes_are_not_citations(text: str) -> None:
    assert find_citations(text) == []


def test_items_carry_year_suffix_and_undated_form() -> None:
    (citation,) = find_citations("(Lee 2018a, b; Kim n.d.)")
    assert [(i.names, i.year, i.suffix, i.undated) for i in citation.items] == [
        ("Lee", 2018, "a", ""),
        ("Lee", 2018, "b", ""),
        ("Kim", None, "", "n.d."),
    ]


def test_several_citations_in_one_block_in_printed_order() -> None:
    text = "Zhou et al. (2001) saw it (Hites 2004) and later (T4; Law et al. 2003) too."
    assert [c.items[0].printed for c in find_citations(text)] == [
        "Zhou et al. 2001",
        "Hites 2004",
        "Law et al. 2003",
    ]


# entry text -> (surnames, organisation, abbreviation, year, suffix, et al)
ENTRIES = [
    ("Adolf B, Chapouton P, Lam CS, Topp S, Tannhäuser B, Strähle U. Conserved features of "
     "neurogenesis. Dev Biol 2006;295:278-293. pmid:16828638",
     (("Adolf", "Chapouton", "Lam", "Topp", "Tannhäuser", "Strähle"), None, None, 2006, "", False)),
    ("Smith, J. A., & Jones, B. (2019a). A title. Journal, 1(2), 3-4.",
     (("Smith", "Jones"), None, None, 2019, "a", False)),
    ("Smith J, Jones B, 2019. A title. J Things 3:4.",
     (("Smith", "Jones"), None, None, 2019, "", False)),
    ("Smith, J. and Jones, B. (2019) A title. Journal 3, 4-5.",
     (("Smith", "Jones"), None, None, 2019, "", False)),
    ("World Health Organization (WHO). 2021. Report on things. Geneva: WHO.",
     ((), "World Health Organization", "WHO", 2021, "", False)),
    ("American Cancer Society. Cancer Facts & Figures 2007. Atlanta: American Cancer Society; "
     "2007.", ((), "American Cancer Society", None, 2007, "", False)),
    ("American Cancer Society (2007). Cancer facts and figures. Atlanta.",
     ((), "American Cancer Society", None, 2007, "", False)),
    ("Van Buyten JP, Smith A, et al. A title. J Pain 2010;13(4):275-279.",
     (("Van Buyten", "Smith"), None, None, 2010, "", True)),
    ("McMichael AJ, Potter JD. Reproduction and colon cancer. J Natl Cancer Inst "
     "1980;65:1201-1207.", (("McMichael", "Potter"), None, None, 1980, "", False)),
    ("Lezoualc’h F, Seugnet I, Behr J-P. Inhibition. J Biol Chem 1995;270:12100-12108.",
     (("Lezoualc’h", "Seugnet", "Behr"), None, None, 1995, "", False)),
    ("O'Brien, T., & van der Berg, K. (2011b). A title. Journal.",
     (("O'Brien", "van der Berg"), None, None, 2011, "b", False)),
    ("Liu Y-W, Lo L-J, Chan W-K. Temporal expression. Mol Cell Endocrinol 2000;159:187-195.",
     (("Liu", "Lo", "Chan"), None, None, 2000, "", False)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), ENTRIES)
def test_reference_entries_give_names_and_year(
    text: str, expected: tuple[tuple[str, ...], str | None, str | None, int, str, bool]
) -> None:
    e = parse_entry_names(text)
    assert (e.authors, e.organisation, e.abbreviation, e.year, e.suffix, e.et_al) == expected


@pytest.mark.parametrize(
    ("cited", "printed", "same"),
    [
        ("Bayerdorffer", "Bayerdörffer", True),
        ("SMITH", "Smith", True),
        ("Skakkebaek", "Skakkebæk", True),
        ("OBrien", "O’Brien", True),
        ("Feldt Rasmussen", "Feldt-Rasmussen", True),
        ("van der Berg", "Berg", True),
        ("Van der Berg", "van der Berg", True),
        ("de la Cruz", "Cruz", True),
        ("Smith", "Smyth", False),
        ("Berg", "Bergman", False),
    ],
)
def test_names_compare_folded(cited: str, printed: str, same: bool) -> None:
    assert same_name(cited, printed) is same


def test_fold_drops_accents_case_apostrophes_and_hyphens() -> None:
    assert fold("Lezoualc’h") == "lezoualch"
    assert fold("Ochsenkühn-Ødegård") == "ochsenkuhn odegard"


LIBRARY = [
    EntryNames(("Smith", "Jones", "Lee"), 2020),  # 0
    EntryNames(("Smith", "Jones"), 2019),  # 1
    EntryNames(("Smith",), 2019),  # 2
    EntryNames(("Lee",), 2018, "a"),  # 3
    EntryNames(("Lee", "Kim"), 2018, "b"),  # 4
    EntryNames((), 2007, organisation="American Cancer Society"),  # 5
    EntryNames((), 2021, organisation="World Health Organization", abbreviation="WHO"),  # 6
    EntryNames(("McMichael", "Potter"), 1980),  # 7
    EntryNames(("Bayerdörffer", "Mannes", "Ochsenkühn"), 1995, et_al=True),  # 8
    EntryNames(("van der Berg", "Lim"), 2011),  # 9
    EntryNames(("Zhou", "Ross", "Hawk", "Crofton"), 2002),  # 10
    EntryNames(("Zhou", "Taylor", "DeVito"), 2002),  # 11
    EntryNames(("Kim",), 2015),  # 12
    EntryNames(("Kim",), 2015),  # 13 (the same name and year printed twice)
    EntryNames(("Hites",), 2004),  # 14
    EntryNames(("Park",), None),  # 15 (undated)
    EntryNames(("Ray",), 2016),  # 16 (a list that prints no suffix)
    EntryNames(("Ray", "Kim"), 2017),  # 17
    EntryNames(("Ray", "Kim"), 2017),  # 18
]


@pytest.mark.parametrize(
    ("citation", "indexes"),
    [
        ("(Smith et al., 2020)", [0]),
        ("Smith and colleagues (2020) found", [0]),
        ("(Smith & Jones 2019)", [1]),  # the two-author form is not Smith alone
        ("(Smith 2019)", [2]),  # the one-author form is not Smith & Jones
        ("(Lee 2018a)", [3]),
        ("(Lee 2018b)", [4]),  # the suffix tells the two 2018 entries apart
        ("(American Cancer Society, 2007)", [5]),
        ("(american cancer society 2007)", []),  # lower case is not read as a name at all
        ("(WHO 2021)", [6]),  # the abbreviation the entry prints
        ("(World Health Organization 2021)", [6]),
        ("(McMichael and Potter, 1980)", [7]),
        ("(Bayerdorffer et al, 1995)", [8]),  # accent-folded, list cut short
        ("(Berg et al. 2011)", [9]),  # the particle is optional; et al. with two authors:
        ("(Zhou et al. 2002)", [10, 11]),  # two entries could be meant: ambiguous
        ("(Kim 2015)", [12, 13]),
        ("(Hites 2004, p. 3)", [14]),
        ("(Hites 2005)", []),  # wrong year: unresolved
        ("(Nobody 2004)", []),
        ("(Park n.d.)", [15]),
        ("(Smith 2020)", [0]),  # looser reading: the only Smith 2020 entry
        ("(Lee 2018)", [3, 4]),  # no suffix: either of Lee 2018a and Lee 2018b
        ("(Ray 2016a)", [16]),  # a suffix the list does not print: the only Ray 2016
        ("(Ray and Kim 2017b)", [17, 18]),  # ... but two of them stay ambiguous
    ],
)
def test_cited_items_resolve_to_entries(citation: str, indexes: list[int]) -> None:
    items = [i for c in find_citations(citation) for i in c.items]
    if not items:
        assert indexes == []
        return
    (item,) = items
    assert resolve(item, LIBRARY) == indexes


def test_et_al_needs_three_authors_when_the_list_says_how_many() -> None:
    (citation,) = find_citations("(Smith et al. 2019)")
    # Smith 2019 (alone) and Smith & Jones 2019 both fail the strict reading; the looser one
    # finds both, so an editor decides instead of a guess.
    assert resolve(citation.items[0], LIBRARY) == [1, 2]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("The American Cancer Society (2007) estimates", ["American Cancer Society (2007)"]),
        ("In Smith et al. (2020) the", ["Smith et al. (2020)"]),
        ("Following Smith et al. (2020), we", ["Smith et al. (2020)"]),
        ("England (2009) reported", []),  # the shape of a citation, naming no entry
        ("Hites (2005) reported", []),  # a name of the list, but not that year
        ("as WHO (2021) advises", ["WHO (2021)"]),
        ("the rates (England 2009) fell", ["England 2009"]),  # parenthetical: reported
    ],
)
def test_narrative_citations_are_kept_only_when_they_name_an_entry(
    text: str, kept: list[str]
) -> None:
    assert [c.printed for c in keep_named(find_citations(text), LIBRARY)] == kept


_TOKENS = st.sampled_from(
    ["(", ")", "[", "]", ";", ",", " ", ". ", "Smith", "van der", "Berg", "O'Brien", "et al.",
     "et al", "and", "&", "2020", "2019a", "b", "n.d.", "in press", "p. 12", ": 4", "see",
     "Table 2", "January", "WHO", "American Cancer Society", "n = 2020", "95% CI", "-", "é"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TOKENS, max_size=60).map("".join))
def test_any_text_gives_ordered_citations_that_resolve_to_real_indexes(text: str) -> None:
    citations = find_citations(text)
    stripped = [(c.start, c.end) for c in citations if c.start < c.end]
    assert stripped == sorted(stripped)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(stripped))
    for citation in citations:
        assert 0 <= citation.start <= citation.end <= len(text)
        assert citation.items and citation.printed in text
        for item in citation.items:
            assert item.names and item.printed.startswith(item.names)
            assert set(resolve(item, LIBRARY)) <= set(range(len(LIBRARY)))
    kept = keep_named(citations, LIBRARY)  # a subset, at the same places
    assert {(c.start, c.end) for c in kept} <= {(c.start, c.end) for c in citations}
    parse_entry_names(text)  # reads any text without raising


LAYOUTS = [
    ("Smith, J. A., & Jones, B. (2019a). Title of it. Journal of Ageing, 1(2), 3-4.",
     (("Smith, J. A.", "Jones, B."), 2019, "Title of it", "Journal of Ageing")),
    ("McMichael, A.J. and Potter, J.D., 1980. Reproduction and colon cancer. Journal of the "
     "National Cancer Institute, 65, pp.1201-1207.",
     (("McMichael, A.J.", "Potter, J.D."), 1980, "Reproduction and colon cancer",
      "Journal of the National Cancer Institute")),
    ("Smith J, Jones B, 2019. A title. J Things 3:4.",
     (("Smith J", "Jones B"), 2019, "A title", "J Things")),
    ("Bayerdörffer, E., Mannes, G.A., Richter, W.O., et al., 1995. Increased bile acids. "
     "Gastroenterology, 104, pp.145-151.",
     (("Bayerdörffer, E.", "Mannes, G.A.", "Richter, W.O."), 1995, "Increased bile acids",
      "Gastroenterology")),
    ("World Health Organization (WHO). (2021). Falls prevention in older age. Geneva: WHO.",
     (("World Health Organization (WHO)",), 2021, "Falls prevention in older age", None)),
    ("American Cancer Society, 2007. Cancer facts and figures. Atlanta: American Cancer Society.",
     (("American Cancer Society",), 2007, "Cancer facts and figures", None)),
    # Vancouver and the answer-page layout are read elsewhere: the year follows the journal.
    ("Adolf B, Chapouton P, Lam CS. Conserved features (2006). Dev Biol 2006;295:278-293.", None),
    ("Costantini A, Buchser E. Spinal cord stimulation. Neuromodulation. 2010;13(4):275-279.",
     None),
    ("Smith J, Jones B. Trial results, 2019. Lancet 3:4.", None),
    ("Treatment of Central Spinal Canal Stenosis. Praxis Medical Insights, 2025. Guideline",
     None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), LAYOUTS)
def test_apa_and_harvard_entries_are_read_whole(
    text: str, expected: tuple[tuple[str, ...], int, str, str | None] | None
) -> None:
    layout = read_author_year_layout(text)
    got = None if layout is None else (layout.authors, layout.year, layout.title, layout.journal)
    assert got == expected


def test_a_list_of_web_addresses_stays_one_entry_a_line() -> None:
    lines = [
        (1, "Spinal stenosis overview. Mayo Clinic, 2024."),
        (2, "https://www.example.org/spinal-stenosis"),
        (3, "www.example.com/back-pain"),
        (4, "van der Berg, K. (2011). A title. Journal, 2, 3-4."),
        (5, "treatment of back pain in adults, 2, 5-6."),
    ]
    assert [e.lines for e in split_entries(lines)] == [
        ["Spinal stenosis overview. Mayo Clinic, 2024."],
        ["https://www.example.org/spinal-stenosis"],
        ["www.example.com/back-pain"],
        ["van der Berg, K. (2011). A title. Journal, 2, 3-4.",
         "treatment of back pain in adults, 2, 5-6."],
    ]  # fmt: skip
