"""Identity queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from qtqms.models.identity import ApiToken, LoginAttempt, User, WebSession
from qtqms.models.org import Organisation


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def member_by_username(session: Session, organisation_id: int, username: str) -> User | None:
    return session.scalar(select(User).where(User.organisation_id == organisation_id, User.username == username))


def usernames(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in user_ids if i}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(wanted))).all())


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def users(session: Session, organisation_id: int) -> list[User]:
    return list(session.scalars(select(User).where(User.organisation_id == organisation_id).order_by(User.username)))


def count_active_admins(session: Session, organisation_id: int) -> int:
    stmt = select(func.count()).where(
        User.organisation_id == organisation_id, User.role == "admin", User.disabled.is_(False)
    )
    return session.scalar(stmt) or 0


def first_active_admin(session: Session) -> User | None:
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
    """The session, its user, and whether the user's organisation is the demo company (one query)."""
    stmt = (
        select(WebSession, User, Organisation.is_demo)
        .join(User, User.id == WebSession.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(WebSession.token_hash == token_hash)
    )
    row = session.execute(stmt).one_or_none()
    return (row[0], row[1], row[2]) if row else None


def token_with_user(session: Session, token_hash: str) -> tuple[ApiToken, User, bool] | None:
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


def token_by_id(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def delete_expired_sessions(session: Session, now: datetime) -> None:
    for expired in session.scalars(select(WebSession).where(WebSession.expires_at < now)):
        session.delete(expired)


def active_users_by_role(session: Session, organisation_id: int) -> dict[str, int]:
    stmt = (
        select(User.role, func.count())
        .where(User.organisation_id == organisation_id, User.disabled.is_(False))
        .group_by(User.role)
    )
    return {role: count for role, count in session.execute(stmt)}
