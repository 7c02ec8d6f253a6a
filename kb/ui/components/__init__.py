"""Shared widgets: each owns its session_state keys (prefixed by its key argument), validates
its input and reports service errors with st.error. Components call services, never SQL."""
