"""The ledger pages: transactions (with quick add and "Older" paging), transfers, accounts,
categories, payees and tags.

Each view parses a form, loads through a household-scoped helper (another household's id is a
404), calls one action with the member as actor, and renders. A refused action shows its
message on the form with its status: 400, or 403 when the member's role cannot write.
HTMX requests (the quick add, the "Older" button) get fragment templates; every page also works
as plain forms and links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.db.models.functions import Lower
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spendwise.errors import DomainError
from spendwise.households.decorators import household_required
from spendwise.households.models import Household, Membership
from spendwise.identity.models import User
from spendwise.ledger import actions, queries
from spendwise.ledger.forms import (
    AccountForm,
    BalanceOnForm,
    CategoryForm,
    EntryForm,
    PayeeForm,
    TransactionFilterForm,
    TransferForm,
    categories_in_tree_order,
)
from spendwise.ledger.models import (
    Account,
    AccountKind,
    Category,
    CategoryKind,
    Payee,
    Tag,
    Transaction,
    TransactionKind,
)


class LedgerRequest(HttpRequest):
    """A request that passed ``household_required``."""

    user: User
    household: Household
    membership: Membership


# --- helpers ------------------------------------------------------------------------------------
def _is_htmx(request: HttpRequest) -> bool:
    # A history restore wants the whole page, although HTMX sends it.
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _show_refusal(form: Form, exc: DomainError) -> int:
    """Put the action's message on its field (or the whole form); return the status to answer."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return exc.status


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go back to after a POST: the posted ``next`` if it is ours, else ``default``."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else default


def _with_query(url: str, params: dict[str, Any] | list[tuple[str, Any]]) -> str:
    query = urlencode(params)
    return f"{url}?{query}" if query else url


@dataclass(frozen=True)
class ListedRow:
    """A row of the transaction list; ``counterpart`` is the other account of a transfer."""

    txn: Transaction
    counterpart: Account | None


def _listed(rows: list[Transaction]) -> list[ListedRow]:
    others = queries.transfer_counterparts(rows)
    return [ListedRow(row, others.get(row.pk)) for row in rows]


def _older_url(list_url_params: list[tuple[str, str]], cursor: str | None) -> str | None:
    if not cursor:
        return None
    return _with_query(reverse("ledger:transactions"), [*list_url_params, ("cursor", cursor)])


# --- transactions -------------------------------------------------------------------------------
def _entry_defaults(request: LedgerRequest) -> dict[str, Any]:
    return {"kind": TransactionKind.EXPENSE, "date": request.user.today()}


@household_required
@require_GET
def transactions(request: LedgerRequest) -> HttpResponse:
    """The list, newest first: filters in the query string, keyset pages of
    ``TRANSACTIONS_PAGE_SIZE`` rows, a quick-add form on top."""
    household, user = request.household, request.user
    filter_form = TransactionFilterForm(
        request.GET, household=household, locale=user.locale, currency=user.home_currency
    )
    filters, filter_notes = filter_form.filters()
    cursor = request.GET.get("cursor", "")
    page = queries.transactions_page(
        household, filters, cursor=cursor, size=settings.TRANSACTIONS_PAGE_SIZE
    )
    params = [
        (name, value)
        for name in TransactionFilterForm.base_fields
        if (value := request.GET.get(name, "").strip())
    ]
    list_url = _with_query(reverse("ledger:transactions"), params)
    context: dict[str, Any] = {
        "rows": _listed(page.rows),
        "older_url": _older_url(params, page.next_cursor),
        "return_to": list_url,
    }
    if _is_htmx(request):
        response = render(request, "ledger/transaction_rows.html", context)
    else:
        has_accounts = Account.objects.filter(household=household).exists()
        can_write = request.membership.can_write
        context.update(
            {
                "filter_form": filter_form,
                "filter_notes": filter_notes,
                "filters_active": bool(params),
                "cursor": cursor,
                "list_url": list_url,
                "has_accounts": has_accounts,
                "has_transactions": bool(page.rows)
                or Transaction.objects.filter(household=household).exists(),
                "amount_currency": filters.account.currency
                if filters.account
                else user.home_currency,
                "form": EntryForm(
                    household=household, locale=user.locale, initial=_entry_defaults(request)
                )
                if has_accounts and can_write
                else None,
            }
        )
        response = render(request, "ledger/transactions.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _quick_add_added(request: LedgerRequest, row: Transaction) -> HttpResponse:
    """The quick-add fragment after an add: a fresh form (same kind, account and date, for
    the next entry) and the new row, which HTMX puts on top of the list."""
    fresh = EntryForm(
        household=request.household,
        locale=request.user.locale,
        initial={"kind": row.kind, "date": row.date, "account": row.account_id},
    )
    added = queries.get_transaction(request.household, row.pk)
    context = {
        "form": fresh,
        "added": added,
        "rows": _listed([added]),
        "return_to": reverse("ledger:transactions"),
    }
    return render(request, "ledger/quick_add.html", context)


@household_required
@require_http_methods(["GET", "POST"])
def transaction_create(request: LedgerRequest) -> HttpResponse:
    """Add an expense or income. HTMX posts get the quick-add fragment back; plain posts are
    redirected to the list."""
    form = EntryForm(
        _posted(request),
        household=request.household,
        locale=request.user.locale,
        initial=_entry_defaults(request),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                row = actions.transaction_create(actor=request.membership, entry=form.entry())
            except DomainError as exc:
                status = _show_refusal(form, exc)
            else:
                if _is_htmx(request):
                    return _quick_add_added(request, row)
                messages.success(
                    request,
                    f"{row.get_kind_display()} of {row.magnitude.format(request.user.locale)} "
                    "added.",
                )
                return redirect("ledger:transactions")
    template = "ledger/quick_add.html" if _is_htmx(request) else "ledger/transaction_form.html"
    return render(request, template, {"form": form}, status=status)


@household_required
@require_http_methods(["GET", "POST"])
def transaction_edit(request: LedgerRequest, pk: int) -> HttpResponse:
    row = queries.get_transaction(request.household, pk)
    if row.transfer_id is not None:
        return redirect("ledger:transfer_edit", row.transfer_id)
    form = EntryForm(
        _posted(request), household=request.household, locale=request.user.locale, row=row
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.transaction_update(actor=request.membership, row=row, entry=form.entry())
            except DomainError as exc:
                status = _show_refusal(form, exc)
            else:
                messages.success(request, "Transaction saved.")
                return redirect(_next_url(request, reverse("ledger:transactions")))
    return render(
        request, "ledger/transaction_form.html", {"form": form, "row": row}, status=status
    )


@household_required
@require_POST
def transaction_delete(request: LedgerRequest, pk: int) -> HttpResponse:
    """Delete an expense or income, or a whole transfer (both legs) from either leg."""
    row = queries.get_transaction(request.household, pk)
    back = _next_url(request, reverse("ledger:transactions"))
    try:
        actions.transaction_delete(actor=request.membership, row=row)
    except DomainError as exc:
        return render(
            request,
            "ledger/refused.html",
            {"message": exc.message, "back_url": back},
            status=exc.status,
        )
    if row.transfer_id is not None:
        messages.success(request, "Transfer deleted from both accounts.")
    else:
        messages.success(request, "Transaction deleted.")
    return redirect(back)


# --- transfers ----------------------------------------------------------------------------------
@household_required
@require_http_methods(["GET", "POST"])
def transfer_create(request: LedgerRequest) -> HttpResponse:
    form = TransferForm(
        _posted(request),
        household=request.household,
        locale=request.user.locale,
        initial={"date": request.user.today()},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.transfer_create(actor=request.membership, data=form.transfer_input())
            except DomainError as exc:
                status = _show_refusal(form, exc)
            else:
                messages.success(request, "Transfer recorded.")
                return redirect("ledger:transactions")
    # A refused post shows its form and errors whatever the number of accounts.
    too_few_accounts = (
        request.method == "GET"
        and queries.accounts_for(request.household, include_archived=False).count() < 2
    )
    context = {"form": form, "too_few_accounts": too_few_accounts}
    return render(request, "ledger/transfer_form.html", context, status=status)


@household_required
@require_http_methods(["GET", "POST"])
def transfer_edit(request: LedgerRequest, pk: int) -> HttpResponse:
    transfer = queries.get_transfer(request.household, pk)
    form = TransferForm(
        _posted(request),
        household=request.household,
        locale=request.user.locale,
        transfer=transfer,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.transfer_update(
                    actor=request.membership, transfer=transfer, data=form.transfer_input()
                )
            except DomainError as exc:
                status = _show_refusal(form, exc)
            else:
                messages.success(request, "Transfer saved.")
                return redirect(_next_url(request, reverse("ledger:transactions")))
    outgoing, _incoming = transfer.legs()
    context = {"form": form, "transfer": transfer, "outgoing": outgoing}
    return render(request, "ledger/transfer_form.html", context, status=status)


# --- accounts -----------------------------------------------------------------------------------
@household_required
@require_GET
def accounts(request: LedgerRequest) -> HttpResponse:
    balances = queries.account_balances(request.household, include_archived=True)
    active = [row for row in balances if not row.account.archived]
    context = {
        "active": active,
        "archived": [row for row in balances if row.account.archived],
        "net_worth": queries.net_worth(active),
    }
    return render(request, "ledger/accounts.html", context)


@household_required
@require_http_methods(["GET", "POST"])
def account_create(request: LedgerRequest) -> HttpResponse:
    form = AccountForm(
        _posted(request),
        locale=request.user.locale,
        initial={"currency": request.user.home_currency, "kind": AccountKind.CHECKING},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                account = actions.account_create(
                    actor=request.membership,
                    name=data["name"],
                    kind=data["kind"],
                    currency=data["currency"],
                    opening_balance=form.opening_minor,
                )
            except DomainError as exc:
                status = _show_refusal(form, exc)
            else:
                messages.success(request, f"Account “{account.name}” added.")
                return redirect("ledger:account_detail", account.pk)
    return render(request, "ledger/account_form.html", {"form": form}, status=status)


@household_required
@require_GET
def account_detail(request: LedgerRequest, pk: int) -> HttpResponse:
    """The balance now, the balance at the end of a chosen day (``?on=``), the latest rows."""
    account = queries.get_account(request.household, pk)
    on_form = BalanceOnForm(request.GET if "on" in request.GET else None, auto_id="balance-%s")
    on_day = on_form.day()
    page = queries.transactions_page(
        request.household,
        queries.TransactionFilters(account=account),
        size=settings.TRANSACTIONS_PAGE_SIZE,
    )
    params = [("account", str(account.pk))]
    context = {
        "account": account,
        "balance": account.balance(),
        "on_form": on_form,
        "on_day": on_day,
        "balance_on": account.balance(on_day) if on_day else None,
        "rows": _listed(page.rows),
        "older_url": _older_url(params, page.next_cursor),
        "all_url": _with_query(reverse("ledger:transactions"), params),
        "return_to": request.path,
    }
    return render(request, "ledger/account_detail.html", context)


@household_required
@require_http_methods(["GET", "POST"])
def account_edit(request: LedgerRequest, pk: int) -> HttpResponse:
    account = queries.get_account(request.household, pk)
    form = AccountForm(_posted(request), locale=request.user.locale, account=account)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.account_update(
                    actor=request.membership,
                    account=account,
                    name=data["name"],
                    kind=data["kind"],
                    opening_balance=form.opening_minor,
                    archived=data["archived"],
                )
            except DomainError as exc:
                status = _show_refusal(form, exc)
                account.refresh_from_db()  # the refused values stay in the form, not the title
            else:
                messages.success(request, "Account saved.")
                return redirect("ledger:account_detail", account.pk)
    context = {"form": form, "account": account}
    return render(request, "ledger/account_form.html", context, status=status)


@household_required
@require_POST
def account_delete(request: LedgerRequest, pk: int) -> HttpResponse:
    account = queries.get_account(request.household, pk)
    try:
        actions.account_delete(actor=request.membership, account=account)
    except DomainError as exc:
        form = AccountForm(locale=request.user.locale, account=account)
        context = {"form": form, "account": account, "delete_error": exc.message}
        return render(request, "ledger/account_form.html", context, status=exc.status)
    messages.success(request, f"Account “{account.name}” deleted.")
    return redirect("ledger:accounts")


# --- categories ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CategoryNode:
    category: Category
    children: list[Category]


@household_required
@require_GET
def categories(request: LedgerRequest) -> HttpResponse:
    """Expense and income categories as trees: each top-level category, then its children."""
    rows = list(
        categories_in_tree_order(request.household).annotate(
            transaction_count=Count("transactions")
        )
    )
    children: dict[int, list[Category]] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row)
    trees: dict[str, list[CategoryNode]] = {kind: [] for kind in CategoryKind.values}
    for row in rows:
        if row.parent_id is None:
            trees[row.kind].append(CategoryNode(row, children.get(row.pk, [])))
    context = {
        "sections": [
            (CategoryKind.EXPENSE, "Expense categories", trees[CategoryKind.EXPENSE]),
            (CategoryKind.INCOME, "Income categories", trees[CategoryKind.INCOME]),
        ]
    }
    return render(request, "ledger/categories.html", context)


@household_required
@require_http_methods(["GET", "POST"])
def category_create(request: LedgerRequest) -> HttpResponse:
    initial: dict[str, str] = {"kind": CategoryKind.EXPENSE}
    if request.GET.get("kind") in CategoryKind.values:
        initial["kind"] = request.GET["kind"]
    if request.GET.get("parent", "").isdigit():
        initial["parent"] = request.GET["parent"]
    form = CategoryForm(_posted(request), household=request.household, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                category = actions.category_create(
                    actor=request.membership,
                    name=data["name"],
                    kind=data["kind"],
                    parent=data["parent"],
                    colour=data["colour"],
                )
            except DomainError as exc:
                status = _show_refusal(form, exc)
            else:
                messages.success(request, f"Category “{category}” added.")
                return redirect("ledger:categories")
    return render(request, "ledger/category_form.html", {"form": form}, status=status)


@household_required
@require_http_methods(["GET", "POST"])
def category_edit(request: LedgerRequest, pk: int) -> HttpResponse:
    category = queries.get_category(request.household, pk)
    form = CategoryForm(_posted(request), household=request.household, category=category)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.category_update(
                    actor=request.membership,
                    category=category,
                    name=data["name"],
                    parent=data["parent"],
                    colour=data["colour"],
                    archived=data["archived"],
                )
            except DomainError as exc:
                status = _show_refusal(form, exc)
                category.refresh_from_db()
            else:
                messages.success(request, "Category saved.")
                return redirect("ledger:categories")
    context = {"form": form, "category": category}
    return render(request, "ledger/category_form.html", context, status=status)


# --- payees and tags ----------------------------------------------------------------------------
@household_required
@require_GET
def payees(request: LedgerRequest) -> HttpResponse:
    rows = (
        Payee.objects.filter(household=request.household)
        .select_related("default_category__parent")
        .annotate(transaction_count=Count("transactions"))
        .order_by(Lower("name"), "id")
    )
    return render(request, "ledger/payees.html", {"payees": rows})


@household_required
@require_http_methods(["GET", "POST"])
def payee_edit(request: LedgerRequest, pk: int) -> HttpResponse:
    payee = queries.get_payee(request.household, pk)
    form = PayeeForm(_posted(request), household=request.household, payee=payee)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.payee_update(
                    actor=request.membership,
                    payee=payee,
                    name=data["name"],
                    default_category=data["default_category"],
                )
            except DomainError as exc:
                status = _show_refusal(form, exc)
                payee.refresh_from_db()
            else:
                messages.success(request, "Payee saved.")
                return redirect("ledger:payees")
    context = {"form": form, "payee": payee}
    return render(request, "ledger/payee_form.html", context, status=status)


@household_required
@require_GET
def tags(request: LedgerRequest) -> HttpResponse:
    rows = (
        Tag.objects.filter(household=request.household)
        .annotate(transaction_count=Count("transactions"))
        .order_by(Lower("name"), "id")
    )
    return render(request, "ledger/tags.html", {"tags": rows})
