"""Budget alerts: when spending reaches a budget's threshold, tell the household once.

The ledger sends ``entries_changed`` after each committed write. For the budget months the
expense entries fall in, the budgets they count towards (overall, the category's, its
parent's) are recomputed from the rollup; every threshold reached for the first time in that
month becomes a ``BudgetAlert`` (unique per budget, month and threshold, so once even under
concurrent writes), an in-app notification, and an e-mail to members who opted in.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from spendwise.budgets import arithmetic
from spendwise.budgets.models import BudgetAlert
from spendwise.budgets.queries import (
    BudgetProgress,
    budgets_for,
    budgets_touched,
    month_name,
    parent_keys,
    progress_for,
    settings_member,
)
from spendwise.identity.models import User
from spendwise.ledger.models import TransactionKind
from spendwise.ledger.signals import entries_changed
from spendwise.notifications.actions import notify
from spendwise.notifications.models import NotificationKind
from spendwise.web.language import language_for_locale

logger = logging.getLogger(__name__)


@receiver(entries_changed, dispatch_uid="budgets.alerts")
def on_entries_changed(sender: Any, household_id: int, entries: Iterable[Any], **_: Any) -> None:
    """Never lets an alert failure reach the ledger write that is already committed."""
    try:
        check_budget_alerts(household_id=household_id, entries=list(entries))
    except Exception:
        logger.exception("Budget alerts failed for household %s", household_id)


def check_budget_alerts(*, household_id: int, entries: list[Any]) -> list[BudgetAlert]:
    """Raise the alerts that ``entries`` (rollup entries with ``.day .category_key .kind
    .currency``) cause; returns the alerts created now."""
    expenses = [entry for entry in entries if entry.kind == TransactionKind.EXPENSE]
    if not expenses:
        return []
    budgets = list(budgets_for(household_id))
    member = settings_member(household_id)
    if not budgets or member is None:
        return []
    start_day = member.month_start_day
    parents = parent_keys(household_id)
    touched: dict[int, set[date]] = defaultdict(set)
    for entry in expenses:
        for budget in budgets_touched(budgets, entry.category_key, parents):
            if budget.currency == entry.currency:
                touched[budget.pk].add(arithmetic.label_of(entry.day, start_day))
    chosen = [budget for budget in budgets if budget.pk in touched]
    months = set().union(*touched.values()) if touched else set()
    created: list[BudgetAlert] = []
    for progress in progress_for(chosen, months, start_day=start_day, today=member.today()):
        if progress.month not in touched[progress.budget.pk]:
            continue
        for threshold in progress.thresholds_reached:
            alert = _raise_once(progress, threshold, locale=member.locale)
            if alert is not None:
                created.append(alert)
    return created


def _raise_once(progress: BudgetProgress, threshold: int, *, locale: str) -> BudgetAlert | None:
    """Record the alert and its notification together; None when it was raised before."""
    budget = progress.budget
    with transaction.atomic():
        alert, created = BudgetAlert.objects.get_or_create(
            budget=budget, month=progress.month, threshold=threshold
        )
        if not created:
            return None
        title, body = alert_text(progress, threshold, locale=locale)
        link = f"{reverse('budgets:index')}?month={progress.month:%Y-%m}"
        notify(
            household=budget.household_id,
            kind=NotificationKind.BUDGET_ALERT,
            title=title,
            body=body,
            link=link,
        )
        transaction.on_commit(
            lambda: send_alert_emails(
                household_id=budget.household_id, progress=progress, threshold=threshold, link=link
            )
        )
    return alert


def alert_text(progress: BudgetProgress, threshold: int, *, locale: str) -> tuple[str, str]:
    """(title, body) of an alert, with amounts formatted for ``locale``."""
    month = month_name(progress.month, locale)
    name = progress.name
    title = gettext("%(name)s budget: %(threshold)s %% used in %(month)s") % {
        "name": name,
        "threshold": threshold,
        "month": month,
    }
    spent = progress.spent.format(locale)
    available = progress.available.format(locale)
    if progress.over:
        left = gettext("%(amount)s over budget.") % {"amount": (-progress.remaining).format(locale)}
    else:
        left = gettext("%(amount)s left.") % {"amount": progress.remaining.format(locale)}
    body = gettext("Spent %(spent)s of %(available)s (%(percent)s %%). %(left)s") % {
        "spent": spent,
        "available": available,
        "percent": progress.percent,
        "left": left,
    }
    return title, body


def _recipients(household_id: int) -> list[User]:
    return list(
        User.objects.filter(
            memberships__household_id=household_id, budget_alert_emails=True, is_active=True
        ).order_by("id")
    )


def send_alert_emails(
    *, household_id: int, progress: BudgetProgress, threshold: int, link: str
) -> int:
    """E-mail the alert to each member who asked for budget alert e-mails, each in their own
    language. Failures are logged, never raised: the alert is in the app either way."""
    recipients = _recipients(household_id)
    if not recipients:
        return 0
    site = settings.SITE_URL
    sent = 0
    try:
        with get_connection() as connection:
            for user in recipients:
                with translation.override(language_for_locale(user.locale)):
                    title, body = alert_text(progress, threshold, locale=user.locale)
                    see = gettext("See your budgets: %(url)s") % {"url": f"{site}{link}"}
                text = f"{body}\n\n{see}\n"
                message = EmailMessage(
                    subject=title, body=text, to=[user.email], connection=connection
                )
                try:
                    sent += message.send()
                except Exception:
                    logger.exception("Budget alert e-mail to user %s failed", user.pk)
    except Exception:
        logger.exception("Budget alert e-mails for household %s failed", household_id)
    return sent
