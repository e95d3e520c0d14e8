"""Bytes to text for statements: UTF-8 (with or without a byte-order mark), else
Windows-1252, strictly; anything else is refused with a message that says what to do."""

from __future__ import annotations

from spendwise.imports.formats import FormatError
from spendwise.phrases import Phrase, gettext_noop

UTF8 = "utf-8-sig"
CP1252 = "cp1252"
ENCODING_NAMES = {UTF8: "UTF-8", CP1252: "Windows-1252"}

_SAVE_AS = Phrase(
    gettext_noop(
        "Save it from your bank or spreadsheet as “CSV UTF-8” (or download OFX) and try again."
    )
)


def refuse_unreadable(data: bytes) -> None:
    """Raise ``FormatError`` for files we know we cannot read: workbooks, PDFs, UTF-16/32."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FormatError(
            Phrase(
                gettext_noop(
                    "This file is encoded as UTF-16, which SpendWise cannot read. %(SAVE_AS)s"
                ),
                SAVE_AS=_SAVE_AS,
            )
        )
    if data.startswith(b"PK\x03\x04"):
        raise FormatError(
            Phrase(
                gettext_noop(
                    "This looks like an Excel or OpenDocument workbook, not a text file. "
                    "%(SAVE_AS)s"
                ),
                SAVE_AS=_SAVE_AS,
            )
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FormatError(
            Phrase(
                gettext_noop("This looks like an old Excel workbook (.xls). %(SAVE_AS)s"),
                SAVE_AS=_SAVE_AS,
            )
        )
    if data.startswith(b"%PDF"):
        raise FormatError(
            Phrase(
                gettext_noop(
                    "PDF statements cannot be imported. Download the statement as CSV, OFX, QIF, "
                    "CAMT.053 or MT940 from your bank instead."
                )
            )
        )
    if b"\x00" in data[:65536]:
        raise FormatError(
            Phrase(
                gettext_noop(
                    "This file is not plain text: it contains NUL bytes, so it is probably UTF-16 "
                    "or a binary file. %(SAVE_AS)s"
                ),
                SAVE_AS=_SAVE_AS,
            )
        )


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with an optional BOM first, else Windows-1252, both strict."""
    refuse_unreadable(data)
    try:
        return data.decode(UTF8), UTF8
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(CP1252), CP1252
    except UnicodeDecodeError as exc:
        raise FormatError(
            Phrase(
                gettext_noop(
                    "This file is neither UTF-8 nor Windows-1252 text (byte %(value)s cannot be "
                    "read). %(SAVE_AS)s"
                ),
                value=exc.start + 1,
                SAVE_AS=_SAVE_AS,
            )
        ) from None
