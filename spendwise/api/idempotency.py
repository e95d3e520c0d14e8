"""``Idempotency-Key`` on API POSTs: a retried request gets the first answer and writes nothing.

Mobile clients retry on bad networks without knowing whether the first try arrived. For a POST
under ``/api/`` with the header, the first request reserves (caller, key) under a unique
constraint before it runs and stores its answer; a retry with the same key and the same body
gets that answer replayed (``Idempotent-Replayed: true``), a retry while the first still runs
gets 409, and the same key with a different body gets 422. Keys are remembered for a day;
answers of 500 and above are not kept, so the client may retry those.

The request runs in one transaction with its reservation row locked, and its answer is stored
in that same transaction: the write and the stored answer commit together or not at all. So a
reservation without an answer whose row nobody holds locked belongs to a request that died
(instance killed, database connection lost) before committing anything; the next retry takes it
over and runs the request, instead of answering "still running" for a day. An answer of 500 or
above rolls the request's writes back, so a failed request never leaves half a write behind.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from spendwise.api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
MAX_KEY_LENGTH = 200


def _json(status: int, detail: str, code: str) -> HttpResponse:
    body = json.dumps({"detail": detail, "code": code, "errors": []})
    return HttpResponse(body, status=status, content_type="application/json")


def caller_of(request: HttpRequest) -> str | None:
    """A stable, non-secret name for who is asking (None: anonymous, nothing to key on)."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "auth:" + hashlib.sha256(authorization.encode()).hexdigest()[:40]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        caller = caller_of(request)
        if caller is None:
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return _json(
                400,
                f"{HEADER} must be at most {MAX_KEY_LENGTH} printable characters.",
                "bad_request",
            )
        digest = hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()
        IdempotencyRecord.objects.filter(
            caller=caller, key=key, created_at__lt=timezone.now() - KEEP
        ).delete()
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(caller=caller, key=key, request_hash=digest)
        except IntegrityError:
            return self._replay(request, caller, key, digest)
        return self._run(request, caller, key, digest)

    def _run(self, request: HttpRequest, caller: str, key: str, digest: str) -> HttpResponse:
        """Run the request holding its reservation's row lock; keep the answer with the write."""
        with transaction.atomic():
            record = (
                IdempotencyRecord.objects.select_for_update().filter(caller=caller, key=key).first()
            )
            if record is None:  # expired and deleted meanwhile
                return _json(409, "Retry the request.", "conflict")
            if record.status is not None:
                # A retry took the reservation over between our insert and this lock, and
                # finished: its answer is the answer.
                return self._replayed(record)
            response = self.get_response(request)
            if response.status_code >= 500 or response.streaming:
                transaction.set_rollback(True)
                return response
            record.status = response.status_code
            record.content_type = response.get("Content-Type", "application/json")
            record.body = bytes(response.content)
            record.save(update_fields=["status", "content_type", "body"])
            return response

    def _replay(self, request: HttpRequest, caller: str, key: str, digest: str) -> HttpResponse:
        first = IdempotencyRecord.objects.filter(caller=caller, key=key).first()
        if first is None:  # expired and deleted between our insert and this read
            return _json(409, "Retry the request.", "conflict")
        if first.request_hash != digest:
            return _json(
                422,
                f"This {HEADER} was already used for a different request.",
                "idempotency_key_reused",
            )
        if first.status is not None:
            return self._replayed(first)
        with transaction.atomic():
            free = (
                IdempotencyRecord.objects.select_for_update(skip_locked=True)
                .filter(pk=first.pk)
                .first()
            )
        if free is None:
            # Locked by the first request: it is still running.
            response = _json(409, "The first request with this key is still running.", "conflict")
            response["Retry-After"] = "1"
            return response
        # Nobody holds it and there is no answer: the first request died before committing.
        return self._run(request, caller, key, digest)

    @staticmethod
    def _replayed(first: IdempotencyRecord) -> HttpResponse:
        response = HttpResponse(
            bytes(first.body), status=first.status or 200, content_type=first.content_type
        )
        response["Idempotent-Replayed"] = "true"
        return response
