"""Writes of receipts. The type of a file is read from its bytes; the file is stored before
its row is written, and removed again if the row cannot be."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

from spendwise.attachments import filetypes
from spendwise.attachments.models import Attachment
from spendwise.attachments.signals import delete_file
from spendwise.attachments.storage import get_storage, new_key
from spendwise.errors import DomainError
from spendwise.households.models import Membership
from spendwise.ledger.actions import check_can_write, check_same_household
from spendwise.ledger.models import Transaction

RECEIPTS_FOLDER = "receipts"


def check_size(size: int) -> None:
    """Refuse an empty file or one over ``RECEIPT_MAX_BYTES``, saying the limit."""
    limit = settings.RECEIPT_MAX_BYTES
    if size <= 0:
        raise DomainError(gettext("The file is empty."), field="file")
    if size > limit:
        raise DomainError(
            gettext(
                "The file is %(filesizeformat)s; receipts can be at most %(filesizeformat2)s. "
                "Take a smaller photo or scan, or compress the PDF."
            )
            % {"filesizeformat": filesizeformat(size), "filesizeformat2": filesizeformat(limit)},
            field="file",
        )


def check_content(data: bytes) -> str:
    """The content type of ``data`` from its first bytes, or a refusal naming what is accepted."""
    content_type = filetypes.sniff(data[: filetypes.HEAD_BYTES])
    if content_type is None:
        raise DomainError(
            gettext("This file cannot be attached: receipts must be %(ACCEPTED_NAMES)s.")
            % {"ACCEPTED_NAMES": filetypes.ACCEPTED_NAMES},
            field="file",
        )
    return content_type


def attachment_add(*, actor: Membership, row: Transaction, name: str, data: bytes) -> Attachment:
    """Attach ``data`` (uploaded as ``name``) to the transaction ``row``."""
    check_can_write(actor)
    check_same_household(actor, row)
    check_size(len(data))
    content_type = check_content(data)
    key = new_key(actor.household_id, RECEIPTS_FOLDER)
    get_storage().save(key, data, content_type)
    try:
        with transaction.atomic():
            return Attachment.objects.create(
                household=actor.household,
                transaction=row,
                key=key,
                original_name=filetypes.safe_filename(name, content_type),
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                created_by=actor.user,
            )
    except BaseException:
        delete_file(key)
        raise


def attachment_delete(*, actor: Membership, attachment: Attachment) -> None:
    """Delete the row now and the file when that commits."""
    check_can_write(actor)
    check_same_household(actor, attachment)
    with transaction.atomic():
        attachment.delete()
