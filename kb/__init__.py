"""kb: an evidence-synthesis and citation-tracking knowledge base for health content.

Layers, each importing only those below it (tests/test_layers.py holds the line):
- kb.ui (Streamlit pages) and kb.cli (the `kb` command): thin edges over kb.services;
- kb.services: the use cases, the only thing the UI, the CLI and the tests call;
- kb.permissions, kb.workflow: who may do what, and the review transitions;
- kb.models, kb.db, kb.migrate, kb.config: the schema and the database;
- pure packages, no database: kb.formats (reference exchange formats), kb.ingest (article text
  -> statements), kb.measures (numbers and their consistency), kb.checks (the automatic checks'
  rules), kb.export (table columns and file writers); and kb.enums, kb.errors, kb.vocab,
  kb.passwords shared by all.
Nothing outside ``kb.ui`` imports streamlit.
"""

__version__ = "0.1.0"
