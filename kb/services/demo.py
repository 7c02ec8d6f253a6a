"""Demo content for a fresh embedded database: the shipped library, sample articles, accounts."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from kb.enums import Role
from kb.models import User
from kb.security import random_password
from kb.services.users import add_user


def load_demo_if_empty(*, engine: Engine) -> Iterator[str]:
    """Load demo content when the database has no accounts; yields lines to show once."""
    with Session(engine, expire_on_commit=False) as session:
        if session.exec(select(func.count()).select_from(User)).one() > 0:
            return
        yield "Empty database: loading demo content. Demo accounts (passwords shown once):"
        for role in Role:
            password = random_password()
            user = add_user(
                session=session,
                actor=None,
                email=f"{role.value}@demo.kb",
                role=role.value,
                password=password,
                name=f"Demo {role.value}",
            )
            yield f"  {user.role:<9} {user.email:<20} {password}"
