"""``/api/v1/``: accounts, categories, payees, tags, transactions and transfers.

The same scoped loaders (404 for another household) and the same actions as the pages.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from spendwise.api.auth import household_request
from spendwise.api.errors import responses
from spendwise.api.pagination import PageParams, clamp_limit, decode, encode, id_page
from spendwise.api.schemas import (
    DecimalText,
    MoneyOut,
    QueryIn,
    StrictIn,
    money_out,
    parse_money,
)
from spendwise.errors import DomainError
from spendwise.households.models import Household
from spendwise.identity.models import User
from spendwise.ledger import actions, queries
from spendwise.ledger.models import (
    Account,
    AccountKind,
    Category,
    CategoryKind,
    Payee,
    Tag,
    Transaction,
    Transfer,
)
from spendwise.money import Money

router = Router(tags=["ledger"])

HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"


# --- accounts -----------------------------------------------------------------------------------
class AccountOut(Schema):
    id: int
    name: str
    kind: str
    currency: str
    opening_balance: MoneyOut
    balance: MoneyOut
    archived: bool


class AccountIn(StrictIn):
    name: str = Field(min_length=1, max_length=100)
    kind: Literal[tuple(AccountKind.values)] = "checking"  # type: ignore[valid-type]
    currency: str = Field(min_length=3, max_length=3)
    opening_balance: DecimalText = "0"


class AccountPatch(StrictIn):
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: Literal[tuple(AccountKind.values)] | None = None  # type: ignore[valid-type]
    opening_balance: DecimalText | None = None
    archived: bool | None = None


class BalanceOut(Schema):
    account_id: int
    on: date
    balance: MoneyOut


def _account_out(account: Account, balance: Money | None = None) -> dict[str, Any]:
    return {
        "id": account.pk,
        "name": account.name,
        "kind": account.kind,
        "currency": account.currency,
        "opening_balance": money_out(account.opening),
        "balance": money_out(balance if balance is not None else account.balance()),
        "archived": account.archived,
    }


class AccountList(Schema):
    items: list[AccountOut]
    next_cursor: str | None


@router.get("/accounts", response=responses(ok200=AccountList), summary="Accounts with balances")
def list_accounts(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    household = household_request(request).household
    balances = {
        row.account.pk: row.balance
        for row in queries.account_balances(household, include_archived=True)
    }
    return id_page(
        queries.accounts_for(household), page, lambda a: _account_out(a, balances.get(a.pk))
    )


@router.post("/accounts", response=responses(ok201=AccountOut), summary="Add an account")
def create_account(request: HttpRequest, payload: AccountIn) -> Status[Any]:
    currency = payload.currency.upper()
    opening = parse_money(payload.opening_balance, _currency(currency), "opening_balance")
    account = actions.account_create(
        actor=household_request(request).membership,
        name=payload.name,
        kind=payload.kind,
        currency=currency,
        opening_balance=opening.minor,
    )
    return Status(201, _account_out(account))


def _currency(code: str) -> str:
    from spendwise.money import MoneyError, check_currency

    try:
        return check_currency(code)
    except MoneyError as exc:
        raise DomainError(str(exc), field="currency") from None


@router.get("/accounts/{account_id}", response=responses(ok200=AccountOut), summary="One account")
def get_account(request: HttpRequest, account_id: int) -> dict[str, Any]:
    return _account_out(queries.get_account(household_request(request).household, account_id))


@router.get(
    "/accounts/{account_id}/balance",
    response=responses(ok200=BalanceOut),
    summary="Balance at the end of a date",
)
def account_balance(request: HttpRequest, account_id: int, on: date) -> dict[str, Any]:
    account = queries.get_account(household_request(request).household, account_id)
    return {"account_id": account.pk, "on": on, "balance": money_out(account.balance(on))}


@router.patch(
    "/accounts/{account_id}",
    response=responses(ok200=AccountOut),
    summary="Change an account (its currency is fixed)",
)
def update_account(request: HttpRequest, account_id: int, payload: AccountPatch) -> dict[str, Any]:
    account = queries.get_account(household_request(request).household, account_id)
    opening = (
        parse_money(payload.opening_balance, account.currency, "opening_balance").minor
        if payload.opening_balance is not None
        else account.opening_balance
    )
    account = actions.account_update(
        actor=household_request(request).membership,
        account=account,
        name=payload.name if payload.name is not None else account.name,
        kind=payload.kind if payload.kind is not None else account.kind,
        opening_balance=opening,
        archived=payload.archived if payload.archived is not None else account.archived,
    )
    return _account_out(account)


@router.delete(
    "/accounts/{account_id}",
    response=responses(ok204=None),
    summary="Delete an account without transactions",
)
def delete_account(request: HttpRequest, account_id: int) -> Status[Any]:
    account = queries.get_account(household_request(request).household, account_id)
    actions.account_delete(actor=household_request(request).membership, account=account)
    return Status(204, None)


# --- categories, payees, tags -------------------------------------------------------------------
class CategoryOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    colour: str
    archived: bool


class CategoryIn(StrictIn):
    name: str = Field(min_length=1, max_length=100)
    kind: Literal[tuple(CategoryKind.values)]  # type: ignore[valid-type]
    parent_id: int | None = None
    colour: str = Field("#64748b", pattern=HEX_COLOUR)


class CategoryPatch(StrictIn):
    name: str | None = Field(None, min_length=1, max_length=100)
    parent_id: int | None = None
    colour: str | None = Field(None, pattern=HEX_COLOUR)
    archived: bool | None = None


class CategoryList(Schema):
    items: list[CategoryOut]
    next_cursor: str | None


def _category_out(category: Category) -> dict[str, Any]:
    return {
        "id": category.pk,
        "name": category.name,
        "kind": category.kind,
        "parent_id": category.parent_id,
        "colour": category.colour,
        "archived": category.archived,
    }


@router.get("/categories", response=responses(ok200=CategoryList), summary="Categories")
def list_categories(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return id_page(
        queries.categories_for(household_request(request).household), page, _category_out
    )


@router.post("/categories", response=responses(ok201=CategoryOut), summary="Add a category")
def create_category(request: HttpRequest, payload: CategoryIn) -> Status[Any]:
    household = household_request(request).household
    parent = queries.get_category(household, payload.parent_id) if payload.parent_id else None
    category = actions.category_create(
        actor=household_request(request).membership,
        name=payload.name,
        kind=payload.kind,
        parent=parent,
        colour=payload.colour,
    )
    return Status(201, _category_out(category))


@router.patch(
    "/categories/{category_id}", response=responses(ok200=CategoryOut), summary="Change a category"
)
def update_category(
    request: HttpRequest, category_id: int, payload: CategoryPatch
) -> dict[str, Any]:
    household = household_request(request).household
    category = queries.get_category(household, category_id)
    fields = payload.dict(exclude_unset=True)
    parent = category.parent
    if "parent_id" in fields:
        parent = (
            queries.get_category(household, fields["parent_id"]) if fields["parent_id"] else None
        )
    category = actions.category_update(
        actor=household_request(request).membership,
        category=category,
        name=payload.name or category.name,
        parent=parent,
        colour=payload.colour or category.colour,
        archived=payload.archived if payload.archived is not None else category.archived,
    )
    return _category_out(category)


class PayeeOut(Schema):
    id: int
    name: str
    default_category_id: int | None


class PayeePatch(StrictIn):
    name: str | None = Field(None, min_length=1, max_length=100)
    default_category_id: int | None = None


class PayeeList(Schema):
    items: list[PayeeOut]
    next_cursor: str | None


def _payee_out(payee: Payee) -> dict[str, Any]:
    return {"id": payee.pk, "name": payee.name, "default_category_id": payee.default_category_id}


@router.get("/payees", response=responses(ok200=PayeeList), summary="Payees")
def list_payees(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return id_page(
        Payee.objects.filter(household=household_request(request).household), page, _payee_out
    )


@router.patch("/payees/{payee_id}", response=responses(ok200=PayeeOut), summary="Change a payee")
def update_payee(request: HttpRequest, payee_id: int, payload: PayeePatch) -> dict[str, Any]:
    household = household_request(request).household
    payee = queries.get_payee(household, payee_id)
    fields = payload.dict(exclude_unset=True)
    default = payee.default_category
    if "default_category_id" in fields:
        default = (
            queries.get_category(household, fields["default_category_id"])
            if fields["default_category_id"]
            else None
        )
    payee = actions.payee_update(
        actor=household_request(request).membership,
        payee=payee,
        name=payload.name or payee.name,
        default_category=default,
    )
    return _payee_out(payee)


class TagOut(Schema):
    id: int
    name: str


class TagList(Schema):
    items: list[TagOut]
    next_cursor: str | None


@router.get("/tags", response=responses(ok200=TagList), summary="Tags")
def list_tags(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return id_page(
        Tag.objects.filter(household=household_request(request).household),
        page,
        lambda t: {"id": t.pk, "name": t.name},
    )


# --- transactions -------------------------------------------------------------------------------
class TransactionOut(Schema):
    id: int
    kind: str
    date: date
    amount: MoneyOut = Field(description="Signed as it affects the account: out is negative")
    account_id: int
    category_id: int | None
    payee: str | None
    tags: list[str]
    note: str
    transfer_id: int | None
    paid_by_user_id: int | None = Field(description="Who paid an expense; null: not shared")
    created_by_user_id: int | None = Field(description="Who entered it")


class TransactionList(Schema):
    items: list[TransactionOut]
    next_cursor: str | None


class TransactionFilterParams(QueryIn):
    limit: int = 50
    cursor: str = ""
    date_from: date | None = None
    date_to: date | None = None
    account_id: int | None = None
    category_id: int | None = Field(None, description="Includes its subcategories")
    tag_id: int | None = None
    payee_id: int | None = None
    text: str = Field("", max_length=200)
    kind: Literal["", "expense", "income", "transfer"] = ""
    amount_min: DecimalText | None = Field(None, description="Magnitude, account currency")
    amount_max: DecimalText | None = None


class EntryIn(StrictIn):
    kind: Literal["expense", "income"]
    date: date
    amount: DecimalText = Field(description="Positive; the kind decides the sign")
    account_id: int
    category_id: int | None = None
    payee: str = Field("", max_length=100)
    tags: list[str] = Field(default_factory=list, max_length=50)
    note: str = Field("", max_length=500)
    paid_by_user_id: int | None = Field(
        None,
        description="Expenses: the member who paid (settle-up); null: not shared. Left out: "
        "you on a new expense, unchanged on a replace.",
    )


class TransferIn(StrictIn):
    source_account_id: int
    destination_account_id: int
    date: date
    amount: DecimalText = Field(description="Leaves the source, in its currency")
    received: DecimalText | None = Field(None, description="Arrives; required across currencies")
    note: str = Field("", max_length=500)


class TransferOut(Schema):
    id: int
    outgoing: TransactionOut
    incoming: TransactionOut


def _transaction_out(row: Transaction) -> dict[str, Any]:
    return {
        "id": row.pk,
        "kind": row.kind,
        "date": row.date,
        "amount": money_out(row.money),
        "account_id": row.account_id,
        "category_id": row.category_id,
        "payee": row.payee.name if row.payee_id and row.payee else None,
        "tags": [tag.name for tag in row.tags.all()],
        "note": row.note,
        "transfer_id": row.transfer_id,
        "paid_by_user_id": row.paid_by_id,
        "created_by_user_id": row.created_by_id,
    }


def _minor(text: str | None, household_currency: str) -> int | None:
    if text is None:
        return None
    return abs(parse_money(text, household_currency).minor)


@router.get(
    "/transactions",
    response=responses(ok200=TransactionList),
    summary="Transactions, newest first, with the list's filters",
)
def list_transactions(
    request: HttpRequest, filters: Query[TransactionFilterParams]
) -> dict[str, Any]:
    req = household_request(request)
    household = req.household
    account = queries.get_account(household, filters.account_id) if filters.account_id else None
    currency = account.currency if account else req.user.home_currency
    parsed = queries.TransactionFilters(
        date_from=filters.date_from,
        date_to=filters.date_to,
        account=account,
        category=queries.get_category(household, filters.category_id)
        if filters.category_id
        else None,
        tag=queries.get_tag(household, filters.tag_id) if filters.tag_id else None,
        payee=queries.get_payee(household, filters.payee_id) if filters.payee_id else None,
        text=filters.text.strip(),
        kind=filters.kind,
        amount_min=_minor(filters.amount_min, currency),
        amount_max=_minor(filters.amount_max, currency),
    )
    cursor = decode(filters.cursor) if filters.cursor else ""
    if cursor and queries.decode_cursor(cursor) is None:
        raise DomainError("The cursor is not valid.", field="cursor")
    page = queries.transactions_page(
        household, parsed, cursor=cursor, size=clamp_limit(filters.limit)
    )
    return {
        "items": [_transaction_out(row) for row in page.rows],
        "next_cursor": encode(page.next_cursor) if page.next_cursor else None,
    }


def _entry(request: HttpRequest, payload: EntryIn) -> actions.EntryInput:
    household = household_request(request).household
    account = queries.get_account(household, payload.account_id)
    category = queries.get_category(household, payload.category_id) if payload.category_id else None
    return actions.EntryInput(
        kind=payload.kind,
        account=account,
        date=payload.date,
        amount=parse_money(payload.amount, account.currency),
        category=category,
        payee_name=payload.payee,
        tag_names=tuple(actions.parse_tag_names(",".join(payload.tags))),
        note=payload.note,
        paid_by=_paid_by(household, payload),
    )


def _paid_by(household: Household, payload: EntryIn) -> User | actions.PaidByDefault | None:
    """The member ``paid_by_user_id`` names (None: not shared); left out: the default."""
    if "paid_by_user_id" not in payload.model_fields_set:
        return actions.PAID_BY_DEFAULT
    if payload.paid_by_user_id is None:
        return None
    # Anyone but a member of this household does not exist here: a 404, as for an account.
    return get_object_or_404(User, pk=payload.paid_by_user_id, memberships__household=household)


@router.post(
    "/transactions", response=responses(ok201=TransactionOut), summary="Add an expense or an income"
)
def create_transaction(request: HttpRequest, payload: EntryIn) -> Status[Any]:
    row = actions.transaction_create(
        actor=household_request(request).membership, entry=_entry(request, payload)
    )
    return Status(201, _transaction_out(row))


@router.get(
    "/transactions/{transaction_id}",
    response=responses(ok200=TransactionOut),
    summary="One transaction",
)
def get_transaction(request: HttpRequest, transaction_id: int) -> dict[str, Any]:
    return _transaction_out(
        queries.get_transaction(household_request(request).household, transaction_id)
    )


@router.put(
    "/transactions/{transaction_id}",
    response=responses(ok200=TransactionOut),
    summary="Replace an expense or an income (transfers: use /transfers)",
)
def update_transaction(
    request: HttpRequest, transaction_id: int, payload: EntryIn
) -> dict[str, Any]:
    row = queries.get_transaction(household_request(request).household, transaction_id)
    row = actions.transaction_update(
        actor=household_request(request).membership, row=row, entry=_entry(request, payload)
    )
    return _transaction_out(row)


@router.delete(
    "/transactions/{transaction_id}",
    response=responses(ok204=None),
    summary="Delete a transaction (a transfer leg deletes the whole transfer)",
)
def delete_transaction(request: HttpRequest, transaction_id: int) -> Status[Any]:
    row = queries.get_transaction(household_request(request).household, transaction_id)
    actions.transaction_delete(actor=household_request(request).membership, row=row)
    return Status(204, None)


def _transfer_data(request: HttpRequest, payload: TransferIn) -> actions.TransferInput:
    household = household_request(request).household
    source = queries.get_account(household, payload.source_account_id)
    destination = queries.get_account(household, payload.destination_account_id)
    return actions.TransferInput(
        source=source,
        destination=destination,
        date=payload.date,
        amount=parse_money(payload.amount, source.currency),
        received=parse_money(payload.received, destination.currency, "received")
        if payload.received is not None
        else None,
        note=payload.note,
    )


def _transfer_out(transfer: Transfer) -> dict[str, Any]:
    outgoing, incoming = transfer.legs()
    return {
        "id": transfer.pk,
        "outgoing": _transaction_out(outgoing),
        "incoming": _transaction_out(incoming),
    }


@router.post(
    "/transfers",
    response=responses(ok201=TransferOut),
    summary="Move money between two of your accounts",
)
def create_transfer(request: HttpRequest, payload: TransferIn) -> Status[Any]:
    transfer = actions.transfer_create(
        actor=household_request(request).membership, data=_transfer_data(request, payload)
    )
    return Status(201, _transfer_out(transfer))


@router.get(
    "/transfers/{transfer_id}",
    response=responses(ok200=TransferOut),
    summary="One transfer with both legs",
)
def get_transfer(request: HttpRequest, transfer_id: int) -> dict[str, Any]:
    return _transfer_out(queries.get_transfer(household_request(request).household, transfer_id))


@router.put(
    "/transfers/{transfer_id}",
    response=responses(ok200=TransferOut),
    summary="Replace a transfer (both legs change together)",
)
def update_transfer(request: HttpRequest, transfer_id: int, payload: TransferIn) -> dict[str, Any]:
    transfer = queries.get_transfer(household_request(request).household, transfer_id)
    transfer = actions.transfer_update(
        actor=household_request(request).membership,
        transfer=transfer,
        data=_transfer_data(request, payload),
    )
    return _transfer_out(transfer)
