"""Model signals → audit entries, for every model of the audited apps.

Registered by app label (so models added later — invitations, MFA devices — are covered without
touching this file), minus derived tables that are rebuilt from others (the rollup, budget
alerts, recurring occurrences). ``pre_save`` reads the row as stored, ``post_save`` writes the
changed fields; ``post_delete`` writes what was deleted; tag changes of a transaction arrive as
``m2m_changed``. Bulk writes (``bulk_create``, ``QuerySet.update``) send no signals: their
callers use ``spendwise.audit.record``.
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from spendwise.audit import actions, context
from spendwise.audit.models import Action, SecurityKind

AUDITED_APPS = frozenset(
    {
        "ledger",
        "attachments",
        "budgets",
        "recurring",
        "rules",
        "households",
        "currency",
        "mfa",
        "webhooks",
    }
)
# Derived tables (rebuilt from the rows above) and the identity app's bookkeeping.
NOT_AUDITED = frozenset(
    {
        "ledger.dailytotal",
        "ledger.accountmonth",
        "budgets.budgetalert",
        "recurring.occurrence",
        "webhooks.webhookevent",  # the outbox and its delivery attempts
        "webhooks.webhookdelivery",
    }
)
EXTRA_AUDITED = frozenset({"identity.user"})  # the profile and its security settings
SECURITY_APPS = frozenset({"mfa"})  # changes also written to the person's security log

_BEFORE = "_audit_before"
_TAGS_BEFORE = "_audit_tags_before"
_EMPTY = (None, "")  # left out of a creation's or a deletion's values


def audited_models() -> list[type[models.Model]]:
    found = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in EXTRA_AUDITED or (
            model._meta.app_label in AUDITED_APPS and label not in NOT_AUDITED
        ):
            found.append(model)
    return found


def _logged_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and actions.is_logged_field(field)
    ]


def _values(instance: models.Model, fields: list[models.Field[Any, Any]]) -> dict[str, Any]:
    # FKs as their id (attname); money stays integer minor units.
    return {field.attname: field.value_from_object(instance) for field in fields}


def _household_id(instance: models.Model) -> int | None:
    """The household a row belongs to: its own, its parent's (one foreign key away), the
    person's oldest household for per-person rows, else the request's."""
    from spendwise.households.models import Household, Membership

    if isinstance(instance, Household):
        return int(instance.pk)
    if hasattr(instance, "household_id"):
        return instance.household_id  # type: ignore[no-any-return]
    for field in instance._meta.concrete_fields:
        related: Any = field.related_model
        if field.is_relation and hasattr(related, "household_id"):
            related_id = getattr(instance, field.attname)
            if related_id is None:
                continue
            parent_household = (
                related._base_manager.filter(pk=related_id)
                .values_list("household_id", flat=True)
                .first()
            )
            if parent_household is not None:
                return int(parent_household)
    request_household = context.current_household_id()
    if request_household is not None:
        return request_household
    user_id = getattr(instance, "user_id", None)
    if user_id is None and instance._meta.label_lower == "identity.user":
        user_id = instance.pk
    if user_id is not None:
        found = (
            Membership.objects.filter(user_id=user_id)
            .order_by("created_at", "id")
            .values_list("household_id", flat=True)
            .first()
        )
        return int(found) if found is not None else None
    return None


def _is_global(instance: models.Model) -> bool:
    """A shared row with no household (an ECB reference rate): not any household's data."""
    return (
        any(f.name == "household" for f in instance._meta.concrete_fields)
        and getattr(instance, "household_id", None) is None
    )


def _currency_of(instance: models.Model) -> str:
    """The currency the row's minor-unit amounts are in, when the row says (or its budget or
    account does): so that the log can show them as amounts."""
    code = getattr(instance, "currency", None)
    for parent in ("budget", "account"):
        if isinstance(code, str) and len(code) == 3:
            return code
        try:
            code = getattr(getattr(instance, parent, None), "currency", None)
        except ObjectDoesNotExist:  # deleted before this row, in the same cascade
            code = None
    return code if isinstance(code, str) and len(code) == 3 else ""


def _label(instance: models.Model) -> str:
    try:
        return str(instance)[:200]
    except Exception:  # a __str__ that needs a deleted parent
        return f"{instance._meta.verbose_name} {instance.pk}"


def _security_follow_up(instance: models.Model, action: str) -> None:
    """MFA rows also go to their person's security log: once per request and kind of row (ten
    recovery codes made at once are one event)."""
    if instance._meta.app_label not in SECURITY_APPS:
        return
    user_id = getattr(instance, "user_id", None)
    if user_id is None:
        return
    request = context.current_request()
    seen: set[tuple[int, str]] = getattr(request, "_audit_mfa_seen", set())
    key = (int(user_id), instance._meta.label_lower)
    if key in seen:
        return
    if request is not None:
        seen.add(key)
        request._audit_mfa_seen = seen  # type: ignore[attr-defined]
    from spendwise.identity.models import User

    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        actions.record_security_event(
            user,
            SecurityKind.MFA_CHANGED,
            detail=f"{instance._meta.verbose_name}: {Action(action).label}",
        )


def on_pre_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw") or context.is_quiet():
        return
    setattr(instance, _BEFORE, None)
    if instance._state.adding or instance.pk is None:
        return
    fields = _logged_fields(sender)
    update_fields = kwargs.get("update_fields")
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
    names = [f.attname for f in fields]
    is_user = sender._meta.label_lower == "identity.user"
    watch_password = is_user and (update_fields is None or "password" in update_fields)
    if not names and not watch_password:
        setattr(instance, _BEFORE, {})
        return
    query = sender._base_manager.filter(pk=instance.pk)
    stored = query.values(*names, *(["password"] if watch_password else [])).first()
    if stored is None:
        return
    # A password change is a security event; the value itself is never logged.
    if watch_password and stored.pop("password") != getattr(instance, "password", None):
        instance._audit_password_changed = True  # type: ignore[attr-defined]
    setattr(instance, _BEFORE, stored)


def on_post_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    if kwargs.get("raw") or context.is_quiet() or _is_global(instance):
        return
    fields = _logged_fields(sender)
    if getattr(instance, "_audit_password_changed", False):
        instance._audit_password_changed = False  # type: ignore[attr-defined]
        match = getattr(context.current_request(), "resolver_match", None)
        reset = match is not None and match.url_name == "reset_password"
        kind = SecurityKind.PASSWORD_RESET if reset else SecurityKind.PASSWORD_CHANGED
        actions.record_security_event(instance, kind)
    if created:
        after = _values(instance, fields)
        changes = {
            name: [None, _plain(value)] for name, value in after.items() if value not in _EMPTY
        }
        action = Action.CREATE
    else:
        before = getattr(instance, _BEFORE, None)
        if before is None:  # saved inside quiet() or without a stored row
            return
        after = _values(instance, [f for f in fields if f.attname in before])
        changes = {
            name: [_plain(before[name]), _plain(value)]
            for name, value in after.items()
            if _plain(before[name]) != _plain(value)
        }
        if not changes:
            return
        action = Action.UPDATE
    actions.audit_entry_create(
        household_id=_household_id(instance),
        action=action,
        model=sender._meta.label_lower,
        object_id=str(instance.pk),
        object_label=_label(instance),
        changes=changes,
        currency=_currency_of(instance),
    )
    _security_follow_up(instance, action)


def _plain(value: Any) -> Any:
    """A value as it is stored in the log's JSON: a form may hand a ``date`` or a ``Decimal``
    where the row reads back the same thing as another type; compare what would be written."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def on_post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if context.is_quiet() or _is_global(instance):
        return
    before = _values(instance, _logged_fields(sender))
    actions.audit_entry_create(
        household_id=_household_id(instance),
        action=Action.DELETE,
        model=sender._meta.label_lower,
        object_id=str(instance.pk),
        object_label=_label(instance),
        changes={
            name: [_plain(value), None] for name, value in before.items() if value not in _EMPTY
        },
        currency=_currency_of(instance),
    )
    _security_follow_up(instance, Action.DELETE)


def _tag_names(instance: Any) -> list[str]:
    return sorted(tag.name for tag in instance.tags.all())


def on_tags_changed(sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    """A transaction's tags: one entry per add/remove/clear with the names before → after."""
    if reverse or context.is_quiet() or not isinstance(instance, models.Model):
        return
    if action.startswith("pre_"):
        if getattr(instance, _TAGS_BEFORE, None) is None:
            setattr(instance, _TAGS_BEFORE, _tag_names(instance))
        return
    before = getattr(instance, _TAGS_BEFORE, None)
    setattr(instance, _TAGS_BEFORE, None)
    after = _tag_names(instance)
    if before is None or before == after:
        return
    actions.audit_entry_create(
        household_id=_household_id(instance),
        action=Action.UPDATE,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_label=_label(instance),
        changes={"tags": [before, after]},
    )


# --- the security log ---------------------------------------------------------------------------
def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    actions.record_security_event(user, SecurityKind.SIGN_IN, request=request)


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # No row for an account that was just deleted (its pk is gone): the sign-out ends it.
    if user is not None and getattr(user, "is_authenticated", False) and user.pk is not None:
        actions.record_security_event(user, SecurityKind.SIGN_OUT, request=request)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    email = credentials.get("username") or credentials.get("email") or ""
    if email and request is not None:
        actions.record_failed_sign_in(request, str(email))


def on_token_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    detail = f"{instance.name} ({instance.prefix}…)"
    user = instance.user
    if created:
        actions.record_security_event(user, SecurityKind.TOKEN_CREATED, detail=detail)
    elif instance.revoked_at is not None and getattr(instance, "_audit_was_live", False):
        actions.record_security_event(user, SecurityKind.TOKEN_REVOKED, detail=detail)


def on_token_pre_save(sender: Any, instance: Any, **kwargs: Any) -> None:
    instance._audit_was_live = (
        instance.pk is not None
        and sender._base_manager.filter(pk=instance.pk, revoked_at=None).exists()
    )


def connect() -> None:
    for model in audited_models():
        uid = f"audit:{model._meta.label_lower}"
        pre_save.connect(on_pre_save, sender=model, dispatch_uid=uid)
        post_save.connect(on_post_save, sender=model, dispatch_uid=uid)
        post_delete.connect(on_post_delete, sender=model, dispatch_uid=uid)
    transaction_model = apps.get_model("ledger", "Transaction")
    m2m_changed.connect(
        on_tags_changed, sender=transaction_model.tags.through, dispatch_uid="audit:tags"
    )
    token_model = apps.get_model("api", "ApiToken")
    pre_save.connect(on_token_pre_save, sender=token_model, dispatch_uid="audit:token")
    post_save.connect(on_token_saved, sender=token_model, dispatch_uid="audit:token")
    user_logged_in.connect(on_logged_in, dispatch_uid="audit:logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit:logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit:login_failed")
