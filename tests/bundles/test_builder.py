"""The bundle builder: a proposal that feeds everyone within budget, explained, changeable.

On a small, realistic catalog: five vendors (three count for priority purchase: a social
enterprise, a village enterprise, a self-sufficiency enterprise; a cooperative and a
preliminary social enterprise do not), cookies and rice cakes with and without nuts, a nut
mix that is the cheapest food per serving, coffee and tea with and without caffeine, juice;
every variant with its servings. The issue's case: 30 people at ₩7,000 each, no nuts. The
impossible one: ₩500 each. Then swaps, quantity changes, stock limits, the priority-purchase
preference, the GraphQL API and the builder's pages (the browser test is in
``tests/e2e/test_builder_browser.py``). Timing is in ``bench/bundle_builder_bench.py``.
"""

from __future__ import annotations

import datetime as dt
import threading

import graphene
import pytest
from django.test import Client
from django.urls import URLResolver, include, path
from django.utils import timezone
from graphql_relay import from_global_id

from bundles import builder
from bundles.models import Bundle
from core.errors import DomainError, DomainErrors
from core.money import format_krw
from shop.catalog.models import ALLERGEN_GROUPS, ProductVariant, Stock
from shop.checkout.selectors import checkout_get
from tests.factories import (
    CertificationFactory,
    OrganizationFactory,
    UserFactory,
    VendorFactory,
)
from tests.factories.catalog import ProductFactory, VariantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

NUTS = set(ALLERGEN_GROUPS["nuts"])


def _urlpatterns():
    """The project's URLs with the builder at ``bundles/builder/`` (and the bundle pages at
    ``bundles/``), whether or not ``config.urls`` includes them yet."""
    from config import urls as root

    patterns = list(root.urlpatterns)
    namespaces = {p.namespace for p in patterns if isinstance(p, URLResolver)}
    if "bundles" not in namespaces:
        patterns.insert(0, path("bundles/", include("bundles.urls")))
    if "bundle_builder" not in namespaces:
        patterns.insert(0, path("bundles/builder/", include("bundles.builder_urls")))
    return patterns


urlpatterns = _urlpatterns()


@pytest.fixture(autouse=True)
def _fresh_pool():
    """The candidate pool is per process: every test starts from its own catalog."""
    builder.pool_clear()
    yield
    builder.pool_clear()


# ---------------------------------------------------------------------------------------------
# The catalog
# ---------------------------------------------------------------------------------------------


def make_vendor(name: str, slug: str, org_type: str, **cert):
    org = OrganizationFactory(name=name, org_type=org_type)
    CertificationFactory(organization=org, kind=org_type, **cert)
    return VendorFactory(
        organization=org,
        store_name=name,
        slug=slug,
        shipping_base_fee=3_000,
        shipping_free_over=50_000,
    )


def make_item(vendor, name, kind, price, servings, *, stock=50, allergens=(), dietary=()):
    product = ProductFactory(
        vendor=vendor,
        name=name,
        kind=kind,
        allergens=list(allergens),
        dietary_tags=list(dietary),
    )
    return VariantFactory(product=product, price=price, servings=servings, stock=stock)


@pytest.fixture
def catalog():
    sunny = make_vendor("햇살베이커리", "sunny", "social_enterprise")
    dure = make_vendor("두레떡방앗간", "dure", "village_enterprise")
    neulbom = make_vendor("늘봄쌀과자 협동조합", "neulbom", "coop")
    ieum = make_vendor("이음커피", "ieum", "self_sufficiency")
    chorok = make_vendor("초록찻집", "chorok", "prelim_regional")
    v = {
        "butter_cookie": make_item(
            sunny, "우리밀 버터쿠키 3팩", "food", 8_400, 6, allergens=["wheat", "egg", "milk"]
        ),
        "peanut_cookie": make_item(
            sunny, "땅콩버터 쿠키 3팩", "food", 7_800, 6, allergens=["peanut", "wheat"]
        ),
        "walnut_cake": make_item(
            sunny, "호두 파운드케이크", "food", 12_000, 8, allergens=["walnut", "wheat", "egg"]
        ),
        "injeolmi": make_item(
            dure, "쑥 인절미 3팩", "food", 11_200, 9, allergens=["soybean"], dietary=["vegan"]
        ),
        "tteok_box": make_item(
            dure, "모듬 떡 답례 상자 20개입", "food", 38_000, 20, allergens=["soybean"]
        ),
        "pine_nut": make_item(dure, "잣 강정", "food", 9_000, 6, allergens=["pine_nut"]),
        "rice_snack": make_item(
            neulbom, "현미 쌀과자 12봉 박스", "food", 25_200, 12, dietary=["gluten_free", "vegan"]
        ),
        "nut_mix": make_item(
            neulbom, "하루견과 30봉", "food", 24_000, 30, allergens=["peanut", "walnut"]
        ),
        "coffee": make_item(
            ieum, "공정무역 드립백 커피 30개입", "drink", 24_300, 30, dietary=["vegan"]
        ),
        "decaf": make_item(
            ieum, "디카페인 드립백 10개입", "drink", 9_000, 10, dietary=["vegan", "caffeine_free"]
        ),
        "green_tea": make_item(
            chorok, "보성 녹차 티백 20개입", "drink", 6_000, 20, dietary=["vegan"]
        ),
        "yuja_tea": make_item(
            chorok, "유자차 티백 20개입", "drink", 7_000, 20, dietary=["vegan", "caffeine_free"]
        ),
        "apple_juice": make_item(
            chorok, "NFC 사과주스 10포", "drink", 14_400, 10, dietary=["vegan", "caffeine_free"]
        ),
    }
    # Not candidates: another kind, unpublished, sold out.
    make_item(sunny, "에코백", "other", 1_000, 1)
    hidden = make_item(dure, "비공개 떡", "food", 1_000, 10)
    hidden.product.is_published = False
    hidden.product.save()
    make_item(chorok, "품절 보리차", "drink", 1_000, 20, stock=0)
    return {"variants": v, "vendors": [sunny, dure, neulbom, ieum, chorok]}


def build(**kwargs) -> builder.Proposal:
    return builder.proposal_build(request=builder.build_request(**kwargs))


def allergens_of(item: builder.ProposalItem) -> set[str]:
    return set(ProductVariant.objects.get(pk=item.variant_id).product.allergens)


# ---------------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------------


def test_thirty_people_at_7000_without_nuts(catalog):
    proposal = build(headcount=30, budget_per_person=7_000, exclude_allergens=["nuts"])

    assert proposal.feasible, proposal.message
    assert not proposal.problems
    for item in proposal.items:
        assert not allergens_of(item) & NUTS, item.name
    assert proposal.total <= 210_000
    assert proposal.food_servings >= 30
    assert proposal.drink_servings >= 30
    assert len({it.candidate.vendor_id for it in proposal.items}) >= 2
    assert len(proposal.vendors) >= 2
    # The totals add up: goods + the vendors' delivery fees; the cost per person rounds up.
    assert proposal.subtotal == sum(it.unit_price * it.quantity for it in proposal.items)
    assert proposal.total == proposal.subtotal + sum(v.shipping_fee for v in proposal.vendors)
    assert proposal.cost_per_person == -(-proposal.total // 30)
    # Every item is explained: servings, price per serving, vendor's status, its role.
    for item in proposal.items:
        assert f"1{builder.unit_of(item.kind)} {format_krw(item.price_per_serving)}" in item.reason
        assert ("우선구매 대상" in item.reason) == item.candidate.eligible
        assert "기본 품목" in item.reason or "다양하게" in item.reason
    assert "30명" in proposal.message
    assert "1인당" in proposal.message
    assert proposal.explanation


def test_five_hundred_won_each_says_how_short_the_budget_is(catalog):
    proposal = build(headcount=30, budget_per_person=500, exclude_allergens=["nuts"])

    assert not proposal.feasible
    assert not proposal.items
    [problem] = proposal.problems
    assert problem.code == builder.BUDGET_TOO_LOW
    assert problem.field == "budgetPerPerson"
    minimum = proposal.minimum_cost
    assert minimum > 15_000
    assert problem.message.startswith(
        f"예산이 30명 기준 {format_krw(minimum - 15_000)} 부족합니다 "
        f"(최소 {format_krw(minimum)} 필요"
    )
    assert proposal.message == problem.message
    # The minimum is real: with that budget there is a bundle, with a won less there is not.
    enough = build(headcount=30, budget_total=minimum, exclude_allergens=["nuts"])
    assert enough.feasible, enough.message
    assert enough.total <= minimum
    short = build(headcount=30, budget_total=minimum - 1, exclude_allergens=["nuts"])
    assert not short.feasible
    assert short.problems[0].code == builder.BUDGET_TOO_LOW
    assert short.problems[0].field == "budgetTotal"
    assert "₩1 부족합니다" in short.message


def test_no_drink_fits_says_which_condition_to_relax(catalog):
    for key in ("decaf", "yuja_tea", "apple_juice"):
        Stock.objects.filter(variant=catalog["variants"][key]).update(quantity=0)

    proposal = build(headcount=30, budget_per_person=7_000, dietary=["caffeine_free"])

    assert not proposal.feasible
    [problem] = proposal.problems
    assert problem.code == builder.NO_CANDIDATES
    assert problem.field == "dietary"
    assert problem.message.startswith(
        "조건에 맞는 음료가 없습니다: 카페인 제외 조건을 완화해 보세요"
    )


def test_too_little_stock_says_how_many_it_can_serve(catalog):
    for _key, variant in catalog["variants"].items():
        if variant.product.kind == "drink":
            Stock.objects.filter(variant=variant).update(quantity=1)
    # Drinks: 30 + 10 + 20 + 20 + 10 servings, one unit each.
    proposal = build(headcount=200, budget_per_person=7_000)

    assert not proposal.feasible
    [problem] = proposal.problems
    assert problem.code == builder.NOT_ENOUGH_STOCK
    assert "음료 재고가 90잔뿐입니다" in problem.message
    assert "200명 기준 200잔 필요" in problem.message
    assert "90명 이하로" in problem.message


def test_invalid_requests_are_refused_with_fields():
    with pytest.raises(DomainErrors) as exc:
        builder.build_request(
            headcount=0,
            budget_per_person=None,
            delivery_date=timezone.localdate(),
            exclude_allergens=["gluten"],
            dietary=["keto"],
        )
    fields = {e.field for e in exc.value.errors}
    assert fields == {"headcount", "budgetPerPerson", "deliveryDate", "excludeAllergens", "dietary"}
    with pytest.raises(DomainError) as one:
        builder.build_request(headcount=10, budget_per_person=5_000, budget_total=50_000)
    assert one.value.field == "budgetTotal"
    ok = builder.build_request(headcount=10, budget_total=50_000, exclude_allergens=["NUTS"])
    assert ok.budget == 50_000
    assert ok.budget_per_person is None
    assert set(ok.allergen_codes) == NUTS
    assert ok.delivery_date == timezone.localdate() + dt.timedelta(days=3)


# ---------------------------------------------------------------------------------------------
# Preferences and limits
# ---------------------------------------------------------------------------------------------


def test_of_two_equal_items_the_priority_purchase_vendors_is_chosen(db):
    eligible = make_vendor("사회적기업 찻집", "se-tea", "social_enterprise")
    plain = make_vendor("일반 협동조합 찻집", "coop-tea", "coop")
    bakery = make_vendor("마을 빵집", "bakery", "coop")
    # The ineligible one is created first (a lower id wins ties otherwise).
    other = make_item(plain, "보리차 티백 10개입", "drink", 5_000, 10)
    mine = make_item(eligible, "보리차 티백 10개입", "drink", 5_000, 10)
    make_item(bakery, "쌀과자 10봉", "food", 5_000, 10)

    proposal = build(headcount=10, budget_per_person=3_000)

    chosen = {it.variant_id for it in proposal.items if it.kind == "drink"}
    assert chosen == {mine.pk}, proposal.message
    assert other.pk not in chosen
    [drink] = [it for it in proposal.items if it.kind == "drink"]
    assert drink.counts_for_priority_purchase
    assert "우선구매 대상(사회적기업)" in drink.reason


def test_eligibility_is_evaluated_at_the_delivery_date(db):
    today = timezone.localdate()
    ending = make_vendor(
        "인증 만료 예정 기업",
        "ending",
        "social_enterprise",
        valid_until=today + dt.timedelta(days=5),
    )
    make_item(ending, "유자차 20개입", "drink", 6_000, 20)
    make_item(make_vendor("빵집", "bread", "social_enterprise"), "쿠키 10개", "food", 6_000, 10)

    def eligible_on(days: int) -> bool:
        request = builder.build_request(
            headcount=10, budget_per_person=3_000, delivery_date=today + dt.timedelta(days=days)
        )
        [drink] = builder.candidates_fetch(request)["drink"]
        return drink.eligible

    assert eligible_on(3) is True
    assert eligible_on(10) is False


def test_stock_limits_are_respected(catalog):
    v = catalog["variants"]
    # The cheapest drink per serving has 1 unit left once open orders are counted.
    Stock.objects.filter(variant=v["green_tea"]).update(quantity=3, allocated=2)
    Stock.objects.filter(variant=v["yuja_tea"]).update(quantity=1)

    proposal = build(headcount=120, budget_per_person=7_000)

    assert proposal.feasible, proposal.message
    quantities = dict(proposal.lines)
    assert quantities.get(v["green_tea"].pk, 0) <= 1
    assert quantities.get(v["yuja_tea"].pk, 0) <= 1
    for item in proposal.items:
        stock = Stock.objects.get(variant_id=item.variant_id)
        assert item.quantity <= stock.quantity - stock.allocated
    assert proposal.drink_servings >= 120


def test_variety_caps_and_the_second_vendor(catalog):
    proposal = build(headcount=30, budget_per_person=7_000)

    for kind in ("food", "drink"):
        items = [it for it in proposal.items if it.kind == kind]
        assert len(items) >= 2
        for it in items:  # no item supplies more than half, unless one unit already does
            cap = builder.variety_cap(it.candidate, 30)
            assert it.quantity <= cap
    one_vendor = build(headcount=30, budget_per_person=7_000, min_vendors=1)
    assert one_vendor.feasible


def test_one_vendor_only_is_said_in_the_notes(db):
    vendor = make_vendor("혼자 다 파는 가게", "solo", "social_enterprise")
    make_item(vendor, "쿠키 10개", "food", 10_000, 10)
    make_item(vendor, "주스 10병", "drink", 10_000, 10)

    proposal = build(headcount=10, budget_per_person=5_000)

    assert proposal.feasible, proposal.message
    assert len(proposal.vendors) == 1
    assert any("판매처를 2곳 이상으로 나눌 수 없어" in n for n in proposal.notes)


def test_dietary_rules(catalog):
    vegan = build(headcount=10, budget_per_person=7_000, dietary=["vegan"])
    assert vegan.feasible
    assert all("vegan" in it.candidate.dietary for it in vegan.items)

    decaf = build(headcount=10, budget_per_person=7_000, dietary=["caffeine_free"])
    assert decaf.feasible
    drinks = [it for it in decaf.items if it.kind == "drink"]
    assert drinks
    assert all("caffeine_free" in it.candidate.dietary for it in drinks)
    # Caffeine-free restricts drinks only: food without the tag is still used.
    assert any("caffeine_free" not in it.candidate.dietary for it in decaf.items)

    request = builder.build_request(headcount=10, budget_per_person=7_000, dietary=["gluten_free"])
    fetched = builder.candidates_fetch(request)
    assert {c.product_name for c in fetched["food"]} == {"현미 쌀과자 12봉 박스"}
    assert fetched["drink"]  # drinks that declare no wheat


def test_pool_and_database_rank_the_same_candidates(catalog):
    for kwargs in (
        {"exclude_allergens": ["nuts"]},
        {"dietary": ["vegan", "caffeine_free"]},
        {"exclude_allergens": ["milk", "egg"], "dietary": ["vegetarian"]},
        {},
    ):
        request = builder.build_request(headcount=30, budget_per_person=7_000, **kwargs)
        pool = builder.candidates_fetch(request)
        sql = builder.candidates_fetch_sql(request)
        for kind in builder.KINDS:
            assert [c.variant_id for c in pool[kind]] == [c.variant_id for c in sql[kind]]


def test_a_stale_pool_never_proposes_what_cannot_be_sold(catalog):
    v = catalog["variants"]
    builder.candidate_pool()  # loaded now
    Stock.objects.filter(variant=v["green_tea"]).update(quantity=0)
    v["yuja_tea"].product.is_published = False
    v["yuja_tea"].product.save()

    proposal = build(headcount=30, budget_per_person=7_000)

    ids = {it.variant_id for it in proposal.items}
    assert v["green_tea"].pk not in ids
    assert v["yuja_tea"].pk not in ids
    assert proposal.feasible


@pytest.mark.django_db(transaction=True)
def test_an_old_pool_is_used_while_a_fresh_one_loads_in_the_background(catalog):
    pool = builder.candidate_pool()
    late = make_item(catalog["vendors"][0], "새로 나온 쿠키", "food", 5_000, 10)
    pool.loaded_at -= builder.POOL_TTL_SECONDS + 1

    assert builder.candidate_pool() is pool  # no wait: the old pool answers
    refresh = next(t for t in threading.enumerate() if t.name == "bundle-builder-pool")
    refresh.join(timeout=30)

    fresh = builder.candidate_pool()
    assert fresh is not pool
    assert late.pk in set(fresh.ids.tolist())
    assert late.pk not in set(pool.ids.tolist())
    # Too old to be used: the request loads it itself.
    fresh.loaded_at -= builder.POOL_MAX_STALE_SECONDS + 1
    assert builder.candidate_pool() is not fresh


def test_sql_statements(catalog, count_queries):
    request = builder.build_request(headcount=30, budget_per_person=7_000)
    with count_queries() as cold:
        builder.proposal_build(request=request)
    assert len(cold) == 2  # the pool, then the candidates
    with count_queries() as warm:
        proposal = builder.proposal_build(request=request)
    assert len(warm) == 1
    with count_queries() as q:
        builder.proposal_recompute(request=request, lines=proposal.lines)
        builder.proposal_alternatives(proposal=proposal, index=0)
    assert len(q) == 2


def test_time_limit_option(catalog):
    request = builder.build_request(headcount=30, budget_per_person=7_000, time_limit=0.001)
    proposal = builder.proposal_build(request=request)
    # A bundle found within the time is used (HiGHS's first solution); else it says so.
    assert proposal.feasible or proposal.problems[0].code == builder.SOLVER_FAILED


# ---------------------------------------------------------------------------------------------
# Changes by the buyer
# ---------------------------------------------------------------------------------------------


def test_alternatives_swap_and_recompute_keep_the_constraints(catalog):
    proposal = build(headcount=30, budget_per_person=7_000, exclude_allergens=["nuts"])
    index = next(i for i, it in enumerate(proposal.items) if it.kind == "food")
    item = proposal.items[index]

    alternatives = builder.proposal_alternatives(proposal=proposal, index=index)

    assert alternatives
    used = {it.variant_id for it in proposal.items}
    distances = []
    for alt in alternatives:
        assert alt.candidate.kind == "food"
        assert alt.candidate.variant_id not in used
        assert not set(alt.candidate.allergens) & NUTS
        assert alt.servings >= item.servings  # enough units to replace it
        assert alt.quantity <= alt.candidate.available
        distances.append(abs(alt.candidate.price_per_serving - item.candidate.price_per_serving))
    assert distances == sorted(distances)

    alt = alternatives[0]
    swapped = builder.proposal_swap(
        request=proposal.request,
        lines=proposal.lines,
        index=index,
        variant_id=alt.candidate.variant_id,
    )
    assert swapped.items[index].variant_id == alt.candidate.variant_id
    assert swapped.items[index].quantity == alt.quantity
    assert swapped.total == alt.total
    assert swapped.food_servings >= 30
    assert swapped.drink_servings >= 30
    assert not any(allergens_of(it) & NUTS for it in swapped.items)
    assert swapped.feasible == alt.fits_budget
    assert all(it.reason for it in swapped.items)


def test_recompute_flags_what_breaks_the_request(catalog):
    v = catalog["variants"]
    proposal = build(headcount=30, budget_per_person=7_000, exclude_allergens=["nuts"])
    request = proposal.request

    # Dropping a food item leaves people without food.
    index = next(i for i, it in enumerate(proposal.items) if it.kind == "food")
    fewer = builder.proposal_set_quantity(
        request=request, lines=proposal.lines, index=index, quantity=0
    )
    assert len(fewer.items) == len(proposal.items) - 1
    if fewer.food_servings < 30:
        assert not fewer.feasible
        assert any("먹거리가 30명 기준" in p.message for p in fewer.problems)

    # A nut item and more units than in stock are flagged on the item.
    lines = [*proposal.lines, (v["nut_mix"].pk, 1)]
    nuts = builder.proposal_recompute(request=request, lines=lines)
    assert not nuts.feasible
    assert any("땅콩" in text for it in nuts.items for text in it.problems)
    too_many = builder.proposal_set_quantity(
        request=request, lines=proposal.lines, index=0, quantity=51
    )
    assert "재고가 부족합니다 (주문 가능 수량 50개)" in too_many.items[0].problems

    # More of everything than the budget allows.
    pricey = builder.proposal_recompute(request=request, lines=[(v["tteok_box"].pk, 6)])
    assert any(p.code == builder.BUDGET_TOO_LOW for p in pricey.problems)
    # A swap stays within the kind.
    other_kind = v["coffee"] if proposal.items[0].kind == "food" else v["injeolmi"]
    with pytest.raises(DomainError):
        builder.proposal_swap(
            request=request, lines=proposal.lines, index=0, variant_id=other_kind.pk
        )


# ---------------------------------------------------------------------------------------------
# GraphQL
# ---------------------------------------------------------------------------------------------

BUILD = """
query Build($input: BundleBuildInput!) {
  bundleBuild(input: $input) {
    feasible message total costPerPerson subtotal shippingTotal
    foodServings drinkServings foodServingsNeeded drinkServingsNeeded
    candidatesConsidered priorityPurchaseShare minimumCost notes explanation
    items {
      variant { id name servings } product { id name allergens } name kind
      vendor { storeName countsForPriorityPurchase }
      quantity servings unitPrice total reason countsForPriorityPurchase
    }
    lines { variantId quantity }
    vendors { storeName countsForPriorityPurchase subtotal shippingFee }
    alternatives(itemIndex: 0) { variant { id } name quantity proposalTotal fitsBudget }
    errors { field code message }
  }
}"""

RECOMPUTE = """
query Recompute($input: BundleProposalInput!) {
  bundleProposal(input: $input) {
    feasible message total foodServings drinkServings
    items { name quantity problems }
    errors { field code message }
  }
}"""

SAVE = """
mutation Save($input: BundleProposalSaveInput!) {
  bundleProposalSave(input: $input) {
    bundle { id name serves isPublished components { quantity } }
    errors { field code message }
  }
}"""

_LOCAL_SCHEMA = None


@pytest.fixture
def builder_api(monkeypatch):
    """Serve ``bundleBuild`` at ``/graphql/`` whether or not ``config/schema.py`` has it yet."""
    global _LOCAL_SCHEMA
    from graphene_django.settings import graphene_settings

    if "bundleBuild" in graphene_settings.SCHEMA.graphql_schema.query_type.fields:
        return
    if _LOCAL_SCHEMA is None:
        from bundles.builder_graphql import BuilderMutations, BuilderQueries
        from config.schema import Mutation, Query

        class LocalQuery(BuilderQueries, Query):
            class Meta:
                name = "Query"

        class LocalMutation(BuilderMutations, Mutation):
            class Meta:
                name = "Mutation"

        _LOCAL_SCHEMA = graphene.Schema(query=LocalQuery, mutation=LocalMutation)
    monkeypatch.setattr(graphene_settings, "SCHEMA", _LOCAL_SCHEMA)


def test_graphql_bundle_build(catalog, gql, builder_api, count_queries):
    variables = {
        "input": {
            "headcount": 30,
            "budgetPerPerson": 7000,
            "occasion": "MEETING",
            "excludeAllergens": ["nuts"],
            "deliveryDate": str(timezone.localdate() + dt.timedelta(days=2)),
        }
    }
    gql(BUILD, variables)  # loads the pool
    with count_queries() as q:
        data = gql(BUILD, variables)["data"]["bundleBuild"]
    assert len(q) <= 3  # candidates, alternatives, the session/user lookups at most

    assert data["feasible"] is True
    assert data["errors"] == []
    assert data["total"] <= 210_000
    assert data["foodServings"] >= 30
    assert data["drinkServings"] >= 30
    assert data["foodServingsNeeded"] == 30
    assert len(data["vendors"]) >= 2
    for item in data["items"]:
        assert not set(item["product"]["allergens"]) & NUTS
        assert item["variant"]["id"].startswith("UHJvZHVjdFZhcmlhbnQ6")  # ProductVariant:
        assert item["reason"]
        assert item["total"] == item["quantity"] * item["unitPrice"]
    assert [line["variantId"] for line in data["lines"]] == [
        item["variant"]["id"] for item in data["items"]
    ]
    assert data["alternatives"]

    # The buyer swaps item 0 for its first alternative and asks again.
    alt = data["alternatives"][0]
    lines = [{"variantId": x["variantId"], "quantity": x["quantity"]} for x in data["lines"]]
    lines[0] = {"variantId": alt["variant"]["id"], "quantity": alt["quantity"]}
    again = gql(RECOMPUTE, {"input": {"request": variables["input"], "lines": lines}})
    again = again["data"]["bundleProposal"]
    assert again["total"] == alt["proposalTotal"]
    assert again["feasible"] is alt["fitsBudget"]
    assert again["foodServings"] >= 30


def test_graphql_infeasible_and_invalid(catalog, gql, builder_api):
    data = gql(BUILD, {"input": {"headcount": 30, "budgetPerPerson": 500}})["data"]["bundleBuild"]
    assert data["feasible"] is False
    assert data["items"] == []
    [error] = data["errors"]
    assert error["code"] == "INFEASIBLE"
    assert error["field"] == "budgetPerPerson"
    assert error["message"].startswith("예산이 30명 기준 ₩")
    assert "부족합니다 (최소 ₩" in error["message"]
    assert data["message"] == error["message"]
    assert data["minimumCost"] > 15_000

    data = gql(BUILD, {"input": {"headcount": 0, "budgetPerPerson": 5000}})["data"]["bundleBuild"]
    assert data["feasible"] is False
    assert data["errors"][0]["code"] == "INVALID"
    assert data["errors"][0]["field"] == "headcount"


def test_graphql_save_needs_a_signed_in_user(catalog, gql, builder_api, staff_user):
    request = {"headcount": 30, "budgetPerPerson": 7000, "excludeAllergens": ["nuts"]}
    built = gql(BUILD, {"input": request})["data"]["bundleBuild"]
    lines = [{"variantId": x["variantId"], "quantity": x["quantity"]} for x in built["lines"]]
    variables = {"input": {"request": request, "lines": lines, "name": "30인 회의 다과"}}

    denied = gql(SAVE, variables)["data"]["bundleProposalSave"]
    assert denied["bundle"] is None
    assert denied["errors"][0]["code"] == "PERMISSION_DENIED"

    buyer = UserFactory()
    saved = gql.login(buyer)(SAVE, variables)["data"]["bundleProposalSave"]
    assert saved["errors"] == []
    assert saved["bundle"]["name"] == "30인 회의 다과"
    assert saved["bundle"]["serves"] == 30
    assert saved["bundle"]["isPublished"] is False
    bundle = Bundle.objects.get(name="30인 회의 다과")
    assert bundle.created_by == buyer
    assert sorted(bundle.components.values_list("variant_id", "quantity")) == sorted(
        (int(from_global_id(x["variantId"])[1]), x["quantity"]) for x in lines
    )

    staff = gql.logout().login(staff_user)(SAVE, {"input": {"request": request, "lines": lines}})
    staff = staff["data"]["bundleProposalSave"]
    assert staff["errors"] == []
    assert staff["bundle"]["name"] == "회의 다과 30인분"


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------

FORM = {
    "headcount": "30",
    "budget_mode": "per_person",
    "budget": "7000",
    "occasion": "meeting",
    "exclude_allergens": ["nuts"],
}


def test_builder_page_builds_swaps_changes_and_fills_the_cart(catalog, client: Client):
    page = client.get("/bundles/builder/")
    assert page.status_code == 200
    assert "다과꾸러미 만들기" in page.content.decode()
    assert 'name="exclude_allergens" value="nuts"' in page.content.decode()

    resp = client.post("/bundles/builder/", FORM)
    assert resp.status_code == 302
    page = client.get(resp["Location"].split("#")[0]).content.decode()
    assert 'id="proposal-items"' in page
    state = client.session["nuri_bundle_builder"]
    lines = state["lines"]
    assert lines
    assert state["request"]["headcount"] == 30
    assert "1인당" in page
    assert "우선구매 대상" in page

    # Alternatives of item 0, then the swap.
    page = client.get("/bundles/builder/items/0/swap/").content.decode()
    assert 'id="alternatives"' in page
    request = builder.BuildRequest.from_dict(state["request"])
    proposal = builder.proposal_recompute(request=request, lines=lines)
    alt = builder.proposal_alternatives(proposal=proposal, index=0)[0]
    resp = client.post("/bundles/builder/items/0/swap/", {"variant": alt.candidate.variant_id})
    assert resp.status_code == 302
    lines = client.session["nuri_bundle_builder"]["lines"]
    assert lines[0] == [alt.candidate.variant_id, alt.quantity]

    # A quantity change.
    client.post("/bundles/builder/items/0/quantity/", {"quantity": str(alt.quantity + 1)})
    lines = client.session["nuri_bundle_builder"]["lines"]
    assert lines[0][1] == alt.quantity + 1

    # Into the cart: plain lines, then /cart/.
    resp = client.post("/bundles/builder/cart/")
    assert resp.status_code == 302
    assert resp["Location"] == "/cart/"
    checkout = checkout_get(client.session["nuri_checkout_token"])
    assert sorted((x.variant_id, x.quantity) for x in checkout.lines.all()) == sorted(
        tuple(x) for x in lines
    )


def test_builder_page_explains_an_impossible_request(catalog, client: Client):
    client.post("/bundles/builder/", {**FORM, "budget": "500"})
    page = client.get("/bundles/builder/").content.decode()
    assert 'id="builder-problem"' in page
    assert "예산이 30명 기준" in page
    assert "부족합니다" in page

    resp = client.post("/bundles/builder/", {**FORM, "headcount": "0"})
    assert resp.status_code == 400
    resp = client.post("/bundles/builder/", {**FORM, "delivery_date": str(timezone.localdate())})
    assert resp.status_code == 400
    assert "배송 희망일은" in resp.content.decode()


def test_builder_page_saves_for_signed_in_users(catalog, client: Client):
    client.post("/bundles/builder/", FORM)
    resp = client.post("/bundles/builder/save/", {"name": "우리 팀 다과"})
    assert resp.status_code == 302
    assert "/accounts/login/" in resp["Location"]

    client.force_login(UserFactory())
    resp = client.post("/bundles/builder/save/", {"name": "우리 팀 다과"})
    bundle = Bundle.objects.get(name="우리 팀 다과")
    assert resp.status_code == 302
    assert bundle.serves == 30
    assert not bundle.is_published
    assert bundle.components.count() == len(client.session["nuri_bundle_builder"]["lines"])
