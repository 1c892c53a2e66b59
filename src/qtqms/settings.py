"""Runtime settings from QTQMS_* environment variables, with the secret key kept in the data dir."""

from __future__ import annotations

import os
import secrets
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from qtqms.kernel.errors import ConfigurationError

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
ARGON2_PROFILES = ("rfc_9106_low_memory", "rfc_9106_high_memory", "cheapest")


def _default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("qtqms", appauthor=False))


class Settings(BaseSettings):
    """Every QTQMS_* variable; see docs/install.md for the meaning of each."""

    model_config = SettingsConfigDict(env_prefix="QTQMS_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str = ""
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    argon2_profile: str = "rfc_9106_low_memory"
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    login_max_failures: int = Field(default=5, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    cli_user: str = ""
    secure_cookies: bool = False
    db_pool_size: int = Field(default=20, ge=1, le=1000)
    web_threads: int = Field(default=40, ge=1, le=1000)
    # Where trail checkpoints go and the key that signs them: put both where a database writer cannot reach.
    checkpoint_dir: Path | None = None
    checkpoint_key_file: Path | None = None

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite:// or postgresql+psycopg://")
        return value

    @field_validator("web_threads")
    @classmethod
    def _threads_for_every_connection(cls, value: int, info: ValidationInfo) -> int:
        pool = info.data.get("db_pool_size")
        if pool is not None and value < pool:
            raise ValueError(f"must be at least QTQMS_DB_POOL_SIZE ({pool}), or connections sit idle")
        return value

    @field_validator("argon2_profile")
    @classmethod
    def _known_profile(cls, value: str) -> str:
        if value not in ARGON2_PROFILES:
            raise ValueError(f"must be one of {', '.join(ARGON2_PROFILES)}")
        return value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'qtqms.sqlite'}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def effective_checkpoint_dir(self) -> Path:
        return self.checkpoint_dir or self.data_dir / "checkpoints"

    @property
    def effective_checkpoint_key_file(self) -> Path:
        return self.checkpoint_key_file or self.data_dir / "trail-checkpoint-key.json"


def _load() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = "QTQMS_" + str(first["loc"][0]).upper() if first["loc"] else "QTQMS_*"
        raise ConfigurationError(f"{name}: {first['msg']}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return _load()


def reset_settings() -> None:
    get_settings.cache_clear()
    _stored_keys.clear()


def ensure_data_dir(settings: Settings) -> Path:
    """Create the data dir (and check it is writable) before anything is stored there."""
    path = settings.data_dir
    try:
        path.mkdir(parents=True, exist_ok=True)
        # An unnamed file of this process's own: callers in other threads or processes never meet it.
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise ConfigurationError(f"QTQMS_DATA_DIR {path}: not writable ({error.strerror})") from None
    return path


# The key stored in each data dir, read once per process: every page render signs a CSRF token with it.
_stored_keys: dict[Path, str] = {}
_storing = threading.Lock()


def secret_key(settings: Settings) -> str:
    """The configured key, else the one stored in the data dir, else a new one stored with mode 0600."""
    if settings.secret_key:
        return settings.secret_key
    if settings.data_dir not in _stored_keys:
        with _storing:
            if settings.data_dir not in _stored_keys:
                _stored_keys[settings.data_dir] = _stored_key(settings)
    return _stored_keys[settings.data_dir]


def _stored_key(settings: Settings) -> str:
    key_file = settings.data_dir / SECRET_KEY_FILE
    if key_file.exists():
        return key_file.read_text().strip()
    ensure_data_dir(settings)
    key = secrets.token_urlsafe(48)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key
