"""Streamlit entry point: a router only (page config, login gate, navigation)."""

from kb.ui.main import run

run()
