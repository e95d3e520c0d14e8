"""Forms of the ledger pages: parse what a person typed, with choices scoped to one household.

Every choice of an account, category, payee or tag comes from the household's own rows, so an
id of another household posted by hand is "Select a valid choice" and nothing is written.
Amounts are typed as text and parsed exactly in the account's currency and the person's locale.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext, gettext_lazy

from spendwise.households.models import Household
from spendwise.identity.models import User
from spendwise.ledger.actions import EntryInput, TransferInput, parse_tag_names
from spendwise.ledger.models import (
    Account,
    AccountKind,
    Category,
    CategoryKind,
    Payee,
    Tag,
    Transaction,
    TransactionKind,
    Transfer,
)
from spendwise.ledger.queries import TransactionFilters
from spendwise.money import Money, MoneyError, check_currency
from spendwise.rules.entry import (
    SuggestingCategorySelect,
    apply_rules_to_entry,
    payee_suggest_attrs,
)
from spendwise.web.forms import (
    AMOUNT_MAX_LENGTH,
    amount_input,
    amount_text,
    cleaned_amount,
    date_input,
    money_error_text,
    parse_amount,
)


# --- category choices grouped by kind --------------------------------------------------------
def categories_in_tree_order(household: Household) -> QuerySet[Category]:
    """Expense then income; each top-level category followed by its children, by name."""
    return (
        Category.objects.filter(household=household)
        .select_related("parent")
        .order_by(
            "kind",
            Coalesce(Lower("parent__name"), Lower("name")),
            F("parent").asc(nulls_first=True),
            Lower("name"),
            "id",
        )
    )


class CategoryChoiceIterator(forms.models.ModelChoiceIterator):
    """``<optgroup>`` per kind, so "Other" (expense) and "Other income" are told apart."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list[Any]] = {}
        for category in self.queryset:
            label = str(CategoryKind(category.kind).label)
            groups.setdefault(label, []).append(self.choice(category))
        yield from groups.items()


class CategoryChoiceField(forms.ModelChoiceField):
    iterator = CategoryChoiceIterator

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj}{' (archived)' if obj.archived else ''}"


class PaidByChoiceField(forms.ModelChoiceField):
    """A member of the household, by e-mail; empty: not shared."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.email)


class AccountChoiceField(forms.ModelChoiceField):
    """Accounts named with their currency, which decides how the amount is read."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.currency}){' (archived)' if obj.archived else ''}"


def active_or_current(rows: QuerySet[Any], current: Any) -> QuerySet[Any]:
    """Rows that are not archived, plus the one already chosen (editing keeps its value)."""
    keep = Q(archived=False)
    if current is not None:
        keep |= Q(pk=current.pk)
    return rows.filter(keep)


# --- expenses and income ------------------------------------------------------------------------
class EntryForm(forms.Form):
    """An expense or income: the quick-add row on the list and the edit page."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            (TransactionKind.EXPENSE, gettext_lazy("Expense")),
            (TransactionKind.INCOME, gettext_lazy("Income")),
        ],
    )
    date = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    amount = forms.CharField(
        label=gettext_lazy("Amount"),
        max_length=AMOUNT_MAX_LENGTH,
        widget=amount_input(**{"data-autofocus": ""}),
    )
    account = AccountChoiceField(
        label=gettext_lazy("Account"), queryset=Account.objects.none(), empty_label=None
    )
    category = CategoryChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=gettext_lazy("No category"),
        widget=SuggestingCategorySelect,
    )
    payee = forms.CharField(
        label=gettext_lazy("Payee"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"list": "payee-names", "autocomplete": "off", **payee_suggest_attrs()}
        ),
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Separate tags with commas."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)
    paid_by = PaidByChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Not shared"),
        label=gettext_lazy("Paid by"),
        help_text=gettext_lazy("Expenses only: who paid, for settle-up."),
    )
    apply_rules = forms.BooleanField(
        required=False,
        label=gettext_lazy("Apply my rules"),
        help_text=gettext_lazy(
            "Fill an empty category, rename the payee and add tags as your rules say."
        ),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        household: Household,
        locale: str,
        row: Transaction | None = None,
        **kwargs: Any,
    ) -> None:
        if row is not None:
            kwargs.setdefault("initial", {}).update(
                {
                    "kind": row.kind,
                    "date": row.date,
                    "amount": amount_text(row.magnitude, locale),
                    "account": row.account_id,
                    "category": row.category_id,
                    "payee": row.payee.name if row.payee else "",
                    "tags": ", ".join(tag.name for tag in row.tags.all()),
                    "note": row.note,
                    "paid_by": row.paid_by_id,
                }
            )
        super().__init__(data, **kwargs)
        self.household, self.locale = household, locale
        people = User.objects.filter(memberships__household=household).order_by("email")
        if people.count() > 1:
            self.fields["paid_by"].queryset = people  # type: ignore[attr-defined]
        else:  # a household of one shares nothing: new expenses are simply theirs
            del self.fields["paid_by"]
        accounts = Account.objects.filter(household=household)
        self.fields["account"].queryset = active_or_current(accounts, row.account if row else None)  # type: ignore[attr-defined]
        self.fields["category"].queryset = active_or_current(  # type: ignore[attr-defined]
            categories_in_tree_order(household), row.category if row else None
        )

    def payee_names(self) -> list[str]:
        """For the payee ``<datalist>``."""
        return list(
            Payee.objects.filter(household=self.household)
            .order_by(Lower("name"))
            .values_list("name", flat=True)
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        account = data.get("account")
        if account is not None and "amount" in data:
            data["money"] = cleaned_amount(self, "amount", account.currency, self.locale)
        return data

    def entry(self) -> EntryInput:
        data = self.cleaned_data
        entry = EntryInput(
            kind=data["kind"],
            account=data["account"],
            date=data["date"],
            amount=data["money"],
            category=data["category"],
            payee_name=data["payee"],
            tag_names=tuple(parse_tag_names(data["tags"])),
            note=data["note"],
            **({"paid_by": data["paid_by"]} if "paid_by" in self.fields else {}),
        )
        return apply_rules_to_entry(self.household, entry) if data["apply_rules"] else entry


# --- transfers ----------------------------------------------------------------------------------
class TransferForm(forms.Form):
    source = AccountChoiceField(queryset=Account.objects.none(), label=gettext_lazy("From account"))
    destination = AccountChoiceField(
        queryset=Account.objects.none(), label=gettext_lazy("To account")
    )
    date = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    amount = forms.CharField(
        label=gettext_lazy("Amount"),
        max_length=AMOUNT_MAX_LENGTH,
        widget=amount_input(),
        help_text=gettext_lazy("In the currency of the account it leaves."),
    )
    received = forms.CharField(
        max_length=AMOUNT_MAX_LENGTH,
        required=False,
        label=gettext_lazy("Amount received"),
        widget=amount_input(),
        help_text=gettext_lazy(
            "Only when the accounts use different currencies: what arrives, in the "
            "receiving account's currency."
        ),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        household: Household,
        locale: str,
        transfer: Transfer | None = None,
        **kwargs: Any,
    ) -> None:
        outgoing = incoming = None
        if transfer is not None:
            outgoing, incoming = transfer.legs()
            received = ""
            if incoming.currency != outgoing.currency:
                received = amount_text(incoming.magnitude, locale)
            kwargs.setdefault("initial", {}).update(
                {
                    "source": outgoing.account_id,
                    "destination": incoming.account_id,
                    "date": outgoing.date,
                    "amount": amount_text(outgoing.magnitude, locale),
                    "received": received,
                    "note": outgoing.note,
                }
            )
        super().__init__(data, **kwargs)
        self.locale = locale
        accounts = Account.objects.filter(household=household)
        self.fields["source"].queryset = active_or_current(  # type: ignore[attr-defined]
            accounts, outgoing.account if outgoing else None
        )
        self.fields["destination"].queryset = active_or_current(  # type: ignore[attr-defined]
            accounts, incoming.account if incoming else None
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source, destination = data.get("source"), data.get("destination")
        if source is not None and "amount" in data:
            data["money"] = cleaned_amount(self, "amount", source.currency, self.locale)
        data["received_money"] = None
        if destination is not None and data.get("received"):
            data["received_money"] = cleaned_amount(
                self, "received", destination.currency, self.locale
            )
        return data

    def transfer_input(self) -> TransferInput:
        data = self.cleaned_data
        return TransferInput(
            source=data["source"],
            destination=data["destination"],
            date=data["date"],
            amount=data["money"],
            received=data["received_money"],
            note=data["note"],
        )


# --- accounts -----------------------------------------------------------------------------------
class AccountForm(forms.Form):
    """Create (all fields) or edit (currency read-only, archived shown)."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AccountKind.choices)
    currency = forms.CharField(
        label=gettext_lazy("Currency"),
        max_length=3,
        help_text=gettext_lazy(
            "ISO 4217 code, e.g. USD, EUR, VND. It cannot change once the account exists."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "currency-code"}),
    )
    opening_balance = forms.CharField(
        label=gettext_lazy("Opening balance"),
        max_length=AMOUNT_MAX_LENGTH,
        required=False,
        widget=amount_input(),
        help_text=gettext_lazy(
            "What the account held before the first transaction you record here. "
            "Negative for a card or loan you owe on."
        ),
    )
    archived = forms.BooleanField(
        label=gettext_lazy("Archived"),
        required=False,
        help_text=gettext_lazy("Archived accounts keep their history but leave the lists."),
    )

    def __init__(
        self, data: Any = None, *, locale: str, account: Account | None = None, **kwargs: Any
    ) -> None:
        if account is not None:
            kwargs.setdefault("initial", {}).update(
                {
                    "name": account.name,
                    "kind": account.kind,
                    "currency": account.currency,
                    "opening_balance": amount_text(account.opening, locale),
                    "archived": account.archived,
                }
            )
        super().__init__(data, **kwargs)
        self.locale, self.account = locale, account
        if account is None:
            del self.fields["archived"]
        else:
            self.fields["currency"].disabled = True
            self.fields["currency"].help_text = gettext(
                "Fixed: the account's rows are in this currency."
            )

    def clean_currency(self) -> str:
        if self.account is not None:
            return self.account.currency
        try:
            return check_currency(self.cleaned_data["currency"].strip())
        except MoneyError as exc:
            raise ValidationError(money_error_text(exc)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        currency = data.get("currency")
        if currency and (data.get("opening_balance") or "").strip():
            data["opening"] = cleaned_amount(self, "opening_balance", currency, self.locale)
        return data

    @property
    def opening_minor(self) -> int:
        opening: Money | None = self.cleaned_data.get("opening")
        return opening.minor if opening else 0


# --- categories ---------------------------------------------------------------------------------
colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", gettext_lazy("Pick a colour such as #1d4ed8.")
)


class CategoryForm(forms.Form):
    """Create (kind chosen) or edit (kind fixed). The parent is a top-level category."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CategoryKind.choices)
    parent = CategoryChoiceField(
        label=gettext_lazy("Parent"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=gettext_lazy("None (a top-level category)"),
        help_text=gettext_lazy("Categories nest one level: a parent of the same kind, or none."),
    )
    colour = forms.CharField(
        label=gettext_lazy("Colour"),
        max_length=7,
        initial="#64748b",
        validators=[colour_validator],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    archived = forms.BooleanField(
        label=gettext_lazy("Archived"),
        required=False,
        help_text=gettext_lazy("Archived categories are no longer offered for new entries."),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        household: Household,
        category: Category | None = None,
        **kwargs: Any,
    ) -> None:
        if category is not None:
            kwargs.setdefault("initial", {}).update(
                {
                    "name": category.name,
                    "kind": category.kind,
                    "parent": category.parent_id,
                    "colour": category.colour,
                    "archived": category.archived,
                }
            )
        super().__init__(data, **kwargs)
        self.category = category
        tops = categories_in_tree_order(household).filter(parent__isnull=True)
        if category is None:
            del self.fields["archived"]
        else:
            del self.fields["kind"]
            tops = tops.filter(kind=category.kind).exclude(pk=category.pk)
        self.fields["parent"].queryset = tops  # type: ignore[attr-defined]

    def clean_colour(self) -> str:
        return str(self.cleaned_data["colour"]).lower()


# --- payees -------------------------------------------------------------------------------------
class PayeeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    default_category = CategoryChoiceField(
        label=gettext_lazy("Default category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=gettext_lazy("None"),
        help_text=gettext_lazy(
            "Filled in when you add an entry for this payee without a category."
        ),
    )

    def __init__(
        self, data: Any = None, *, household: Household, payee: Payee, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {}).update(
            {"name": payee.name, "default_category": payee.default_category_id}
        )
        super().__init__(data, **kwargs)
        self.fields["default_category"].queryset = active_or_current(  # type: ignore[attr-defined]
            categories_in_tree_order(household), payee.default_category
        )


# --- the transaction list's filters -------------------------------------------------------------
class TransactionFilterForm(forms.Form):
    """Filters from the query string. A value that does not parse is ignored with a note."""

    date_from = forms.DateField(required=False, label=gettext_lazy("From"), widget=date_input())
    date_to = forms.DateField(required=False, label=gettext_lazy("To"), widget=date_input())
    account = AccountChoiceField(
        label=gettext_lazy("Account"),
        queryset=Account.objects.none(),
        required=False,
        empty_label=gettext_lazy("All accounts"),
    )
    category = CategoryChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=gettext_lazy("All categories"),
        help_text=gettext_lazy("Includes its subcategories."),
    )
    tag = forms.ModelChoiceField(
        label=gettext_lazy("Tag"),
        queryset=Tag.objects.none(),
        required=False,
        empty_label=gettext_lazy("Any tag"),
    )
    payee = forms.ModelChoiceField(
        label=gettext_lazy("Payee"),
        queryset=Payee.objects.none(),
        required=False,
        empty_label=gettext_lazy("Any payee"),
    )
    text = forms.CharField(
        max_length=100, required=False, label=gettext_lazy("Text in note or payee")
    )
    amount_min = forms.CharField(
        max_length=AMOUNT_MAX_LENGTH,
        required=False,
        label=gettext_lazy("Amount from"),
        widget=amount_input(),
    )
    amount_max = forms.CharField(
        max_length=AMOUNT_MAX_LENGTH,
        required=False,
        label=gettext_lazy("Amount to"),
        widget=amount_input(),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("Any kind")), *TransactionKind.choices],
    )

    def __init__(self, data: Any, *, household: Household, locale: str, currency: str) -> None:
        super().__init__(data, auto_id="filter-%s")  # the quick add on the page has id_…
        self.locale, self.home_currency = locale, currency
        self.fields["account"].queryset = Account.objects.filter(household=household)  # type: ignore[attr-defined]
        self.fields["category"].queryset = categories_in_tree_order(household)  # type: ignore[attr-defined]
        self.fields["tag"].queryset = Tag.objects.filter(household=household)  # type: ignore[attr-defined]
        self.fields["payee"].queryset = Payee.objects.filter(household=household)  # type: ignore[attr-defined]

    def filters(self) -> tuple[TransactionFilters, list[str]]:
        """The valid filters, and a note for each value that was ignored.

        Amount bounds are magnitudes read in the chosen account's currency, else in the home
        currency (a household with several currencies compares minor units across them).
        """
        self.is_valid()  # fields that fail are simply absent from cleaned_data
        data = self.cleaned_data
        notes = [
            f"{self.fields[name].label or name}: {' '.join(str(error) for error in errors)}"
            for name, errors in self.errors.items()
        ]
        account = data.get("account")
        currency = account.currency if account else self.home_currency
        bounds: dict[str, int | None] = {"amount_min": None, "amount_max": None}
        for name in bounds:
            text = (data.get(name) or "").strip()
            if not text:
                continue
            try:
                bounds[name] = abs(parse_amount(text, currency, self.locale).minor)
            except ValidationError as exc:
                notes.append(f"{self.fields[name].label}: {' '.join(exc.messages)}")
        filters = TransactionFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            account=account,
            category=data.get("category"),
            tag=data.get("tag"),
            payee=data.get("payee"),
            text=(data.get("text") or "").strip(),
            amount_min=bounds["amount_min"],
            amount_max=bounds["amount_max"],
            kind=data.get("kind") or "",
        )
        return filters, notes


class BalanceOnForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Balance at the end of"), widget=date_input())

    def day(self) -> date | None:
        return self.cleaned_data["on"] if self.is_bound and self.is_valid() else None
