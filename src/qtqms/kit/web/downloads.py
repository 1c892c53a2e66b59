"""Responses that the browser saves as a file."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi.responses import Response


def attachment(name: str, stand_in: str = "download") -> str:
    """A Content-Disposition that no file name can break out of: an ASCII version of the name (`stand_in` when
    none of it is ASCII) and the exact UTF-8 name."""
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or stand_in
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(content: bytes | str, media_type: str, name: str) -> Response:
    return Response(content, media_type=media_type, headers={"Content-Disposition": attachment(name)})
