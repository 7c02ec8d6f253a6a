"""The one claim query: filters, full-text search and keyset paging for the CLI, exports and UI.

A service package: imports kb.models, kb.enums, kb.errors, kb.dbtypes and kb.services.fulltext;
never streamlit, and nothing above the services.

Pages are read from the claim row's denormalized evidence summary (kb.services.evidence keeps
it current), never by grouping citations, and are paged by keyset: the cursor is the last row's
sort key and the next page is an index seek past it, so page 2,000 costs what page 1 costs and
rows added meanwhile never shift a page (no OFFSET).

Full-text search is whole-word, prefix-free and AND-ed: SQLite FTS5 (`claim_fts`, unicode61)
and PostgreSQL's 'simple' tsvector over the same punctuation-free text, so both engines return
the same claims. User text is split into words here and never reaches MATCH or to_tsquery raw.

Modules, each using only those before it: tables (table constants, orders, filter shapes, the
page key), filters (ClaimFilter), conditions (a filter as SQL), paging (cursors, pages,
query_claims), facets (counts).
"""

from __future__ import annotations

from kb.services.queries.conditions import claim_conditions, true_if_empty
from kb.services.queries.facets import claims_grouped_by, count_claims
from kb.services.queries.filters import ClaimFilter
from kb.services.queries.paging import (
    ClaimPage,
    ClaimRow,
    cursor_for_claim,
    decode_cursor,
    encode_cursor,
    iter_claim_ids,
    query_claims,
)
from kb.services.queries.tables import (
    ARTICLE,
    CITATION,
    CLAIM,
    FLAG,
    ORDERS,
    PAGE_KEY_SQL,
    USER,
    Order,
    page_key_column,
)

__all__ = [
    "ARTICLE",
    "CITATION",
    "CLAIM",
    "FLAG",
    "ORDERS",
    "PAGE_KEY_SQL",
    "USER",
    "ClaimFilter",
    "ClaimPage",
    "ClaimRow",
    "Order",
    "claim_conditions",
    "claims_grouped_by",
    "count_claims",
    "cursor_for_claim",
    "decode_cursor",
    "encode_cursor",
    "iter_claim_ids",
    "page_key_column",
    "query_claims",
    "true_if_empty",
]
