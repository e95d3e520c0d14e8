"""Files leave storage when their rows leave the database, and only if that commits.

A receiver rather than a line in an action: a transaction, a transfer or a whole household
can be deleted by several actions (and by cascades), and each must take its files along.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from spendwise.attachments.models import Attachment
from spendwise.attachments.storage import get_storage

logger = logging.getLogger(__name__)


def delete_file(key: str) -> None:
    """Remove a stored file; a failure is logged (the file is orphaned, not the data lost)."""
    try:
        get_storage().delete(key)
    except Exception:  # S3 down, a disk error …: the row is gone, so the file is only orphaned
        logger.exception("could not delete stored file %s", key)


@receiver(post_delete, sender=Attachment, dispatch_uid="attachments.delete_file")
def _delete_file_on_commit(sender: type[Attachment], instance: Attachment, **kwargs: Any) -> None:
    key = instance.key
    transaction.on_commit(lambda: delete_file(key), using=kwargs.get("using"))
