"""The audit log (every change to a household's data) and each person's security log.

``record(...)`` writes one summarising entry for bulk writes that bypass the model signals;
``quiet()`` suppresses the per-row entries inside such a write. See docs/audit.md.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spendwise.audit.models import AuditEntry


def record(**kwargs: Any) -> AuditEntry:
    """See ``spendwise.audit.actions.record``."""
    from spendwise.audit.actions import record as _record

    return _record(**kwargs)


def quiet() -> AbstractContextManager[None]:
    """See ``spendwise.audit.context.quiet``."""
    from spendwise.audit.context import quiet as _quiet

    return _quiet()
