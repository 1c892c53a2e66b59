"""`qtqms user …` and `qtqms token …`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.output import JSON_OPTION, Table, emit

user_app = typer.Typer(no_args_is_help=True, help="User accounts and roles.")
token_app = typer.Typer(no_args_is_help=True, help="API tokens for the REST API.")

REASON = typer.Option("", "--reason", help="Why; recorded in the audit trail.")


def _user_rows(users) -> list[list[object]]:
    return [[u.username, u.role, u.display_name, "disabled" if u.disabled else "active"] for u in users]


@user_app.command("create")
def user_create(
    username: str,
    role: Annotated[
        str,
        typer.Option(help="admin, quality_manager, risk_owner, engineer, ethics_officer, auditor, viewer"),
    ],
    display_name: Annotated[str, typer.Option(help="Full name shown in the interface.")] = "",
    email: str = "",
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input.")] = False,
    reason: str = REASON,
) -> None:
    """Create a user; a strong password is generated and printed once unless given on stdin."""
    from qtqms.identity import service
    from qtqms.identity.schemas import UserCreate

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    data = UserCreate(username=username, role=role, display_name=display_name, email=email, password=password)
    with use_case(write=True, reason=reason) as (uow, actor):
        user, generated = service.create_user(uow, actor, data)
    typer.echo(f"created user {user.username} ({user.role})")
    if generated:
        typer.echo(f"password (shown once): {generated}")


@user_app.command("list")
def user_list(as_json: bool = JSON_OPTION) -> None:
    """List the organisation's users."""
    from qtqms.identity import service

    with use_case() as (uow, actor):
        reads = service.list_users(uow, actor)
    emit(reads, as_json, Table("Users", ["username", "role", "name", "status"], _user_rows(reads)))


def _update(username: str, reason: str, **changes: object) -> None:
    from qtqms.identity import service
    from qtqms.identity.schemas import UserUpdate

    with use_case(write=True, reason=reason) as (uow, actor):
        user = service.update_user(uow, actor, username, UserUpdate(**changes))
    typer.echo(f"{user.username}: role {user.role}, {'disabled' if user.disabled else 'active'}")


@user_app.command("set-role")
def user_set_role(username: str, role: str, reason: str = REASON) -> None:
    """Change a user's role."""
    _update(username, reason, role=role)


@user_app.command("disable")
def user_disable(username: str, reason: str = REASON) -> None:
    """Disable a user: they can no longer log in or use their tokens."""
    _update(username, reason, disabled=True)


@user_app.command("enable")
def user_enable(username: str, reason: str = REASON) -> None:
    """Enable a disabled user again."""
    _update(username, reason, disabled=False)


@user_app.command("set-password")
def user_set_password(
    username: str,
    password_stdin: Annotated[bool, typer.Option(help="Read the new password from standard input.")] = False,
    revoke_tokens: Annotated[bool, typer.Option(help="Also revoke every API token of the user.")] = False,
    reason: str = REASON,
) -> None:
    """Set a user's password; without --password-stdin a strong one is generated and printed once."""
    from qtqms.identity import domain, service

    password = sys.stdin.readline().rstrip("\n") if password_stdin else domain.generate_password()
    with use_case(write=True, reason=reason) as (uow, actor):
        changed = service.set_password(uow, actor, username, password, revoke_tokens=revoke_tokens)
    typer.echo(f"password of {username} changed; {changed.sessions_ended} web session(s) ended, "
               f"{changed.tokens_revoked} API token(s) revoked")  # fmt: skip
    if not password_stdin:
        typer.echo(f"new password (shown once): {password}")


@token_app.command("create")
def token_create(
    name: str,
    expires_in_days: Annotated[int, typer.Option(help="Days until it expires; 0 for never.")] = 90,
) -> None:
    """Create an API token for the CLI user; the secret is printed once."""
    from qtqms.identity import service
    from qtqms.identity.schemas import TokenCreate

    with use_case(write=True) as (uow, actor):
        token, secret = service.create_token(
            uow, actor, TokenCreate(name=name, expires_in_days=expires_in_days or None)
        )
    expiry = f"expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "never expires"
    typer.echo(f"token {token.id} '{token.name}' for {actor.username}, {expiry}")
    typer.echo(f"secret (shown once): {secret}")


@token_app.command("list")
def token_list(as_json: bool = JSON_OPTION) -> None:
    """List the CLI user's API tokens (never their secrets)."""
    from qtqms.identity import service

    with use_case() as (uow, actor):
        tokens = service.list_tokens(uow, actor)
    rows = [
        [t.id, t.name, t.prefix + "…", t.expires_at or "never", "revoked" if t.revoked_at else "active"] for t in tokens
    ]
    emit(tokens, as_json, Table("API tokens", ["id", "name", "prefix", "expires", "status"], rows))


@token_app.command("revoke")
def token_revoke(token_id: int, reason: str = REASON) -> None:
    """Revoke an API token at once."""
    from qtqms.identity import service

    with use_case(write=True, reason=reason) as (uow, actor):
        token = service.revoke_token(uow, actor, token_id)
    typer.echo(f"token {token.id} '{token.name}' revoked")
