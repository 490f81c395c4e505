"""Staff admin for the registry: list filters, N+1-free changelist, the overview charts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.factories import (
    CertificationFactory,
    OrganizationFactory,
    ParticipationFactory,
    UserFactory,
    VendorFactory,
)
from vendors.models import Certification, ProgramCycle
from vendors.programs import registry_overview, seoul_today

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/vendors/organization/"
OVERVIEW = "/admin/vendors/organization/overview/"


@pytest.fixture
def registry():
    today = seoul_today()
    valid = OrganizationFactory(name="가 유효기업", org_type="social_enterprise", district="11440")
    CertificationFactory(organization=valid)
    unverified = OrganizationFactory(name="나 미확인조합", org_type="coop", district="11380")
    CertificationFactory(organization=unverified, verified_at=None)
    expired = OrganizationFactory(name="다 만료기업", org_type="prelim_regional", district="11440")
    CertificationFactory(
        organization=expired, valid_from=dt.date(2019, 1, 1), valid_until=dt.date(2021, 12, 31)
    )
    revoked = OrganizationFactory(
        name="라 취소마을", org_type="village_enterprise", district="11110"
    )
    CertificationFactory(organization=revoked, revoked_on=today - dt.timedelta(days=1))
    no_cert = OrganizationFactory(
        name="마 학습동아리",
        org_type="prospective",
        brn=None,
        district="",
        province="서울특별시",
        address="",
    )
    outside = OrganizationFactory(
        name="바 경기조합",
        org_type="social_coop",
        district="",
        province="경기도",
        address="경기도 수원시 팔달구",
    )
    CertificationFactory(organization=outside, valid_from=today + dt.timedelta(days=10))
    moim = ProgramCycle.objects.get(program__code="moim", year=2014)
    ParticipationFactory(cycle=moim, organization=valid)
    ParticipationFactory(cycle=moim, organization=no_cert, status="applied", amount_granted=0)
    VendorFactory(organization=valid)
    return {
        "valid": valid,
        "unverified": unverified,
        "expired": expired,
        "revoked": revoked,
        "none": no_cert,
        "outside": outside,
    }


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _names(response):
    assert response.status_code == 200
    return {org.name for org in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"valid", "unverified", "expired", "revoked", "none", "outside"}),
        ({"org_type__exact": "coop"}, {"unverified"}),
        ({"org_type__exact": "social_enterprise"}, {"valid"}),
        ({"district": "11440"}, {"valid", "expired"}),
        ({"district": "11110"}, {"revoked"}),
        ({"district": "outside"}, {"outside"}),
        ({"district": "unknown"}, {"none"}),
        ({"validity": "valid"}, {"valid"}),
        ({"validity": "unverified"}, {"unverified"}),
        ({"validity": "expired"}, {"expired"}),
        ({"validity": "revoked"}, {"revoked"}),
        ({"validity": "not_yet"}, {"outside"}),
        ({"validity": "none"}, {"none"}),
        ({"program": "moim"}, {"valid", "none"}),
        ({"program": "wikiseoul"}, set()),
        ({"program": "moim", "validity": "valid"}, {"valid"}),
        ({"district": "11440", "org_type__exact": "prelim_regional"}, {"expired"}),
    ],
)
def test_changelist_filters(staff_client, registry, params, expected):
    response = staff_client.get(CHANGELIST, params)
    assert _names(response) == {registry[key].name for key in expected}


def test_changelist_columns_and_overview_button(staff_client, registry):
    html = staff_client.get(CHANGELIST).content.decode()
    assert registry["valid"].brn_display in html  # formatted ###-##-#####
    assert "마포구" in html
    assert "경기도" in html
    assert 'data-status="valid"' in html
    assert 'data-status="revoked"' in html
    assert f'href="{OVERVIEW}"' in html
    assert "등록부 현황" in html


@pytest.mark.parametrize("dashed", [True, False])
def test_changelist_search_by_brn_with_or_without_dashes(staff_client, registry, dashed):
    org = registry["expired"]
    term = org.brn_display if dashed else org.brn
    assert _names(staff_client.get(CHANGELIST, {"q": term})) == {org.name}
    assert _names(staff_client.get(CHANGELIST, {"q": term[:6]})) >= {org.name}


def test_changelist_search_by_name_and_representative(staff_client, registry):
    assert _names(staff_client.get(CHANGELIST, {"q": "경기조합"})) == {registry["outside"].name}
    OrganizationFactory(name="사 다른대표", representative="박서울")
    assert _names(staff_client.get(CHANGELIST, {"q": "박서울"})) == {"사 다른대표"}


def _changelist_queries(client, count_queries, params=None):
    with count_queries() as q:
        response = client.get(CHANGELIST, params or {})
    assert response.status_code == 200
    return len(q), len(response.context["cl"].result_list)


def _make_orgs(n: int):
    for i in range(n):
        org = OrganizationFactory(district="11440" if i % 2 else "11110")
        CertificationFactory(organization=org, verified_at=None if i % 3 else timezone.now())
        if i % 4 == 0:
            VendorFactory(organization=org)


@pytest.mark.parametrize("params", [{}, {"validity": "valid"}, {"program": "moim"}])
def test_changelist_query_count_does_not_grow(staff_client, count_queries, params):
    moim = ProgramCycle.objects.get(program__code="moim", year=2014)
    _make_orgs(5)
    ParticipationFactory(cycle=moim)
    small, rows_small = _changelist_queries(staff_client, count_queries, params)
    _make_orgs(45)
    ParticipationFactory(cycle=moim)
    large, rows_large = _changelist_queries(staff_client, count_queries, params)
    assert rows_large > rows_small
    assert small == large


def test_change_form_loads_with_inlines(staff_client, registry):
    org = registry["valid"]
    response = staff_client.get(f"/admin/vendors/organization/{org.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "확인 처리" in html
    assert "사회적경제 학습동아리 지원사업" in html  # its programs


def test_certification_inline_marks_verified_by_current_staff(staff_client, staff_user):
    org = OrganizationFactory()
    cert = CertificationFactory(organization=org, verified_at=None)
    prefix = "certifications"
    data = {
        "name": org.name,
        "org_type": org.org_type,
        "description": "",
        "brn": org.brn,
        "crn": "",
        "representative": org.representative,
        "business_category": "",
        "business_item": "",
        "phone": org.phone,
        "email": "",
        "homepage": "",
        "postcode": "",
        "address": org.address,
        "district": org.district,
        "province": org.province,
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-0-id": cert.pk,
        f"{prefix}-0-organization": org.pk,
        f"{prefix}-0-kind": cert.kind,
        f"{prefix}-0-number": cert.number,
        f"{prefix}-0-issuer": cert.issuer,
        f"{prefix}-0-valid_from": "2015-01-01",
        f"{prefix}-0-valid_until": "",
        f"{prefix}-0-revoked_on": "",
        f"{prefix}-0-mark_verified": "on",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
    }
    response = staff_client.post(f"/admin/vendors/organization/{org.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    cert.refresh_from_db()
    assert cert.verified_by == staff_user
    assert cert.verified_at is not None


# --- certification admin --------------------------------------------------------------------


def test_certification_admin_filters_and_verify_action(staff_client, staff_user, registry):
    url = "/admin/vendors/certification/"

    def orgs(params):
        response = staff_client.get(url, params)
        assert response.status_code == 200
        return {c.organization.name for c in response.context["cl"].result_list}

    assert orgs({"verified": "no"}) == {registry["unverified"].name}
    assert orgs({"validity": "revoked"}) == {registry["revoked"].name}
    assert orgs({"validity": "expired"}) == {registry["expired"].name}
    assert orgs({"validity": "not_yet"}) == {registry["outside"].name}
    assert orgs({"validity": "valid"}) == {registry["valid"].name, registry["unverified"].name}
    assert orgs({"kind__exact": "coop"}) == {registry["unverified"].name}

    pending = Certification.objects.get(organization=registry["unverified"])
    response = staff_client.post(
        url,
        {"action": "mark_verified", "_selected_action": [pending.pk]},
        follow=True,
    )
    assert "1건을 확인 처리했습니다." in response.content.decode()
    pending.refresh_from_db()
    assert pending.verified_by == staff_user
    assert pending.verified_at is not None
    assert orgs({"verified": "no"}) == set()


# --- overview --------------------------------------------------------------------------------


def _bars(html: str, chart: str) -> dict[str, int]:
    svg = re.search(rf'<svg[^>]*data-chart="{chart}".*?</svg>', html, re.S)
    assert svg, f"no chart {chart}"
    return {
        key: int(count)
        for key, count in re.findall(r'data-key="([^"]+)" data-count="(\d+)"', svg.group(0))
    }


def test_overview_page_draws_charts_with_the_right_counts(staff_client, registry):
    response = staff_client.get(OVERVIEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="nuri-chart"') == 4
    assert "<rect" in html

    by_type = _bars(html, "by-type")
    assert by_type["social_enterprise"] == 1
    assert by_type["coop"] == 1
    assert by_type["prelim_regional"] == 1
    assert by_type["village_enterprise"] == 1
    assert by_type["prospective"] == 1
    assert by_type["social_coop"] == 1
    assert by_type["self_sufficiency"] == 0
    assert sum(by_type.values()) == 6

    by_district = _bars(html, "by-district")
    assert by_district["11440"] == 2
    assert by_district["11380"] == 1
    assert by_district["11110"] == 1
    assert by_district["11680"] == 0
    assert by_district["outside"] == 1
    assert by_district["unknown"] == 1
    assert len(by_district) == 27

    assert _bars(html, "by-validity") == {
        "valid": 1,
        "unverified": 1,
        "expired": 1,
        "revoked": 1,
        "not_yet": 1,
        "none": 1,
    }
    by_program = _bars(html, "by-program")
    assert by_program["moim"] == 2
    assert by_program["wikiseoul"] == 0
    assert len(by_program) == 19

    # Korean labels in the chart, bars scaled to the largest, links to the filtered list.
    assert ">마포구</text>" in html
    assert ">사회적기업</text>" in html
    widths = dict(
        re.findall(
            r'data-key="(\d{5})"[^>]*>\s*<text[^>]*>[^<]*</text>\s*<rect[^>]*width="(\d+)"', html
        )
    )
    assert int(widths["11440"]) > int(widths["11380"]) > 0
    assert widths["11680"] == "0"
    assert f"{CHANGELIST}?district=11440" in html
    assert 'data-figure="total">6<' in html
    assert 'data-figure="valid">1<' in html
    assert 'data-figure="outside-seoul">1<' in html


def test_overview_counts_are_single_queries(registry, count_queries):
    with count_queries() as q:
        data = registry_overview()
    assert len(q) == 4
    assert data.total == 6
    assert data.valid_count == 1
    assert data.not_valid_count == 5
    assert (data.outside_seoul, data.district_unknown) == (1, 1)
    assert data.participations_by_program["moim"] == 2


def test_overview_needs_staff(client, registry):
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    client.force_login(UserFactory())
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = client.get(CHANGELIST)
    assert response.status_code == 302
