"""VAT (부가가치세) in integer KRW: the one place that splits a price into supply and tax.

Our rule (DOMAIN.md "Money and tax"): for a VAT-inclusive taxable amount ``P``,
tax = floor(P / 11) and supply (net) = P - tax (₩10,000 → 9,091 + 909); for a supply
amount ``S`` quoted without VAT, tax = floor(S / 10). Exempt (면세) and zero-rated (영세)
amounts carry no tax. Tax is computed per line and summed, so totals always reconcile:
net + tax == gross, line by line and overall.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.catalog.models import TaxType

# VAT rate as a whole divisor pair: tax = gross // 11 (10% on top of supply) and tax = supply // 10.
_GROSS_DIVISOR = 11
_SUPPLY_DIVISOR = 10


@dataclass(frozen=True)
class TaxedAmount:
    """An amount in won split into supply value (공급가액) and tax (세액)."""

    gross: int
    net: int
    tax: int

    def __add__(self, other: TaxedAmount) -> TaxedAmount:
        return TaxedAmount(self.gross + other.gross, self.net + other.net, self.tax + other.tax)

    def __mul__(self, quantity: int) -> TaxedAmount:
        return TaxedAmount(self.gross * quantity, self.net * quantity, self.tax * quantity)


def _check(amount: int) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"KRW amounts are integers, got {amount!r}")
    if amount < 0:
        raise ValueError(f"KRW amount must not be negative, got {amount}")
    return amount


def _is_taxable(tax_type: str) -> bool:
    if tax_type not in TaxType.values:
        raise ValueError(f"Unknown tax type {tax_type!r}")
    return tax_type == TaxType.TAXABLE


def split_gross(gross: int, tax_type: str) -> TaxedAmount:
    """Split a VAT-inclusive price (what citizens see) into net + tax."""
    gross = _check(gross)
    tax = gross // _GROSS_DIVISOR if _is_taxable(tax_type) else 0
    return TaxedAmount(gross=gross, net=gross - tax, tax=tax)


def add_tax_to_supply(supply: int, tax_type: str) -> TaxedAmount:
    """Add VAT to a supply amount quoted without VAT (quotes, invoices)."""
    supply = _check(supply)
    tax = supply // _SUPPLY_DIVISOR if _is_taxable(tax_type) else 0
    return TaxedAmount(gross=supply + tax, net=supply, tax=tax)
