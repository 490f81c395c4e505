"""The centre's programs (seeded by a data migration), cycles and participation."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.models import LogEntry
from graphql_relay import to_global_id

from tests.factories import (
    OrganizationFactory,
    ParticipationFactory,
    ProgramCycleFactory,
    UserFactory,
)
from vendors.models import Participation, Program, ProgramCycle

pytestmark = pytest.mark.django_db

CODES = [
    "moim",
    "wikiseoul",
    "hub",
    "youth",
    "district",
    "cluster",
    "market",
    "procurement_briefing",
    "mutual_trade",
    "snack_bundle",
    "online_mall",
    "academy",
    "consulting",
    "cooperation",
    "prelim_designation",
    "innovation",
    "hero",
    "gsef",
    "overseas",
]


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


# --- the data migration ------------------------------------------------------------------


def test_migration_seeds_all_19_programs_in_brochure_order():
    assert list(Program.objects.order_by("id").values_list("code", flat=True)) == CODES
    kinds = dict(Program.objects.values_list("code", "kind"))
    assert kinds["moim"] == "grant"
    assert kinds["hub"] == "space"
    assert kinds["youth"] == "placement"
    assert kinds["market"] == "market"
    assert kinds["gsef"] == "event"
    assert kinds["academy"] == "education"
    assert kinds["consulting"] == "consulting"
    assert kinds["hero"] == "certification"
    for program in Program.objects.all():
        assert program.description, program.code
        assert any("\uac00" <= ch <= "\ud7a3" for ch in program.name), program.name
        assert program.is_active


def test_migration_seeds_the_brochure_facts():
    facts = {p.code: p.facts for p in Program.objects.all()}
    assert facts["moim"]["min_members"] == 5
    assert facts["moim"]["selected_per_year"] == 15
    assert facts["moim"]["max_grant"] == 2_000_000
    assert facts["moim"]["education"] == "월 1회"
    assert facts["wikiseoul"]["max_grant"] == 5_000_000
    assert facts["wikiseoul"]["grant_months"] == 3
    assert facts["hub"]["opening_hours"][0] == {
        "days": "월~금",
        "opens": "09:00",
        "closes": "21:00",
    }
    assert facts["hub"]["closed"] == "일요일 및 공휴일"
    markets = {m["name"]: m["schedule"] for m in facts["market"]["markets"]}
    assert markets == {
        "광화문 사회적경제 장터": "매주 일요일 11:00~16:00",
        "늘장": "매주 화~일요일 11:00~21:00",
        "동진시장": "매주 화요일 16:00~18:00",
        "달시장": "매달 마지막주 금요일 17:00~21:00",
    }
    assert facts["youth"]["min_age"] == 18
    assert facts["youth"]["max_age"] == 39
    assert facts["district"]["grant_per_year"] == 200_000_000
    assert len(facts["district"]["districts"]) == facts["district"]["districts_running"] == 16
    assert facts["cluster"]["grant_per_district"] == 800_000_000
    assert facts["cooperation"]["max_grant"] == 20_000_000
    assert facts["innovation"]["total_budget"] == 1_800_000_000
    assert facts["innovation"]["max_selected"] == 25
    assert facts["prelim_designation"]["validity_years"] == 3
    assert facts["hero"]["selected"] == 17
    assert facts["gsef"]["starts"] == "2014-11-17"
    assert facts["gsef"]["ends"] == "2014-11-19"


def test_migration_seeds_cycles_and_is_idempotent():
    cohorts = list(
        ProgramCycle.objects.filter(program__code="wikiseoul", year=2014)
        .order_by("application_opens")
        .values_list("cohort", "budget")
    )
    assert cohorts == [("1기", 50_000_000), ("2기", 50_000_000), ("3기", 50_000_000)]
    assert ProgramCycle.objects.get(program__code="district", year=2014).budget == 1_200_000_000
    assert ProgramCycle.objects.get(program__code="cluster", year=2014).budget == 1_600_000_000
    moim = ProgramCycle.objects.get(program__code="moim", year=2014)
    assert moim.budget == 30_000_000
    assert moim.application_opens < moim.application_closes

    migration = importlib.import_module("vendors.migrations.0002_seed_programs")
    Program.objects.filter(code="moim").update(name="바뀐 이름")
    before = (Program.objects.count(), ProgramCycle.objects.count())
    migration.seed(django_apps, None)
    assert (Program.objects.count(), ProgramCycle.objects.count()) == before == (19, 17)
    assert Program.objects.get(code="moim").name == "사회적경제 학습동아리 지원사업 '모임'"


# --- GraphQL queries ---------------------------------------------------------------------

PROGRAMS = """
query($first: Int, $kind: ProgramKind) {
  programs(first: $first, kind: $kind) {
    totalCount
    edges { node { id code name kind description facts isActive } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def test_programs_connection_and_kind_filter(gql):
    data = gql(PROGRAMS, {"first": 5})["data"]["programs"]
    assert data["totalCount"] == 19
    assert [e["node"]["code"] for e in data["edges"]] == CODES[:5]
    assert data["pageInfo"]["hasNextPage"] is True

    grants = gql(PROGRAMS, {"first": 50, "kind": "GRANT"})["data"]["programs"]
    codes = {e["node"]["code"] for e in grants["edges"]}
    assert codes == {
        "moim",
        "wikiseoul",
        "district",
        "cluster",
        "cooperation",
        "innovation",
        "overseas",
    }
    assert {e["node"]["kind"] for e in grants["edges"]} == {"GRANT"}


def test_program_by_code(gql):
    query = "query($code: String!) { program(code: $code) { code name kind facts } }"
    moim = gql(query, {"code": "moim"})["data"]["program"]
    assert moim["name"] == "사회적경제 학습동아리 지원사업 '모임'"
    assert moim["kind"] == "GRANT"
    assert json.loads(moim["facts"])["max_grant"] == 2_000_000
    assert gql(query, {"code": "nope"})["data"]["program"] is None


def test_program_cycles(gql):
    query = """query($code: String, $year: Int) {
      programCycles(programCode: $code, year: $year) {
        id year cohort applicationOpens applicationCloses budget program { code }
      }
    }"""
    cycles = gql(query, {"code": "wikiseoul", "year": 2014})["data"]["programCycles"]
    assert [c["cohort"] for c in cycles] == ["1기", "2기", "3기"]
    assert cycles[0]["applicationOpens"] == "2014-06-02"
    assert {c["budget"] for c in cycles} == {50_000_000}
    assert {c["program"]["code"] for c in cycles} == {"wikiseoul"}
    assert gql(query, {"code": "wikiseoul", "year": 2013})["data"]["programCycles"] == []
    all_2014 = gql(query, {"year": 2014})["data"]["programCycles"]
    assert len(all_2014) == 17


PARTICIPATIONS = """
query($filter: ParticipationFilterInput, $first: Int) {
  participations(filter: $filter, first: $first) {
    totalCount
    edges { node {
      id status amountGranted notes
      cycle { year cohort program { code name } }
      organization { name orgType certifications { kind } }
    } }
  }
}
"""


@pytest.fixture
def moim_2014():
    return ProgramCycle.objects.get(program__code="moim", year=2014)


@pytest.fixture
def some_participations(moim_2014):
    selected = ParticipationFactory(
        cycle=moim_2014, status="selected", amount_granted=2_000_000, notes="서류 보완 완료"
    )
    applied = ParticipationFactory(
        cycle=moim_2014, status="applied", amount_granted=0, notes="심사 중"
    )
    dropped = ParticipationFactory(cycle=moim_2014, status="dropped", amount_granted=0)
    wiki = ProgramCycle.objects.get(program__code="wikiseoul", year=2014, cohort="1기")
    completed = ParticipationFactory(
        cycle=wiki, organization=selected.organization, status="completed", amount_granted=0
    )
    return {"selected": selected, "applied": applied, "dropped": dropped, "completed": completed}


def _ids(body):
    return {e["node"]["id"] for e in body["data"]["participations"]["edges"]}


def test_participations_public_view_hides_applications_and_notes(gql, some_participations):
    p = some_participations
    body = gql(PARTICIPATIONS, {"first": 50})
    assert _ids(body) == {
        gid("Participation", p["selected"].pk),
        gid("Participation", p["completed"].pk),
    }
    assert {e["node"]["notes"] for e in body["data"]["participations"]["edges"]} == {""}


def test_participations_staff_view_and_filters(gql, staff_user, some_participations):
    p = some_participations
    gql.login(staff_user)
    body = gql(PARTICIPATIONS, {"first": 50})
    assert len(_ids(body)) == 4
    notes = {e["node"]["id"]: e["node"]["notes"] for e in body["data"]["participations"]["edges"]}
    assert notes[gid("Participation", p["selected"].pk)] == "서류 보완 완료"

    by_program = gql(PARTICIPATIONS, {"filter": {"program": "wikiseoul"}})
    assert _ids(by_program) == {gid("Participation", p["completed"].pk)}
    by_status = gql(PARTICIPATIONS, {"filter": {"status": ["APPLIED", "DROPPED"]}})
    assert _ids(by_status) == {
        gid("Participation", p["applied"].pk),
        gid("Participation", p["dropped"].pk),
    }
    by_org = gql(
        PARTICIPATIONS,
        {"filter": {"organizationId": gid("Organization", p["selected"].organization_id)}},
    )
    assert _ids(by_org) == {
        gid("Participation", p["selected"].pk),
        gid("Participation", p["completed"].pk),
    }
    assert _ids(gql(PARTICIPATIONS, {"filter": {"year": 2015}})) == set()
    node = by_program["data"]["participations"]["edges"][0]["node"]
    assert node["status"] == "COMPLETED"
    assert node["cycle"]["program"]["code"] == "wikiseoul"
    assert node["cycle"]["cohort"] == "1기"


def test_participations_bad_organization_id_is_an_error(gql):
    body = gql(PARTICIPATIONS, {"filter": {"organizationId": "not-an-id"}}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "INVALID"


# --- mutations ---------------------------------------------------------------------------

CREATE = """
mutation($input: ParticipationCreateInput!) {
  participationCreate(input: $input) {
    participation { id status amountGranted cycle { cohort } organization { name } }
    errors { field code message }
  }
}
"""

UPDATE = """
mutation($id: ID!, $status: ParticipationStatus!, $amount: BigInt) {
  participationUpdateStatus(id: $id, status: $status, amountGranted: $amount) {
    participation { id status amountGranted }
    errors { field code message }
  }
}
"""


def _update(gql, participation, status, amount=None):
    variables = {"id": gid("Participation", participation.pk), "status": status}
    if amount is not None:
        variables["amount"] = amount
    return gql(UPDATE, variables)["data"]["participationUpdateStatus"]


def test_participation_lifecycle_through_graphql(gql, staff_user, moim_2014):
    org = OrganizationFactory(org_type="prospective", brn=None, name="마포 협동 학습동아리")
    gql.login(staff_user)
    created = gql(
        CREATE,
        {
            "input": {
                "cycleId": gid("ProgramCycle", moim_2014.pk),
                "organizationId": gid("Organization", org.pk),
            }
        },
    )["data"]["participationCreate"]
    assert created["errors"] == []
    assert created["participation"]["status"] == "APPLIED"
    assert created["participation"]["amountGranted"] == 0
    participation = Participation.objects.get(cycle=moim_2014, organization=org)

    step = _update(gql, participation, "SELECTED", 2_000_000)
    assert step["errors"] == []
    assert step["participation"] == {
        "id": gid("Participation", participation.pk),
        "status": "SELECTED",
        "amountGranted": 2_000_000,
    }
    assert _update(gql, participation, "ACTIVE")["participation"]["status"] == "ACTIVE"
    done = _update(gql, participation, "COMPLETED")
    assert done["participation"] == {
        "id": gid("Participation", participation.pk),
        "status": "COMPLETED",
        "amountGranted": 2_000_000,
    }
    participation.refresh_from_db()
    assert (participation.status, participation.amount_granted) == ("completed", 2_000_000)

    # The trail: who changed what, in the admin history.
    messages = list(
        LogEntry.objects.filter(object_id=str(participation.pk))
        .order_by("id")
        .values_list("user_id", "change_message")
    )
    assert [m[0] for m in messages] == [staff_user.pk] * 4
    assert "신청 → 선정" in messages[1][1]
    assert "₩2,000,000" in messages[1][1]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("applied", "ACTIVE"),
        ("applied", "COMPLETED"),
        ("selected", "APPLIED"),
        ("selected", "COMPLETED"),
        ("active", "SELECTED"),
        ("completed", "ACTIVE"),
        ("completed", "DROPPED"),
        ("dropped", "SELECTED"),
    ],
)
def test_invalid_transitions_are_refused(gql, staff_user, start, target):
    participation = ParticipationFactory(status=start, amount_granted=0)
    gql.login(staff_user)
    result = _update(gql, participation, target)
    assert result["participation"] is None
    assert result["errors"][0]["code"] == "INVALID_STATUS"
    assert result["errors"][0]["field"] == "status"
    assert "바꿀 수 없습니다" in result["errors"][0]["message"]
    participation.refresh_from_db()
    assert participation.status == start


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("applied", "SELECTED"),
        ("applied", "DROPPED"),
        ("selected", "ACTIVE"),
        ("selected", "DROPPED"),
        ("active", "COMPLETED"),
        ("active", "DROPPED"),
    ],
)
def test_valid_transitions(gql, staff_user, start, target):
    participation = ParticipationFactory(status=start, amount_granted=0)
    gql.login(staff_user)
    result = _update(gql, participation, target)
    assert result["errors"] == []
    assert result["participation"]["status"] == target


def test_budget_is_checked(gql, staff_user):
    cycle = ProgramCycleFactory(budget=5_000_000)
    first = ParticipationFactory(cycle=cycle, status="applied", amount_granted=0)
    second = ParticipationFactory(cycle=cycle, status="applied", amount_granted=0)
    gql.login(staff_user)
    assert _update(gql, first, "SELECTED", 3_000_000)["errors"] == []

    over = _update(gql, second, "SELECTED", 2_500_000)
    assert over["errors"][0]["code"] == "BUDGET_EXCEEDED"
    assert over["errors"][0]["field"] == "amountGranted"
    assert "₩2,000,000" in over["errors"][0]["message"]  # what is left
    second.refresh_from_db()
    assert (second.status, second.amount_granted) == ("applied", 0)

    # Exactly what is left is fine; raising one's own grant counts only the others.
    assert _update(gql, second, "SELECTED", 2_000_000)["errors"] == []
    assert _update(gql, first, "ACTIVE", 3_000_000)["errors"] == []
    assert _update(gql, first, "ACTIVE", 3_000_001)["errors"][0]["code"] == "BUDGET_EXCEEDED"

    negative = _update(gql, first, "ACTIVE", -1)
    assert negative["errors"][0]["code"] == "INVALID_AMOUNT"

    org = OrganizationFactory()
    create_over = gql(
        CREATE,
        {
            "input": {
                "cycleId": gid("ProgramCycle", cycle.pk),
                "organizationId": gid("Organization", org.pk),
                "status": "SELECTED",
                "amountGranted": 1,
            }
        },
    )["data"]["participationCreate"]
    assert create_over["errors"][0]["code"] == "BUDGET_EXCEEDED"
    assert not Participation.objects.filter(organization=org).exists()


def test_create_errors(gql, staff_user, moim_2014):
    existing = ParticipationFactory(cycle=moim_2014, amount_granted=0)
    gql.login(staff_user)

    def create(**input_):
        return gql(CREATE, {"input": input_})["data"]["participationCreate"]

    dup = create(
        cycleId=gid("ProgramCycle", moim_2014.pk),
        organizationId=gid("Organization", existing.organization_id),
    )
    assert dup["errors"][0]["code"] == "DUPLICATE_PARTICIPATION"
    missing = create(
        cycleId=gid("ProgramCycle", 999_999),
        organizationId=gid("Organization", existing.organization_id),
    )
    assert missing["errors"][0] == {
        "field": "cycleId",
        "code": "NOT_FOUND",
        "message": "사업 회차를 찾을 수 없습니다.",
    }
    wrong_type = create(
        cycleId=gid("Organization", moim_2014.pk),
        organizationId=gid("Organization", existing.organization_id),
    )
    assert wrong_type["errors"][0]["code"] == "INVALID"


@pytest.mark.parametrize("who", ["anonymous", "citizen"])
def test_non_staff_cannot_write(gql, who, moim_2014):
    participation = ParticipationFactory(cycle=moim_2014, status="applied", amount_granted=0)
    if who == "citizen":
        gql.login(UserFactory())
    result = _update(gql, participation, "SELECTED")
    assert result["errors"][0]["code"] == "PERMISSION_DENIED"
    created = gql(
        CREATE,
        {
            "input": {
                "cycleId": gid("ProgramCycle", moim_2014.pk),
                "organizationId": gid("Organization", OrganizationFactory().pk),
            }
        },
    )["data"]["participationCreate"]
    assert created["errors"][0]["code"] == "PERMISSION_DENIED"
    participation.refresh_from_db()
    assert participation.status == "applied"
    assert Participation.objects.count() == 1


# --- query counts ------------------------------------------------------------------------


def _count(gql, count_queries, query, variables):
    with count_queries() as q:
        gql(query, variables)
    return len(q)


def test_participations_query_count_is_constant(gql, staff_user, count_queries):
    gql.login(staff_user)
    cycle = ProgramCycleFactory(budget=10**9)
    for _ in range(3):
        ParticipationFactory(cycle=cycle, status="selected")
    small = _count(gql, count_queries, PARTICIPATIONS, {"first": 50})
    for _ in range(27):
        ParticipationFactory(cycle=cycle, status="selected")
    large = _count(gql, count_queries, PARTICIPATIONS, {"first": 50})
    body = gql(PARTICIPATIONS, {"first": 50})
    assert len(body["data"]["participations"]["edges"]) == 30
    assert small == large <= 6


def test_programs_query_count_is_constant(gql, count_queries):
    query = (
        "query($first: Int) { programs(first: $first) { edges { node { code name kind facts } } } }"
    )
    small = _count(gql, count_queries, query, {"first": 3})
    for i in range(11):
        Program.objects.create(code=f"extra{i}", name=f"추가 사업 {i}", kind="event")
    large = _count(gql, count_queries, query, {"first": 30})
    assert len(gql(query, {"first": 30})["data"]["programs"]["edges"]) == 30
    assert small == large <= 3


# --- pages -------------------------------------------------------------------------------


def test_organization_page_lists_its_programs(client, some_participations):
    org = some_participations["selected"].organization
    response = client.get(f"/organizations/{org.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "참여한 센터 사업" in html
    assert "사회적경제 학습동아리 지원사업 &#x27;모임&#x27;" in html
    assert "서울 사회적경제 아이디어 대회 &#x27;위키서울&#x27;" in html
    assert "2014 1기" in html
    assert "2,000,000원" in html


def test_program_admin_pages(client, staff_user, some_participations):
    client.force_login(staff_user)
    programs = client.get("/admin/vendors/program/")
    assert programs.status_code == 200
    assert "사회적경제 협동허브" in programs.content.decode()
    moim = Program.objects.get(code="moim")
    cycles = client.get(f"/admin/vendors/programcycle/?program__id__exact={moim.pk}")
    assert cycles.status_code == 200
    assert "₩30,000,000" in cycles.content.decode()  # the moim 2014 budget
    assert "₩2,000,000" in cycles.content.decode()  # granted so far
    for url in (
        f"/admin/vendors/program/{moim.pk}/change/",
        f"/admin/vendors/programcycle/{some_participations['selected'].cycle_id}/change/",
        f"/admin/vendors/participation/{some_participations['selected'].pk}/change/",
        "/admin/vendors/participation/?program=moim&cycle__year=2014&status__exact=applied",
    ):
        assert client.get(url).status_code == 200, url
    listing = client.get("/admin/vendors/participation/?program=moim&status__exact=applied")
    assert [p.pk for p in listing.context["cl"].result_list] == [some_participations["applied"].pk]
    brn = some_participations["applied"].organization.brn
    dashed = f"{brn[:3]}-{brn[3:5]}-{brn[5:]}"
    found = client.get("/admin/vendors/participation/", {"q": dashed})
    assert [p.pk for p in found.context["cl"].result_list] == [some_participations["applied"].pk]


def test_participation_admin_action_follows_the_rules(client, staff_user, some_participations):
    client.force_login(staff_user)
    applied, completed = some_participations["applied"], some_participations["completed"]
    response = client.post(
        "/admin/vendors/participation/",
        {"action": "mark_selected", "_selected_action": [applied.pk, completed.pk]},
        follow=True,
    )
    assert response.status_code == 200
    applied.refresh_from_db()
    completed.refresh_from_db()
    assert applied.status == "selected"
    assert completed.status == "completed"
    text = response.content.decode()
    assert "1건을 &#x27;선정&#x27;(으)로 바꿨습니다." in text
    assert "바꿀 수 없습니다" in text


def test_participation_admin_form_refuses_invalid_transition(client, staff_user, moim_2014):
    participation = ParticipationFactory(cycle=moim_2014, status="completed", amount_granted=0)
    client.force_login(staff_user)
    response = client.post(
        f"/admin/vendors/participation/{participation.pk}/change/",
        {
            "cycle": moim_2014.pk,
            "organization": participation.organization_id,
            "status": "active",
            "amount_granted": 0,
            "notes": "",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "바꿀 수 없습니다" in response.content.decode()
    participation.refresh_from_db()
    assert participation.status == "completed"


@pytest.mark.parametrize(
    "url",
    ["/admin/vendors/participation/", "/admin/vendors/programcycle/", "/admin/vendors/program/"],
)
def test_program_admin_changelists_query_count_is_constant(client, staff_user, count_queries, url):
    client.force_login(staff_user)
    cycle = ProgramCycleFactory(budget=10**9)

    def measure():
        with count_queries() as q:
            assert client.get(url).status_code == 200
        return len(q)

    ParticipationFactory.create_batch(3, cycle=cycle)
    small = measure()
    ParticipationFactory.create_batch(27, cycle=cycle)
    for i in range(5):
        ProgramCycleFactory(program=Program.objects.get(code="hub"), cohort=f"추가{i}")
    assert measure() == small


def test_cycle_admin_inline_grants_must_fit_the_budget(client, staff_user):
    cycle = ProgramCycleFactory(budget=3_000_000)
    a = ParticipationFactory(cycle=cycle, status="selected", amount_granted=1_000_000)
    b = ParticipationFactory(cycle=cycle, status="selected", amount_granted=1_000_000)
    client.force_login(staff_user)

    def post(amount_a, amount_b):
        data = {
            "program": cycle.program_id,
            "year": cycle.year,
            "cohort": cycle.cohort,
            "application_opens": "",
            "application_closes": "",
            "budget": cycle.budget,
            "participations-TOTAL_FORMS": "2",
            "participations-INITIAL_FORMS": "2",
        }
        for i, (p, amount) in enumerate([(a, amount_a), (b, amount_b)]):
            data.update(
                {
                    f"participations-{i}-id": p.pk,
                    f"participations-{i}-cycle": cycle.pk,
                    f"participations-{i}-organization": p.organization_id,
                    f"participations-{i}-status": p.status,
                    f"participations-{i}-amount_granted": amount,
                    f"participations-{i}-notes": "",
                }
            )
        return client.post(f"/admin/vendors/programcycle/{cycle.pk}/change/", data)

    refused = post(2_000_000, 1_500_000)
    assert refused.status_code == 200
    assert "회차 예산" in refused.content.decode()
    # Moving money from one row to another within the budget is fine.
    assert post(500_000, 2_500_000).status_code == 302
    b.refresh_from_db()
    assert b.amount_granted == 2_500_000
