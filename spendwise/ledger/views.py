"""The ledger pages: transactions (with quick add and "Older" paging), transfers, accounts,
categories, payees and tags.

Each view parses a form, loads through a household-scoped helper (another household's id is a
404), calls one action with the member as actor, and renders. A refused action shows its
message on the form with its status: 400, or 403 when the member's role cannot write.
HTMX requests (the quick add, the "Older" button) get fragment templates; every page also works
as plain forms and links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spendwise.attachments.forms import ReceiptForm
from spendwise.attachments.queries import attachments_of, with_receipts
from spendwise.errors import DomainError
from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.households.models import Membership
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
from spendwise.money import Money
from spendwise.web.forms import posted, submit
from spendwise.web.responses import is_htmx, refused, safe_next_url


# --- helpers ------------------------------------------------------------------------------------
def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go back to after a POST: the posted ``next`` if it is ours, else ``default``."""
    return safe_next_url(request, request.POST.get("next", ""), default)


def _with_query(url: str, params: dict[str, Any] | list[tuple[str, Any]]) -> str:
    query = urlencode(params)
    return f"{url}?{query}" if query else url


_PK_MARKER = 2**62  # digits that appear in no URL prefix


def _url_for_pk(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for any pk, at the cost of a single ``reverse``."""
    prefix, _, suffix = reverse(name, args=[_PK_MARKER]).rpartition(str(_PK_MARKER))
    return lambda pk: f"{prefix}{pk}{suffix}"


@dataclass(frozen=True)
class ListedRow:
    """A row of the transaction list; ``counterpart`` is the other account of a transfer.

    What the template would otherwise work out for each row is computed here once: its links
    (a ``reverse`` per link costs more than the rest of the row), its amount, and its pk as
    text (an int in a template goes through number localisation)."""

    txn: Transaction
    counterpart: Account | None
    pk: str
    money: Money
    tag_links: list[tuple[str, str]]  # (href, name)
    edit_url: str
    delete_url: str
    account_url: str
    receipts_url: str | None = None  # set when the transaction has receipts (the paperclip)


def _listed(request: HouseholdRequest, rows: list[Transaction]) -> dict[str, Any]:
    """The context of ``transaction_rows.html`` except ``older_url`` and ``return_to``."""
    others = queries.transfer_counterparts(rows)
    edit_url = _url_for_pk("ledger:transaction_edit")
    transfer_edit_url = _url_for_pk("ledger:transfer_edit")
    delete_url = _url_for_pk("ledger:transaction_delete")
    account_url = _url_for_pk("ledger:account_detail")
    tag_url = reverse("ledger:transactions") + "?tag="
    receipts_url = _url_for_pk("attachments:receipts")
    has_receipts = with_receipts(row.pk for row in rows)  # one query for the whole page
    listed = [
        ListedRow(
            row,
            others.get(row.pk),
            pk=str(row.pk),
            money=row.money,
            tag_links=[(f"{tag_url}{tag.pk}", tag.name) for tag in row.tags.all()],
            edit_url=transfer_edit_url(row.transfer_id) if row.transfer_id else edit_url(row.pk),
            delete_url=delete_url(row.pk),
            account_url=account_url(row.account_id),
            receipts_url=receipts_url(row.pk) if row.pk in has_receipts else None,
        )
        for row in rows
    ]
    return {
        "rows": listed,
        # "paid by … · entered by …" only where there is more than one person to tell apart.
        "shared_household": Membership.objects.filter(household=request.household)[:2].count() > 1,
        # One hidden input for every row's delete form, instead of a {% csrf_token %} per row.
        "csrf_input": csrf_input(request) if request.membership.can_write else "",
    }


def _older_url(list_url_params: list[tuple[str, str]], cursor: str | None) -> str | None:
    if not cursor:
        return None
    return _with_query(reverse("ledger:transactions"), [*list_url_params, ("cursor", cursor)])


# --- transactions -------------------------------------------------------------------------------
def _entry_defaults(request: HouseholdRequest) -> dict[str, Any]:
    return {
        "kind": TransactionKind.EXPENSE,
        "date": request.user.today(),
        "paid_by": request.user.pk,
    }


@household_required
@require_GET
def transactions(request: HouseholdRequest) -> HttpResponse:
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
        **_listed(request, page.rows),
        "older_url": _older_url(params, page.next_cursor),
        "return_to": list_url,
    }
    if is_htmx(request):
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
                "export_url": _with_query(reverse("portability:transactions_csv"), params),
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


def _quick_add_added(request: HouseholdRequest, row: Transaction) -> HttpResponse:
    """The quick-add fragment after an add: a fresh form (same kind, account and date, for
    the next entry) and the new row, which HTMX puts on top of the list."""
    fresh = EntryForm(
        household=request.household,
        locale=request.user.locale,
        initial={
            "kind": row.kind,
            "date": row.date,
            "account": row.account_id,
            "paid_by": row.paid_by_id or request.user.pk,
        },
    )
    added = queries.get_transaction(request.household, row.pk)
    context = {
        "form": fresh,
        "added": added,
        **_listed(request, [added]),
        "return_to": reverse("ledger:transactions"),
    }
    return render(request, "ledger/quick_add.html", context)


@household_required
@require_http_methods(["GET", "POST"])
def transaction_create(request: HouseholdRequest) -> HttpResponse:
    """Add an expense or income. HTMX posts get the quick-add fragment back; plain posts are
    redirected to the list."""
    form = EntryForm(
        posted(request),
        household=request.household,
        locale=request.user.locale,
        initial=_entry_defaults(request),
    )
    row, status = submit(
        form, lambda _: actions.transaction_create(actor=request.membership, entry=form.entry())
    )
    if row is not None:
        if is_htmx(request):
            return _quick_add_added(request, row)
        magnitude = row.magnitude.format(request.user.locale)
        messages.success(
            request,
            gettext("%(kind)s of %(amount)s added.")
            % {"kind": row.get_kind_display(), "amount": magnitude},
        )
        return redirect("ledger:transactions")
    template = "ledger/quick_add.html" if is_htmx(request) else "ledger/transaction_form.html"
    return render(request, template, {"form": form}, status=status)


@household_required
@require_http_methods(["GET", "POST"])
def transaction_edit(request: HouseholdRequest, pk: int) -> HttpResponse:
    row = queries.get_transaction(request.household, pk)
    if row.transfer_id is not None:
        return redirect("ledger:transfer_edit", row.transfer_id)
    form = EntryForm(
        posted(request), household=request.household, locale=request.user.locale, row=row
    )
    saved, status = submit(
        form,
        lambda _: actions.transaction_update(actor=request.membership, row=row, entry=form.entry()),
    )
    if saved is not None:
        messages.success(request, gettext("Transaction saved."))
        return redirect(_next_url(request, reverse("ledger:transactions")))
    context = {
        "form": form,
        "row": row,
        "receipts": attachments_of(row),
        "receipt_form": ReceiptForm(),
        "return_to": request.path,
    }
    return render(request, "ledger/transaction_form.html", context, status=status)


@household_required
@require_POST
def transaction_delete(request: HouseholdRequest, pk: int) -> HttpResponse:
    """Delete an expense or income, or a whole transfer (both legs) from either leg."""
    row = queries.get_transaction(request.household, pk)
    back = _next_url(request, reverse("ledger:transactions"))
    try:
        actions.transaction_delete(actor=request.membership, row=row)
    except DomainError as exc:
        return refused(request, exc, back_url=back)
    if row.transfer_id is not None:
        messages.success(request, gettext("Transfer deleted from both accounts."))
    else:
        messages.success(request, gettext("Transaction deleted."))
    return redirect(back)


# --- transfers ----------------------------------------------------------------------------------
@household_required
@require_http_methods(["GET", "POST"])
def transfer_create(request: HouseholdRequest) -> HttpResponse:
    form = TransferForm(
        posted(request),
        household=request.household,
        locale=request.user.locale,
        initial={"date": request.user.today()},
    )
    saved, status = submit(
        form,
        lambda _: actions.transfer_create(actor=request.membership, data=form.transfer_input()),
    )
    if saved is not None:
        messages.success(request, gettext("Transfer recorded."))
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
def transfer_edit(request: HouseholdRequest, pk: int) -> HttpResponse:
    transfer = queries.get_transfer(request.household, pk)
    form = TransferForm(
        posted(request),
        household=request.household,
        locale=request.user.locale,
        transfer=transfer,
    )
    saved, status = submit(
        form,
        lambda _: actions.transfer_update(
            actor=request.membership, transfer=transfer, data=form.transfer_input()
        ),
    )
    if saved is not None:
        messages.success(request, gettext("Transfer saved."))
        return redirect(_next_url(request, reverse("ledger:transactions")))
    outgoing, _incoming = transfer.legs()
    context = {"form": form, "transfer": transfer, "outgoing": outgoing}
    return render(request, "ledger/transfer_form.html", context, status=status)


# --- accounts -----------------------------------------------------------------------------------
@household_required
@require_GET
def accounts(request: HouseholdRequest) -> HttpResponse:
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
def account_create(request: HouseholdRequest) -> HttpResponse:
    form = AccountForm(
        posted(request),
        locale=request.user.locale,
        initial={"currency": request.user.home_currency, "kind": AccountKind.CHECKING},
    )
    account, status = submit(
        form,
        lambda data: actions.account_create(
            actor=request.membership,
            name=data["name"],
            kind=data["kind"],
            currency=data["currency"],
            opening_balance=form.opening_minor,
        ),
    )
    if account is not None:
        messages.success(request, gettext("Account “%(name)s” added.") % {"name": account.name})
        return redirect("ledger:account_detail", account.pk)
    return render(request, "ledger/account_form.html", {"form": form}, status=status)


@household_required
@require_GET
def account_detail(request: HouseholdRequest, pk: int) -> HttpResponse:
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
        **_listed(request, page.rows),
        "older_url": _older_url(params, page.next_cursor),
        "all_url": _with_query(reverse("ledger:transactions"), params),
        "return_to": request.path,
    }
    return render(request, "ledger/account_detail.html", context)


@household_required
@require_http_methods(["GET", "POST"])
def account_edit(request: HouseholdRequest, pk: int) -> HttpResponse:
    account = queries.get_account(request.household, pk)
    form = AccountForm(posted(request), locale=request.user.locale, account=account)
    saved, status = submit(
        form,
        lambda data: actions.account_update(
            actor=request.membership,
            account=account,
            name=data["name"],
            kind=data["kind"],
            opening_balance=form.opening_minor,
            archived=data["archived"],
        ),
    )
    if saved is not None:
        messages.success(request, gettext("Account saved."))
        return redirect("ledger:account_detail", account.pk)
    if status != 200:
        account.refresh_from_db()  # the refused values stay in the form, not the title
    context = {"form": form, "account": account}
    return render(request, "ledger/account_form.html", context, status=status)


@household_required
@require_POST
def account_delete(request: HouseholdRequest, pk: int) -> HttpResponse:
    account = queries.get_account(request.household, pk)
    try:
        actions.account_delete(actor=request.membership, account=account)
    except DomainError as exc:
        form = AccountForm(locale=request.user.locale, account=account)
        context = {"form": form, "account": account, "delete_error": exc.message}
        return render(request, "ledger/account_form.html", context, status=exc.status)
    messages.success(request, gettext("Account “%(name)s” deleted.") % {"name": account.name})
    return redirect("ledger:accounts")


# --- categories ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CategoryNode:
    category: Category
    children: list[Category]


@household_required
@require_GET
def categories(request: HouseholdRequest) -> HttpResponse:
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
            (CategoryKind.EXPENSE, gettext("Expense categories"), trees[CategoryKind.EXPENSE]),
            (CategoryKind.INCOME, gettext("Income categories"), trees[CategoryKind.INCOME]),
        ]
    }
    return render(request, "ledger/categories.html", context)


@household_required
@require_http_methods(["GET", "POST"])
def category_create(request: HouseholdRequest) -> HttpResponse:
    initial: dict[str, str] = {"kind": CategoryKind.EXPENSE}
    if request.GET.get("kind") in CategoryKind.values:
        initial["kind"] = request.GET["kind"]
    if request.GET.get("parent", "").isdigit():
        initial["parent"] = request.GET["parent"]
    form = CategoryForm(posted(request), household=request.household, initial=initial)
    category, status = submit(
        form,
        lambda data: actions.category_create(
            actor=request.membership,
            name=data["name"],
            kind=data["kind"],
            parent=data["parent"],
            colour=data["colour"],
        ),
    )
    if category is not None:
        messages.success(
            request, gettext("Category “%(category)s” added.") % {"category": category}
        )
        return redirect("ledger:categories")
    return render(request, "ledger/category_form.html", {"form": form}, status=status)


@household_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HouseholdRequest, pk: int) -> HttpResponse:
    category = queries.get_category(request.household, pk)
    form = CategoryForm(posted(request), household=request.household, category=category)
    saved, status = submit(
        form,
        lambda data: actions.category_update(
            actor=request.membership,
            category=category,
            name=data["name"],
            parent=data["parent"],
            colour=data["colour"],
            archived=data["archived"],
        ),
    )
    if saved is not None:
        messages.success(request, gettext("Category saved."))
        return redirect("ledger:categories")
    if status != 200:
        category.refresh_from_db()  # the refused values stay in the form, not the title
    context = {"form": form, "category": category}
    return render(request, "ledger/category_form.html", context, status=status)


# --- payees and tags ----------------------------------------------------------------------------
@household_required
@require_GET
def payees(request: HouseholdRequest) -> HttpResponse:
    rows = (
        Payee.objects.filter(household=request.household)
        .select_related("default_category__parent")
        .annotate(transaction_count=Count("transactions"))
        .order_by(Lower("name"), "id")
    )
    return render(request, "ledger/payees.html", {"payees": rows})


@household_required
@require_http_methods(["GET", "POST"])
def payee_edit(request: HouseholdRequest, pk: int) -> HttpResponse:
    payee = queries.get_payee(request.household, pk)
    form = PayeeForm(posted(request), household=request.household, payee=payee)
    saved, status = submit(
        form,
        lambda data: actions.payee_update(
            actor=request.membership,
            payee=payee,
            name=data["name"],
            default_category=data["default_category"],
        ),
    )
    if saved is not None:
        messages.success(request, gettext("Payee saved."))
        return redirect("ledger:payees")
    if status != 200:
        payee.refresh_from_db()  # the refused values stay in the form, not the title
    context = {"form": form, "payee": payee}
    return render(request, "ledger/payee_form.html", context, status=status)


@household_required
@require_GET
def tags(request: HouseholdRequest) -> HttpResponse:
    rows = (
        Tag.objects.filter(household=request.household)
        .annotate(transaction_count=Count("transactions"))
        .order_by(Lower("name"), "id")
    )
    return render(request, "ledger/tags.html", {"tags": rows})
