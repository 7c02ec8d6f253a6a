"""Streamlit UI: pages render and call kb.services; they hold no rules of their own."""
