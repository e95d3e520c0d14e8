"""The exchange-rate pages: the list with filters and "Older" paging, a rate by hand, an ECB file
upload, deleting one's own rate; viewers refused with 403, bad input with 400, another
household's rates never shown and a 404 to touch."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from spendwise.currency import actions
from spendwise.currency.ecb import parse_ecb
from spendwise.currency.models import ExchangeRate

pytestmark = pytest.mark.django_db

DAILY = "Date, USD, JPY, \n27 March 2026, 1.0765, 163.45, \n"


def flat(response) -> str:
    return re.sub(r"\s*\n\s*", "", response.content.decode())


def upload(client: Client, content: str | bytes, name: str = "eurofxref.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(reverse("currency:upload"), {"file": SimpleUploadedFile(name, data)})


def own_rate(member, value: str = "25400", day: date = date(2026, 3, 27)) -> ExchangeRate:
    return actions.rate_set(actor=member, day=day, base="USD", quote="VND", rate=Decimal(value))


def test_the_list_shows_global_rates_and_the_households_own(owner, outsider, owner_client):
    actions.global_rates_load(rates=parse_ecb(DAILY.encode()))
    own_rate(owner)
    own_rate(outsider, "99999")

    page = flat(owner_client.get(reverse("currency:rates")))

    assert "<td>1 EUR = 1.0765 USD</td>" in page
    assert "<td>1 EUR = 163.45 JPY</td>" in page
    assert '<td>1 USD = 25400 VND</td><td class="hide-small">Entered by hand</td>' in page
    assert "99999" not in page  # another household's own rate
    assert page.count(">Delete</button>") == 1  # only the household's own rate


def test_the_settings_page_links_to_exchange_rates(owner_client):
    page = owner_client.get(reverse("identity:settings")).content.decode()

    assert f'href="{reverse("currency:rates")}"' in page


def test_the_list_filters_by_currency_and_whose(owner, owner_client):
    actions.global_rates_load(rates=parse_ecb(DAILY.encode()))
    own_rate(owner)

    jpy = flat(owner_client.get(reverse("currency:rates"), {"currency": "jpy"}))
    own = flat(owner_client.get(reverse("currency:rates"), {"owner": "own"}))
    bad = flat(owner_client.get(reverse("currency:rates"), {"currency": "XX1"}))

    assert "163.45 JPY" in jpy and "USD" not in jpy.split("<tbody")[1]
    assert "25400 VND" in own and "1.0765" not in own
    assert "“XX1” is not an ISO 4217 currency code." in bad
    assert "1.0765" in bad  # the bad filter is left out, the rest of the list shown


def test_the_list_pages_with_older(owner, owner_client, monkeypatch):
    monkeypatch.setattr("spendwise.currency.views.RATES_PAGE_SIZE", 2)
    for day in (1, 2, 3):
        own_rate(owner, f"2540{day}", date(2026, 3, day))

    first = owner_client.get(reverse("currency:rates")).content.decode()
    older = re.search(r'href="(/exchange-rates/\?cursor=[^"]+)"', first)
    assert older, "no Older link"
    rest = owner_client.get(older.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true")

    assert "25403 VND" in first and "25402 VND" in first and "25401 VND" not in first
    assert "25401 VND" in rest.content.decode() and "<html" not in rest.content.decode()
    assert "Older" not in rest.content.decode()


def test_an_empty_list_says_what_to_do(owner_client):
    page = owner_client.get(reverse("currency:rates")).content.decode()

    assert 'data-testid="empty"' in page and "eurofxref.csv" in page


def test_a_rate_by_hand_is_saved_for_the_household(owner, owner_client):
    form = owner_client.get(reverse("currency:rate_create"))
    response = owner_client.post(
        reverse("currency:rate_create"),
        {"date": "2026-03-27", "base": "usd", "quote": "VND", "rate": "25,400.5"},
    )

    assert form.status_code == 200
    assert response.status_code == 302
    rate = ExchangeRate.objects.get()
    assert (rate.household_id, rate.base, rate.quote, rate.rate, rate.source) == (
        owner.household_id, "USD", "VND", Decimal("25400.5"), "manual",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"base": "EUR", "quote": "EUR", "rate": "1"}, "Choose two different currencies."),
        ({"base": "EUR", "quote": "USD", "rate": "-1"}, "greater than zero"),
        ({"base": "EUR", "quote": "USD", "rate": "1.2.3"}, "“1.2.3” is not a rate."),
        ({"base": "EUR", "quote": "USD", "rate": "1e5"}, "“1e5” is not a rate."),
        ({"base": "EU", "quote": "USD", "rate": "1"}, "is not an ISO 4217 currency code"),
    ],
)
def test_a_bad_rate_by_hand_shows_the_form_again_and_saves_nothing(owner_client, data, message):
    response = owner_client.post(reverse("currency:rate_create"), {"date": "2026-03-27", **data})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert ExchangeRate.objects.count() == 0


def test_an_ecb_file_upload_becomes_the_households_own_rates(owner, owner_client):
    response = upload(owner_client, DAILY)

    assert response.status_code == 302
    assert {(r.household_id, r.quote, r.rate) for r in ExchangeRate.objects.all()} == {
        (owner.household_id, "USD", Decimal("1.0765")),
        (owner.household_id, "JPY", Decimal("163.45")),
    }
    page = owner_client.get(response["Location"]).content.decode()
    assert "Loaded 2 rates for 1 day (2026-03-27), EUR to 2 currencies." in page


def test_a_broken_upload_says_where_and_loads_nothing(owner_client):
    response = upload(owner_client, DAILY.replace("163.45", "16 3.45"))
    truncated = upload(owner_client, b"<gesmes:Envelope><Cube><Cube time='2026", "daily.xml")

    assert response.status_code == 400
    assert "Nothing was loaded: Line 2, JPY: “16 3.45” is not a rate." in (
        response.content.decode()
    )
    assert truncated.status_code == 400
    assert "The XML file cannot be read" in truncated.content.decode()
    assert ExchangeRate.objects.count() == 0


def test_a_viewer_is_refused_every_write_and_nothing_changes(owner, viewer_client):
    rate = own_rate(owner)

    answers = [
        viewer_client.get(reverse("currency:rate_create")).status_code,
        viewer_client.post(
            reverse("currency:rate_create"),
            {"date": "2026-03-27", "base": "EUR", "quote": "USD", "rate": "1"},
        ).status_code,
        viewer_client.get(reverse("currency:upload")).status_code,
        upload(viewer_client, DAILY).status_code,
        viewer_client.post(reverse("currency:rate_delete", args=[rate.pk])).status_code,
    ]

    assert answers == [403] * 5
    assert list(ExchangeRate.objects.values_list("pk", "rate_e10")) == [(rate.pk, rate.rate_e10)]
    page = viewer_client.get(reverse("currency:rates")).content.decode()
    assert "25400 VND" in page and ">Delete</button>" not in page


def test_the_owner_deletes_an_own_rate_but_a_global_one_is_a_404(owner, owner_client):
    rate = own_rate(owner)
    actions.global_rates_load(rates=parse_ecb(DAILY.encode()))
    global_rate = ExchangeRate.objects.filter(household=None).earliest("id")

    deleted = owner_client.post(reverse("currency:rate_delete", args=[rate.pk]))
    refused = owner_client.post(reverse("currency:rate_delete", args=[global_rate.pk]))

    assert deleted.status_code == 302
    assert refused.status_code == 404
    assert not ExchangeRate.objects.filter(household=owner.household).exists()
    assert ExchangeRate.objects.filter(household=None).count() == 2


def test_another_households_rate_is_a_404_and_stays(owner, outsider_client):
    rate = own_rate(owner)

    response = outsider_client.post(reverse("currency:rate_delete", args=[rate.pk]))

    assert response.status_code == 404
    assert ExchangeRate.objects.filter(pk=rate.pk).exists()
