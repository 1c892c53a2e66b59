"""Responses that the browser saves as a file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

from fastapi.responses import Response, StreamingResponse


def attachment(name: str, stand_in: str = "download") -> str:
    """A Content-Disposition that no file name can break out of: an ASCII version of the name (`stand_in` when
    none of it is ASCII) and the exact UTF-8 name."""
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or stand_in
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(content: bytes | str, media_type: str, name: str) -> Response:
    return Response(content, media_type=media_type, headers={"Content-Disposition": attachment(name)})


def streamed_download(
    chunks: Iterable[bytes], size: int, name: str, stand_in: str = "download", headers: dict[str, str] | None = None
) -> StreamingResponse:
    """A file the browser saves, sent chunk by chunk with its length declared, so no copy of it is built here."""
    sent = {"Content-Disposition": attachment(name, stand_in), "Content-Length": str(size),
            "X-Content-Type-Options": "nosniff", **(headers or {})}  # fmt: skip
    return StreamingResponse(iter(chunks), media_type="application/octet-stream", headers=sent)
