"""Article ingestion as use cases: plan (read only), preview (read only) and store (one write).

Services: may import kb.db, kb.permissions, kb.workflow, kb.models and the pure packages; never
kb.ui or kb.cli.
"""

from kb.ingest.readers import UPLOAD_TYPES
from kb.services.ingest.plan import (
    IngestResult,
    ResolvedEntry,
    configured_furniture,
    decode_article,
    plan_article,
    slugify,
)
from kb.services.ingest.preview import preview_article
from kb.services.ingest.store import ingest_article

__all__ = [
    "UPLOAD_TYPES",
    "IngestResult",
    "ResolvedEntry",
    "configured_furniture",
    "decode_article",
    "ingest_article",
    "plan_article",
    "preview_article",
    "slugify",
]
