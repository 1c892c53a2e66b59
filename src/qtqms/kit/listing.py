"""One list query for every entry point: the filters, the sort and the page that a caller asks a list for.

A slice subclasses `ListQuery` with its filters and the sorts it allows. The API takes the subclass as
`Annotated[TheQuery, Query()]`, a page reads it from its URL the same way, the CLI builds it from its options and
an export reuses it, so every entry point accepts the same filters and refuses a bad one with the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError


class ListQuery(BaseModel):
    """Filters + sort + cursor + page size. Subclasses set `sorts` (the first is the default) and add filters."""

    sorts: ClassVar[tuple[str, ...]] = ()

    sort: str = Field(default="", description="What to sort by")
    descending: bool = Field(default=True, description="Highest first")
    order: Literal["asc", "desc"] | None = Field(
        default=None, exclude=True, description="asc or desc: another way to say descending=false or true"
    )
    cursor: str | None = Field(default=None, max_length=500, description="The next_cursor of the page before")
    limit: int = Field(default=50, ge=1, le=200, description="Rows per page")

    @model_validator(mode="before")
    @classmethod
    def _blank_means_not_given(cls, data: Any) -> Any:
        """A blank field (a form's "all", an empty CLI option) leaves the filter unset and the default in force."""
        if not isinstance(data, Mapping):
            return data
        return {
            name: value.strip() if isinstance(value, str) else value
            for name, value in data.items()
            if not (isinstance(value, str) and not value.strip())
        }

    @model_validator(mode="after")
    def _order_is_the_direction(self) -> ListQuery:
        if self.order is not None:
            self.descending, self.order = self.order == "desc", None
        return self

    @field_validator("sort", mode="before")
    @classmethod
    def _allowed_sort(cls, value: Any) -> Any:
        if value in ("", None) and cls.sorts:
            return cls.sorts[0]
        if value not in cls.sorts:
            raise PydanticCustomError(
                "unknown_sort", "unknown sort '{sort}': use {allowed}", {"sort": value, "allowed": ", ".join(cls.sorts)}
            )
        return value

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Default to the first allowed sort and show the allowed ones in the API's schema."""
        super().__pydantic_init_subclass__(**kwargs)
        if cls.sorts:
            field = cls.model_fields["sort"]
            field.default = cls.sorts[0]
            field.json_schema_extra = {"enum": list(cls.sorts)}
            cls.model_rebuild(force=True)

    def filters(self) -> dict[str, Any]:
        """The filters alone (what decides which rows match, not their order or page)."""
        return self.model_dump(exclude=set(ListQuery.model_fields))

    def link_params(self, **changes: Any) -> dict[str, str]:
        """This query as URL parameters for a link (the next page, an export), defaults left out."""
        values = self.model_dump(exclude={"cursor", "order"}, exclude_defaults=True) | changes
        return {name: _param(value) for name, value in values.items() if value is not None}


def _param(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
