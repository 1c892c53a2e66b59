"""References people read and type: a requirement of a framework ("iso27001-2022:A.8.24") and a record's human
number ("R-0042", "NC-0007"). One text form each, used by every slice."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qtqms.kernel.errors import InvalidInput, Problem

# Pack ids and requirement ids, the shapes the catalogue's pack schema accepts.
_REQUIREMENT = re.compile(
    r"^(?P<framework>[a-z0-9][a-z0-9.-]*[a-z0-9]):(?P<requirement>[A-Za-z0-9]([A-Za-z0-9 ._:/()+-]*[A-Za-z0-9)])?)$"
)


@dataclass(frozen=True, order=True)
class RequirementRef:
    framework: str
    requirement: str

    def __str__(self) -> str:
        return f"{self.framework}:{self.requirement}"

    @classmethod
    def parse(cls, text: str, field: str = "requirement") -> RequirementRef:
        match = _REQUIREMENT.match(text.strip())
        if not match:
            message = f"'{text}' is not a requirement reference of the form pack-id:REQ-ID (iso27001-2022:A.8.24)"
            raise InvalidInput(f"{field}: {message}", [Problem(message, field=field)])
        return cls(match["framework"], match["requirement"])


@dataclass(frozen=True, order=True)
class HumanRef:
    """A record's number as people say it: prefix, dash, at least four digits."""

    prefix: str
    number: int

    def __str__(self) -> str:
        return f"{self.prefix}-{self.number:04d}"

    @classmethod
    def parse(cls, prefix: str, text: str, what: str) -> HumanRef:
        """The number in "R-0042", "r42" or "R42"; anything else is refused naming the form."""
        match = re.fullmatch(rf"{re.escape(prefix)}-?(\d{{1,9}})", text.strip(), re.IGNORECASE)
        if not match:
            raise InvalidInput(f"{what} reference '{text}': use the form {cls(prefix, 42)}")
        return cls(prefix, int(match.group(1)))
