"""The organization registry through GraphQL: identifiers, eligibility at a date, lists."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import CertificationFactory, OrganizationFactory
from vendors.eligibility import organization_is_eligible
from vendors.identifiers import brn_format, brn_is_valid, crn_normalize
from vendors.models import Organization

pytestmark = pytest.mark.django_db

REGISTER = """
mutation($input: OrganizationRegisterInput!) {
  organizationRegister(input: $input) {
    organization { id name brn orgType district { code name } }
    errors { field code message }
  }
}"""


def register(gql, **fields):
    base = {"name": "함께일하는재단", "orgType": "SOCIAL_ENTERPRISE", "brn": "124-81-00998"}
    return gql(REGISTER, {"input": {**base, **fields}})["data"]["organizationRegister"]


def test_valid_brn_is_accepted_and_stored_normalized(gql, staff_user):
    gql.login(staff_user)
    result = register(gql, district="마포구")
    assert result["errors"] == []
    assert result["organization"]["brn"] == "124-81-00998"
    assert result["organization"]["district"] == {"code": "11440", "name": "마포구"}
    assert Organization.objects.get().brn == "1248100998"


def test_bad_check_digit_is_rejected_with_invalid_brn(gql, staff_user):
    gql.login(staff_user)
    result = register(gql, brn="124-81-00997")
    assert result["organization"] is None
    assert result["errors"] == [
        {
            "field": "brn",
            "code": "INVALID_BRN",
            "message": "사업자등록번호 '124-81-00997'의 검증번호가 맞지 않습니다.",
        }
    ]
    assert not Organization.objects.exists()


def test_duplicate_brn_and_bad_district_are_reported_together(gql, staff_user):
    gql.login(staff_user)
    OrganizationFactory(brn="1248100998")
    result = register(gql, brn="1248100998", district="해운대구", name=" ")
    codes = {(e["field"], e["code"]) for e in result["errors"]}
    assert codes == {
        ("brn", "DUPLICATE_BRN"),
        ("district", "INVALID_DISTRICT"),
        ("name", "REQUIRED"),
    }
    assert Organization.objects.count() == 1


def test_register_needs_staff(gql, user):
    result = register(gql)
    assert result["errors"][0]["code"] == "PERMISSION_DENIED"
    gql.login(user)
    assert register(gql)["errors"][0]["code"] == "PERMISSION_DENIED"
    assert not Organization.objects.exists()


def test_prospective_group_needs_no_brn(gql, staff_user):
    gql.login(staff_user)
    result = register(gql, name="마포 학습동아리 '모임'", orgType="PROSPECTIVE", brn=None)
    assert result["errors"] == []
    assert result["organization"]["brn"] is None


def test_identifier_helpers():
    assert brn_is_valid("124-81-00998")
    assert not brn_is_valid("124-81-00997")
    assert not brn_is_valid("12-81-00998")
    assert brn_format("1248100998") == "124-81-00998"
    assert crn_normalize("130111-0006246") == "1301110006246"


def test_organization_by_brn(gql):
    org = OrganizationFactory(brn="1248100998", name="누리베이커리")
    q = "query($b: String!) { organizationByBrn(brn: $b) { name brn } }"
    assert gql(q, {"b": "124-81-00998"})["data"]["organizationByBrn"] == {
        "name": org.name,
        "brn": "124-81-00998",
    }
    assert gql(q, {"b": "1248100998"})["data"]["organizationByBrn"]["name"] == org.name
    body = gql(q, {"b": "124-81-00997"}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_BRN"


def test_certification_valid_until_counts_on_its_last_day_only():
    cert = CertificationFactory(
        organization__org_type="social_enterprise",
        valid_from=dt.date(2023, 1, 1),
        valid_until=dt.date(2025, 12, 31),
    )
    org = cert.organization
    on_last_day = organization_is_eligible(org, on=dt.date(2025, 12, 31))
    assert on_last_day.eligible
    assert on_last_day.certification == cert
    next_day = organization_is_eligible(org, on=dt.date(2026, 1, 1))
    assert not next_day.eligible
    assert next_day.reason == "EXPIRED"
    assert "2025-12-31에 만료" in next_day.message


@pytest.mark.parametrize(
    ("kind", "cert_kwargs", "on", "reason"),
    [
        ("prelim_regional", {}, dt.date(2024, 6, 1), "KIND_NOT_ELIGIBLE"),
        ("social_enterprise", {"verified_at": None}, dt.date(2024, 6, 1), "NOT_VERIFIED"),
        ("social_enterprise", {"revoked_on": dt.date(2024, 3, 1)}, dt.date(2024, 6, 1), "REVOKED"),
        (
            "social_enterprise",
            {"valid_from": dt.date(2025, 1, 1)},
            dt.date(2024, 6, 1),
            "NOT_YET_VALID",
        ),
        ("social_coop", {}, dt.date(2024, 6, 1), "ELIGIBLE"),
        ("self_sufficiency", {}, dt.date(2024, 6, 1), "ELIGIBLE"),
    ],
)
def test_eligibility_reasons(kind, cert_kwargs, on, reason):
    cert = CertificationFactory(organization__org_type=kind, **cert_kwargs)
    assert organization_is_eligible(cert.organization, on=on).reason == reason


def test_no_certification_is_not_eligible():
    org = OrganizationFactory()
    result = organization_is_eligible(org, on=dt.date(2025, 1, 1))
    assert (result.eligible, result.reason) == (False, "NO_CERTIFICATION")


def test_eligibility_through_graphql_and_eligible_on_filter(gql):
    lapsed = CertificationFactory(
        organization__name="가나 사회적기업", valid_until=dt.date(2025, 12, 31)
    ).organization
    CertificationFactory(
        organization__name="다라 사회적협동조합", organization__org_type="social_coop"
    )
    CertificationFactory(organization__name="마바 예비", organization__org_type="prelim_regional")
    q = """query($on: Date!) {
      organizations(filter: {eligibleOn: $on}) { edges { node { name
        eligibility(on: $on) { eligible reason message certification { kind } } } } } }"""
    names = lambda on: [  # noqa: E731
        e["node"]["name"] for e in gql(q, {"on": on})["data"]["organizations"]["edges"]
    ]
    assert names("2025-12-31") == ["가나 사회적기업", "다라 사회적협동조합"]
    assert names("2026-01-01") == ["다라 사회적협동조합"]

    q1 = """query($id: ID!) { node(id: $id) { ... on Organization {
        a: eligibility(on: "2025-12-31") { eligible reason }
        b: eligibility(on: "2026-01-01") { eligible reason message } } } }"""
    from graphql_relay import to_global_id

    node = gql(q1, {"id": to_global_id("Organization", lapsed.pk)})["data"]["node"]
    assert node["a"] == {"eligible": True, "reason": "ELIGIBLE"}
    assert node["b"]["eligible"] is False
    assert node["b"]["reason"] == "EXPIRED"


def test_filters_search_type_district(gql):
    OrganizationFactory(name="마포 햇살 협동조합", org_type="coop", district="11440")
    OrganizationFactory(name="은평 두레 마을기업", org_type="village_enterprise", district="11380")
    OrganizationFactory(name="은평 햇살 자활", org_type="self_sufficiency", district="11380")
    q = """query($f: OrganizationFilterInput) {
      organizations(filter: $f) { edges { node { name } } } }"""

    def names(f):
        return [e["node"]["name"] for e in gql(q, {"f": f})["data"]["organizations"]["edges"]]

    assert names({"search": "햇살"}) == ["마포 햇살 협동조합", "은평 햇살 자활"]
    assert names({"district": "은평구"}) == ["은평 두레 마을기업", "은평 햇살 자활"]
    assert names({"district": "11380", "orgType": ["VILLAGE_ENTERPRISE"]}) == ["은평 두레 마을기업"]
    body = gql(q, {"f": {"district": "부산진구"}}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_DISTRICT"


LIST_QUERY = """{ organizations(first: 100) { totalCount edges { node {
  id name brn orgType orgTypeDisplay district { name }
  certifications { kind number validUntil }
  eligibility { eligible reason }
  participations { status cycle { year program { code } } }
  vendor { slug }
} } } }"""


def _make_orgs(n):
    for _ in range(n):
        CertificationFactory()


def test_organizations_query_count_is_constant(gql, count_queries):
    _make_orgs(3)
    with count_queries() as small:
        data = gql(LIST_QUERY)["data"]
    assert data["organizations"]["totalCount"] == 3
    _make_orgs(40)
    with count_queries() as big:
        data = gql(LIST_QUERY)["data"]
    assert data["organizations"]["totalCount"] == 43
    assert len(big) == len(small)
    assert len(big) <= 6


def test_public_registry_pages(client):
    cert = CertificationFactory(
        organization__name="성북 나눔 사회적기업", organization__district="11290"
    )
    resp = client.get("/organizations/", {"q": "나눔"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "성북 나눔 사회적기업" in html
    assert "우선구매" in html
    detail = client.get(f"/organizations/{cert.organization.pk}/").content.decode()
    assert cert.number in detail
    assert "성북구" in detail


def test_registry_page_query_count_is_constant(client, count_queries):
    _make_orgs(3)
    with count_queries() as small:
        client.get("/organizations/")
    _make_orgs(25)
    with count_queries() as big:
        client.get("/organizations/")
    assert len(big) == len(small)
