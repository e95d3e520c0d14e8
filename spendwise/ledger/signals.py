"""Signals other apps listen to, so the ledger never imports them.

``entries_changed`` is sent once the database transaction that changed transactions has
committed, with ``household_id`` and ``entries`` (the ``rollup.Entry`` rows added or removed,
amounts signed as stored). Budgets use it to raise threshold alerts.
"""

from django.dispatch import Signal

entries_changed = Signal()
