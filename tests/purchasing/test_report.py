"""The priority-purchase report: what counts (inspected, not cancelled, in the year), judged
on each order date; categories against the plan; months; all agencies; XLSX and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from purchasing import services
from purchasing.models import PurchaseCategory
from purchasing.report import (
    NOT_COUNTED,
    priority_purchase_report,
    report_csv,
    report_xlsx,
)
from tests.factories import CertificationFactory
from tests.purchasing.factories import BuyerFactory, item, quote, rfq, supplier

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


@contextmanager
def on(day: dt.date, hour: int = 10):
    moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=SEOUL)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def purchase(buyer, vendor, supply: int, day: dt.date, *, deliver=True, inspect=True):
    """An accepted quote of ``supply`` won (taxable, one line) ordered on ``day``; delivered
    the next day and inspected the day after (when asked)."""
    with on(day):
        request = rfq(buyer, [vendor], items=[item("사무용 다과", 1)])
        delivery = services.quote_accept(quote=quote(request, vendor, [supply]), actor=buyer.user)
    if deliver:
        with on(day + dt.timedelta(days=1)):
            delivery = services.delivery_complete(delivery=delivery, actor=vendor.owner)
    if inspect:
        with on(day + dt.timedelta(days=2)):
            delivery = services.delivery_inspect(delivery=delivery, actor=buyer.user, accepted=True)
    return delivery


@pytest.fixture
def world():
    buyer = BuyerFactory(agency__name="서울특별시 마포구청", agency__code="3130000")
    lapsing = supplier(
        kind="social_enterprise",
        name="한때인증기업",
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2026, 6, 30),
    )
    coop = supplier(kind="social_coop", name="우리밀협동조합")
    prelim = supplier(kind="prelim_regional", name="예비사회적기업 새싹")
    services.plan_save(
        agency=buyer.agency,
        year=2026,
        total_budget=1_000_000_000,
        targets=[
            services.TargetInput("social_enterprise", amount=50_000_000),
            services.TargetInput("social_coop", rate=Decimal("1.5")),
        ],
        actor=buyer.user,
    )
    return buyer, lapsing, coop, prelim


def test_counts_by_eligibility_on_the_order_date(world):
    buyer, lapsing, coop, prelim = world
    while_valid = purchase(buyer, lapsing, 1_000_000, dt.date(2026, 3, 10))
    after_lapse = purchase(buyer, lapsing, 2_000_000, dt.date(2026, 8, 3))
    coop_ok = purchase(buyer, coop, 500_000, dt.date(2026, 4, 6))
    cancelled = purchase(buyer, coop, 700_000, dt.date(2026, 4, 8), deliver=False, inspect=False)
    services.delivery_cancel(delivery=cancelled, actor=buyer.user, reason="예산 변경")
    purchase(buyer, coop, 800_000, dt.date(2026, 4, 20), inspect=False)  # not inspected
    prelim_buy = purchase(buyer, prelim, 300_000, dt.date(2026, 5, 4))
    purchase(buyer, coop, 900_000, dt.date(2025, 12, 29))  # last year's
    purchase(BuyerFactory(), coop, 400_000, dt.date(2026, 5, 6))  # another agency's

    report = priority_purchase_report(year=2026, agency=buyer.agency)
    ids = {r.delivery_id for r in report.records}
    assert ids == {while_valid.pk, after_lapse.pk, coop_ok.pk, prelim_buy.pk}
    by_id = {r.delivery_id: r for r in report.records}
    # the certification lapsed on 06-30: the March purchase still counts, August's does not
    assert by_id[while_valid.pk].eligible
    assert by_id[while_valid.pk].category_code == "social_enterprise"
    assert not by_id[after_lapse.pk].eligible
    assert by_id[after_lapse.pk].category_code == NOT_COUNTED
    assert "만료" in by_id[after_lapse.pk].eligibility_message
    assert by_id[prelim_buy.pk].category_code == "prelim_social_enterprise"
    assert not by_id[prelim_buy.pk].eligible

    rows = {r.key: r for r in report.categories}
    assert rows["social_enterprise"].amount == 1_100_000  # 1,000,000 + 10% VAT
    assert rows["social_enterprise"].count == 1
    assert rows["social_coop"].amount == 550_000
    assert rows["prelim_social_enterprise"].amount == 330_000
    assert rows["prelim_social_enterprise"].eligible_amount == 0
    assert rows[NOT_COUNTED].amount == 2_200_000
    assert report.eligible_amount == 1_650_000
    assert report.total.amount == 1_100_000 + 2_200_000 + 550_000 + 330_000
    assert report.total.supply + report.total.tax == report.total.amount
    # against the plan
    assert rows["social_enterprise"].target == 50_000_000
    assert rows["social_coop"].target == 15_000_000  # 1.5% of ₩1,000,000,000
    assert report.target_total == 65_000_000
    assert report.plan_total == 1_000_000_000
    assert report.eligible_share_of_plan == 0.2  # 1,650,000 / 1,000,000,000 = 0.165% → 0.2
    # by month and by organization type
    months = {m.month: m for m in report.months}
    assert months[3].amount == 1_100_000
    assert months[3].eligible_amount == 1_100_000
    assert months[8].amount == 2_200_000
    assert months[8].eligible_amount == 0
    assert months[4].amount == 550_000
    org_types = {r.key: r for r in report.org_types}
    assert org_types["social_enterprise"].amount == 3_300_000
    assert org_types["social_enterprise"].eligible_amount == 1_100_000

    # staff: every agency
    everyone = priority_purchase_report(year=2026)
    assert everyone.total.count == 5
    assert {row.agency.name for row in everyone.agencies} >= {"서울특별시 마포구청"}
    mapo = next(r for r in everyone.agencies if r.agency == buyer.agency)
    assert mapo.eligible_amount == 1_650_000
    assert mapo.plan_total == 1_000_000_000


def test_paid_purchases_still_count_and_refunds_are_deducted(world):
    buyer, _lapsing, coop, _prelim = world
    d = purchase(buyer, coop, 1_000_000, dt.date(2026, 2, 2))
    services.delivery_payment_record(delivery=d, actor=coop.owner, reference="입금")
    report = priority_purchase_report(year=2026, agency=buyer.agency)
    assert report.eligible_amount == 1_100_000


def test_categories_are_data(world):
    buyer, _lapsing, _coop, _prelim = world
    PurchaseCategory.objects.create(
        code="general_coop", name="일반협동조합", kinds=["coop"], statutory=False, sort_order=60
    )
    general = supplier(kind="coop", name="일반협동조합 가온")
    purchase(buyer, general, 100_000, dt.date(2026, 6, 1))
    report = priority_purchase_report(year=2026, agency=buyer.agency)
    rows = {r.key: r for r in report.categories}
    assert rows["general_coop"].amount == 110_000
    assert rows["general_coop"].eligible_amount == 0
    assert report.eligible_amount == 0


def test_a_later_certification_does_not_count_earlier_purchases(world):
    buyer, _lapsing, _coop, _prelim = world
    late = supplier(kind="coop", name="늦게 인증")
    d = purchase(buyer, late, 100_000, dt.date(2026, 3, 2))
    CertificationFactory(
        organization=late.organization, kind="social_enterprise", valid_from=dt.date(2026, 7, 1)
    )
    report = priority_purchase_report(year=2026, agency=buyer.agency)
    record = next(r for r in report.records if r.delivery_id == d.pk)
    assert not record.eligible


def test_report_is_a_fixed_number_of_queries(world, count_queries):
    buyer, lapsing, coop, prelim = world
    purchase(buyer, coop, 100_000, dt.date(2026, 3, 2))
    with count_queries() as one:
        priority_purchase_report(year=2026, agency=buyer.agency)
    for vendor in (lapsing, coop, prelim, supplier(kind="self_sufficiency")):
        purchase(buyer, vendor, 100_000, dt.date(2026, 3, 3))
    with count_queries() as five:
        report = priority_purchase_report(year=2026, agency=buyer.agency)
    assert report.total.count == 5
    assert len(five) == len(one)


def test_exports(world):
    buyer, lapsing, coop, _prelim = world
    purchase(buyer, lapsing, 1_000_000, dt.date(2026, 3, 10))
    purchase(buyer, coop, 500_000, dt.date(2026, 4, 6))
    report = priority_purchase_report(year=2026, agency=buyer.agency)

    data = report_csv(report)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0].startswith("2026년")
    start = rows.index(["[구분별 실적]"])
    header = rows[start + 1]
    assert header[:5] == ["구분", "건수", "공급가액", "세액", "구매액"]
    by_label = {r[0]: r for r in rows[start + 2 : start + 8]}
    assert by_label["사회적기업"][4] == "1100000"
    assert by_label["사회적협동조합"][4] == "550000"
    assert ["[월별]"] in rows
    assert any(r[:1] == ["2026-03-10"] for r in rows)

    wb = load_workbook(io.BytesIO(report_xlsx(report)))
    assert wb.sheetnames == ["요약", "구분별", "조직유형별", "월별", "구매내역"]
    summary = {r[0]: r[1] for r in wb["요약"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert summary["우선구매 실적(원)"] == 1_650_000
    assert summary["총구매액 계획(원)"] == 1_000_000_000
    cats = {r[0]: r for r in wb["구분별"].iter_rows(min_row=4, values_only=True)}
    assert cats["사회적기업"][4] == 1_100_000
    assert cats["사회적기업"][5] == 50_000_000
    assert cats["합계"][4] == 1_650_000
    months = list(wb["월별"].iter_rows(min_row=4, values_only=True))
    assert months[2] == ("3월", 1, 1_100_000, 1_100_000)
    purchases = list(wb["구매내역"].iter_rows(min_row=4, values_only=True))
    assert len(purchases) == 2
    assert all(p[11] + p[12] == p[13] for p in purchases)
    all_agencies = report_xlsx(priority_purchase_report(year=2026))
    assert "기관별" in load_workbook(io.BytesIO(all_agencies)).sheetnames
