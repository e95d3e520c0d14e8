"""Where uploaded files live: one small interface for receipts (and, later, imports).

``FileStorage`` has four operations on opaque keys. Two implementations:

* ``LocalFileStorage`` — a folder (``FILE_STORAGE_DIR``, default ``var/files``). Files are
  never served as static files: ``url()`` returns a short-lived signed link to the
  ``attachments:file`` view, which also requires a signed-in member of the household whose
  folder the key is in.
* ``S3FileStorage`` — a private bucket (``S3_BUCKET``); objects are written with server-side
  encryption, and ``url()`` is a presigned GET that expires (``FILE_URL_EXPIRY_SECONDS``).

``FILE_STORAGE=local|s3`` picks one; ``get_storage()`` returns it. Every key starts with
``households/<id>/`` (``new_key``), which is what the local file view checks.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import uuid
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.http import content_disposition_header

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*")
_META_SUFFIX = ".meta.json"
_SIGNING_SALT = "spendwise.attachments.file-url"  # namespaces the signature, not a secret


class StorageError(Exception):
    """The storage could not do what was asked (a bad key, the bucket unreachable …)."""


class MissingFile(StorageError):
    """No file is stored under that key."""


class FileStorage(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key`` (replacing what was there), served as ``content_type``."""

    def open(self, key: str) -> bytes:
        """The bytes stored under ``key``; ``MissingFile`` when there are none."""

    def delete(self, key: str) -> None:
        """Remove the file; deleting a key that holds nothing is not an error."""

    def url(self, key: str, *, filename: str) -> str:
        """A URL the signed-in browser can fetch the file from for a short while, shown
        inline under ``filename``."""


def household_prefix(household_id: int) -> str:
    return f"households/{household_id}/"


def new_key(household_id: int, folder: str) -> str:
    """An unguessable key for a new file of the household: ``households/7/receipts/<uuid>``."""
    return f"{household_prefix(household_id)}{folder}/{uuid.uuid4().hex}"


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key) or ".." in key or key.endswith(_META_SUFFIX):
        raise StorageError(f"not a storage key: {key!r}")
    return key


# --- local folder -------------------------------------------------------------------------------
class LocalFileStorage:
    """Files in a folder; the content type is kept beside each file in ``<key>.meta.json``."""

    def __init__(self, root: Path, *, url_expiry_seconds: int) -> None:
        self.root = Path(root)
        self.url_expiry_seconds = url_expiry_seconds

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise StorageError(f"not a storage key: {key!r}")
        return path

    def _meta(self, path: Path) -> Path:
        return path.with_name(path.name + _META_SUFFIX)

    def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a temporary name first: a reader never sees half a file.
        for target, payload in (
            (self._meta(path), json.dumps({"content_type": content_type}).encode()),
            (path, data),
        ):
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise

    def open(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise MissingFile(key) from None

    def content_type(self, key: str) -> str:
        try:
            meta = json.loads(self._meta(self._path(key)).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise MissingFile(key) from None
        return str(meta["content_type"])

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        self._meta(path).unlink(missing_ok=True)
        # Empty folders go too: nothing is left of a household whose files are all gone.
        root, folder = self.root.resolve(), path.parent
        while folder != root and folder.is_relative_to(root):
            try:
                folder.rmdir()
            except OSError:  # not empty (or already gone)
                break
            folder = folder.parent

    def url(self, key: str, *, filename: str) -> str:
        token = signing.dumps({"k": check_key(key), "f": filename}, salt=_SIGNING_SALT)
        return reverse("attachments:file", kwargs={"token": token})

    def read_token(self, token: str) -> tuple[str, str]:
        """(key, filename) of a link made by ``url`` that has not expired; ``MissingFile``
        for a forged, altered or expired one."""
        try:
            data = signing.loads(token, salt=_SIGNING_SALT, max_age=self.url_expiry_seconds)
            return check_key(str(data["k"])), str(data["f"])
        except (signing.BadSignature, KeyError, TypeError, StorageError):
            raise MissingFile(token) from None


# --- S3 -----------------------------------------------------------------------------------------
class S3FileStorage:
    """A private bucket. Objects are encrypted at rest (SSE-S3, or SSE-KMS with a key id)."""

    def __init__(
        self,
        *,
        bucket: str,
        region: str = "",
        endpoint_url: str = "",
        url_expiry_seconds: int = 300,
        kms_key_id: str = "",
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.url_expiry_seconds = url_expiry_seconds
        self.kms_key_id = kms_key_id
        # An emulator on an address (moto, MinIO) has no per-bucket host names: path style.
        addressing: Literal["path", "virtual"] = "path" if endpoint_url else "virtual"
        self.client: S3Client = boto3.client(
            "s3",
            region_name=region or None,
            endpoint_url=endpoint_url or None,
            config=Config(signature_version="s3v4", s3={"addressing_style": addressing}),
        )

    def _encryption(self) -> dict[str, Any]:
        if self.kms_key_id:
            return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.kms_key_id}
        return {"ServerSideEncryption": "AES256"}

    def save(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=check_key(key),
            Body=data,
            ContentType=content_type,
            **self._encryption(),
        )

    def open(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise MissingFile(key) from None
            raise StorageError(str(exc)) from exc
        return response["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def url(self, key: str, *, filename: str) -> str:
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": check_key(key),
                "ResponseContentDisposition": content_disposition_header(False, filename)
                or "inline",
            },
            ExpiresIn=self.url_expiry_seconds,
        )


# --- the configured one -------------------------------------------------------------------------
def get_storage() -> FileStorage:
    """The storage chosen by ``FILE_STORAGE`` (one instance per configuration)."""
    return _storage(
        settings.FILE_STORAGE,
        str(settings.FILE_STORAGE_DIR),
        settings.S3_BUCKET,
        settings.AWS_REGION,
        settings.AWS_ENDPOINT_URL,
        settings.FILE_URL_EXPIRY_SECONDS,
        settings.S3_KMS_KEY_ID,
    )


@cache
def _storage(
    kind: str,
    directory: str,
    bucket: str,
    region: str,
    endpoint_url: str,
    expiry: int,
    kms_key_id: str,
) -> FileStorage:
    if kind == "s3":
        return S3FileStorage(
            bucket=bucket,
            region=region,
            endpoint_url=endpoint_url,
            url_expiry_seconds=expiry,
            kms_key_id=kms_key_id,
        )
    return LocalFileStorage(Path(directory), url_expiry_seconds=expiry)
