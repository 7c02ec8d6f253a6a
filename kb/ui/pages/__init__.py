"""Pages: scripts st.navigation runs. Each one asks for the signed-in user, reads through the
services, renders, and shows a KBError with st.error; no rules live here."""
