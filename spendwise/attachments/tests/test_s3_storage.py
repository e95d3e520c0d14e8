"""The S3 storage against moto's S3 on 127.0.0.1: objects land encrypted and private, a
presigned link fetches the bytes (inline, with their type), delete removes the object."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer

from spendwise.attachments.models import Attachment
from spendwise.attachments.storage import MissingFile, S3FileStorage, get_storage, new_key
from spendwise.testing.factories import make_entry

from .conftest import PDF, PNG

REGION = "eu-west-1"


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(moto_url, monkeypatch) -> str:
    # moto accepts any credentials; these keep boto3 away from a real profile.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    name = f"receipts-{uuid.uuid4().hex[:12]}"
    s3_client(moto_url).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return name


def s3_client(moto_url: str):
    return boto3.client("s3", region_name=REGION, endpoint_url=moto_url)


def fetch(url: str):
    """GET ``url`` directly (no proxy), as a browser following the link would."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return opener.open(url, timeout=10)


@pytest.fixture
def s3_storage(moto_url, bucket) -> S3FileStorage:
    return S3FileStorage(bucket=bucket, region=REGION, endpoint_url=moto_url, url_expiry_seconds=60)


def test_it_writes_objects_encrypted_with_their_content_type(s3_storage, moto_url, bucket):
    key = new_key(3, "receipts")

    s3_storage.save(key, PNG, "image/png")

    head = s3_client(moto_url).head_object(Bucket=bucket, Key=key)
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentType"] == "image/png"
    assert head["ContentLength"] == len(PNG)
    assert s3_storage.open(key) == PNG


def test_it_asks_for_kms_encryption_when_given_a_key(moto_url, bucket):
    kms_key = boto3.client("kms", region_name=REGION, endpoint_url=moto_url).create_key()
    key_id = kms_key["KeyMetadata"]["KeyId"]
    storage = S3FileStorage(bucket=bucket, region=REGION, endpoint_url=moto_url, kms_key_id=key_id)
    key = new_key(3, "receipts")

    storage.save(key, PDF, "application/pdf")

    head = s3_client(moto_url).head_object(Bucket=bucket, Key=key)
    assert head["ServerSideEncryption"] == "aws:kms"
    assert key_id in head["SSEKMSKeyId"]


def test_its_objects_are_private(s3_storage, moto_url, bucket):
    key = new_key(3, "receipts")
    s3_storage.save(key, PNG, "image/png")

    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(f"{moto_url}/{bucket}/{key}")  # no signature
    assert refused.value.code == 403


def test_its_presigned_link_fetches_the_bytes_inline_and_says_when_it_expires(s3_storage):
    key = new_key(3, "receipts")
    s3_storage.save(key, PNG, "image/png")

    url = s3_storage.url(key, filename="Café receipt.png")

    assert url.startswith("http://127.0.0.1:")
    assert "X-Amz-Expires=60" in url
    with fetch(url) as response:
        assert response.read() == PNG
        assert response.headers["Content-Type"] == "image/png"
        disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=utf-8''Caf%C3%A9%20receipt.png" in disposition


def test_it_deletes_the_object(s3_storage, moto_url, bucket):
    key = new_key(3, "receipts")
    s3_storage.save(key, PNG, "image/png")

    s3_storage.delete(key)

    with pytest.raises(MissingFile):
        s3_storage.open(key)
    listed = s3_client(moto_url).list_objects_v2(Bucket=bucket)
    assert listed.get("KeyCount", 0) == 0


def test_a_receipt_uploaded_with_s3_configured_opens_through_a_presigned_link(
    settings, moto_url, bucket, owner, checking, owner_client: Client
):
    settings.FILE_STORAGE = "s3"
    settings.S3_BUCKET = bucket
    settings.AWS_REGION = REGION
    settings.AWS_ENDPOINT_URL = moto_url
    row = make_entry(owner, checking, 1250)
    owner_client.post(
        reverse("attachments:receipts", args=[row.pk]),
        {"file": SimpleUploadedFile("taxi.pdf", PDF, content_type="application/octet-stream")},
    )
    attachment = Attachment.objects.get(transaction=row)
    assert isinstance(get_storage(), S3FileStorage)

    response = owner_client.get(reverse("attachments:open", args=[attachment.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(f"{moto_url}/{bucket}/{attachment.key}?")
    with fetch(response["Location"]) as fetched:
        assert fetched.read() == PDF
        assert fetched.headers["Content-Type"] == "application/pdf"
