"""The Django-free readers: dates, amounts, CSV detection and each statement format."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from spendwise.imports import formats
from spendwise.imports.formats import FormatError, amounts, camt053, dates, mt940, ofx, qif
from spendwise.imports.formats import csv as csv_format

from .conftest import statement


# --- dates --------------------------------------------------------------------------------------
def test_it_picks_the_only_date_format_that_reads_every_row():
    assert dates.fitting(["03.11.2026", "15.11.2026"]) == ["DD.MM.YYYY"]
    assert dates.fitting(["11/03/2026", "11/30/2026"]) == ["MM/DD/YYYY"]
    assert dates.fitting(["2026-11-03 14:22:05", "2026-11-04T09:00:00+01:00"]) == ["YYYY-MM-DD"]
    assert dates.fitting(["5 Nov 2026", "05-Dec-2026"]) == ["DD MMM YYYY"]
    assert dates.fitting(["Nov 5, 2026"]) == ["MMM DD, YYYY"]


def test_it_finds_every_format_when_no_day_is_above_twelve():
    assert dates.fitting(["01/02/2026", "11/12/2026"]) == ["DD/MM/YYYY", "MM/DD/YYYY"]


def test_it_decides_over_all_rows_not_the_first():
    values = ["01/02/2026"] * 500 + ["25/02/2026"]
    assert dates.fitting(values) == ["DD/MM/YYYY"]


def test_it_falls_back_to_the_format_that_reads_most_rows():
    assert dates.best(["2026-02-27", "2026-02-30", "2026-03-01"]) == ["YYYY-MM-DD"]
    with pytest.raises(dates.DateError, match="not a real date"):
        dates.parse_date("2026-02-30", "YYYY-MM-DD")
    with pytest.raises(dates.DateError, match=r"not a date in the format DD\.MM\.YYYY"):
        dates.parse_date("2026-02-01", "DD.MM.YYYY")


def test_it_reads_two_digit_years_like_strptime():
    assert dates.parse_date("03.11.26", "DD.MM.YY") == date(2026, 11, 3)
    assert dates.parse_date("03.11.99", "DD.MM.YY") == date(1999, 11, 3)


# --- amounts ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "mark", "expected", "code"),
    [
        ("-1,234.56", ".", "-1234.56", ""),
        ("1.234,56", ",", "1234.56", ""),
        ("(12.50)", ".", "-12.50", ""),
        ("12,50-", ",", "-12.50", ""),
        ("€ 12,50", ",", "12.50", ""),
        ("-£75.50", ".", "-75.50", ""),
        ("EUR -3,20", ",", "-3.20", "EUR"),
        ("12.50 USD", ".", "12.50", "USD"),
        ("1'234.50", ".", "1234.50", ""),
        ("1 234,50", ",", "1234.50", ""),
        ("42.17 DR", ".", "-42.17", ""),
        ("42.17 CR", ".", "42.17", ""),
        ("−7.00", ".", "-7.00", ""),
        ("+7", ".", "7", ""),
        (".5", ".", "0.5", ""),
    ],
)
def test_it_reads_amounts_as_banks_write_them(text, mark, expected, code):
    amount, written = amounts.parse_amount(text, mark)
    assert amount == Decimal(expected) and isinstance(amount, Decimal)
    assert written == code


@pytest.mark.parametrize(
    ("text", "mark", "message"),
    [
        ("twelve", ".", "“twelve” is not an amount."),
        ("12,5", ".", "does not read with “.” as the decimal mark"),
        ("1.2.3", ".", "is not an amount"),
        ("", ".", "The amount is empty."),
        ("1e5", ".", "is not an amount"),
        ("9" * 30, ".", "too large"),
    ],
)
def test_it_explains_what_is_not_an_amount(text, mark, message):
    with pytest.raises(amounts.AmountError, match=message):
        amounts.parse_amount(text, mark)


def test_it_guesses_the_decimal_mark_of_a_column():
    assert amounts.guess_decimal_mark(["-42,17", "2.500,00"]) == ","
    assert amounts.guess_decimal_mark(["-42.17", "2,500.00"]) == "."
    assert amounts.guess_decimal_mark(["1,234", "12,5"]) == ","
    assert amounts.guess_decimal_mark(["1,234", "2,000"]) == "."  # says nothing: point


# --- detection ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("girokonto_bom_semicolon.csv", formats.CSV),
        ("checking.ofx", formats.OFX),
        ("creditcard.qfx", formats.QFX),
        ("checking.qif", formats.QIF),
        ("statement.camt053.xml", formats.CAMT053),
        ("statement.sta", formats.MT940),
    ],
)
def test_it_detects_the_format_from_the_content(name, expected):
    assert formats.detect_format("download.dat", statement(name)) == expected


def test_it_refuses_an_xml_file_that_is_no_statement():
    with pytest.raises(FormatError, match=r"not a CAMT\.053"):
        formats.detect_format("a.xml", b"<?xml version='1.0'?><rss></rss>")
    with pytest.raises(FormatError, match=r"not a CAMT\.053 account statement"):
        formats.detect_format(
            "a.xml", b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.054'/>"
        )


# --- CSV ----------------------------------------------------------------------------------------
def test_it_detects_a_csv_layout_below_a_preamble():
    layout, mapping = csv_format.sniff(statement("girokonto_bom_semicolon.csv"))
    assert (layout.encoding, layout.delimiter, layout.skip_rows) == ("utf-8-sig", ";", 4)
    assert layout.columns[0] == "Buchungstag" and layout.rows == 5
    assert (mapping.date, mapping.date_format, mapping.amount) == (0, "DD.MM.YYYY", 4)
    assert (mapping.payee, mapping.description, mapping.decimal_mark) == (2, 3, ",")


def test_it_guesses_columns_of_a_file_without_a_header():
    content = (
        b"03/11/2026\tREWE Markt\t-42,17\n05/11/2026\tACME GmbH\t2500,00\n13/11/2026\tShop\t-1,00\n"
    )
    layout, mapping = csv_format.sniff(content)
    assert layout.delimiter == "\t" and not layout.has_header
    assert (mapping.date, mapping.date_format, mapping.payee, mapping.amount) == (
        0,
        "DD/MM/YYYY",
        1,
        2,
    )
    parsed = csv_format.parse(content, csv_format.Settings(layout, mapping))
    assert (parsed.rows[0].date, parsed.rows[0].amount) == (date(2026, 11, 3), Decimal("-42.17"))


def test_it_reads_quoted_cells_that_span_lines_with_the_right_line_numbers():
    content = b'date,payee,amount\n2026-11-03,"Shop\nsecond line",-1.00\n2026-11-04,Other,-2.00\n'
    layout, mapping = csv_format.sniff(content)
    parsed = csv_format.parse(content, csv_format.Settings(layout, mapping))
    assert [(r.line_number, r.payee) for r in parsed.rows] == [
        (2, "Shop second line"),
        (4, "Other"),
    ]


def test_it_flips_the_sign_for_a_card_statement_that_writes_spending_positive():
    content = b"date,payee,amount\n2026-11-03,Shop,12.00\n2026-11-04,Payment,-50.00\n"
    layout, mapping = csv_format.sniff(content)
    flipped = csv_format.Mapping(**{**mapping.as_dict(), "sign": csv_format.SIGN_OUT})
    parsed = csv_format.parse(content, csv_format.Settings(layout, flipped))
    assert [r.amount for r in parsed.rows] == [Decimal("-12.00"), Decimal("50.00")]


def test_it_reports_short_rows_and_empty_amounts_as_row_errors():
    content = b"date,payee,debit,credit\n2026-11-03,Shop,1.00,\n2026-11-04\n2026-11-05,Odd,,\n"
    layout, mapping = csv_format.sniff(content)
    parsed = csv_format.parse(content, csv_format.Settings(layout, mapping))
    assert [r.line_number for r in parsed.rows] == [2]
    assert [(e.line_number, e.reason) for e in parsed.errors] == [
        (3, "This row has 1 column; column 4 is needed."),
        (4, "There is no amount in the debit or the credit column."),
    ]


def test_it_takes_a_remembered_mapping_only_when_it_fits_the_file():
    layout, guess = csv_format.sniff(statement("ambiguous_dates.csv"))
    saved = {**guess.as_dict(), "date_format": "MM/DD/YYYY", "sign": "out"}
    assert csv_format.remembered(layout, guess, saved).date_format == "MM/DD/YYYY"
    assert csv_format.remembered(layout, guess, {**saved, "amount": 9}) == guess
    assert (
        csv_format.remembered(layout, guess, {**saved, "date_format": "YYYY-MM-DD"}).sign == "out"
    )


# --- OFX, QIF, CAMT.053, MT940 ------------------------------------------------------------------
def test_it_reads_an_ofx_amount_written_with_a_decimal_comma():
    content = statement("checking.ofx").replace(b"<TRNAMT>-42.17", b"<TRNAMT>-42,17")
    assert ofx.parse(content).rows[0].amount == Decimal("-42.17")


def test_it_reports_an_ofx_transaction_it_cannot_read_as_a_row_error():
    content = statement("checking.ofx").replace(b"<TRNAMT>-75.50", b"<TRNAMT>abc")
    parsed = ofx.parse(content)
    assert len(parsed.rows) == 3
    assert [(e.line_number, e.reason) for e in parsed.errors] == [(63, "“abc” is not an amount.")]


def test_it_reads_a_qif_written_day_first_with_decimal_commas():
    content = b"!Type:CCard\nD25/11'26\nT-1.234,50\nPHotel\n^\nD03/11'26\nT-9,99\nPSpotify\n^\n"
    parsed = qif.parse(content)
    assert [(r.date, r.amount) for r in parsed.rows] == [
        (date(2026, 11, 25), Decimal("-1234.50")),
        (date(2026, 11, 3), Decimal("-9.99")),
    ]


def test_it_reports_a_qif_date_that_does_not_exist():
    content = b"!Type:Bank\nD02/27/2026\nT-1.00\n^\nD02/30/2026\nT-2.00\n^\n"
    parsed = qif.parse(content)
    assert [(e.line_number, e.reason) for e in parsed.errors] == [
        (5, "“02/30/2026” is not a real date.")
    ]


def test_it_refuses_a_qif_investment_account():
    with pytest.raises(FormatError, match="Investment accounts"):
        qif.parse(b"!Type:Invst\nD1/1/2026\nNBuy\n^\n")


def test_it_reads_camt053_version_8_names_and_status_codes():
    content = (
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">'
        b"<BkToCstmrStmt><Stmt><Acct><Ccy>EUR</Ccy></Acct><Ntry><Amt Ccy='EUR'>10.00</Amt>"
        b"<CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-01</Dt></BookgDt>"
        b"<NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>Jane Doe</Nm></Pty></Dbtr></RltdPties>"
        b"</TxDtls></NtryDtls><NtryRef>R1</NtryRef></Ntry></Stmt></BkToCstmrStmt></Document>"
    )
    (row,) = camt053.parse(content).rows
    assert (row.amount, row.payee, row.bank_id, row.currency) == (
        Decimal("10.00"),
        "Jane Doe",
        "R1",
        "EUR",
    )


def test_it_reports_a_camt053_date_that_does_not_exist():
    content = statement("statement.camt053.xml").replace(
        b"2026-11-12</Dt></BookgDt>", b"2026-02-30</Dt></BookgDt>"
    )
    parsed = camt053.parse(content)
    assert (57, "“2026-02-30” is not a real date.") in [
        (e.line_number, e.reason) for e in parsed.errors
    ]


def test_it_reports_an_mt940_date_the_library_would_move():
    content = statement("statement.sta").replace(b":61:2611121112", b":61:2602301112")
    parsed = mt940.parse(content)
    assert [(e.line_number, e.reason) for e in parsed.errors] == [
        (9, "“2026-02-30” is not a real date.")
    ]
    assert len(parsed.rows) == 2
