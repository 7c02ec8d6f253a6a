"""Article parsing: statements, markers, reference lists and furniture, on the seeds, a real
PMC article, the project's own sample articles, and arbitrary text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.enums import ClaimKind
from kb.errors import ImportProblem, KBError
from kb.ingest import (
    DEFAULT_FURNITURE,
    ParsedArticle,
    guess_kind,
    is_check_worthy,
    parse_article,
    parse_reference_entry,
)
from tests.conftest import SHARED, require_shared

ROOT = Path(__file__).resolve().parents[1]
SEEDS = SHARED / "seeds"
REALDATA = SHARED / "realdata" / "articles"
DEMO = ROOT / "kb" / "demo" / "articles"


def _read(path: Path) -> str:
    return require_shared(path).read_text(encoding="utf-8")


def _one(article: ParsedArticle, pattern: str):
    found = [s for s in article.statements if re.search(pattern, s.text)]
    assert len(found) == 1, (pattern, [s.text for s in found])
    return found[0]


# --- seed 003: the answer page with markers 1..5 and three unnumbered references -----------


@pytest.fixture(scope="module")
def seed003() -> ParsedArticle:
    return parse_article(_read(SEEDS / "003_7eefec44a915ce00.txt"))


def test_seed003_title(seed003: ParsedArticle) -> None:
    assert seed003.title == (
        "Does spinal nerve stimulation help with balance in patients with spinal stenosis?"
    )


def test_seed003_has_16_statements_all_with_markers(seed003: ParsedArticle) -> None:
    assert len(seed003.statements) == 16
    assert all(s.markers for s in seed003.statements)
    assert [s.position for s in seed003.statements] == list(range(1, 17))


def test_seed003_markers_are_1_to_5(seed003: ParsedArticle) -> None:
    assert seed003.markers == ["1", "2", "3", "4", "5"]
    assert {m for s in seed003.statements for m in s.markers} == {"1", "2", "3", "4", "5"}


def test_seed003_references_are_three_unnumbered_with_labels(seed003: ParsedArticle) -> None:
    refs = seed003.references
    assert [r.type_label for r in refs] == ["Research", "Guideline", "Research"]
    assert [r.number for r in refs] == [None, None, None]
    assert seed003.reference_list_numbered is False
    assert [r.year for r in refs] == [2010, 2025, 2006]
    assert refs[1].title == "Treatment of Central Spinal Canal Stenosis"
    assert refs[0].journal is not None and refs[0].journal.startswith("Neuromodulation")
    assert any("which marker is which" in w for w in seed003.warnings)


def test_seed003_vas_sentence_keeps_its_numbers(seed003: ParsedArticle) -> None:
    vas = _one(seed003, r"visual analog scale")
    assert vas.markers == ["2"]
    assert "7.4 ± 2.3" in vas.text and "2.8 ± 2.4" in vas.text and "(p < 0.05)" in vas.text
    assert vas.text.endswith("27-month follow-up period.")
    assert vas.is_list_item and vas.line == 26
    assert vas.section == (
        "Evidence for Spinal Cord Stimulation in Spinal Stenosis > Pain Relief vs. Balance Outcomes"
    )


def test_seed003_rehabilitation_numbers_are_not_markers(seed003: ParsedArticle) -> None:
    rehab = _one(seed003, r"^Rehabilitation demonstrates")
    assert rehab.markers == ["3"]
    assert "-1.63; 95% CI: -2.68, -0.57; p = 0.002" in rehab.text


def test_seed003_comma_list_is_two_markers(seed003: ParsedArticle) -> None:
    assert _one(seed003, r"^Avoid delaying").markers == ["1", "3"]


def test_seed003_bullet_with_two_sentences_is_one_statement(seed003: ParsedArticle) -> None:
    item = _one(seed003, r"^However, no studies")
    assert "The available evidence focuses exclusively" in item.text
    assert item.markers == ["2"]


def test_seed003_furniture_and_headings_are_not_statements(seed003: ParsedArticle) -> None:
    texts = " | ".join(s.text for s in seed003.statements)
    for junk in (
        "Personalize",
        "Help us tailor",
        "Which best describes you",
        "Medical Advisory Board",
        "Educational purpose only",
        "Article Review Status",
        "Under Review",
        "Last updated",
        "View editorial policy",
        "Have a follow-up question",
        "Our Medical A.I.",
        "Dr.Oracle",
        "Common Pitfalls to Avoid",
        "Neuromodulation : journal",
    ):
        assert junk not in texts
    assert all(not s.text.endswith(tuple("0123456789")) for s in seed003.statements)


# --- seed 000: the clinic blog without citations -------------------------------------------


@pytest.fixture(scope="module")
def seed000() -> ParsedArticle:
    return parse_article(_read(SEEDS / "000_02ca8a0e3a5a041f.txt"))


def test_seed000_has_no_markers_or_references(seed000: ParsedArticle) -> None:
    assert seed000.markers == []
    assert all(s.markers == [] for s in seed000.statements)
    assert seed000.references == []
    assert seed000.title.startswith("Neurostimulation Techniques")


@pytest.mark.parametrize(
    "pattern", [r"60[-–]90 days", r"safe, minimally invasive", r"opioids", r"safe, effective"]
)
def test_seed000_unsupported_claims_are_check_worthy_statements(
    seed000: ParsedArticle, pattern: str
) -> None:
    statement = _one(seed000, pattern)
    assert is_check_worthy(statement.text)


def test_seed000_headings_and_furniture_are_not_statements(seed000: ParsedArticle) -> None:
    texts = {s.text for s in seed000.statements}
    for heading in (
        "What Is Neurostimulation?",
        "Interrupting Pain Signals",
        "1. Interrupting Pain Signals",
        "TENS Therapy",
        "The Bottom Line",
        "December 11, 2025",
        "Types include:",
    ):
        assert heading not in texts
    assert "How Electrical Therapy Helps Spine Pain > 1. Interrupting Pain Signals" in (
        seed000.sections
    )
    leads = _one(seed000, r"60[-–]90 days")
    assert leads.section is not None and leads.section.endswith(
        "Peripheral Nerve Stimulation (PNS)"
    )


# --- a real PMC article: numbered Vancouver list, bracket markers ---------------------------


@pytest.fixture(scope="module")
def mds526() -> ParsedArticle:
    return parse_article(_read(REALDATA / "mds526.txt"))


def test_mds526_numbered_reference_list(mds526: ParsedArticle) -> None:
    assert mds526.reference_list_numbered is True
    assert [r.number for r in mds526.references] == list(range(1, 41))
    first = mds526.references[0]
    assert first.authors == ["Parkin DM", "Boyd L", "Walker LC"]
    assert first.journal == "Br J Cancer" and first.year == 2011
    assert (first.volume, first.issue, first.pages) == ("105", "Suppl 2", "S77-S81")
    assert first.title is not None and first.title.startswith("The fraction of cancer")


def test_mds526_pmids_parsed_where_printed(mds526: ParsedArticle) -> None:
    text = _read(REALDATA / "mds526.txt")
    printed = dict(re.findall(r"^(\d+)\. .*pmid:(\d+)", text, flags=re.M))
    assert len(printed) == 30
    by_number = {r.number: r for r in mds526.references}
    for number, pmid in printed.items():
        assert by_number[int(number)].pmid == pmid
    assert by_number[4].pmid is None


def test_mds526_marker_lists_and_ranges_are_expanded(mds526: ParsedArticle) -> None:
    lists = [s.markers for s in mds526.statements]
    assert ["2", "3"] in lists
    assert ["20", "21", "22"] in lists
    assert ["7", "23", *[str(n) for n in range(25, 34)]] in lists
    assert {int(m) for m in mds526.markers} <= set(range(1, 41))
    assert len(mds526.markers) == 40
    assert not any("[" in s.text and re.search(r"\[\d", s.text) for s in mds526.statements)


def test_mds526_statistics_stay_in_text(mds526: ParsedArticle) -> None:
    women = _one(mds526, r"^In separate models")
    assert "0.68 (0.57–0.81) P < 0.001" in women.text
    assert women.markers == []
    stata = _one(mds526, r"STATA 11")
    assert stata.markers == ["18"] and "(StataCorp. 2009, College Station, TX)" in stata.text
    assert not any("marker" in w for w in mds526.warnings)


# --- the project's own sample articles --------------------------------------------------------


@pytest.fixture(scope="module")
def sample_answer() -> ParsedArticle:
    return parse_article((DEMO / "spinal-stenosis-balance.md").read_text(encoding="utf-8"))


def test_sample_answer_mirrors_seed003(sample_answer: ParsedArticle) -> None:
    assert sample_answer.title.startswith("Can spinal cord stimulation improve balance")
    assert len(sample_answer.statements) == 16
    assert all(s.markers for s in sample_answer.statements)
    assert sample_answer.markers == ["1", "2", "3", "4", "5"]
    assert sum(s.is_list_item for s in sample_answer.statements) == 15
    assert _one(sample_answer, r"main complaint").markers == ["1", "3"]
    assert "Treatments that do address balance > Mistakes to avoid" in sample_answer.sections


def test_sample_answer_numbers(sample_answer: ParsedArticle) -> None:
    vas = _one(sample_answer, r"visual analog scale")
    assert vas.markers == ["2"]
    for part in ("7.4 ± 2.3", "2.8 ± 2.4", "(p < 0.05)", "mean 27-month follow-up"):
        assert part in vas.text
    rehab = _one(sample_answer, r"^Rehabilitation")
    assert rehab.markers == ["3"]
    assert "mean difference -1.63; 95% CI: -2.68, -0.57; p = 0.002" in rehab.text


def test_sample_answer_references_match_verified_facts(sample_answer: ParsedArticle) -> None:
    refs = sample_answer.references
    assert [r.type_label for r in refs] == ["Research", "Guideline", "Research"]
    assert [(r.journal, r.year) for r in refs] == [
        ("Neuromodulation", 2010),
        ("Praxis Medical Insights: Practical Summaries of Clinical Guidelines", 2025),
        ("Clinical Orthopaedics and Related Research", 2006),
    ]
    assert refs[2].title == "Spinal stenosis: surgical versus nonsurgical treatment"
    assert not sample_answer.reference_list_numbered


def test_sample_answer_is_not_a_copy_of_the_seed(sample_answer: ParsedArticle) -> None:
    seed = parse_article(_read(SEEDS / "003_7eefec44a915ce00.txt"))
    assert not {s.text for s in seed.statements} & {s.text for s in sample_answer.statements}


def test_sample_blog_mirrors_seed000() -> None:
    blog = parse_article((DEMO / "scs-clinic-blog.md").read_text(encoding="utf-8"))
    assert blog.markers == [] and blog.references == []
    for pattern in (r"60-90 days", r"It is safe", r"opioids", r"safe and effective"):
        assert is_check_worthy(_one(blog, pattern).text)
    texts = {s.text for s in blog.statements}
    for junk in ("January 8, 2026", "Share this article", "The main options are:", "TENS"):
        assert junk not in texts
    assert not any(t.startswith("Call us today") for t in texts)
    assert blog.title == "Spinal Cord Stimulation and Other Nerve Stimulation Options for Back Pain"


# --- markers in every printed form ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "markers", "clean"),
    [
        ("SCS eases leg pain in stenosis. 1", ["1"], "SCS eases leg pain in stenosis."),
        ("Balance work matters most here. 1, 3", ["1", "3"], "Balance work matters most here."),
        ("Pain fell sharply [1].", ["1"], "Pain fell sharply."),
        ("Pain fell sharply [2, 3].", ["2", "3"], "Pain fell sharply."),
        ("Pain fell sharply [13-17].", [str(n) for n in range(13, 18)], "Pain fell sharply."),
        ("Pain fell sharply [20–22].", ["20", "21", "22"], "Pain fell sharply."),
        ("Pain fell sharply [4]–[7].", ["4", "5", "6", "7"], "Pain fell sharply."),
        ("Pain fell sharply [1], [5].", ["1", "5"], "Pain fell sharply."),
        ("Pain fell sharply [1][2].", ["1", "2"], "Pain fell sharply."),
        ("Pain fell sharply (1).", ["1"], "Pain fell sharply."),
        ("Pain fell sharply (2, 4).", ["2", "4"], "Pain fell sharply."),
        ("Pain fell sharply.¹²", ["12"], "Pain fell sharply."),
        ("Pain fell sharply¹,³.", ["1", "3"], "Pain fell sharply."),
        ("Pain fell sharply.¹⁻³", ["1", "2", "3"], "Pain fell sharply."),
        ("Pain fell sharply.<sup>4</sup>", ["4"], "Pain fell sharply."),
        ("Pain fell sharply [6](#ref-6).", ["6"], "Pain fell sharply."),
        ("Pain fell in most patients.7", ["7"], "Pain fell in most patients."),
    ],
)
def test_printed_marker_forms(text: str, markers: list[str], clean: str) -> None:
    article = parse_article(text, title="T")
    assert [s.markers for s in article.statements] == [markers]
    assert article.statements[0].text == clean


@pytest.mark.parametrize(
    "text",
    [
        "Scores fell from 7.4 ± 2.3 to 2.8 ± 2.4 (p < 0.05) over 27 months.",
        "The registry followed its patients closely (n = 69).",
        "Spinal cord stimulation (SCS) is used for leg pain.",
        "Rehabilitation helped (mean difference -1.63; 95% CI: -2.68, -0.57; p = 0.002).",
        "Leads stay in place for 60-90 days.",
        "Leads stay in place for 60–90 days.",
        "The registry ran from 2006 to 2010 (2010).",
        "Risk rises with a BMI above 30 kg/m².",
        "Counts above 4 × 10⁹/L are normal.",
        "Pain scores fell in every group of the registry after stimulation, as shown in Fig. 2",
        "The test has two parts: (1) balance and (2) gait.",
        "Stage 2 disease was common in the cohort.",
        "Older patients had higher odds [odds ratio 1.60 (1.38–1.86)].",
        "VAS 7.4 dropped to 2.8.",
    ],
)
def test_numbers_that_belong_to_the_sentence_are_not_markers(text: str) -> None:
    article = parse_article(text, title="T")
    assert article.markers == []
    assert article.statements[0].text == text


def test_parentheses_are_not_markers_in_a_bracket_article() -> None:
    article = parse_article("Pain fell [1]. Falls were rare in group (2).", title="T")
    assert [s.markers for s in article.statements] == [["1"], []]
    assert article.statements[1].text == "Falls were rare in group (2)."


def test_marker_belongs_to_the_sentence_it_follows() -> None:
    article = parse_article("First claim [1]. Second claim. [2] Third claim.²", title="T")
    assert [(s.text, s.markers) for s in article.statements] == [
        ("First claim.", ["1"]),
        ("Second claim.", ["2"]),
        ("Third claim.", ["2"]),
    ]


def test_block_marker_keeps_the_paragraph_whole() -> None:
    article = parse_article("# T\n\nSCS eases pain. It does not fix balance. 2\n", title=None)
    assert [(s.text, s.markers) for s in article.statements] == [
        ("SCS eases pain. It does not fix balance.", ["2"])
    ]


def test_sentences_do_not_split_at_abbreviations_or_decimals() -> None:
    text = "Smith et al. found 7.4 vs. 2.8 in Fig. 2, e.g. in Dr. Lee's clinic. J. Smith agreed."
    article = parse_article(text, title="T")
    assert [s.text for s in article.statements] == [
        "Smith et al. found 7.4 vs. 2.8 in Fig. 2, e.g. in Dr. Lee's clinic.",
        "J. Smith agreed.",
    ]


def test_markdown_sections_lines_and_list_items() -> None:
    text = "# Title\n\n## Evidence\n\n### Pain\n\n- Pain fell [1].\n- Falls fell\n  too [2].\n"
    article = parse_article(text)
    assert article.title == "Title"
    assert article.sections == ["Evidence", "Evidence > Pain"]
    assert [(s.section, s.line, s.is_list_item) for s in article.statements] == [
        ("Evidence > Pain", 7, True),
        ("Evidence > Pain", 8, True),
    ]
    assert article.statements[1].text == "Falls fell too."
    assert any("no reference list" in w for w in article.warnings)


def test_numbered_reference_list_forms_and_dangling_marker_warning() -> None:
    text = (
        "# T\n\nPain fell [1]. Falls rose [3].\n\n## References\n\n"
        "[1] Atlas SJ, Delitto A. Spinal stenosis: surgical versus nonsurgical treatment. "
        "Clin Orthop Relat Res. 2006;443:198-207.\n"
        "2) Costantini A, Buchser E, Van Buyten JP. Spinal cord stimulation for the treatment\n"
        "   of chronic pain in patients with lumbar spinal stenosis. Neuromodulation.\n"
        "   2010;13(4):275-279.\n"
    )
    article = parse_article(text)
    assert [r.number for r in article.references] == [1, 2]
    assert article.references[1].authors == ["Costantini A", "Buchser E", "Van Buyten JP"]
    assert (article.references[1].journal, article.references[1].pages) == (
        "Neuromodulation",
        "275-279",
    )
    assert article.references[1].line == 8
    assert "for the treatment of chronic pain" in article.references[1].text
    assert any("marker 3 has no entry" in w for w in article.warnings)


# --- reference entries ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "doi", "pmid"),
    [
        ("Lyratzopoulos G et al. Socio-demographic inequalities in stage of cancer diagnosis. "
         "Ann Oncol 2013;24(3):843-850. doi:10.1093/annonc/mds526. pmid:23149571",
         "10.1093/annonc/mds526", "23149571"),
        ("Ozcan-Eksi EE, Yagci I, Erkal H, Demir-Deviren S. Paraspinal muscle denervation and "
         "balance impairment in lumbar spinal stenosis. Muscle Nerve. 2016;53(3):422-430. "
         "https://doi.org/10.1002/mus.24759 PMID: 123",
         "10.1002/mus.24759", "123"),
    ],
)  # fmt: skip
def test_parse_reference_entry_identifiers(entry: str, doi: str, pmid: str) -> None:
    ref = parse_reference_entry(entry)
    assert (ref.doi, ref.pmid) == (doi, pmid)
    assert ref.year in (2013, 2016)
    assert ref.authors and ref.authors[0] in ("Lyratzopoulos G", "Ozcan-Eksi EE")
    assert ref.title is not None and "et al" not in ref.title
    assert ref.number is None


def test_parse_reference_entry_reads_its_printed_number() -> None:
    ref = parse_reference_entry(
        "[12] Richards MA. The size of the prize. Br J Cancer 2009;101:S125."
    )
    assert (ref.number, ref.authors, ref.journal, ref.volume) == (
        12,
        ["Richards MA"],
        "Br J Cancer",
        "101",
    )


# --- furniture, title and failures ------------------------------------------------------------


def test_caller_furniture_replaces_the_default() -> None:
    text = "Title line\n\nSponsored by Acme.\n\nPersonalize\n\nSCS eases leg pain.\n"
    default = parse_article(text)
    assert "Sponsored by Acme." in {s.text for s in default.statements}
    custom = parse_article(text, furniture=[r"sponsored by .*"])
    assert "Sponsored by Acme." not in {s.text for s in custom.statements}
    assert "Personalize" in custom.sections
    extended = parse_article(text, furniture=(*DEFAULT_FURNITURE, r"sponsored by .*"))
    assert [s.text for s in extended.statements] == ["SCS eases leg pain."]


def test_given_title_wins() -> None:
    article = parse_article("Some heading\n\nSCS eases leg pain.", title="My title")
    assert article.title == "My title"
    assert article.sections == ["Some heading"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\n  ", "empty"),
        ("Personalize\n\nHave a follow-up question?\n", "no statements"),
        ("# Only a heading\n", "no statements"),
        ("Title\n\nFirst claim holds.\nPain fell [3 and rose.\n", "line 4"),
        ("Pain fell.\x00\x01\x02binary", "binary"),
    ],
)
def test_unreadable_articles_raise_import_problem(text: str, message: str) -> None:
    with pytest.raises(ImportProblem, match=message):
        parse_article(text)


def test_bad_furniture_pattern_is_an_import_problem() -> None:
    with pytest.raises(ImportProblem, match="not a regular expression"):
        parse_article("SCS eases leg pain.", furniture=["(unclosed"])


# --- kinds and check-worthiness -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Pain fell from 7.4 ± 2.3 to 2.8 ± 2.4 (p < 0.05).", ClaimKind.finding),
        ("No studies have evaluated SCS for balance.", ClaimKind.finding),
        ("Many patients are able to decrease reliance on opioids.", ClaimKind.finding),
        ("Do not use SCS as a treatment for balance impairment.", ClaimKind.recommendation),
        ("SCS should be considered before decompression.", ClaimKind.recommendation),
        ("SCS is not indicated for balance improvement.", ClaimKind.recommendation),
        ("If pain persists, consult a pain specialist.", ClaimKind.recommendation),
        ("Denervation impairs posture and displaces the center of gravity.", ClaimKind.mechanism),
        ("Electrical pulses interrupt pain signals to the brain.", ClaimKind.mechanism),
        ("Spine pain can be life-altering.", ClaimKind.background),
        ("Peripheral nerve stimulation (PNS)", ClaimKind.background),
    ],
)
def test_guess_kind(text: str, kind: ClaimKind) -> None:
    assert guess_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "worthy"),
    [
        ("Leads stay in place for 60-90 days.", True),
        ("It is safe and minimally invasive.", True),
        ("SCS works better than medication.", True),
        ("Avoid surgery when possible.", True),
        ("Peripheral nerve stimulation (PNS)", False),
        ("Settings can be adjusted over time to match your comfort and activity levels.", False),
    ],
)
def test_is_check_worthy(text: str, worthy: bool) -> None:
    assert is_check_worthy(text) is worthy


# --- arbitrary text -----------------------------------------------------------------------------

_ARTICLE_ALPHABET = st.sampled_from(
    list("abcXYZ .,;:?!()[]-–0123456789¹²⁻±#*•\n\n\t") + ["References", "Research", "pmid:1"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(_ARTICLE_ALPHABET, max_size=120).map("".join)))
def test_arbitrary_text_raises_only_import_problems(text: str) -> None:
    try:
        article = parse_article(text)
    except ImportProblem:
        return
    except KBError as exc:  # pragma: no cover - a failure message, not an expected path
        pytest.fail(f"non-ImportProblem KBError: {exc!r}")
    assert article.statements
    assert [s.position for s in article.statements] == list(range(1, len(article.statements) + 1))
    assert set(article.markers) == {m for s in article.statements for m in s.markers}
    for statement in article.statements:
        assert statement.text == statement.text.strip() and "  " not in statement.text
        assert 1 <= statement.line <= text.count("\n") + text.count("\r") + 1


def test_a_line_that_only_starts_and_ends_in_bold_is_a_statement() -> None:
    text = (
        "# Guide\n\n**Warning** opioids are **never** safe with **benzodiazepines**\n\n"
        "**Treatment options**\n\nSCS eases pain.\n"
    )
    parsed = parse_article(text)
    assert [(s.section, s.text) for s in parsed.statements] == [
        (None, "Warning opioids are never safe with benzodiazepines"),
        ("Treatment options", "SCS eases pain."),
    ]


def test_brackets_hold_a_sentence_together_until_they_close() -> None:
    from kb.ingest.sentences import sentence_spans

    text = "Pain fell (Smith et al. 2009. Fig. 2). It stayed low. Walking helped (see [3. A]."
    got = [text[a:b] for a, b in sentence_spans(text)]
    assert got == [
        "Pain fell (Smith et al. 2009. Fig. 2).",
        "It stayed low.",
        "Walking helped (see [3. A].",
    ]
    unclosed = "Pain fell (see below. It stayed low. Walking helped."
    assert [unclosed[a:b] for a, b in sentence_spans(unclosed)] == [unclosed]


def test_marker_range_problems_say_what_is_wrong() -> None:
    from kb.ingest.markers import expand

    assert expand("5-3") == (
        ["5", "3"],
        ["marker range '5-3' is not ascending; read as two numbers"],
    )
    numbers, problems = expand("1-500")
    assert numbers == ["1", "500"]
    assert problems == ["marker range '1-500' spans more than 200 references; read as two numbers"]
    assert expand("2-4") == (["2", "3", "4"], [])


def test_a_code_block_is_reported_once() -> None:
    parsed = parse_article("# Guide\n\nSCS eases pain.\n\n```\nx = 1\n```\n\nWalking helps.\n")
    assert [w for w in parsed.warnings if "code block" in w] == ["line 5: code block skipped"]
    assert [s.text for s in parsed.statements] == ["SCS eases pain.", "Walking helps."]
