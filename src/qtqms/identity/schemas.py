"""Identity input and output shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=40)
    role: str
    display_name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    password: str | None = Field(default=None, description="Generated when omitted and returned once.")


class UserUpdate(BaseModel):
    role: str | None = None
    display_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    disabled: bool | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    email: str
    role: str
    disabled: bool
    is_demo: bool
    created_at: datetime


class UserCreated(BaseModel):
    user: UserRead
    password: str | None = Field(default=None, description="Only present when the password was generated.")


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    expires_in_days: int | None = Field(default=90, ge=1, le=3650, description="Omit (null) for no expiry.")


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(BaseModel):
    token: TokenRead
    secret: str = Field(description="The bearer token; shown once, stored only as a hash.")


class Me(BaseModel):
    user_id: int
    username: str
    display_name: str
    role: str
    organisation_id: int
    permissions: list[str]
