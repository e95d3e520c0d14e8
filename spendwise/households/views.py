"""The household pages: members and invitations, accepting an invitation, switching and
creating households, and settle-up.

Thin views: parse, load through a household-scoped helper (another household's member,
invitation or settlement is a 404), call one action, render. Only owners manage members
(403 for anyone else, nothing written); a refused action shows its message with its status.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spendwise.errors import DomainError
from spendwise.households import actions, queries
from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.households.forms import HouseholdForm, InviteForm, RoleForm, SettleForm
from spendwise.households.middleware import PENDING_INVITATION_KEY
from spendwise.households.models import Role, Settlement
from spendwise.identity.models import User
from spendwise.periods import parse_date_range
from spendwise.web.forms import amount_text, posted, submit
from spendwise.web.ranges import range_error_text
from spendwise.web.responses import refused, safe_next_url


def status_of(exc: DomainError) -> int:
    """As the API answers: 404 for not found, 409 for a conflict, else the error's own."""
    return 409 if exc.code == "conflict" else 404 if exc.code == "not_found" else exc.status


def _refused(request: HttpRequest, exc: DomainError, back_url: str) -> HttpResponse:
    response = refused(request, exc, back_url=back_url)
    response.status_code = status_of(exc)
    return response


def _members_context(request: HouseholdRequest, **extra: Any) -> dict[str, Any]:
    household, membership = request.household, request.membership
    is_owner = membership.role == Role.OWNER
    return {
        "members": queries.members(household),
        "invitations": queries.pending_invitations(household, timezone.now()),
        "is_owner": is_owner,
        "me": membership,
        "roles": Role.choices,
        "invite_form": InviteForm() if is_owner else None,
        "households": queries.memberships_of(request.user),
        **extra,
    }


# --- members and invitations --------------------------------------------------------------------
@household_required
@require_GET
def members(request: HouseholdRequest) -> HttpResponse:
    """Who is in the household with which role, pending invitations, and (for owners) the
    forms to invite, change roles and remove."""
    return render(request, "households/members.html", _members_context(request))


@household_required
@require_POST
def invite(request: HouseholdRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    saved, status = submit(
        form,
        lambda data: actions.invitation_create(
            actor=request.membership, email=data["email"], role=data["role"]
        ),
    )
    if saved is not None:
        invitation, _token = saved
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        return redirect("households:members")
    context = _members_context(request)
    context["invite_form"] = form
    return render(request, "households/members.html", context, status=status)


@household_required
@require_POST
def invitation_revoke(request: HouseholdRequest, pk: int) -> HttpResponse:
    invitation = queries.get_invitation(request.household, pk)
    try:
        actions.invitation_revoke(actor=request.membership, invitation=invitation)
    except DomainError as exc:
        return _refused(request, exc, reverse("households:members"))
    messages.success(request, _("Invitation to %(email)s revoked.") % {"email": invitation.email})
    return redirect("households:members")


@household_required
@require_POST
def member_role(request: HouseholdRequest, pk: int) -> HttpResponse:
    member = queries.get_member(request.household, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        exc = DomainError(_("Choose owner, member or viewer."), field="role")
        return _refused(request, exc, reverse("households:members"))
    try:
        actions.member_set_role(
            actor=request.membership, member=member, role=form.cleaned_data["role"]
        )
    except DomainError as exc:
        return _refused(request, exc, reverse("households:members"))
    messages.success(
        request,
        _("%(email)s is now %(role)s.")
        % {"email": member.user.email, "role": member.get_role_display()},
    )
    return redirect("households:members")


@household_required
@require_POST
def member_remove(request: HouseholdRequest, pk: int) -> HttpResponse:
    member = queries.get_member(request.household, pk)
    try:
        actions.member_remove(actor=request.membership, member=member)
    except DomainError as exc:
        return _refused(request, exc, reverse("households:members"))
    messages.success(request, _("%(email)s was removed.") % {"email": member.user.email})
    if member.user_id == request.user.pk:  # an owner removing themselves: they are gone
        return redirect("web:dashboard")
    return redirect("households:members")


@household_required
@require_POST
def leave(request: HouseholdRequest) -> HttpResponse:
    name = request.household.name
    try:
        actions.household_leave(actor=request.membership)
    except DomainError as exc:
        return _refused(request, exc, reverse("households:members"))
    request.session.pop(queries.SESSION_KEY, None)
    messages.success(request, _("You left %(household)s.") % {"household": name})
    return redirect("web:dashboard")


# --- accepting ----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation e-mail. Signed out: sign in or sign up, then back here.
    Signed in as the invited e-mail: an Accept button. Anyone else: not found."""
    invitation = queries.invitation_for_token(token)
    if invitation is None:
        return _accept_page(request, status=404, problem=_("This invitation link is not valid."))
    if not request.user.is_authenticated:
        # After sign-up, confirmation and sign-in the dashboard sends them back here.
        request.session[PENDING_INVITATION_KEY] = request.path
        query = urlencode({"next": request.path, "email": invitation.email})
        return _accept_page(
            request,
            invitation=invitation,
            sign_in_url=f"{reverse('identity:sign_in')}?{query}",
            sign_up_url=reverse("identity:sign_up"),
        )
    request.session.pop(PENDING_INVITATION_KEY, None)
    user = request.user  # signed in: checked above
    in_household = invitation.household.memberships.filter(user=user).exists()
    if in_household and request.method == "GET":  # e.g. the owner checking the link
        return _accept_page(request, invitation=invitation, already_member=True)
    if request.method == "POST":
        try:
            membership = actions.invitation_accept(user=user, token=token)
        except DomainError as exc:
            return _accept_page(request, status=status_of(exc), problem=exc.message)
        request.session[queries.SESSION_KEY] = membership.household_id
        messages.success(
            request,
            _("Welcome to %(household)s. You are now %(role)s.")
            % {"household": membership.household.name, "role": membership.get_role_display()},
        )
        return redirect("web:dashboard")
    if user.email.lower() != invitation.email.lower():
        return _accept_page(
            request,
            status=404,
            problem=_("This invitation is for another e-mail address. Sign in as its recipient."),
        )
    problem = _state_problem(invitation)
    if problem:
        return _accept_page(request, status=409, problem=problem)
    return _accept_page(request, invitation=invitation, can_accept=True)


def _state_problem(invitation: Any) -> str:
    if invitation.accepted_at is not None:
        return _("This invitation was already accepted.")
    if invitation.revoked_at is not None:
        return _("This invitation was revoked.")
    if timezone.now() >= invitation.expires_at:
        return _("This invitation has expired. Ask for a new one.")
    return ""


def _accept_page(request: HttpRequest, *, status: int = 200, **context: Any) -> HttpResponse:
    return render(request, "households/accept.html", context, status=status)


# --- switching and creating ---------------------------------------------------------------------
@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """Act in another of the user's households from now on (this browser session)."""
    user = cast(User, request.user)  # signed in: login_required or checked above
    try:
        membership = actions.household_switch(user=user, household_id=request.POST.get("household"))
    except DomainError as exc:
        return _refused(request, exc, reverse("web:dashboard"))
    request.session[queries.SESSION_KEY] = membership.household_id
    messages.success(request, _("Now in %(household)s.") % {"household": membership.household.name})
    default = reverse("web:dashboard")
    return redirect(safe_next_url(request, request.POST.get("next", ""), default))


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # signed in: login_required or checked above
    form = HouseholdForm(posted(request))
    membership, status = submit(
        form, lambda data: actions.household_create(user=user, name=data["name"])
    )
    if membership is not None:
        request.session[queries.SESSION_KEY] = membership.household_id
        messages.success(
            request, _("%(household)s created.") % {"household": membership.household.name}
        )
        return redirect("households:members")
    return render(request, "households/create.html", {"form": form}, status=status)


# --- settle-up ----------------------------------------------------------------------------------
def _settle_context(request: HouseholdRequest, form: SettleForm | None = None) -> dict[str, Any]:
    user = request.user
    chosen = parse_date_range(
        request.GET.get("range") or request.POST.get("range"),
        request.GET.get("from") or request.POST.get("from"),
        request.GET.get("to") or request.POST.get("to"),
        today=user.today(),
        start_day=user.month_start_day,
    )
    first, last = chosen.period.start, chosen.period.last_day
    currencies = queries.settle_up(request.household, first, last)
    for section in currencies:
        section.suggestions = [  # type: ignore[attr-defined]
            {
                "payer": payer,
                "payee": payee,
                "money": money,
                "amount_text": amount_text(money, user.locale),
            }
            for payer, payee, money in section.transfers
        ]
    settlements = list(
        Settlement.objects.filter(
            household=request.household, period_start__gte=first, period_end__lte=last
        ).select_related("payer", "payee")
    )
    return {
        "chosen": chosen,
        "range_error": range_error_text(chosen),
        "first": first,
        "last": last,
        "currencies": currencies,
        "settlements": settlements,
        "settle_form": form,
        "presets": [
            ("this_month", _("This budget month")),
            ("last_month", _("Last budget month")),
            ("last_3", _("Last 3 months")),
            ("ytd", _("Year to date")),
        ],
    }


@household_required
@require_GET
def settle_up(request: HouseholdRequest) -> HttpResponse:
    """Shared spending of a period: each person's paid and fair share, and who owes whom."""
    return render(request, "households/settle_up.html", _settle_context(request))


@household_required
@require_POST
def settle(request: HouseholdRequest) -> HttpResponse:
    """Record one payment of the suggestion (or a part of it) as a settlement."""
    form = SettleForm(request.POST, household=request.household, locale=request.user.locale)
    saved, status = submit(
        form,
        lambda data: actions.settlement_create(
            actor=request.membership,
            payer=data["payer"],
            payee=data["payee"],
            amount=data["money"],
            period_start=data["period_start"],
            period_end=data["period_end"],
        ),
    )
    if saved is not None:
        messages.success(request, _("Settlement recorded."))
        query = f"?range=custom&from={saved.period_start}&to={saved.period_end}"
        return redirect(reverse("households:settle_up") + query)
    return render(
        request, "households/settle_up.html", _settle_context(request, form), status=status
    )


@household_required
@require_POST
def settlement_delete(request: HouseholdRequest, pk: int) -> HttpResponse:
    settlement = queries.get_settlement(request.household, pk)
    try:
        actions.settlement_delete(actor=request.membership, settlement=settlement)
    except DomainError as exc:
        return _refused(request, exc, reverse("households:settle_up"))
    messages.success(request, _("Settlement deleted."))
    query = f"?range=custom&from={settlement.period_start}&to={settlement.period_end}"
    return redirect(reverse("households:settle_up") + query)
