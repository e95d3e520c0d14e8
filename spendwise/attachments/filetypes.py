"""What kind of file a receipt is, read from its first bytes (its "magic"), never from its
name or from the Content-Type the browser sent. No Django here.

Accepted: JPEG, PNG, WebP and HEIC/HEIF images, and PDF documents.
"""

from __future__ import annotations

import re

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
HEIC = "image/heic"
HEIF = "image/heif"
PDF = "application/pdf"

ACCEPTED = (JPEG, PNG, WEBP, HEIC, HEIF, PDF)
ACCEPTED_NAMES = "JPEG, PNG, WebP or HEIC images, or PDF documents"
EXTENSIONS = {
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
    WEBP: (".webp",),
    HEIC: (".heic",),
    HEIF: (".heif", ".heic"),
    PDF: (".pdf",),
}
HEAD_BYTES = 64  # enough of the start of a file for ``sniff``

# ISO base media (HEIF) brands: the HEVC-coded ones are HEIC; mif1/msf1 are any HEIF image.
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1"}
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def sniff(head: bytes) -> str | None:
    """The content type of a file starting with ``head`` (its first ``HEAD_BYTES`` bytes),
    or None when it is none of the accepted kinds."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp":
        return _heif_type(head)
    return None


def _heif_type(head: bytes) -> str | None:
    """An ISO base media ``ftyp`` box: the major brand, then the compatible ones."""
    box_size = int.from_bytes(head[:4], "big")
    end = min(max(box_size, 16), len(head))
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, end - 3, 4)}
    if brands & _HEIC_BRANDS:
        return HEIC
    if head[8:12] in _HEIF_BRANDS and not brands & {b"avif", b"avis"}:
        return HEIF
    return None


def safe_filename(name: str, content_type: str) -> str:
    """The name a person gave the file, fit to be offered back to them: the last path part,
    no control characters, at most 200 characters, and ending with an extension of the type
    it really is (so "invoice.html" that is a PNG downloads as "invoice.html.png")."""
    base = _UNSAFE_NAME.sub(" ", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    extensions = EXTENSIONS.get(content_type, ())
    base = base or "receipt"
    if not extensions:
        return base[:200]
    matching = [ext for ext in extensions if base.lower().endswith(ext)]
    suffix = base[-len(matching[0]) :] if matching else extensions[0]
    stem = base[: -len(suffix)] if matching else base
    return f"{stem[: 200 - len(suffix)]}{suffix}"
