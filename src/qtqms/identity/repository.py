"""Identity queries. Those over an organisation's users take its scope; the lookups that find the user before any
organisation is known (login, the command line's user, a session or token by its hash) do not, and say why."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from qtqms.db.scoping import one_or_404, scoped
from qtqms.kernel.rbac import OrgScope
from qtqms.models.identity import ApiToken, LoginAttempt, User, WebSession
from qtqms.models.org import Organisation


def user_by_username(session: Session, username: str) -> User | None:
    """Usernames are unique across organisations: a login and the command line name the user before anyone's
    organisation is known."""
    return session.scalar(select(User).where(User.username == username))


def member_by_username(session: Session, scope: OrgScope, username: str) -> User | None:
    return session.scalar(scoped(select(User).where(User.username == username), User, scope))


def member(session: Session, scope: OrgScope, user_id: int) -> User | None:
    return session.scalar(scoped(select(User).where(User.id == user_id), User, scope))


def usernames(session: Session, scope: OrgScope, user_ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in user_ids if i}
    if not wanted:
        return {}
    stmt = scoped(select(User.id, User.username).where(User.id.in_(wanted)), User, scope)
    return dict(session.execute(stmt).all())


def users(session: Session, scope: OrgScope) -> list[User]:
    return list(session.scalars(scoped(select(User), User, scope).order_by(User.username)))


def count_active_admins(session: Session, scope: OrgScope) -> int:
    stmt = scoped(select(func.count()).where(User.role == "admin", User.disabled.is_(False)), User, scope)
    return session.scalar(stmt) or 0


def first_active_admin(session: Session) -> User | None:
    """The command line acts as the first admin when no user is named: there is no organisation to scope by yet."""
    stmt = select(User).where(User.role == "admin", User.disabled.is_(False)).order_by(User.id).limit(1)
    return session.scalar(stmt)


def recent_failures(session: Session, username: str, since: datetime) -> int:
    stmt = select(func.count()).where(
        LoginAttempt.username == username,
        LoginAttempt.attempted_at >= since,
        LoginAttempt.succeeded.is_(False),
    )
    return session.scalar(stmt) or 0


def session_with_user(session: Session, token_hash: str) -> tuple[WebSession, User, bool] | None:
    """The session, its user, and whether the user's organisation is the demo company (one query). Found by the
    cookie's hash: this is how the organisation becomes known."""
    stmt = (
        select(WebSession, User, Organisation.is_demo)
        .join(User, User.id == WebSession.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(WebSession.token_hash == token_hash)
    )
    row = session.execute(stmt).one_or_none()
    return (row[0], row[1], row[2]) if row else None


def token_with_user(session: Session, token_hash: str) -> tuple[ApiToken, User, bool] | None:
    """A bearer token, its user and whether it is the demo company, by the token's hash (as a session above)."""
    stmt = (
        select(ApiToken, User, Organisation.is_demo)
        .join(User, User.id == ApiToken.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(ApiToken.token_hash == token_hash)
    )
    row = session.execute(stmt).one_or_none()
    return (row[0], row[1], row[2]) if row else None


def mark_token_used(session: Session, token_id: int, at: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at))


def organisation_is_demo(session: Session, organisation_id: int) -> bool:
    return bool(session.scalar(select(Organisation.is_demo).where(Organisation.id == organisation_id)))


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))


def token_in(session: Session, scope: OrgScope, token_id: int) -> ApiToken:
    """A token of a user of the organisation, or NotFound."""
    stmt = select(ApiToken).join(User, User.id == ApiToken.user_id).where(ApiToken.id == token_id)
    return one_or_404(session, scoped(stmt, User, scope), f"token {token_id}")


def end_sessions_of(session: Session, user_id: int, *, keeping: str | None = None) -> int:
    """Delete the user's sessions, but the one whose token hash is `keeping`; how many ended."""
    stmt = delete(WebSession).where(WebSession.user_id == user_id)
    if keeping:
        stmt = stmt.where(WebSession.token_hash != keeping)
    return session.execute(stmt).rowcount or 0


def delete_expired_sessions(session: Session, now: datetime) -> None:
    for expired in session.scalars(select(WebSession).where(WebSession.expires_at < now)):
        session.delete(expired)


def active_users_by_role(session: Session, scope: OrgScope) -> dict[str, int]:
    stmt = scoped(select(User.role, func.count()).where(User.disabled.is_(False)), User, scope).group_by(User.role)
    return {role: count for role, count in session.execute(stmt)}
