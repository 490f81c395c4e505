"""The contract route (DOMAIN.md "Public procurement"), its thresholds from settings, and the
due dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings

from purchasing import rules
from purchasing.rules import Route, contract_route
from tests.factories import CertificationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 5, 4)


def org(kind: str, **cert):
    organization = OrganizationFactory(org_type=kind)
    if kind != "none":
        CertificationFactory(organization=organization, kind=kind, **cert)
    return organization


def route(price: int, organization, *, on=ON, quotes=None):
    return contract_route(
        estimated_price_excl_vat=price, organization=organization, on=on, quotes_received=quotes
    )


def test_social_enterprise_45m_is_single_quote_60m_needs_two_quotes():
    se = org("social_enterprise")
    r45 = route(45_000_000, se)
    assert r45.route == Route.SINGLE_QUOTE
    assert r45.label_ko == "1인 견적 수의계약"
    assert r45.privileged
    assert r45.single_quote_limit == 50_000_000
    r60 = route(60_000_000, se, quotes=1)
    assert r60.route == Route.TWO_QUOTES
    assert "2인 이상" in r60.label_ko
    assert r60.quotes_missing == 1
    assert any("1건 더" in need for need in r60.needs)
    assert not r60.can_order
    assert route(60_000_000, se, quotes=2).can_order


def test_prelim_social_enterprise_is_not_privileged_30m_needs_two_quotes():
    prelim = org("prelim_regional")
    r = route(30_000_000, prelim)
    assert r.route == Route.TWO_QUOTES
    assert not r.privileged
    assert r.single_quote_limit == 20_000_000
    assert "일반 기준" in r.basis


@pytest.mark.parametrize(
    ("kind", "price", "expected"),
    [
        ("social_enterprise", 50_000_000, Route.SINGLE_QUOTE),  # "up to" includes the limit
        ("social_enterprise", 50_000_001, Route.TWO_QUOTES),
        ("social_enterprise", 100_000_000, Route.TWO_QUOTES),
        ("social_enterprise", 100_000_001, Route.COMPETITIVE_BIDDING),
        ("social_coop", 45_000_000, Route.SINGLE_QUOTE),
        ("self_sufficiency", 45_000_000, Route.SINGLE_QUOTE),
        ("village_enterprise", 45_000_000, Route.SINGLE_QUOTE),
        ("coop", 20_000_000, Route.SINGLE_QUOTE),
        ("coop", 20_000_001, Route.TWO_QUOTES),
        ("coop", 50_000_000, Route.TWO_QUOTES),
        ("coop", 50_000_001, Route.COMPETITIVE_BIDDING),
        ("prelim_ministry", 45_000_000, Route.TWO_QUOTES),
    ],
)
def test_thresholds(kind, price, expected):
    assert route(price, org(kind)).route == expected


def test_certification_is_judged_at_the_date():
    se = org("social_enterprise", valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2026, 3, 31))
    assert route(45_000_000, se, on=dt.date(2026, 3, 31)).route == Route.SINGLE_QUOTE
    after = route(45_000_000, se, on=dt.date(2026, 4, 1))
    assert after.route == Route.TWO_QUOTES
    assert not after.privileged


def test_revoked_or_unverified_certification_is_not_privileged():
    revoked = org("social_enterprise", revoked_on=dt.date(2026, 1, 1))
    assert route(45_000_000, revoked).route == Route.TWO_QUOTES
    unverified = org("social_enterprise", verified_at=None)
    assert route(45_000_000, unverified).route == Route.TWO_QUOTES


def test_competitive_bidding_says_what_is_missing():
    r = route(120_000_000, org("social_enterprise"), quotes=3)
    assert r.route == Route.COMPETITIVE_BIDDING
    assert not r.can_order
    assert "경쟁입찰" in r.needs[0]


def procurement(**changes) -> dict:
    return {**settings.PROCUREMENT, **changes}


def test_thresholds_come_from_settings():
    se = org("social_enterprise")
    with override_settings(
        PROCUREMENT={**settings.PROCUREMENT, "PRIVILEGED_SINGLE_QUOTE_LIMIT": 40_000_000}
    ):
        r = route(45_000_000, se)
        assert r.route == Route.TWO_QUOTES
        assert r.thresholds["single_quote_limit"] == 40_000_000
        # keys not set keep their defaults
        assert rules.procurement_settings()["GENERAL_SINGLE_QUOTE_LIMIT"] == 20_000_000
    with override_settings(
        PROCUREMENT={**settings.PROCUREMENT, "PRIVILEGED_KINDS": ["social_enterprise"]}
    ):
        assert route(45_000_000, org("social_coop")).route == Route.TWO_QUOTES


def test_price_must_be_integer_won():
    with pytest.raises(TypeError):
        route(45_000_000.0, org("social_enterprise"))
    with pytest.raises(ValueError, match="negative"):
        route(-1, org("social_enterprise"))


def test_due_dates_from_settings():
    assert rules.inspection_due(dt.date(2026, 5, 1)) == dt.date(2026, 5, 15)
    assert rules.payment_due(dt.date(2026, 5, 15)) == dt.date(2026, 5, 20)
    with override_settings(
        PROCUREMENT={**settings.PROCUREMENT, "INSPECTION_DAYS": 10, "PAYMENT_DAYS": 3}
    ):
        assert rules.inspection_due(dt.date(2026, 5, 1)) == dt.date(2026, 5, 11)
        assert rules.payment_due(dt.date(2026, 5, 15)) == dt.date(2026, 5, 18)
