"""File types are read from the bytes, whatever the name says."""

from __future__ import annotations

import pytest

from spendwise.attachments import filetypes


def heif(major: bytes, *compatible: bytes) -> bytes:
    brands = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return (8 + len(brands)).to_bytes(4, "big") + b"ftyp" + brands + b"\x00" * 32


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.4\n", "application/pdf"),
        (heif(b"heic", b"mif1", b"heic"), "image/heic"),
        (heif(b"mif1", b"heic"), "image/heic"),
        (heif(b"mif1", b"miaf"), "image/heif"),
    ],
)
def test_it_recognises_the_accepted_kinds_by_their_first_bytes(head, expected):
    assert filetypes.sniff(head) == expected


@pytest.mark.parametrize(
    "head",
    [
        b"<!doctype html><script>alert(1)</script>",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"GIF89a\x01\x00\x01\x00",
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows program
        b"PK\x03\x04\x14\x00",  # a zip (and so any Office file)
        heif(b"avif", b"mif1", b"avif"),
        heif(b"mif1", b"avif"),
        heif(b"isom", b"mp41"),  # an MP4 video
        b"",
    ],
)
def test_it_refuses_everything_else(head):
    assert filetypes.sniff(head) is None


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("Receipt.JPG", "image/jpeg", "Receipt.JPG"),
        ("scan.pdf", "application/pdf", "scan.pdf"),
        ("invoice.html", "image/png", "invoice.html.png"),
        ("C:\\Users\\me\\Desktop\\bill.png", "image/png", "bill.png"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("line\nbreak\r.webp", "image/webp", "line break .webp"),
        ("", "image/heic", "receipt.heic"),
        ("x" * 300 + ".png", "image/png", "x" * 196 + ".png"),
    ],
)
def test_it_offers_a_safe_name_that_ends_with_the_real_type(name, content_type, expected):
    assert filetypes.safe_filename(name, content_type) == expected
