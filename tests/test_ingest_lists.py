"""A list's lead-in and its items: one claim when the items are fragments (kb.ingest.lists)."""

from __future__ import annotations

from kb.ingest import parse_article
from kb.ingest.blocks import build_blocks
from kb.ingest.lists import merge_fragment_lists
from tests.conftest import SHARED, require_shared


def _texts(text: str) -> list[str]:
    return [s.text for s in parse_article(text).statements]


def test_lead_in_and_fragment_items_are_one_claim() -> None:
    article = parse_article(
        "Nerve stimulation\n\nSCS is one of several options. Types include:\n"
        "- Spinal cord stimulation (SCS) [1]\n- Peripheral nerve stimulation (PNS)\n"
        "- TENS [2]\n\nReferences\n1. Smith J. SCS. Pain. 2010;1:1-2.\n"
        "2. Lee K. TENS. Pain. 2011;2:3-4.\n"
    )
    assert [(s.text, s.markers, s.line, s.is_list_item) for s in article.statements] == [
        ("SCS is one of several options.", [], 3, False),
        (
            "Types include: Spinal cord stimulation (SCS); Peripheral nerve stimulation (PNS); "
            "TENS.",
            ["1", "2"],
            3,
            True,
        ),
    ]


def test_sentence_items_stay_separate_claims() -> None:
    texts = _texts(
        "Benefits\n\nStudies report:\n- Pain fell by half in most patients.\n"
        "- Opioid use dropped within a year.\n"
    )
    assert texts == ["Pain fell by half in most patients.", "Opioid use dropped within a year."]


def test_one_sentence_item_keeps_the_list_apart() -> None:
    texts = _texts("Options\n\nTypes include:\n- SCS\n- PNS is newer than SCS.\n")
    assert texts == ["SCS", "PNS is newer than SCS."]


def test_fragments_under_a_heading_take_the_heading_as_lead_in() -> None:
    texts = _texts(
        "# Nerve stimulation\n\nIt eases leg pain.\n\n## When to consider it\n\n"
        "- Pain that lasts more than 3 months\n- Poor relief from physiotherapy\n\n"
        "## Who is a good candidate?\n\n- Adults with leg pain\n- Non-smokers\n"
    )
    assert texts == [
        "It eases leg pain.",
        "When to consider it: Pain that lasts more than 3 months; Poor relief from physiotherapy.",
        "Who is a good candidate? Adults with leg pain; Non-smokers.",
    ]


def test_a_lone_fragment_item_with_no_lead_in_is_left_alone() -> None:
    texts = _texts("# Care\n\nRest helps a sprain heal.\n\n- Ice packs\n\nElevate the leg.\n")
    assert texts == ["Rest helps a sprain heal.", "Ice packs", "Elevate the leg."]


def test_merge_takes_blocks_and_keeps_source_lines() -> None:
    lines = ["Types include:", "- SCS", "- PNS,", "  stimulation of one nerve", "After."]
    blocks = build_blocks(list(enumerate(lines, start=10)), markdown=False, warnings=[])
    merged = merge_fragment_lists(blocks)
    assert [(b.kind, b.text) for b in merged] == [
        ("item", "Types include: SCS; PNS, stimulation of one nerve."),
        ("paragraph", "After."),
    ]
    item = merged[0]
    assert [item.line_at(item.text.index(w)) for w in ("Types", "SCS", "PNS", "one")] == [
        10, 11, 12, 13
    ]  # fmt: skip


def test_the_clinic_blog_lists_are_whole_claims() -> None:
    path = require_shared(SHARED / "seeds" / "000_02ca8a0e3a5a041f.txt")
    texts = _texts(path.read_text(encoding="utf-8"))
    assert (
        "Types include: Spinal Cord Stimulation (SCS); Peripheral Nerve Stimulation (PNS); "
        "Transcutaneous Electrical Nerve Stimulation (TENS); Burst or high-frequency "
        "stimulation." in texts
    )
    assert any(
        t.startswith("Who Is a Good Candidate? Spine pain lasting more than 3") for t in texts
    )
    assert "A desire to reduce medication use" not in texts
    assert len(texts) == 29  # 39 before: 14 fragments and 1 lead-in became 3 claims
