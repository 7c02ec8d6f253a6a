"""A claim's flags: the list, raising one in a dialog, resolving or dismissing open ones."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st
from sqlmodel import Session

from kb.enums import FlagKind, FlagStatus
from kb.models import User
from kb.permissions import Action
from kb.services.flags import dismiss_flag, raise_flag, resolve_flag
from kb.ui import state
from kb.ui.text import Colour, md, shown, when

DIALOG = "kb_flag_dialog"  # claim id whose "raise a flag" dialog is open
# What each flag action's message says was done. The participles are words, not the button's
# verb plus "d" (which gave "Flag 75: dismissd.").
DONE: dict[Action, str] = {
    Action.flag_raise: "raised",
    Action.flag_resolve: "resolved",
    Action.flag_dismiss: "dismissed",
}
CLOSE_LABELS: dict[Action, str] = {Action.flag_resolve: "Resolve", Action.flag_dismiss: "Dismiss"}
STATUS_COLOURS: dict[str, Colour] = {
    FlagStatus.open.value: "red",
    FlagStatus.resolved.value: "green",
}


def show_list(flags: Sequence[Mapping[str, Any]]) -> None:
    """Every flag, open ones first."""
    if not flags:
        st.caption("No flags.")
    for f in sorted(flags, key=lambda f: (not f["open"], f["id"])):
        with st.container(border=True):
            left, right = st.columns([1, 4])
            left.badge(f["status"], color=STATUS_COLOURS.get(f["status"], "gray"))
            right.markdown(f"**{md(f['kind'])}** (flag {f['id']}): {md(f['note'] or '')}")
            st.caption(md(f"raised by {shown(f['raised_by'])} at {when(f['raised_at'])}"))
            if not f["open"]:
                st.caption(
                    md(f"{f['status']} by {shown(f['resolved_by'])} at {when(f['resolved_at'])}")
                    + (f": {md(f['resolution_note'])}" if f["resolution_note"] else "")
                )


def _closer(
    fn: Callable[..., object], user: User, flag_id: int, note: str, seen: int
) -> Callable[[Session], object]:
    return lambda s: fn(session=s, actor=user, flag_id=flag_id, note=note, seen_version=seen)


def _close_dialog() -> None:
    st.session_state.pop(DIALOG, None)


@st.dialog("Raise a flag", on_dismiss=_close_dialog)
def _raise_dialog(user: User, claim_id: int, seen: int) -> None:
    kind = st.selectbox("Kind", [k.value for k in FlagKind], key="flag_kind")
    note = st.text_area("What is wrong?", key="flag_note")
    if st.button("Raise flag", key="flag_submit", type="primary"):
        ok, _ = state.attempt(
            lambda s: raise_flag(
                session=s, actor=user, claim_id=claim_id, kind=kind, note=note, seen_version=seen
            )
        )
        if ok:
            _close_dialog()
            state.flash(f"Flag {DONE[Action.flag_raise]}: {kind}.")
            st.rerun()


def raise_button(*, user: User, claim_id: int, seen: int, reason: str | None) -> None:
    """The "Raise a flag" button (disabled with the reason) and its dialog."""
    if st.button("Raise a flag", key="flag_open", disabled=reason is not None, help=reason):
        st.session_state[DIALOG] = claim_id
    if reason:
        st.caption(md(reason))
    elif st.session_state.get(DIALOG) == claim_id:
        _raise_dialog(user, claim_id, seen)


def close_form(
    *,
    user: User,
    claim_id: int,
    seen: int,
    flags: Sequence[Mapping[str, Any]],
    resolve_reason: str | None,
    dismiss_reason: str | None,
) -> None:
    """Resolve (fixed) or dismiss (not a problem) one open flag, with a note."""
    open_flags = {f["id"]: f for f in flags if f["open"]}
    if not open_flags:
        return
    flag_id = st.selectbox(
        "Open flag",
        list(open_flags),
        format_func=lambda i: f"flag {i}: {open_flags[i]['kind']}",
        key="close_flag_id",
    )
    note = st.text_input("Note", key="close_flag_note")
    cols = st.columns(2)
    for col, action, reason, fn in (
        (cols[0], Action.flag_resolve, resolve_reason, resolve_flag),
        (cols[1], Action.flag_dismiss, dismiss_reason, dismiss_flag),
    ):
        label = CLOSE_LABELS[action]
        clicked = col.button(
            label, key=f"flag_{label.lower()}", disabled=reason is not None, help=reason
        )
        if reason:
            col.caption(md(reason))
        if clicked and flag_id is not None:
            state.act(
                _closer(fn, user, flag_id, note, seen),
                f"Flag {flag_id}: {DONE[action]}.",
            )
