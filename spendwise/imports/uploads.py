"""Refusing an oversized upload without reading it.

Two gates: the view compares the request's ``Content-Length`` with ``IMPORT_MAX_BYTES``
before anything parses the body (so a 50 MB post is answered at once, its body unread); and
``SizeLimit``, put first among the request's upload handlers, stops reading a file that
passes the limit while it streams (for a request without a length, e.g. chunked). Below the
limit Django keeps small files in memory and streams larger ones to a temporary file
(``FILE_UPLOAD_MAX_MEMORY_SIZE``), so an upload never sits whole in memory while it arrives.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

# What a multipart body carries besides the file: boundaries, the CSRF token, the account.
MULTIPART_ALLOWANCE = 64 * 1024


def declared_length(request: HttpRequest) -> int | None:
    """The body's ``Content-Length``, when the client sent a sensible one."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


def too_long(request: HttpRequest, limit: int) -> bool:
    """Whether the declared body is larger than a file of ``limit`` bytes could make it."""
    length = declared_length(request)
    return length is not None and length > limit + MULTIPART_ALLOWANCE


class SizeLimit(FileUploadHandler):
    """Stops the upload as soon as a file passes ``limit`` bytes; ``exceeded`` tells."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            # connection_reset: do not read the rest of the body either.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
