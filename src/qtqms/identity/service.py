"""Identity use cases: accounts, logins (and re-entered passwords), web sessions and API tokens."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from qtqms.db.scoping import add_unique
from qtqms.db.uow import UnitOfWork
from qtqms.identity import domain
from qtqms.identity import repository as repo
from qtqms.identity.schemas import Me, TokenCreate, TokenRead, UserCreate, UserRead, UserUpdate
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, Problem, TooManyAttempts
from qtqms.kernel.rbac import ROLE_PERMISSIONS, OrgScope, Permission, Role, authorize, can, parse_role
from qtqms.models.identity import ApiToken, LoginAttempt, User, WebSession
from qtqms.settings import get_settings

BAD_CREDENTIALS = "wrong username or password"
DISABLED = "this account is disabled"


@lru_cache(maxsize=4)
def _hasher(profile_name: str):
    from argon2 import PasswordHasher, profiles

    return PasswordHasher.from_parameters(getattr(profiles, profile_name.upper()))


def hash_password(password: str) -> str:
    return _hasher(get_settings().argon2_profile).hash(password)


def _password_matches(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher(get_settings().argon2_profile).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verifying against a real hash when the user does not exist keeps the response time from telling
# an attacker which usernames exist.
_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(domain.generate_password()))
    return _DUMMY_HASH[0]


def _actor_of(user: User, *, demo: bool = False) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        role=user.role,
        organisation_id=user.organisation_id,
        display_name=user.display_name,
        demo=demo,
    )


def describe(actor: Actor) -> Me:
    permissions = sorted(p.value for p in ROLE_PERMISSIONS[Role(actor.role)])
    return Me(
        user_id=actor.user_id,
        username=actor.username,
        display_name=actor.display_name,
        role=actor.role,
        organisation_id=actor.organisation_id,
        permissions=permissions,
    )


def _get_user(uow: UnitOfWork, scope: OrgScope, username: str) -> User:
    user = repo.member_by_username(uow.session, scope, username)
    if user is None:
        raise NotFound(f"user '{username}' not found")
    return user


def active_member_id(uow: UnitOfWork, actor: Actor, username: str, field: str = "owner") -> int:
    """The id of the enabled user of the actor's organisation named in the input `field` (an owner, say)."""
    user = repo.member_by_username(uow.session, authorize(actor, Permission.READ), username.strip())
    if user is None or user.disabled:
        message = f"no active user '{username}' in this organisation"
        raise InvalidInput(f"{field}: {message}", [Problem(message, field=field)])
    return user.id


def usernames(uow: UnitOfWork, user_ids: Iterable[int | None], scope: OrgScope) -> dict[int, str]:
    """Usernames by id, for showing who owns or did what: only the scope's organisation's users."""
    return repo.usernames(uow.session, scope, user_ids)


def _new_user(uow: UnitOfWork, scope: OrgScope, data: UserCreate, *, is_demo: bool) -> tuple[User, str | None]:
    domain.check_username(data.username)
    role = parse_role(data.role)
    generated = None
    if data.password is None:
        generated = domain.generate_password()
    password = domain.check_password_strength(data.password) if data.password is not None else generated
    user = User(
        organisation_id=scope.organisation_id,
        username=data.username,
        display_name=data.display_name,
        email=data.email,
        role=role.value,
        password_hash=hash_password(password),
        is_demo=is_demo,
    )
    # Usernames are unique across organisations, so the key that refuses a taken name spans them all.
    add_unique(uow.session, user, f"user '{data.username}'")
    uow.flush()
    return user, generated


def create_user(
    uow: UnitOfWork, actor: Actor, data: UserCreate, *, is_demo: bool = False
) -> tuple[UserRead, str | None]:
    """Admins create accounts; a password is generated (and returned once) when none is given."""
    scope = authorize(actor, Permission.USER_ADMIN)
    user, generated = _new_user(uow, scope, data, is_demo=is_demo)
    return UserRead.model_validate(user), generated


def create_first_admin(uow: UnitOfWork, scope: OrgScope, username: str, *, is_demo: bool = False) -> str:
    """The first admin of an organisation being set up (no user exists yet to authorise it, so the set-up passes
    a system scope); returns the generated password, shown once."""
    data = UserCreate(username=username, role=Role.ADMIN.value, display_name="Administrator")
    _, password = _new_user(uow, scope, data, is_demo=is_demo)
    assert password is not None
    return password


def list_users(uow: UnitOfWork, actor: Actor) -> list[UserRead]:
    scope = authorize(actor, Permission.USER_ADMIN)
    return [UserRead.model_validate(user) for user in repo.users(uow.session, scope)]


def update_user(uow: UnitOfWork, actor: Actor, username: str, data: UserUpdate) -> UserRead:
    """Admins change roles and disable accounts, but never remove the last active admin."""
    scope = authorize(actor, Permission.USER_ADMIN)
    user = _get_user(uow, scope, username)
    loses_admin = (data.role is not None and parse_role(data.role) != Role.ADMIN) or data.disabled is True
    last_admin = user.role == Role.ADMIN and not user.disabled
    if last_admin and loses_admin and repo.count_active_admins(uow.session, scope) <= 1:
        raise Conflict(f"user '{username}' is the last active admin; make another admin first")
    if data.role is not None:
        user.role = parse_role(data.role).value
    if data.display_name is not None:
        user.display_name = data.display_name
    if data.email is not None:
        user.email = data.email
    if data.disabled is not None:
        user.disabled = data.disabled
    uow.flush()
    return UserRead.model_validate(user)


def set_password(
    uow: UnitOfWork, actor: Actor, username: str, password: str, *, keep_session: str = "", revoke_tokens: bool = False
) -> PasswordChanged:
    """Users change their own password; admins may reset anyone's. Every session of the user ends (but the one
    that made the change, `keep_session`, a raw cookie token), and with `revoke_tokens` every API token: whoever
    learnt the old password may already be logged in."""
    scope = authorize(actor, Permission.READ if username == actor.username else Permission.USER_ADMIN)
    user = _get_user(uow, scope, username)
    user.password_hash = hash_password(domain.check_password_strength(password))
    kept = domain.digest(keep_session) if keep_session else None
    ended = repo.end_sessions_of(uow.session, user.id, keeping=kept)
    revoked = _revoke_all(uow, user.id) if revoke_tokens else 0
    uow.flush()
    uow.record("password_changed", "user_account", user.id, label=user.username,
               after={"sessions_ended": ended, "tokens_revoked": revoked})  # fmt: skip
    return PasswordChanged(sessions_ended=ended, tokens_revoked=revoked)


def _revoke_all(uow: UnitOfWork, user_id: int) -> int:
    """Revoke each live token as a change of its own, so the trail names every one."""
    live = [token for token in repo.tokens_of(uow.session, user_id) if token.revoked_at is None]
    for token in live:
        token.revoked_at = clock.now()
    return len(live)


def reset_password(uow: UnitOfWork, actor: Actor, username: str) -> tuple[str, PasswordChanged]:
    """An admin gives a user a new generated password (returned once), ending all their sessions."""
    authorize(actor, Permission.USER_ADMIN)
    password = domain.generate_password()
    return password, set_password(uow, actor, username, password)


@dataclass(frozen=True)
class PasswordChanged:
    sessions_ended: int
    tokens_revoked: int


@dataclass(frozen=True)
class LoginOutcome:
    user: UserRead | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.user is not None


def _check_password(
    uow: UnitOfWork, username: str, password: str, user: User | None, *, ip_address: str, refused: str
) -> str:
    """The one password check of logins and re-authentications: why it failed, or "" when it passed.

    Too many recent failures for the username refuse it unchecked (`refused` names what is counted), and
    every check is logged. A failed check is kept even when the caller's transaction rolls back, or a
    refused signature would be a free guess.
    """
    settings = get_settings()
    now = clock.now()
    since = domain.window_start(now, settings.login_window_minutes)
    if domain.is_throttled(repo.recent_failures(uow.session, username, since), settings.login_max_failures):
        raise TooManyAttempts(
            f"too many {refused} for '{username}'; try again in {settings.login_window_minutes} minutes"
        )
    valid = _password_matches(user.password_hash if user else _dummy_hash(), password)
    error = BAD_CREDENTIALS if user is None or not valid else DISABLED if user.disabled else ""
    attempt = LoginAttempt(username=username[:80], ip_address=ip_address, attempted_at=now, succeeded=not error)
    if error:
        uow.keep_after_rollback(attempt)
    else:
        uow.session.add(attempt)
    uow.flush()
    return error


def authenticate(uow: UnitOfWork, username: str, password: str, *, ip_address: str = "") -> LoginOutcome:
    """Check a password, recording the attempt; too many recent failures lock the username for a while.

    The outcome is returned rather than raised so the caller can commit the recorded attempt.
    """
    user = repo.user_by_username(uow.session, username)
    error = _check_password(uow, username, password, user, ip_address=ip_address, refused="failed logins")
    if error:
        return LoginOutcome(None, error)
    assert user is not None
    uow.actor = _actor_of(user)
    uow.record("login", "user_account", user.id, label=user.username, after={"ip_address": ip_address})
    return LoginOutcome(UserRead.model_validate(user))


def reauthenticate(uow: UnitOfWork, actor: Actor, password: str, *, ip_address: str = "") -> None:
    """The signed-in user types their password again (before an electronic signature), through the same
    throttle and attempt log as a login: an API token alone gives no more guesses than the login page.

    A wrong password raises NotAuthenticated; the attempt and a trail event stay after the rollback.
    """
    user = repo.member(uow.session, authorize(actor, Permission.READ), actor.user_id)
    username = user.username if user else actor.username
    if _check_password(uow, username, password, user, ip_address=ip_address, refused="failed password attempts"):
        uow.record("password_refused", "user_account", actor.user_id, label=username, keep=True)
        raise NotAuthenticated("password does not match")


def start_session(uow: UnitOfWork, user: UserRead, *, ip_address: str = "") -> str:
    """Open a server-side session and return the raw cookie token (only its hash is stored)."""
    now = clock.now()
    raw = domain.new_secret_token()
    uow.session.add(
        WebSession(
            token_hash=domain.digest(raw),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=get_settings().session_hours),
            last_seen_at=now,
            ip_address=ip_address,
        )
    )
    repo.delete_expired_sessions(uow.session, now)
    uow.flush()
    return raw


def resolve_session(uow: UnitOfWork, raw_token: str) -> Actor | None:
    found = repo.session_with_user(uow.session, domain.digest(raw_token))
    if found is None:
        return None
    web_session, user, demo = found
    now = clock.now()
    if web_session.expires_at <= now or user.disabled:
        return None
    return _actor_of(user, demo=demo)


def end_session(uow: UnitOfWork, raw_token: str) -> None:
    found = repo.session_with_user(uow.session, domain.digest(raw_token))
    if found is None:
        return
    web_session, user, _ = found
    uow.actor = _actor_of(user)
    uow.session.delete(web_session)
    uow.record("logout", "user_account", user.id, label=user.username)


def create_token(uow: UnitOfWork, actor: Actor, data: TokenCreate) -> tuple[TokenRead, str]:
    """Create an API token for the actor; the secret is returned once and stored hashed."""
    authorize(actor, Permission.OWN_TOKENS)
    now = clock.now()
    raw = domain.new_secret_token(domain.TOKEN_PREFIX)
    token = ApiToken(
        user_id=actor.user_id,
        name=data.name,
        token_hash=domain.digest(raw),
        prefix=raw[: len(domain.TOKEN_PREFIX) + 6],
        created_at=now,
        expires_at=now + timedelta(days=data.expires_in_days) if data.expires_in_days else None,
    )
    uow.session.add(token)
    uow.flush()
    return TokenRead.model_validate(token), raw


def list_tokens(uow: UnitOfWork, actor: Actor) -> list[TokenRead]:
    authorize(actor, Permission.OWN_TOKENS)
    return [TokenRead.model_validate(token) for token in repo.tokens_of(uow.session, actor.user_id)]


def revoke_token(uow: UnitOfWork, actor: Actor, token_id: int) -> TokenRead:
    """Owners revoke their tokens; admins may revoke anyone's in their organisation."""
    token = repo.token_in(uow.session, authorize(actor, Permission.OWN_TOKENS), token_id)
    if token.user_id != actor.user_id and not can(actor, Permission.USER_ADMIN):
        # The same answer as for a token that does not exist: whose tokens exist is not a non-admin's to learn.
        raise NotFound(f"token {token_id} not found")
    if token.revoked_at is not None:
        raise Conflict(f"token {token_id} is already revoked")
    token.revoked_at = clock.now()
    uow.flush()
    return TokenRead.model_validate(token)


def resolve_token(uow: UnitOfWork, raw_token: str) -> Actor:
    """The actor behind a bearer token; unknown, expired, revoked or disabled-user tokens are refused."""
    found = repo.token_with_user(uow.session, domain.digest(raw_token))
    if found is None:
        raise NotAuthenticated("unknown API token")
    token, user, demo = found
    now = clock.now()
    if token.revoked_at is not None:
        raise NotAuthenticated(f"API token '{token.name}' was revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise NotAuthenticated(f"API token '{token.name}' expired on {token.expires_at:%Y-%m-%d}")
    if user.disabled:
        raise NotAuthenticated(f"user '{user.username}' is disabled")
    # Coarse on purpose, and after the request's own transaction: a write per request would serialise every API
    # call on SQLite, and a read request must not write.
    if token.last_used_at is None or now - token.last_used_at > domain.SESSION_TOUCH_INTERVAL:
        token_id = token.id
        uow.bookkeep(lambda session: repo.mark_token_used(session, token_id, now))
    return _actor_of(user, demo=demo)


def local_actor(uow: UnitOfWork, username: str = "") -> Actor:
    """The user the command line acts as: the one named, else the first active admin."""
    user = repo.user_by_username(uow.session, username) if username else repo.first_active_admin(uow.session)
    if user is None:
        if username:
            raise NotFound(f"user '{username}' not found (set by --as or QTQMS_CLI_USER)")
        raise InvalidInput("no active admin user; run 'qtqms init' first")
    if user.disabled:
        raise InvalidInput(f"user '{username}' is disabled")
    return _actor_of(user, demo=repo.organisation_is_demo(uow.session, user.organisation_id))


def active_user_counts(uow: UnitOfWork, actor: Actor) -> dict[str, int]:
    return repo.active_users_by_role(uow.session, authorize(actor, Permission.READ))
