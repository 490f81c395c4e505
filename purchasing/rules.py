"""Procurement rules: the contract route (수의계약 / 2인 이상 견적 / 경쟁입찰) and due dates.

Every number comes from ``procurement_settings()``, the one place that reads
``settings.PROCUREMENT`` (DOMAIN.md "Public procurement"; these numbers change by decree):

- any supplier: a private contract (수의계약) on a single quote up to
  ``GENERAL_SINGLE_QUOTE_LIMIT`` (₩20,000,000), with two or more quotes up to
  ``GENERAL_PRIVATE_CONTRACT_LIMIT`` (₩50,000,000, 지방계약법 시행령 §25①5: goods and
  services), competitive bidding above;
- a supplier holding, on the date, a verified certification of a ``PRIVILEGED_KINDS`` kind
  (사회적기업, 사회적협동조합, 자활기업, 마을기업): single quote up to
  ``PRIVILEGED_SINGLE_QUOTE_LIMIT`` (₩50,000,000), two or more quotes up to
  ``PRIVILEGED_PRIVATE_CONTRACT_LIMIT`` (₩100,000,000), competitive bidding above;
  예비사회적기업 and ordinary 협동조합 are not in that list;
- thresholds apply to the estimated price **excluding VAT**, and "up to" includes the limit;
- two or more quotes are taken through the national e-procurement system (국가종합전자조달시스템);
- a written contract may be skipped up to ``CONTRACT_DOCUMENT_EXEMPT_LIMIT``.

Due dates: inspection (검수) within ``INSPECTION_DAYS`` of the completion notice, payment
within ``PAYMENT_DAYS`` of the invoice claim; reminders ``REMINDER_DAYS_BEFORE`` days ahead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings

from vendors.models import CertificationKind, Organization


def procurement_settings() -> dict:
    """``settings.PROCUREMENT`` (config/settings/base.py): the only reader of these numbers."""
    return settings.PROCUREMENT


class Route:
    SINGLE_QUOTE = "single_quote"
    TWO_QUOTES = "two_quotes"
    COMPETITIVE_BIDDING = "competitive_bidding"


ROUTE_LABELS = {
    Route.SINGLE_QUOTE: "1인 견적 수의계약",
    Route.TWO_QUOTES: "2인 이상 견적 수의계약 (국가종합전자조달시스템)",
    Route.COMPETITIVE_BIDDING: "경쟁입찰",
}


@dataclass(frozen=True)
class ContractRoute:
    route: str
    label_ko: str
    estimated_price_excl_vat: int
    privileged: bool
    # Why the supplier is (not) privileged: "사회적기업 인증 제2015-001호 (2026-03-02 기준 유효)…".
    basis: str
    single_quote_limit: int
    private_contract_limit: int
    quotes_required: int  # 1, 2, or 0 for competitive bidding (not possible on Nuri)
    quotes_received: int | None
    # What the purchase still needs before a contract ("2인 이상 견적이 필요합니다 (현재 1건)").
    needs: tuple[str, ...] = ()
    # Conditions to keep in mind (not blocking).
    notes: tuple[str, ...] = ()
    thresholds: dict = field(default_factory=dict)

    @property
    def is_private_contract(self) -> bool:
        return self.route in (Route.SINGLE_QUOTE, Route.TWO_QUOTES)

    @property
    def quotes_missing(self) -> int:
        if not self.is_private_contract or self.quotes_received is None:
            return 0
        return max(self.quotes_required - self.quotes_received, 0)

    @property
    def can_order(self) -> bool:
        """Whether Nuri may place the order on this route: a private contract with enough
        quotes (competitive bidding happens outside Nuri)."""
        return self.is_private_contract and self.quotes_missing == 0


def _kind_name(kind: str) -> str:
    """``social_enterprise`` → 사회적기업 (the organization type's name)."""
    from vendors.models import OrgType

    return str(OrgType(kind).label) if kind in OrgType.values else kind


def _won(amount: int) -> str:
    return f"₩{amount:,}"


def privileged_certification(organization: Organization, on: dt.date, kinds: list[str]):
    """A verified certification of a privileged kind valid on ``on``, or None.

    Uses the organization's prefetched certifications when there are.
    """
    valid = [
        c
        for c in organization.certifications.all()
        if c.kind in kinds and c.verified_at is not None and c.is_valid_on(on)
    ]
    if not valid:
        return None
    return max(valid, key=lambda c: (c.valid_until or dt.date.max, c.valid_from))


def contract_route(
    *,
    estimated_price_excl_vat: int,
    organization: Organization,
    on: dt.date,
    quotes_received: int | None = None,
) -> ContractRoute:
    """Which contract route a purchase of ``estimated_price_excl_vat`` from ``organization``
    on ``on`` takes, and what it still needs (``quotes_received``: valid quotes so far)."""
    if isinstance(estimated_price_excl_vat, bool) or not isinstance(estimated_price_excl_vat, int):
        raise TypeError("the estimated price is an integer amount of won")
    if estimated_price_excl_vat < 0:
        raise ValueError("the estimated price must not be negative")
    conf = procurement_settings()
    price = estimated_price_excl_vat
    cert = privileged_certification(organization, on, list(conf["PRIVILEGED_KINDS"]))
    if cert is not None:
        single = int(conf["PRIVILEGED_SINGLE_QUOTE_LIMIT"])
        private = int(conf["PRIVILEGED_PRIVATE_CONTRACT_LIMIT"])
        number = f" {cert.number}" if cert.number else ""
        basis = (
            f"{CertificationKind(cert.kind).label}{number} ({on:%Y-%m-%d} 기준 유효): "
            f"{_won(single)}까지 1인 견적, {_won(private)}까지 수의계약"
        )
    else:
        single = int(conf["GENERAL_SINGLE_QUOTE_LIMIT"])
        private = int(conf["GENERAL_PRIVATE_CONTRACT_LIMIT"])
        kinds = "·".join(_kind_name(k) for k in conf["PRIVILEGED_KINDS"])
        basis = (
            f"{organization.get_org_type_display()}: {on:%Y-%m-%d} 기준 수의계약 특례 대상 "
            f"인증({kinds})이 없어 일반 기준 적용 ({_won(single)}까지 1인 견적)"
        )
    if price <= single:
        route, required = Route.SINGLE_QUOTE, 1
    elif price <= private:
        route, required = Route.TWO_QUOTES, 2
    else:
        route, required = Route.COMPETITIVE_BIDDING, 0

    needs: list[str] = []
    notes: list[str] = []
    if route == Route.TWO_QUOTES:
        received = quotes_received or 0
        if quotes_received is not None and received < 2:
            needs.append(f"2인 이상의 견적이 필요합니다 (현재 {received}건, {2 - received}건 더).")
        notes.append("2인 이상 견적은 국가종합전자조달시스템(나라장터)을 통해 받아야 합니다.")
    elif route == Route.COMPETITIVE_BIDDING:
        needs.append(
            f"추정가격 {_won(price)}은(는) 수의계약 한도({_won(private)})를 넘습니다: "
            "경쟁입찰(국가종합전자조달시스템)로 계약해야 하며 누리에서 발주할 수 없습니다."
        )
    elif quotes_received is not None and quotes_received < 1:
        needs.append("견적서가 아직 없습니다.")
    if cert is not None and price > int(conf["GENERAL_SINGLE_QUOTE_LIMIT"]):
        notes.append(
            "특례 수의계약은 취약계층 고용 비율 등 시행령 요건을 갖춘 기업에 한합니다: "
            "확인서를 받아 두세요."
        )
    document_limit = int(conf["CONTRACT_DOCUMENT_EXEMPT_LIMIT"])
    if route != Route.COMPETITIVE_BIDDING and price > document_limit:
        notes.append(f"{_won(document_limit)}을 넘으므로 계약서를 작성해야 합니다.")
    return ContractRoute(
        route=route,
        label_ko=ROUTE_LABELS[route],
        estimated_price_excl_vat=price,
        privileged=cert is not None,
        basis=basis,
        single_quote_limit=single,
        private_contract_limit=private,
        quotes_required=required,
        quotes_received=quotes_received,
        needs=tuple(needs),
        notes=tuple(notes),
        thresholds={
            "single_quote_limit": single,
            "private_contract_limit": private,
            "privileged_kinds": list(conf["PRIVILEGED_KINDS"]),
        },
    )


# ---------------------------------------------------------------------------------------------
# Due dates
# ---------------------------------------------------------------------------------------------


def inspection_due(notified_on: dt.date) -> dt.date:
    """Last day to inspect a delivery notified complete on ``notified_on``."""
    return notified_on + dt.timedelta(days=int(procurement_settings()["INSPECTION_DAYS"]))


def payment_due(claimed_on: dt.date) -> dt.date:
    """Last day to pay an invoice claimed on ``claimed_on``."""
    return claimed_on + dt.timedelta(days=int(procurement_settings()["PAYMENT_DAYS"]))


def reminder_day(due: dt.date) -> dt.date:
    """The day from which a reminder for ``due`` is sent."""
    return due - dt.timedelta(days=int(procurement_settings()["REMINDER_DAYS_BEFORE"]))


def reminder_horizon(today: dt.date) -> dt.date:
    """Due dates up to this day get a reminder on ``today``."""
    return today + dt.timedelta(days=int(procurement_settings()["REMINDER_DAYS_BEFORE"]))
