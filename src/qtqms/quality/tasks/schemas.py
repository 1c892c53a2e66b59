"""Task list shapes."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class TaskRead(BaseModel):
    area: str = Field(description="documents, nonconformities or risk")
    kind: str
    ref: str
    title: str
    href: str
    due_on: date | None
    overdue: bool


class TaskList(BaseModel):
    username: str
    tasks: list[TaskRead] = Field(description="The most pressing first, at most `limit` of them")
    total: int = Field(description="How many tasks wait, shown or not")
    overdue: int
