"""`kb user ...`: accounts and roles."""

from __future__ import annotations

import sys

import typer

from kb.cli.root import JSON_OPTION, app, data_session, print_json, print_table
from kb.errors import InvalidInput
from kb.models import User
from kb.passwords import random_password
from kb.services import users as svc

user_app = typer.Typer(help="Manage accounts and roles.", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _row(u: User) -> dict[str, object]:
    return {
        "id": u.id,
        "email": u.email,
        "name": u.name,
        "role": u.role,
        "active": u.is_active,
        "created_at": u.created_at,
    }


def _password(from_stdin: bool) -> tuple[str, str | None]:
    """(password, the same if generated here): read from stdin, or a random one to print."""
    if not from_stdin:
        generated = random_password()
        return generated, generated
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InvalidInput("no password on standard input")
    return password, None


@user_app.command("add")
def user_add(
    email: str = typer.Argument(..., help="Email address (the login)."),
    role: str = typer.Option(..., "--role", help="editor, reviewer, analyst or admin."),
    name: str = typer.Option("", "--name", help="Display name."),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the password from standard input (10-256 characters, hard to guess).",
    ),
    json_: bool = JSON_OPTION,
) -> None:
    """Create an account. Without --password-stdin a random password is printed once."""
    password, generated = _password(password_stdin)
    with data_session() as session:
        user = svc.add_user(
            session=session, actor=None, email=email, role=role, password=password, name=name
        )
        row = _row(user)
    if json_:
        print_json({**row, "password": generated} if generated else row)
        return
    typer.echo(f"created {row['role']} {row['email']} (id {row['id']})")
    if generated:
        typer.echo(f"password (shown once): {generated}")


@user_app.command("list")
def user_list(json_: bool = JSON_OPTION) -> None:
    """List accounts with their roles."""
    with data_session() as session:
        rows = [_row(u) for u in svc.list_users(session=session)]
    if json_:
        print_json(rows)
    else:
        print_table(rows, ["id", "email", "name", "role", "active"])


@user_app.command("set-role")
def user_set_role(
    email: str = typer.Argument(...),
    role: str = typer.Option(..., "--role", help="editor, reviewer, analyst or admin."),
) -> None:
    """Change an account's role."""
    with data_session() as session:
        user = svc.set_role(session=session, actor=None, email=email, role=role)
        typer.echo(f"{user.email} is now {user.role}")


@user_app.command("disable")
def user_disable(email: str = typer.Argument(...)) -> None:
    """Disable an account: it can no longer sign in or act."""
    with data_session() as session:
        user = svc.set_active(session=session, actor=None, email=email, active=False)
        typer.echo(f"{user.email} disabled")


@user_app.command("enable")
def user_enable(email: str = typer.Argument(...)) -> None:
    """Enable an account again (and end a sign-in wait after failed attempts)."""
    with data_session() as session:
        user = svc.set_active(session=session, actor=None, email=email, active=True)
        typer.echo(f"{user.email} enabled")


@user_app.command("set-password")
def user_set_password(
    email: str = typer.Argument(...),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the new password from standard input (10-256 characters, hard to guess).",
    ),
) -> None:
    """Set a new password (a random one is printed once unless given on stdin)."""
    password, generated = _password(password_stdin)
    with data_session() as session:
        user = svc.set_password(session=session, actor=None, email=email, password=password)
        typer.echo(f"password of {user.email} changed")
    if generated:
        typer.echo(f"password (shown once): {generated}")
