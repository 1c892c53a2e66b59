"""Organisation rules: technology domains and jurisdiction codes."""

from __future__ import annotations

import re
from enum import StrEnum

from qtqms.kernel.errors import InvalidInput


class Technology(StrEnum):
    COMPUTING = "computing"
    COMMUNICATION = "communication"
    SENSING = "sensing"
    METROLOGY = "metrology"
    SIMULATION = "simulation"


# ISO 3166-1 alpha-2, or a regional bloc code such as EU.
JURISDICTION_CODE = re.compile(r"^[A-Z]{2,3}$")
PRODUCT_KEY = re.compile(r"^[A-Z][A-Z0-9-]{1,39}$")


def parse_technology(value: str) -> Technology:
    try:
        return Technology(value)
    except ValueError:
        known = ", ".join(t.value for t in Technology)
        raise InvalidInput(f"technology '{value}': must be one of {known}") from None


def check_jurisdiction_code(code: str) -> str:
    if not JURISDICTION_CODE.match(code):
        raise InvalidInput(f"jurisdiction code '{code}': use an ISO 3166-1 alpha-2 code (e.g. DE) or a bloc (EU)")
    return code


def check_product_key(key: str) -> str:
    if not PRODUCT_KEY.match(key):
        raise InvalidInput(f"product key '{key}': use 2-40 capitals, digits or '-', starting with a letter")
    return key
