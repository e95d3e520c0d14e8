"""Sign-up, confirmation, sign-in, password reset and the profile page.

Each view parses its form and calls the configured identity provider; the provider's
``IdentityError`` becomes a form error, so local and Cognito modes show the same messages.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods, require_POST

from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.identity.forms import (
    ConfirmForm,
    EmailForm,
    ProfileForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
)
from spendwise.identity.models import User, normalize_email
from spendwise.identity.providers import IdentityError, SecondFactorRequired, get_provider
from spendwise.web.forms import show_refusal
from spendwise.web.responses import safe_next_url


def _with_email(url_name: str, email: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'email': email})}"


def _keep_language(email: str) -> None:
    """Someone who signs up in Vietnamese keeps Vietnamese once signed in (docs/i18n.md): the
    new, unconfirmed account's locale follows the sign-up page's language."""
    if get_language() == "vi":
        User.objects.filter(
            email=normalize_email(email), email_confirmed_at__isnull=True, locale="en"
        ).update(locale="vi")


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            get_provider().sign_up(request, email=email, password=form.cleaned_data["password"])
        except IdentityError as exc:
            show_refusal(form, exc)
        else:
            _keep_language(email)
            messages.success(
                request,
                gettext("We sent a 6-digit code to %(email)s. Enter it below.") % {"email": email},
            )
            return redirect(_with_email("identity:confirm", email))
    return render(request, "identity/sign_up.html", {"form": form})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    form = ConfirmForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            get_provider().confirm_sign_up(request, email=email, code=form.cleaned_data["code"])
        except IdentityError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, gettext("Your e-mail is confirmed. Sign in to start."))
            return redirect(_with_email("identity:sign_in", email))
    return render(request, "identity/confirm.html", {"form": form})


@require_POST
def resend_code(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            get_provider().resend_code(request, email=email)
        except IdentityError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                gettext("If %(email)s is waiting for confirmation, a new code is on its way.")
                % {"email": email},
            )
        return redirect(_with_email("identity:confirm", email))
    messages.error(request, gettext("Enter a valid e-mail address to get a new code."))
    return redirect("identity:confirm")


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    form = SignInForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            get_provider().sign_in(request, email=email, password=form.cleaned_data["password"])
        except SecondFactorRequired:
            target = reverse("mfa:sign_in_code")
            return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
        except IdentityError as exc:
            if exc.code == "unconfirmed":
                messages.error(request, exc.message)
                return redirect(_with_email("identity:confirm", email))
            show_refusal(form, exc)
        else:
            return redirect(safe_next_url(request, next_url, reverse("web:dashboard")))
    return render(request, "identity/sign_in.html", {"form": form, "next": next_url})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    get_provider().sign_out(request)
    messages.success(request, gettext("You are signed out."))
    return redirect("identity:sign_in")


@require_http_methods(["GET", "POST"])
def forgot_password(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            get_provider().forgot_password(request, email=email)
        except IdentityError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                gettext("If %(email)s has an account, we sent it a code to reset the password.")
                % {"email": email},
            )
            return redirect(_with_email("identity:reset_password", email))
    return render(request, "identity/forgot_password.html", {"form": form})


@require_http_methods(["GET", "POST"])
def reset_password(request: HttpRequest) -> HttpResponse:
    form = ResetPasswordForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            get_provider().confirm_forgot_password(
                request,
                email=email,
                code=form.cleaned_data["code"],
                new_password=form.cleaned_data["password"],
            )
        except IdentityError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request, gettext("Your password is changed. Sign in with the new one.")
            )
            return redirect(_with_email("identity:sign_in", email))
    return render(request, "identity/reset_password.html", {"form": form})


@household_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HouseholdRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("Settings saved."))
        return redirect("identity:settings")
    return render(request, "identity/settings.html", {"form": form})
