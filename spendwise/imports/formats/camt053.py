"""CAMT.053 (ISO 20022 bank-to-customer statement) XML, every version from .001.02 on.

Parsed with ``defusedxml``: no document type declarations, no entities, no external
references, so neither an entity bomb nor an XXE read of a local file can get through. Each
``Ntry`` (entry) becomes one row: booking date (``BookgDt``, else ``ValDt``), ``Amt`` with
its ``Ccy`` signed by ``CdtDbtInd``, the other party's name from ``RltdPties``, the
remittance text (``RmtInf/Ustrd``) and the bank's reference (``AcctSvcrRef``, else
``NtryRef``) as the id that recognises it when the statement is imported again. Pending
entries are row errors: they are imported once the bank has booked them.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from spendwise.imports.formats import FormatError, Parsed, ParsedRow, RowError, clean_text
from spendwise.imports.formats.text import refuse_unreadable
from spendwise.phrases import Phrase, gettext_noop, reason

_AMOUNT = re.compile(r"^\d{1,18}(\.\d{1,5})?$")


class _Builder(TreeBuilder):
    """Drops namespaces (every camt.053 version reads the same) and notes each element's
    line, for row errors that say where to look."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.expat: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = super().start(tag.rsplit("}", 1)[-1], attrs)
        if self.expat is not None:
            self.lines[id(element)] = int(self.expat.CurrentLineNumber)
        return element

    def end(self, tag: str) -> Element:
        return super().end(tag.rsplit("}", 1)[-1])


def _document(data: bytes) -> tuple[Element, dict[int, int]]:
    refuse_unreadable(data)
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise FormatError(
            Phrase(
                gettext_noop(
                    "This XML file declares a document type or entities, which bank statements "
                    "never "
                    "need; it was refused for safety."
                )
            )
        ) from None
    except ParseError as exc:
        raise FormatError(
            Phrase(
                gettext_noop(
                    "This XML file is damaged or incomplete (%(exc)s). Download the statement "
                    "again."
                ),
                exc=exc,
            )
        ) from None
    return root, builder.lines


def _text(element: Element | None, path: str) -> str:
    if element is None:
        return ""
    return (element.findtext(path) or "").strip()


def _day(entry: Element) -> date:
    for path in ("BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm"):
        text = _text(entry, path)
        if text:
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                raise ValueError(
                    Phrase(gettext_noop("“%(text)s” is not a real date."), text=text)
                ) from None
    raise ValueError(Phrase(gettext_noop("This entry has no booking date.")))


def _party(details: Element | None, role: str) -> str:
    if details is None:
        return ""
    for path in (f"RltdPties/{role}/Nm", f"RltdPties/{role}/Pty/Nm", f"RltdPties/Ultmt{role}/Nm"):
        name = _text(details, path)
        if name:
            return name
    return ""


def parse(data: bytes) -> Parsed:
    root, lines = _document(data)
    if root.tag != "Document" or root.find("BkToCstmrStmt") is None:
        raise FormatError(Phrase(gettext_noop("This XML file is not a CAMT.053 bank statement.")))
    result = Parsed()
    for statement in root.iter("Stmt"):
        account_currency = _text(statement, "Acct/Ccy").upper()
        for entry in statement.iter("Ntry"):
            line = lines.get(id(entry), 0)
            try:
                result.rows.append(_row(entry, line, account_currency))
            except ValueError as exc:
                result.errors.append(RowError(line, reason(exc)))
    if not result.count:
        raise FormatError(Phrase(gettext_noop("This statement has no entries.")))
    return result


def _row(entry: Element, line: int, account_currency: str) -> ParsedRow:
    status = _text(entry, "Sts/Cd") or _text(entry, "Sts")
    if status and status.upper() != "BOOK":
        raise ValueError(
            Phrase(
                gettext_noop("This entry is pending, not booked yet: import it once it is booked.")
            )
        )
    amount_element = entry.find("Amt")
    amount_text = (amount_element.text or "").strip() if amount_element is not None else ""
    if not _AMOUNT.match(amount_text):
        raise ValueError(
            Phrase(gettext_noop("“%(text)s” is not an amount."), text=amount_text)
            if amount_text
            else Phrase(gettext_noop("No amount."))
        )
    indicator = _text(entry, "CdtDbtInd").upper()
    if indicator not in ("CRDT", "DBIT"):
        raise ValueError(
            Phrase(gettext_noop("This entry does not say whether it is a credit or a debit."))
        )
    amount = Decimal(amount_text)
    currency = amount_element.get("Ccy", "") if amount_element is not None else ""
    details = entry.findall("NtryDtls/TxDtls")
    single = details[0] if len(details) == 1 else None
    # Money out names the creditor (who was paid); money in the debtor (who paid).
    payee = _party(single, "Cdtr" if indicator == "DBIT" else "Dbtr") or _party(
        single, "Dbtr" if indicator == "DBIT" else "Cdtr"
    )
    remittance = " ".join(
        (u.text or "").strip()
        for u in (single.findall("RmtInf/Ustrd") if single is not None else [])
    )
    description = (
        remittance
        or _text(single, "AddtlTxInf")
        or _text(entry, "AddtlNtryInf")
        or (f"{len(details)} payments" if len(details) > 1 else "")
    )
    bank_id = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
    if not bank_id and single is not None:
        bank_id = _text(single, "Refs/AcctSvcrRef")
    return ParsedRow(
        line_number=line,
        date=_day(entry),
        amount=amount if indicator == "CRDT" else -amount,
        payee=clean_text(payee, 100),
        description=clean_text(description),
        bank_id=clean_text(bank_id, 255),
        currency=(currency or account_currency).upper(),
    )
