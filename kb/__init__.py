"""kb: an evidence-synthesis and citation-tracking knowledge base for health content.

Layers: ui/cli -> services -> (permissions, workflow, repository) -> database. Nothing outside
``kb.ui`` imports streamlit.
"""

__version__ = "0.1.0"
