"""The VAT rule (DOMAIN.md "Money and tax"): tax = floor(P / 11) of a VAT-inclusive price,
floor(S / 10) of a supply amount; exempt and zero-rated carry none; always reconciles."""

from __future__ import annotations

import pytest

from shop.tax import TaxedAmount, add_tax_to_supply, split_gross


@pytest.mark.parametrize(
    ("gross", "net", "tax"),
    [
        (10_000, 9_091, 909),  # the worked example in DOMAIN.md
        (11_000, 10_000, 1_000),
        (12_000, 10_910, 1_090),
        (6_500, 5_910, 590),
        (1, 1, 0),
        (10, 10, 0),
        (11, 10, 1),
        (0, 0, 0),
        (1_234_500, 1_122_273, 112_227),
    ],
)
def test_taxable_gross_is_split_with_floor_of_one_eleventh(gross, net, tax):
    assert split_gross(gross, "taxable") == TaxedAmount(gross=gross, net=net, tax=tax)


@pytest.mark.parametrize("tax_type", ["exempt", "zero_rated"])
def test_exempt_and_zero_rated_carry_no_tax(tax_type):
    assert split_gross(4_500, tax_type) == TaxedAmount(gross=4_500, net=4_500, tax=0)
    assert add_tax_to_supply(4_500, tax_type) == TaxedAmount(gross=4_500, net=4_500, tax=0)


def test_supply_amount_gets_floor_of_one_tenth():
    assert add_tax_to_supply(9_091, "taxable") == TaxedAmount(gross=10_000, net=9_091, tax=909)
    assert add_tax_to_supply(1_999, "taxable") == TaxedAmount(gross=2_198, net=1_999, tax=199)


def test_every_amount_reconciles():
    for gross in range(0, 50_000, 7):
        split = split_gross(gross, "taxable")
        assert split.net + split.tax == gross
        assert split.tax == gross // 11
        assert 0 <= split.tax <= split.net


def test_per_line_tax_is_summed():
    lines = [split_gross(6_500, "taxable") * 3, split_gross(4_500, "exempt") * 2]
    total = lines[0] + lines[1]
    assert total == TaxedAmount(gross=28_500, net=26_730, tax=1_770)
    assert total.net + total.tax == total.gross


@pytest.mark.parametrize("bad", [10.5, "1000", None, True])
def test_amounts_must_be_integers(bad):
    with pytest.raises(TypeError):
        split_gross(bad, "taxable")


def test_negative_amounts_and_unknown_tax_types_are_refused():
    with pytest.raises(ValueError, match="negative"):
        split_gross(-1, "taxable")
    with pytest.raises(ValueError, match="Unknown tax type"):
        split_gross(1_000, "vat")
