"""Use cases: the only layer the UI, the CLI and the tests call.

Every service is keyword-only and session-first, takes the acting user, checks permission and
workflow, writes review events, and commits once. Services never import streamlit.
"""
