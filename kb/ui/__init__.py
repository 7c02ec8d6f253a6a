"""Streamlit UI: pages render and call kb.services; they hold no rules of their own.

Layer rule: only kb/ui and app.py import streamlit. A page reads through services, renders, and
turns a KBError into `state.show_error(e)`; every permission, workflow and validation rule lives in
kb.permissions, kb.workflow or kb.services, and pages only ask them (can / why_not /
available_actions). Shared widgets live in kb/ui/components and own their session_state keys;
the engine and the app-wide keys live in kb/ui/state.py. Nothing user-supplied is rendered as
HTML, and user text that goes through markdown is escaped with kb.ui.text.md. An empty value
reads as kb.ui.text.EMPTY ("—"), in tables (every st.dataframe's placeholder) and in text.
"""
