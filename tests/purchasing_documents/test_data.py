from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pytest

from purchasing.documents.data import (
    DocumentData,
    DocumentLine,
    DocumentTotalsError,
    Party,
    Recipient,
    format_brn,
)

EXPECTED_LINES = [
    # supply, tax, total
    (1_234_500, 123_450, 1_357_950),
    (100_000, 0, 100_000),
    (270_000, 0, 270_000),
    (23_331, 2_333, 25_664),  # floor(23,331 / 10): tax on the line, not 333 × 7
    (110_000, 0, 110_000),
]


def test_mixed_quote_reconciles_per_line_and_overall(quote_data):
    got = [(line.supply, line.tax, line.total) for line in quote_data.lines]
    assert got == EXPECTED_LINES
    for line in quote_data.lines:
        assert line.supply + line.tax == line.total
        assert line.supply == line.unit_price * line.quantity
    assert quote_data.supply_total == 1_737_831
    assert quote_data.tax_total == 125_783
    assert quote_data.total == 1_863_614
    assert quote_data.supply_total + quote_data.tax_total == quote_data.total
    assert quote_data.total == sum(t for _, _, t in EXPECTED_LINES)
    assert quote_data.tax_types == {"taxable", "exempt", "zero_rated"}
    quote_data.check_totals()


def test_exempt_and_zero_rated_lines_carry_no_tax():
    for tax_type in ("exempt", "zero_rated"):
        line = DocumentLine("두부", 3, 3_333, tax_type)
        assert (line.supply, line.tax, line.total) == (9_999, 0, 9_999)
        assert line.tax_type_label in ("면세", "영세")


def test_recorded_amounts_must_match(supplier, mixed_lines):
    DocumentLine("잼", 7, 3_333, expected_supply=23_331, expected_tax=2_333)
    with pytest.raises(DocumentTotalsError, match="tax 2,333 != recorded 2,331"):
        DocumentLine("잼", 7, 3_333, expected_tax=2_331)  # tax per unit × 7 would be 2,331
    with pytest.raises(DocumentTotalsError, match="supply"):
        DocumentLine("잼", 7, 3_333, expected_supply=23_330)
    data = DocumentData("quote", "Q-1", dt.date(2025, 1, 2), supplier, mixed_lines)
    dataclasses.replace(data, expected_total=1_863_614)
    with pytest.raises(DocumentTotalsError, match="recorded"):
        dataclasses.replace(data, expected_total=1_863_615)


def test_totals_error_is_an_assertion_error():
    assert issubclass(DocumentTotalsError, AssertionError)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"quantity": 0}, ValueError),
        ({"quantity": 1.5}, TypeError),
        ({"unit_price": -1}, ValueError),
        ({"unit_price": 100.0}, TypeError),
        ({"tax_type": "vat"}, ValueError),
    ],
)
def test_invalid_lines(kwargs, error):
    values = {"name": "쿠키", "quantity": 1, "unit_price": 1_000, **kwargs}
    with pytest.raises(error):
        DocumentLine(**values)


def test_brn_is_formatted():
    assert format_brn("1248100998") == "124-81-00998"
    assert format_brn("124-81-00998") == "124-81-00998"
    assert format_brn(" 124 81 00998 ") == "124-81-00998"
    assert format_brn("") == ""
    with pytest.raises(ValueError, match="###-##-#####"):
        format_brn("12-345")
    assert Party(name="누리", brn="1248100998").brn == "124-81-00998"
    with pytest.raises(ValueError, match="상호"):
        Party(name=" ")


def test_party_from_registry_object():
    org = SimpleNamespace(
        name="누리푸드",
        brn="1248100998",
        representative="김누리",
        address="서울 성동구",
        business_category="제조",
        business_item="식품",
        phone="02-1",
        email=None,
        homepage="https://x",
    )
    party = Party.from_registry(org, phone="02-999")
    assert party == Party(
        name="누리푸드",
        brn="124-81-00998",
        representative="김누리",
        address="서울 성동구",
        business_category="제조",
        business_item="식품",
        phone="02-999",
        email="",
    )


def test_document_data_normalizes_and_is_frozen(supplier, mixed_lines):
    data = DocumentData("statement", "S-1", dt.date(2025, 1, 2), supplier, mixed_lines)
    assert isinstance(data.lines, tuple)
    assert data.title == "거래명세서"
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.number = "x"  # type: ignore[misc]
    with pytest.raises(ValueError, match="not a valid DocumentKind"):
        DocumentData("invoice", "S-1", dt.date(2025, 1, 2), supplier, mixed_lines)
    with pytest.raises(ValueError, match="청구 or 영수"):
        dataclasses.replace(data, tax_invoice_purpose="외상")


def test_recipient_display():
    assert (
        Recipient("성동구청", "일자리정책과", "홍길동").display() == "성동구청 일자리정책과 홍길동"
    )
    assert Recipient("성동구청").display() == "성동구청"
