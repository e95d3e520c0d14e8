"""``manage.py purge_import_drafts``: delete import drafts older than a day (their files).

Uploads purge expired drafts as they come; this is for a scheduler, so that a file nobody
finished importing does not stay in the database when nobody uploads another."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from spendwise.imports.actions import purge_expired_drafts


class Command(BaseCommand):
    help = "Delete import drafts past their expiry (a day after upload)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired_drafts()
        self.stdout.write(f"Deleted {deleted} expired import draft(s).")
