"""Writes to households: invitations, roles, removing and leaving, switching, new households
and settlements. Each action checks the actor's role and writes in one database transaction.

Membership and Invitation rows are written with ``.save()`` / ``.delete()`` only (never a
queryset ``.update()``), so that model signals (the audit log) see every change.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from spendwise.errors import DomainError, PermissionDenied
from spendwise.households import queries
from spendwise.households.models import Household, Invitation, Membership, Role, Settlement
from spendwise.identity.models import User, normalize_email
from spendwise.money import Money, MoneyError, check_currency

logger = logging.getLogger(__name__)

INVITATION_DAYS = 7
MAX_PENDING_INVITATIONS = 50  # per household: an owner's typo loop, not a mailing list
MAX_AMOUNT_MINOR = 10**15  # as the ledger's: beyond it is a typing mistake


def check_owner(actor: Membership) -> None:
    """Only owners manage members and invitations."""
    if actor.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner of this household can manage its members."))


def check_can_write(actor: Membership) -> None:
    if not actor.can_write:
        raise PermissionDenied()


def _check_role(role: str) -> str:
    if role not in Role.values:
        raise DomainError(_("Choose owner, member or viewer."), field="role")
    return role


def _other_owners(membership: Membership) -> int:
    """Owners of the household besides ``membership``, locking the rows against a parallel
    demotion (two owners demoting each other at once must not leave none)."""
    owners = list(
        Membership.objects.select_for_update()
        .filter(household_id=membership.household_id, role=Role.OWNER)
        .values_list("pk", flat=True)
    )
    return len([pk for pk in owners if pk != membership.pk])


def _revoke_tokens(membership: Membership) -> None:
    """A person leaving a household loses its API tokens for good (re-invited, they start
    afresh rather than finding old tokens alive again)."""
    from spendwise.api.models import ApiToken

    ApiToken.objects.filter(
        user_id=membership.user_id, household_id=membership.household_id, revoked_at=None
    ).update(revoked_at=timezone.now())


# --- invitations --------------------------------------------------------------------------------
def invitation_link(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('households:accept', args=[token])}"


def _send_invitation(invitation: Invitation, token: str) -> None:
    inviter = invitation.invited_by.email if invitation.invited_by else _("Someone")
    subject = _("You are invited to %(household)s on SpendWise") % {
        "household": invitation.household.name
    }
    body = _(
        "%(inviter)s invites you to share the household “%(household)s” on SpendWise as "
        "%(role)s.\n\nOpen this link to accept (it works for %(days)s days, once):\n%(link)s\n\n"
        "Sign in (or create an account) with %(email)s to accept. If you did not expect this, "
        "ignore this e-mail."
    ) % {
        "inviter": inviter,
        "household": invitation.household.name,
        "role": invitation.get_role_display(),
        "days": INVITATION_DAYS,
        "link": invitation_link(token),
        "email": invitation.email,
    }
    try:
        EmailMessage(subject=subject, body=body, to=[invitation.email]).send()
    except Exception:  # the invitation stands; the owner can revoke and invite again
        logger.exception("Invitation e-mail %s failed", invitation.pk)


def invitation_create(*, actor: Membership, email: str, role: str) -> tuple[Invitation, str]:
    """Invite ``email`` with ``role``; e-mail them the link once the invitation is saved.
    Returns the invitation and its link token (shown to nobody else)."""
    check_owner(actor)
    email = normalize_email(email)
    try:
        validate_email(email)
    except Exception:
        raise DomainError(_("Enter a valid e-mail address."), field="email") from None
    _check_role(role)
    household = actor.household
    if Membership.objects.filter(household=household, user__email__iexact=email).exists():
        raise DomainError(_("%(email)s is already a member.") % {"email": email}, field="email")
    now = timezone.now()
    pending = Invitation.objects.filter(
        household=household, accepted_at=None, revoked_at=None, expires_at__gt=now
    )
    if pending.filter(email__iexact=email).exists():
        raise DomainError(
            _("%(email)s already has a pending invitation. Revoke it to send a new one.")
            % {"email": email},
            field="email",
        )
    if pending.count() >= MAX_PENDING_INVITATIONS:
        raise DomainError(_("Too many pending invitations. Revoke some first."), code="conflict")
    secret = secrets.token_urlsafe(32)
    token = queries.sign_token(secret)
    with transaction.atomic():
        invitation = Invitation(
            household=household,
            email=email,
            role=role,
            token_hash=queries.token_hash(secret),
            invited_by=actor.user,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
        invitation.save()
        transaction.on_commit(lambda: _send_invitation(invitation, token))
    return invitation, token


def invitation_revoke(*, actor: Membership, invitation: Invitation) -> Invitation:
    check_owner(actor)
    if invitation.household_id != actor.household_id:
        raise DomainError(_("That item does not exist."), code="not_found")
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation was already accepted."), code="conflict")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save()
    return invitation


def invitation_accept(*, user: User, token: str) -> Membership:
    """Join the invitation's household with its role. The signed-in e-mail must be the
    invited one; an invitation works once, before it expires, unless revoked."""
    found = queries.invitation_for_token(token)
    if found is None:
        raise DomainError(_("This invitation link is not valid."), code="not_found")
    with transaction.atomic():
        # Locked: two clicks at once accept once.
        invitation = Invitation.objects.select_for_update().get(pk=found.pk)
        if normalize_email(user.email) != normalize_email(invitation.email):
            raise DomainError(
                _("This invitation is for another e-mail address. Sign in as its recipient."),
                code="not_found",
            )
        if invitation.accepted_at is not None:
            raise DomainError(_("This invitation was already accepted."), code="conflict")
        if invitation.revoked_at is not None:
            raise DomainError(_("This invitation was revoked."), code="conflict")
        if timezone.now() >= invitation.expires_at:
            raise DomainError(_("This invitation has expired. Ask for a new one."), code="conflict")
        if Membership.objects.filter(household_id=invitation.household_id, user=user).exists():
            raise DomainError(_("You are already a member of this household."), code="conflict")
        membership = Membership(
            household_id=invitation.household_id, user=user, role=invitation.role
        )
        membership.save()
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save()
    return Membership.objects.select_related("household", "user").get(pk=membership.pk)


# --- members ------------------------------------------------------------------------------------
def member_set_role(*, actor: Membership, member: Membership, role: str) -> Membership:
    """Change a member's role; the last owner cannot be demoted."""
    check_owner(actor)
    _check_role(role)
    if member.household_id != actor.household_id:
        raise DomainError(_("That item does not exist."), code="not_found")
    with transaction.atomic():
        if member.role == Role.OWNER and role != Role.OWNER and not _other_owners(member):
            raise DomainError(
                _("A household needs an owner: make someone else an owner first."),
                field="role",
                code="conflict",
            )
        member.role = role
        member.save()
    return member


def member_remove(*, actor: Membership, member: Membership) -> None:
    """Remove a member; they lose access on their next request. The last owner stays."""
    check_owner(actor)
    if member.household_id != actor.household_id:
        raise DomainError(_("That item does not exist."), code="not_found")
    with transaction.atomic():
        if member.role == Role.OWNER and not _other_owners(member):
            raise DomainError(
                _("A household needs an owner: make someone else an owner first."),
                code="conflict",
            )
        _revoke_tokens(member)
        member.delete()


def household_leave(*, actor: Membership) -> None:
    """Leave the household (any role); the last owner cannot."""
    with transaction.atomic():
        if actor.role == Role.OWNER and not _other_owners(actor):
            raise DomainError(
                _(
                    "You are the last owner: make someone else an owner first, "
                    "or keep the household."
                ),
                code="conflict",
            )
        _revoke_tokens(actor)
        actor.delete()


def household_create(*, user: User, name: str) -> Membership:
    """A new household with ``user`` as its owner and the default categories."""
    from spendwise.ledger.actions import create_default_categories

    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Enter a name."), field="name")
    if len(name) > 100:
        raise DomainError(_("Use at most 100 characters."), field="name")
    with transaction.atomic():
        household = Household.objects.create(name=name)
        membership = Membership(household=household, user=user, role=Role.OWNER)
        membership.save()
        create_default_categories(household)
    return membership


def household_switch(*, user: User, household_id: str | None) -> Membership:
    """The user's membership of the household to act in (404-like refusal for any other)."""
    text = str(household_id or "")
    membership = (
        Membership.objects.select_related("household")
        .filter(user=user, household_id=int(text))
        .first()
        if text.isdigit() and len(text) < 19
        else None
    )
    if membership is None:
        raise DomainError(_("That household does not exist."), code="not_found")
    return membership


# --- settlements --------------------------------------------------------------------------------
def settlement_create(
    *,
    actor: Membership,
    payer: User,
    payee: User,
    amount: Money,
    period_start: date,
    period_end: date,
) -> Settlement:
    """Record that ``payer`` paid ``payee`` back ``amount`` for the shared spending of the
    period. Both must be members of the household."""
    check_can_write(actor)
    if payer.pk == payee.pk:
        raise DomainError(_("Choose two different people."), field="payee")
    in_household = set(
        Membership.objects.filter(
            household_id=actor.household_id, user_id__in=[payer.pk, payee.pk]
        ).values_list("user_id", flat=True)
    )
    if in_household != {payer.pk, payee.pk}:
        raise DomainError(_("Both people must be members of this household."), field="payer")
    try:
        check_currency(amount.currency)
    except MoneyError:
        raise DomainError(_("Choose a currency."), field="currency") from None
    if amount.minor <= 0:
        raise DomainError(_("Enter an amount greater than zero."), field="amount")
    if amount.minor > MAX_AMOUNT_MINOR:
        raise DomainError(_("That amount is too large."), field="amount")
    if period_start > period_end:
        raise DomainError(_("The period starts after it ends."), field="period_start")
    with transaction.atomic():
        return Settlement.objects.create(
            household_id=actor.household_id,
            payer=payer,
            payee=payee,
            amount=amount.minor,
            currency=amount.currency,
            period_start=period_start,
            period_end=period_end,
            created_by=actor.user,
        )


def settlement_delete(*, actor: Membership, settlement: Settlement) -> None:
    """Undo a settlement recorded by mistake."""
    check_can_write(actor)
    if settlement.household_id != actor.household_id:
        raise DomainError(_("That item does not exist."), code="not_found")
    settlement.delete()
