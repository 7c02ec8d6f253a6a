"""Use cases: the only layer the UI, the CLI and the tests call.

Every service is keyword-only and session-first, takes the acting user, checks permission and
workflow, writes review events, and commits once (kb.db.writing).

Layer rule: may import kb.permissions, kb.workflow, kb.models, kb.db and the pure packages
(kb.formats, kb.ingest, kb.measures, kb.checks, kb.export); never kb.ui, kb.cli or streamlit.
"""
