"""The security page (two-step sign-in, recovery codes, the household's rule) and the code
step of signing in.

Local mode: SpendWise keeps the TOTP secret and checks codes (``actions``). Cognito mode: the
user pool does (``CognitoIdentityProvider.software_token_*`` and
``answer_software_token_challenge``); recovery codes are local-mode only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from spendwise.errors import DomainError, PermissionDenied
from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.households.models import Role
from spendwise.identity import throttle
from spendwise.identity.models import User
from spendwise.identity.providers import get_provider
from spendwise.identity.providers.cognito import CognitoIdentityProvider
from spendwise.mfa import actions, challenge, queries, totp
from spendwise.mfa.forms import ConfirmItIsYouForm, PolicyForm, SetupCodeForm, SignInCodeForm
from spendwise.web.forms import posted, show_refusal
from spendwise.web.responses import refused, safe_next_url

SETUP_SECRET = "mfa_setup_secret"  # noqa: S105 - a session key, not a secret
NEW_RECOVERY_CODES = "mfa_new_recovery_codes"
WRONG_CODES = {"wrong_code", "reused_code"}


def _cognito() -> CognitoIdentityProvider | None:
    provider = get_provider()
    return provider if isinstance(provider, CognitoIdentityProvider) else None


def _throttled(keys: list[str]) -> DomainError | None:
    wait = throttle.seconds_until_allowed(keys)
    if wait:
        return DomainError(throttle.throttled_message(wait), code="throttled")
    return None


# --- the security page ---------------------------------------------------------------------------


def _security_page(
    request: HouseholdRequest,
    *,
    confirm_form: ConfirmItIsYouForm | None = None,
    policy_form: PolicyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    is_owner = request.membership.role == Role.OWNER
    requires = queries.household_requires_mfa(request.household)
    context: dict[str, Any] = {
        "device": queries.device_of(user),
        "cognito": _cognito() is not None,
        "codes_left": queries.recovery_codes_left(user),
        "household_requires": requires,
        "is_owner": is_owner,
        "confirm_form": confirm_form or ConfirmItIsYouForm(),
        "policy_form": policy_form or PolicyForm(initial={"require_mfa": requires}),
        "members": queries.member_mfa_status(request.household) if is_owner else [],
    }
    return render(request, "mfa/security.html", context, status=status)


@household_required
@require_http_methods(["GET"])
def security(request: HouseholdRequest) -> HttpResponse:
    return _security_page(request)


@household_required
@require_http_methods(["GET", "POST"])
def setup(request: HouseholdRequest) -> HttpResponse:
    """Show a new secret (text and QR code); enable it once a code from the app matches."""
    user = request.user
    if queries.has_second_factor(user):
        return redirect("mfa:security")
    cognito = _cognito()
    secret = request.session.get(SETUP_SECRET)
    if not secret:
        try:
            secret = cognito.software_token_associate(request) if cognito else totp.new_secret()
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("mfa:security")
        request.session[SETUP_SECRET] = secret
    form = SetupCodeForm(posted(request))
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            code = totp.normalize(form.cleaned_data["code"])
            try:
                if cognito:
                    cognito.software_token_verify(request, code=code)
                    actions.cognito_device_record(user=user)
                    codes: list[str] = []
                else:
                    codes = actions.totp_enable(user=user, secret=secret, code=code)
            except DomainError as exc:
                status = show_refusal(form, exc)
            else:
                request.session.pop(SETUP_SECRET, None)
                messages.success(request, _("Two-step sign-in is on."))
                if codes:
                    request.session[NEW_RECOVERY_CODES] = codes
                    return redirect("mfa:recovery_codes")
                return redirect("mfa:security")
    context = {
        "form": form,
        "secret": totp.grouped(secret),
        "qr": totp.qr_svg_data_uri(totp.provisioning_uri(secret, account=user.email)),
        "cognito": cognito is not None,
    }
    return render(request, "mfa/setup.html", context, status=status)


@household_required
@require_http_methods(["GET"])
def recovery_codes(request: HouseholdRequest) -> HttpResponse:
    """The new recovery codes, shown once: they are gone from the session after this page."""
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    if not codes:
        return redirect("mfa:security")
    return render(request, "mfa/recovery_codes.html", {"codes": codes})


def _confirm_it_is_you(request: HouseholdRequest, form: ConfirmItIsYouForm) -> None:
    """Accept a current code (local mode) or the password; raise ``DomainError`` otherwise."""
    user = request.user
    code = (form.cleaned_data.get("code") or "").strip()
    password = form.cleaned_data.get("password") or ""
    if code and _cognito() is None:
        keys = throttle.throttle_keys(request, "mfa", user.email)
        refusal = _throttled(keys)
        if refusal:
            raise refusal
        try:
            actions.second_factor_check(user=user, code=code)
        except DomainError as exc:
            if exc.code in WRONG_CODES:
                throttle.record_failure(keys)
            raise
        throttle.clear_failures(keys)
        return
    if not password:
        raise DomainError(
            _("Enter your password: with Amazon Cognito sign-in, codes cannot be checked here."),
            field="password",
        )
    if not get_provider().verify_password(request, user=user, password=password):
        raise DomainError(_("The password is not right."), field="password")


@household_required
@require_POST
def regenerate_recovery_codes(request: HouseholdRequest) -> HttpResponse:
    form = ConfirmItIsYouForm(request.POST)
    if _cognito() is not None or not queries.has_second_factor(request.user):
        return redirect("mfa:security")
    if not form.is_valid():
        return _security_page(request, confirm_form=form, status=400)
    try:
        _confirm_it_is_you(request, form)
    except DomainError as exc:
        return _security_page(request, confirm_form=form, status=show_refusal(form, exc))
    request.session[NEW_RECOVERY_CODES] = actions.recovery_codes_regenerate(user=request.user)
    messages.success(request, _("New recovery codes made; the old ones no longer work."))
    return redirect("mfa:recovery_codes")


@household_required
@require_POST
def disable(request: HouseholdRequest) -> HttpResponse:
    form = ConfirmItIsYouForm(request.POST)
    user = request.user
    if not queries.has_second_factor(user):
        return redirect("mfa:security")
    if not form.is_valid():
        return _security_page(request, confirm_form=form, status=400)
    try:
        actions.ensure_can_disable(user)
        _confirm_it_is_you(request, form)
        cognito = _cognito()
        if cognito:
            cognito.software_token_disable(request)
        actions.totp_disable(user=user)
    except DomainError as exc:
        return _security_page(request, confirm_form=form, status=show_refusal(form, exc))
    messages.success(request, _("Two-step sign-in is off."))
    return redirect("mfa:security")


@household_required
@require_POST
def household_policy(request: HouseholdRequest) -> HttpResponse:
    form = PolicyForm(request.POST)
    if not form.is_valid():
        return _security_page(request, policy_form=form, status=400)
    try:
        policy = actions.policy_set(
            actor=request.membership, require_mfa=form.cleaned_data["require_mfa"]
        )
    except PermissionDenied as exc:
        return refused(request, exc, back_url=reverse("mfa:security"))
    except DomainError as exc:
        return _security_page(request, policy_form=form, status=show_refusal(form, exc))
    if policy.require_mfa:
        messages.success(request, _("Every member now needs two-step sign-in."))
    else:
        messages.success(request, _("Two-step sign-in is no longer required."))
    return redirect("mfa:security")


# --- signing in: the code step -------------------------------------------------------------------


def _complete(request: HttpRequest, pending: challenge.PendingSignIn, code: str) -> User:
    """Check ``code`` for the pending sign-in and sign the person in."""
    cognito = _cognito()
    if pending.provider == "cognito" and cognito is not None:
        if not totp.looks_like_totp(code):
            raise DomainError(
                _("Enter the 6-digit code from your authenticator app."), field="code"
            )
        known = User.objects.filter(pk=pending.user_id).first() if pending.user_id else None
        if known is not None:
            actions.cognito_code_accept(user=known, code=code)
        signed_in = cognito.answer_software_token_challenge(request, pending=pending, code=code)
        actions.cognito_code_accepted(user=signed_in, code=code)
        return signed_in
    user = User.objects.filter(pk=pending.user_id, is_active=True).first()
    if user is None or pending.provider != "local":
        raise DomainError(_("Your sign-in took too long. Sign in again."), code="challenge_expired")
    method = actions.second_factor_check(user=user, code=code)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if method == "recovery":
        left = queries.recovery_codes_left(user)
        messages.warning(
            request,
            ngettext(
                "You signed in with a recovery code; %(left)d is left. Make new ones on the "
                "security page.",
                "You signed in with a recovery code; %(left)d are left. Make new ones on the "
                "security page.",
                left,
            )
            % {"left": left},
        )
    return user


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app (or a recovery code)."""
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    pending = challenge.pending(request)
    if pending is None:
        messages.error(request, _("Your sign-in took too long. Sign in again."))
        return redirect("identity:sign_in")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = SignInCodeForm(posted(request))
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            code = totp.normalize(form.cleaned_data["code"])
            keys = throttle.throttle_keys(request, "mfa", pending.email)
            try:
                refusal = _throttled(keys)
                if refusal:
                    raise refusal
                _complete(request, pending, code)
            except DomainError as exc:
                if exc.code == "challenge_expired":
                    challenge.clear(request)
                    messages.error(request, exc.message)
                    return redirect("identity:sign_in")
                if exc.code in WRONG_CODES:
                    throttle.record_failure(keys)
                status = show_refusal(form, exc)
            else:
                throttle.clear_failures(keys)
                challenge.clear(request)
                return redirect(safe_next_url(request, next_url, reverse("web:dashboard")))
    context = {"form": form, "next": next_url, "cognito": pending.provider == "cognito"}
    return render(request, "mfa/sign_in_code.html", context, status=status)
