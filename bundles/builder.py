"""The bundle builder (다과꾸러미 만들기): a proposal that feeds everyone within budget.

Given a headcount, a budget (per person or in total), an occasion, a delivery date and
exclusions (allergens, vegan only, caffeine-free, …), ``proposal_build`` proposes the
quantities of food and drink variants to buy, and says why. Pure domain: it reads the
catalog and writes nothing (saving as a bundle and putting into the cart are the callers').

How it works
------------
1. **Candidates** (``candidates_fetch``): one SQL statement selects the published variants
   of active vendors with available stock (quantity − allocated > 0), of the wanted kinds,
   that fit the exclusions, with the vendor's priority-purchase eligibility *at the delivery
   date* computed in the same statement (``Exists`` over the organization's valid, verified
   certifications of ``settings.PRIORITY_PURCHASE_KINDS``). A cheap pre-ranking caps them at
   ``CANDIDATES_PER_KIND`` per kind: cheapest per serving first (eligible vendors' prices
   counted ``PRIORITY_PREFERENCE`` lower), at most ``CANDIDATES_PER_VENDOR`` per vendor.
   The ranking runs over the *pool* (``candidate_pool``): the catalog's food and drink
   variants as numpy columns, loaded by one statement per process and reloaded in the
   background every ``POOL_TTL_SECONDS``, so that a request reads ~160 rows by primary key
   instead of ranking thousands in SQL (measured on 100k products: ~10 ms instead of
   120–300 ms). Everything the pool
   says is re-checked by the candidate statement, so a stale pool can make the ranking
   slightly off but never propose what cannot be sold. ``candidates_fetch_sql`` ranks in
   the database instead (two window functions); it serves orders too big for the short
   list and kinds the pool has nothing for.
2. **Optimisation** (``scipy.optimize.milp``, the HiGHS MILP solver), all amounts in won:

   variables  x_i ∈ {0‥u_i} units of candidate i; y_p ∈ {0,1} product p used;
              z_v ∈ {0,1} vendor v used
   subject to Σ_food s_i·x_i ≥ headcount × food servings per person (default 1)
              Σ_drink s_i·x_i ≥ headcount × drinks per person (default 1)
              Σ p_i·x_i + Σ fee_v·z_v ≤ budget                (goods + delivery fees)
              y_p ≤ z_v(p);  z_v ≤ Σ_{p∈v} y_p                  (linking)
              min_vendors (default 2) ≤ Σ z_v ≤ MAX_VENDORS (4: deliveries stay few)
              Σ_food y_p ≤ MAX_FOOD_ITEMS;  Σ_drink y_p ≤ MAX_DRINK_ITEMS
   where s_i are the servings of one unit, p_i its price, u_i = min(available stock, K_i,
   units that cover the kind alone, 999) and K_i, the variety cap, lets one item supply at
   most ``MAX_ITEM_SHARE`` of its kind's servings (at least one unit), unless the buyer sets
   ``max_units_per_item``. Variety is counted per product (y_p, linked to its variants'
   units: x_i ≤ u_i·y_p, Σ_{i∈p} x_i ≥ y_p): two sizes of the same cookies are one kind.
   minimise   Σ p_i·(1 − PRIORITY_PREFERENCE·e_i)·x_i + Σ fee_v·z_v
              − VARIETY_BUDGET_SHARE·budget·Σ y_p − VENDOR_BUDGET_SHARE·budget·Σ z_v
   i.e. the cost, where a won spent at a priority-purchase vendor (e_i = 1) counts as 90
   won, minus what one more distinct item (10% of the budget) and one more vendor (1% of the
   budget) are worth. The weights are in won so that every choice can be explained: the
   cheapest way to feed everyone is the base; an item is added for variety only when it
   costs less than a tenth of the budget (a generous budget buys a more varied bundle, a
   tight one a plainer bundle); a vendor is added only when its items are worth more than
   its delivery fee less 1% of the budget; of two equal items the eligible vendor's wins.
   Delivery fees are counted in full in the model (each vendor's base fee): a vendor's part
   that reaches its free-delivery threshold ships free, which only lowers the real total
   (modelling the thresholds made the model ten times slower). Measured on the 100k
   catalog, 80 candidates solve in ~20 ms (p95 ~65 ms); the solver time of a build
   is bounded (``time_limit``, default ``TIME_LIMIT_SECONDS``): when time is up the best
   bundle found is used and a note says so.
3. **When that is infeasible** the builder relaxes its own preferences first (the variety
   caps, then the second vendor) and says so in ``notes``. If the request itself cannot be
   met it says what to relax, in Korean, with amounts: no candidate of a kind (and which
   exclusion would bring some), too little stock, or a budget below the minimum cost of
   feeding everyone, computed by a second, smaller MILP without the budget and without the
   preferences ("예산이 30명 기준 ₩38,000 부족합니다 (최소 ₩248,000 필요)"). That minimum
   is the model's, so a budget of that much does get a proposal.

Then the buyer can ask for ``proposal_alternatives`` of an item (same kind, fits the
exclusions, enough stock to replace it, nearest in price per serving), ``proposal_swap`` it,
``proposal_set_quantity`` of any item, and every change goes through ``proposal_recompute``,
which checks the constraints again (servings, budget, exclusions, stock, vendors) and
explains the result. A proposal is fully described by its ``BuildRequest`` and its lines
``[(variant_id, quantity)]``, which is what the web session keeps.

Stock "available by the delivery date" is the stock available now (quantity − allocated):
the catalog records no incoming stock or lead times, so the delivery date decides the
earliest allowed date and the day at which priority-purchase eligibility is evaluated.
Delivery fees are each vendor's base fee unless its part reaches its free-delivery
threshold, as in the cart; the Jeju and remote-island surcharges depend on the address and
are added at checkout.

Dietary rules (a product is kept when):

============== ===============================================================
vegan          tagged ``vegan``
vegetarian     tagged ``vegetarian`` or ``vegan``
gluten_free    tagged ``gluten_free``; a drink also when it declares no wheat
caffeine_free  drinks tagged ``caffeine_free`` (food is not restricted)
sugar_free     tagged ``sugar_free``
organic        tagged ``organic``
============== ===============================================================
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import Abs, Cast, RowNumber
from django.utils import timezone
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from bundles.models import Occasion
from core.errors import DomainError, DomainErrors
from core.money import format_krw
from shop.catalog.models import (
    ALLERGEN_GROUPS,
    Allergen,
    DietaryTag,
    ProductKind,
    ProductVariant,
    decode_codes,
)
from vendors.eligibility import valid_certifications_q
from vendors.models import Certification, OrgType

# --- rules and weights (one place; see the module docstring) ----------------------------------
FOOD_SERVINGS_PER_PERSON = 1
DRINKS_PER_PERSON = 1
MIN_VENDORS = 2
MAX_VENDORS = 4  # deliveries: a bundle comes from 2–4 vendors (each ships and charges its fee)
VARIETY_BUDGET_SHARE = 0.10  # one more distinct item is worth 10% of the budget
VENDOR_BUDGET_SHARE = 0.01  # one more vendor is worth 1% of the budget
PRIORITY_PREFERENCE = 0.10  # a won at a priority-purchase vendor counts as 0.90 won
MAX_ITEM_SHARE = 0.5  # one item supplies at most half of its kind's servings (≥ 1 unit)
MAX_FOOD_ITEMS = 6
MAX_DRINK_ITEMS = 3
CANDIDATES_PER_KIND = 40
CANDIDATES_PER_VENDOR = 4
CANDIDATES_PER_KIND_WIDE = 1000  # second look when the short list has too little stock
POOL_TTL_SECONDS = 60  # age at which the pool is reloaded (in the background)
POOL_MAX_STALE_SECONDS = 3600  # older than this, a request reloads it itself
TIME_LIMIT_SECONDS = 0.15  # solver time of one build (a bundle found by then is used)
MIN_SOLVE_SECONDS = 0.03
MIP_REL_GAP = 1e-3
MAX_HEADCOUNT = 5000
MAX_PER_PERSON = 10  # servings per person, food or drinks
MAX_LINE_QUANTITY = 999  # as the cart (shop.checkout.services.MAX_LINE_QUANTITY)
MIN_LEAD_DAYS = 1  # the standard delivery's minimum
MAX_AHEAD_DAYS = 90
DEFAULT_LEAD_DAYS = 3
ALTERNATIVES = 5

FOOD, DRINK = ProductKind.FOOD.value, ProductKind.DRINK.value
KINDS = (FOOD, DRINK)
KIND_LABELS = {FOOD: "먹거리", DRINK: "음료"}
ALLERGEN_GROUP_LABELS = {"nuts": "견과류"}
DIETARY_LABELS = {
    "vegan": "비건만",
    "vegetarian": "채식만",
    "gluten_free": "글루텐 프리",
    "caffeine_free": "카페인 제외",
    "sugar_free": "무설탕",
    "organic": "유기농만",
}
OCCASION_LABELS = {value: str(label) for value, label in Occasion.choices}

# Infeasibility codes (``Proposal.problem.code``): all become the GraphQL code INFEASIBLE.
NO_CANDIDATES = "NO_CANDIDATES"
NOT_ENOUGH_STOCK = "NOT_ENOUGH_STOCK"
BUDGET_TOO_LOW = "BUDGET_TOO_LOW"
SOLVER_FAILED = "SOLVER_FAILED"
INFEASIBLE = "INFEASIBLE"
INVALID = "INVALID"


# ---------------------------------------------------------------------------------------------
# The request
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildRequest:
    """What the buyer asks for (validated by ``build_request``)."""

    headcount: int
    budget: int  # total, won, goods + delivery fees
    occasion: str = Occasion.MEETING.value
    delivery_date: dt.date | None = None
    exclude_allergens: tuple[str, ...] = ()  # as given: codes or groups ("nuts")
    dietary: tuple[str, ...] = ()
    food_servings_per_person: int = FOOD_SERVINGS_PER_PERSON
    drinks_per_person: int = DRINKS_PER_PERSON
    min_vendors: int = MIN_VENDORS
    max_units_per_item: int | None = None
    budget_per_person: int | None = None  # as given (None when a total was given)
    time_limit: float = TIME_LIMIT_SECONDS

    @property
    def allergen_codes(self) -> tuple[str, ...]:
        """The excluded allergen codes, groups expanded."""
        return expand_allergens(self.exclude_allergens)

    def need(self, kind: str) -> int:
        per = self.food_servings_per_person if kind == FOOD else self.drinks_per_person
        return self.headcount * per

    @property
    def eligibility_date(self) -> dt.date:
        return self.delivery_date or timezone.localdate()

    def exclusion_labels(self) -> list[str]:
        """``["견과류 제외", "비건만"]``"""
        out = [f"{allergen_label(a)} 제외" for a in self.exclude_allergens]
        return out + [DIETARY_LABELS.get(d, d) for d in self.dietary]

    def to_dict(self) -> dict:
        """JSON-safe (the web session keeps it)."""
        return {
            "headcount": self.headcount,
            "budget": self.budget,
            "budget_per_person": self.budget_per_person,
            "occasion": self.occasion,
            "delivery_date": self.delivery_date.isoformat() if self.delivery_date else None,
            "exclude_allergens": list(self.exclude_allergens),
            "dietary": list(self.dietary),
            "food_servings_per_person": self.food_servings_per_person,
            "drinks_per_person": self.drinks_per_person,
            "min_vendors": self.min_vendors,
            "max_units_per_item": self.max_units_per_item,
        }

    @classmethod
    def from_dict(cls, data: dict) -> BuildRequest:
        date = data.get("delivery_date")
        return cls(
            headcount=int(data["headcount"]),
            budget=int(data["budget"]),
            budget_per_person=data.get("budget_per_person"),
            occasion=data.get("occasion") or Occasion.MEETING.value,
            delivery_date=dt.date.fromisoformat(date) if date else None,
            exclude_allergens=tuple(data.get("exclude_allergens") or ()),
            dietary=tuple(data.get("dietary") or ()),
            food_servings_per_person=int(data.get("food_servings_per_person") or 1),
            drinks_per_person=int(data.get("drinks_per_person") or 1),
            min_vendors=int(data.get("min_vendors") or MIN_VENDORS),
            max_units_per_item=data.get("max_units_per_item"),
        )


def allergen_label(code: str) -> str:
    if code in ALLERGEN_GROUP_LABELS:
        return ALLERGEN_GROUP_LABELS[code]
    return str(Allergen(code).label) if code in Allergen.values else code


def expand_allergens(values: Iterable[str]) -> tuple[str, ...]:
    codes: set[str] = set()
    for value in values:
        codes.update(ALLERGEN_GROUPS.get(value, [value]))
    return tuple(sorted(codes))


def earliest_delivery_date(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=MIN_LEAD_DAYS)


def build_request(
    *,
    headcount: int | None,
    budget_per_person: int | None = None,
    budget_total: int | None = None,
    occasion: str | None = None,
    delivery_date: dt.date | None = None,
    exclude_allergens: Sequence[str] = (),
    dietary: Sequence[str] = (),
    food_servings_per_person: int | None = None,
    drinks_per_person: int | None = None,
    min_vendors: int | None = None,
    max_units_per_item: int | None = None,
    time_limit: float | None = None,
    today: dt.date | None = None,
) -> BuildRequest:
    """Check the buyer's input and make a ``BuildRequest``; every problem at once
    (``DomainErrors`` with code ``INVALID`` and the GraphQL input field)."""
    errors: list[DomainError] = []

    def bad(field_name: str, message: str) -> None:
        errors.append(DomainError(INVALID, message, field_name))

    if headcount is None or headcount < 1:
        bad("headcount", "인원은 1명 이상이어야 합니다.")
    elif headcount > MAX_HEADCOUNT:
        bad("headcount", f"인원은 {MAX_HEADCOUNT:,}명까지 정할 수 있습니다.")
    if budget_per_person is not None and budget_total is not None:
        bad("budgetTotal", "1인 예산과 총 예산 중 하나만 정하세요.")
    elif budget_per_person is None and budget_total is None:
        bad("budgetPerPerson", "1인 예산이나 총 예산을 정하세요.")
    elif budget_per_person is not None and budget_per_person < 1:
        bad("budgetPerPerson", "1인 예산은 1원 이상이어야 합니다.")
    elif budget_total is not None and budget_total < 1:
        bad("budgetTotal", "총 예산은 1원 이상이어야 합니다.")
    occasion = occasion or Occasion.MEETING.value
    if occasion not in Occasion.values:
        bad("occasion", f"용도 '{occasion}'을(를) 알 수 없습니다.")
    today = today or timezone.localdate()
    earliest = earliest_delivery_date(today)
    if delivery_date is None:
        delivery_date = today + dt.timedelta(days=DEFAULT_LEAD_DAYS)
    elif delivery_date < earliest:
        bad(
            "deliveryDate",
            f"배송 희망일은 {earliest:%Y-%m-%d} 이후로 정해 주세요 "
            f"(주문 후 최소 {MIN_LEAD_DAYS}일).",
        )
    elif delivery_date > today + dt.timedelta(days=MAX_AHEAD_DAYS):
        bad("deliveryDate", f"배송 희망일은 {MAX_AHEAD_DAYS}일 안으로 정해 주세요.")
    allergens: list[str] = []
    for raw in exclude_allergens or ():
        value = str(raw).strip().lower()
        if value in ALLERGEN_GROUPS or value in Allergen.values:
            if value not in allergens:
                allergens.append(value)
        elif value:
            bad("excludeAllergens", f"알레르기 유발 성분 '{raw}'을(를) 알 수 없습니다.")
    tags: list[str] = []
    for raw in dietary or ():
        value = str(raw).strip().lower()
        if value in DietaryTag.values:
            if value not in tags:
                tags.append(value)
        elif value:
            bad("dietary", f"식단 조건 '{raw}'을(를) 알 수 없습니다.")
    per_food = (
        FOOD_SERVINGS_PER_PERSON if food_servings_per_person is None else food_servings_per_person
    )
    per_drink = DRINKS_PER_PERSON if drinks_per_person is None else drinks_per_person
    if not 0 <= per_food <= MAX_PER_PERSON:
        bad("foodServingsPerPerson", f"1인당 먹거리는 0~{MAX_PER_PERSON}인분으로 정하세요.")
    if not 0 <= per_drink <= MAX_PER_PERSON:
        bad("drinksPerPerson", f"1인당 음료는 0~{MAX_PER_PERSON}잔으로 정하세요.")
    if per_food == 0 and per_drink == 0 and not errors:
        bad("foodServingsPerPerson", "먹거리나 음료 중 하나는 필요합니다.")
    min_vendors = MIN_VENDORS if min_vendors is None else min_vendors
    if not 1 <= min_vendors <= 10:
        bad("minVendors", "최소 판매처 수는 1~10곳으로 정하세요.")
    if max_units_per_item is not None and not 1 <= max_units_per_item <= MAX_LINE_QUANTITY:
        bad("maxUnitsPerItem", f"품목당 최대 수량은 1~{MAX_LINE_QUANTITY}개로 정하세요.")
    if time_limit is not None and not 0 < time_limit <= 30:
        bad("timeLimit", "계산 시간 제한은 0초 초과 30초 이하로 정하세요.")
    if errors:
        raise errors[0] if len(errors) == 1 else DomainErrors(errors)
    budget = budget_total if budget_total is not None else budget_per_person * headcount
    return BuildRequest(
        headcount=headcount,
        budget=budget,
        budget_per_person=budget_per_person,
        occasion=occasion,
        delivery_date=delivery_date,
        exclude_allergens=tuple(allergens),
        dietary=tuple(tags),
        food_servings_per_person=per_food,
        drinks_per_person=per_drink,
        min_vendors=min_vendors,
        max_units_per_item=max_units_per_item,
        time_limit=time_limit or TIME_LIMIT_SECONDS,
    )


# ---------------------------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A variant the builder may use, with what the optimizer and the explanation need."""

    variant_id: int
    sku: str
    variant_name: str
    product_id: int
    product_name: str
    product_slug: str
    kind: str
    price: int
    servings: int
    available: int
    vendor_id: int
    vendor_name: str
    vendor_slug: str
    shipping_base_fee: int
    shipping_free_over: int | None
    eligible: bool  # the vendor's purchases count for priority purchase at the delivery date
    org_type: str
    allergens: tuple[str, ...] = ()
    dietary: tuple[str, ...] = ()
    is_sellable: bool = True  # published, active vendor

    @property
    def name(self) -> str:
        label = self.variant_name if self.variant_name and self.variant_name != "기본" else ""
        return f"{self.product_name} {label}".strip()

    @property
    def price_per_serving(self) -> float:
        return self.price / max(self.servings, 1)

    @property
    def org_type_label(self) -> str:
        return str(OrgType(self.org_type).label) if self.org_type in OrgType.values else ""


_FIELDS = (
    "id",
    "sku",
    "name",
    "product_id",
    "product__name",
    "product__slug",
    "product__kind",
    "price",
    "servings",
    "avail",
    "product__vendor_id",
    "product__vendor__store_name",
    "product__vendor__slug",
    "product__vendor__shipping_base_fee",
    "product__vendor__shipping_free_over",
    "eligible",
    "product__vendor__organization__org_type",
    "product__allergen_codes",
    "product__dietary_codes",
    "sellable",
)


def _candidate(row: tuple) -> Candidate:
    return Candidate(
        variant_id=row[0],
        sku=row[1],
        variant_name=row[2],
        product_id=row[3],
        product_name=row[4],
        product_slug=row[5],
        kind=row[6],
        price=row[7],
        servings=max(row[8] or 1, 1),
        available=max(int(row[9] or 0), 0),
        vendor_id=row[10],
        vendor_name=row[11],
        vendor_slug=row[12],
        shipping_base_fee=row[13] or 0,
        shipping_free_over=row[14],
        eligible=bool(row[15]),
        org_type=row[16] or "",
        allergens=tuple(decode_codes(row[17])),
        dietary=tuple(decode_codes(row[18])),
        is_sellable=bool(row[19]),
    )


def _has_tag(tag: str) -> Q:
    return Q(product__dietary_codes__contains=f",{tag},")


def _has_allergen(code: str) -> Q:
    return Q(product__allergen_codes__contains=f",{code},")


def dietary_q(tag: str, kind: str) -> Q | None:
    """The condition a product of ``kind`` meets for ``tag`` (None: no restriction)."""
    if tag == "vegetarian":
        return _has_tag("vegetarian") | _has_tag("vegan")
    if tag == "caffeine_free":
        return _has_tag(tag) if kind == DRINK else None
    if tag == "gluten_free" and kind == DRINK:
        return _has_tag(tag) | ~_has_allergen("wheat")
    return _has_tag(tag)


def dietary_ok(tag: str, kind: str, tags: Iterable[str], allergens: Iterable[str]) -> bool:
    """``dietary_q`` in Python (for lines the buyer chose)."""
    tags = set(tags)
    if tag == "vegetarian":
        return bool(tags & {"vegetarian", "vegan"})
    if tag == "caffeine_free":
        return kind != DRINK or tag in tags
    if tag == "gluten_free" and kind == DRINK:
        return tag in tags or "wheat" not in set(allergens)
    return tag in tags


def _sellable_q() -> Q:
    return Q(product__is_published=True, product__vendor__is_active=True)


def _exclusions_q(request: BuildRequest, kind: str, *, skip: str | None = None) -> Q:
    """Allergen and dietary exclusions for ``kind``; ``skip`` leaves one input out."""
    q = Q()
    for value in request.exclude_allergens:
        if value == skip:
            continue
        for code in expand_allergens([value]):
            q &= ~_has_allergen(code)
    for tag in request.dietary:
        if tag == skip:
            continue
        cond = dietary_q(tag, kind)
        if cond is not None:
            q &= cond
    return q


def _base_q(kind: str | None = None) -> Q:
    q = (
        _sellable_q()
        & Q(price__gt=0, servings__gt=0)
        & Q(stock__quantity__gt=F("stock__allocated"))
    )
    return q & Q(product__kind=kind) if kind else q


def _eligible_expr(on: dt.date) -> Exists:
    certs = Certification.objects.filter(
        valid_certifications_q(on, settings.PRIORITY_PURCHASE_KINDS),
        organization_id=OuterRef("product__vendor__organization_id"),
    )
    return Exists(certs)


def _annotated(on: dt.date, *, sellable: bool = True):
    qs = ProductVariant.objects.annotate(
        avail=F("stock__quantity") - F("stock__allocated"), eligible=_eligible_expr(on)
    )
    if sellable:
        return qs.annotate(
            sellable=Case(When(_sellable_q(), then=Value(True)), default=Value(False))
        )
    return qs.annotate(sellable=Value(True))


def _per_serving():
    return ExpressionWrapper(Cast("price", FloatField()) / F("servings"), FloatField())


def _score():
    """Pre-ranking score: price per serving, eligible vendors' counted lower."""
    factor = Case(
        When(eligible=True, then=Value(1.0 - PRIORITY_PREFERENCE)),
        default=Value(1.0),
        output_field=FloatField(),
    )
    return ExpressionWrapper(_per_serving() * factor, output_field=FloatField())


def _fits_q(request: BuildRequest, kinds: Sequence[str]) -> Q:
    fits = Q()
    for kind in kinds:
        fits = fits | (Q(product__kind=kind) & _exclusions_q(request, kind))
    return fits


def candidates_fetch_sql(
    request: BuildRequest,
    kinds: Sequence[str] = KINDS,
    *,
    limit: int = CANDIDATES_PER_KIND,
    per_vendor: int = CANDIDATES_PER_VENDOR,
) -> dict[str, list[Candidate]]:
    """One SQL statement: the pre-ranked candidates of each kind for ``request``, ranked by
    the database (every matching variant is read and ranked: exact, but it reads thousands
    of rows; ``candidates_fetch`` ranks from the pool instead).

    Each kind's in-stock variants that fit the exclusions, cheapest per serving first
    (eligible vendors' prices counted ``PRIORITY_PREFERENCE`` lower), at most ``per_vendor``
    of one vendor (a window function ranks within the vendor); the first ``limit`` per kind
    are kept — the same ranking as ``Pool.rank``."""
    on = request.eligibility_date
    fits = _fits_q(request, kinds)
    qs = (
        _annotated(on, sellable=False)
        .filter(_base_q() & fits)
        .annotate(score=_score())
        .annotate(
            vendor_rank=Window(
                RowNumber(),
                partition_by=[F("product__kind"), F("product__vendor_id")],
                order_by=[F("score").asc(), F("id").asc()],
            ),
        )
        .filter(vendor_rank__lte=per_vendor)
        .order_by("product__kind", "score", "id")
    )
    out: dict[str, list[Candidate]] = {kind: [] for kind in kinds}
    for row in qs.values_list(*_FIELDS):
        group = out[row[6]]
        if len(group) < limit:
            group.append(_candidate(row))
    return out


# --- the candidate pool: the catalog's food and drink, ranked in memory ----------------------


@dataclass
class Pool:
    """Static facts of every published, in-stock food and drink variant of an active vendor,
    as numpy columns, for the pre-ranking (see ``candidate_pool`` for its lifetime). What it
    says is re-checked live by the candidate
    statement (stock, publication, exclusions, price, eligibility at the delivery date), so
    a stale pool can only make the ranking slightly off, never propose what cannot be sold."""

    loaded_at: float
    ids: np.ndarray
    is_drink: np.ndarray
    vendor: np.ndarray
    per_serving: np.ndarray
    eligible: np.ndarray  # today (the live statement evaluates the delivery date)
    allergen_codes: np.ndarray  # ",egg,milk," strings
    dietary_codes: np.ndarray
    _masks: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def has(self, column: str, code: str) -> np.ndarray:
        key = (column, code)
        if key not in self._masks:
            values = self.allergen_codes if column == "allergen" else self.dietary_codes
            self._masks[key] = np.char.find(values, f",{code},") >= 0
        return self._masks[key]

    def fits(self, request: BuildRequest, kind: str) -> np.ndarray:
        """``_exclusions_q`` for ``kind``, over the pool."""
        mask = self.is_drink == (kind == DRINK)
        for code in request.allergen_codes:
            mask &= ~self.has("allergen", code)
        for tag in request.dietary:
            if tag == "vegetarian":
                mask &= self.has("dietary", "vegetarian") | self.has("dietary", "vegan")
            elif tag == "caffeine_free":
                if kind == DRINK:
                    mask &= self.has("dietary", tag)
            elif tag == "gluten_free" and kind == DRINK:
                mask &= self.has("dietary", tag) | ~self.has("allergen", "wheat")
            else:
                mask &= self.has("dietary", tag)
        return mask

    def rank(
        self, request: BuildRequest, kind: str, *, count: int, per_vendor: int
    ) -> tuple[list[int], dict[int, tuple[int, int]]]:
        """The ``count`` best variant ids of ``kind`` (cheapest per serving, eligible vendors
        counted ``PRIORITY_PREFERENCE`` lower, at most ``per_vendor`` per vendor), and for
        each its place by price per serving among all that fit: ``{id: (place, of)}``."""
        idx = np.nonzero(self.fits(request, kind))[0]
        if not len(idx):
            return [], {}
        per_serving = self.per_serving[idx]
        score = per_serving * np.where(self.eligible[idx], 1.0 - PRIORITY_PREFERENCE, 1.0)
        order = np.lexsort((self.ids[idx], score))
        picked: list[int] = []
        places: dict[int, tuple[int, int]] = {}
        by_price = np.sort(per_serving)
        per: dict[int, int] = {}
        for j in order.tolist():
            v = int(self.vendor[idx[j]])
            if per.get(v, 0) < per_vendor:
                per[v] = per.get(v, 0) + 1
                pk = int(self.ids[idx[j]])
                picked.append(pk)
                place = int(np.searchsorted(by_price, per_serving[j], side="left")) + 1
                places[pk] = (place, len(idx))
                if len(picked) >= count:
                    break
        return picked, places


_pool: Pool | None = None
_pool_lock = threading.Lock()
_refreshing = threading.Event()
_generation = 0  # bumped by pool_clear: a refresh started before does not install its pool


def pool_load() -> Pool:
    """One statement over the catalog's published, in-stock food and drink."""
    rows = list(
        _annotated(timezone.localdate(), sellable=False)
        .filter(_base_q() & Q(product__kind__in=KINDS))
        .values_list(
            "id",
            "product__kind",
            "product__vendor_id",
            "price",
            "servings",
            "eligible",
            "product__allergen_codes",
            "product__dietary_codes",
        )
    )
    if not rows:
        empty = np.array([], dtype=np.int64)
        return Pool(
            time.monotonic(),
            empty,
            empty.astype(bool),
            empty,
            empty.astype(float),
            empty.astype(bool),
            np.array([], dtype=str),
            np.array([], dtype=str),
        )
    cols = list(zip(*rows, strict=True))
    return Pool(
        loaded_at=time.monotonic(),
        ids=np.array(cols[0], dtype=np.int64),
        is_drink=np.array([k == DRINK for k in cols[1]], dtype=bool),
        vendor=np.array(cols[2], dtype=np.int64),
        per_serving=np.array(cols[3], dtype=float) / np.maximum(np.array(cols[4], float), 1),
        eligible=np.array(cols[5], dtype=bool),
        allergen_codes=np.array([c or "" for c in cols[6]], dtype=str),
        dietary_codes=np.array([c or "" for c in cols[7]], dtype=str),
    )


def _refresh(generation: int) -> None:
    global _pool
    try:
        pool = pool_load()
        with _pool_lock:
            if generation == _generation:
                _pool = pool
    finally:
        connections.close_all()  # this thread's connection
        _refreshing.clear()


def candidate_pool() -> Pool:
    """The process's pool. The first call loads it; once it is older than
    ``POOL_TTL_SECONDS`` it is still used while a background thread loads a fresh one
    (requests never wait for a refresh), unless it is older than ``POOL_MAX_STALE_SECONDS``
    (a process idle for long), when the request loads it itself."""
    global _pool
    pool = _pool
    age = time.monotonic() - pool.loaded_at if pool is not None else None
    if age is None or age > POOL_MAX_STALE_SECONDS:
        with _pool_lock:
            pool = _pool
            if pool is None or time.monotonic() - pool.loaded_at > POOL_MAX_STALE_SECONDS:
                pool = _pool = pool_load()
    elif age > POOL_TTL_SECONDS and not _refreshing.is_set():
        _refreshing.set()
        threading.Thread(
            target=_refresh, args=(_generation,), name="bundle-builder-pool", daemon=True
        ).start()
    return pool


def pool_clear() -> None:
    """Forget the pool (tests; after a bulk import)."""
    global _pool, _generation
    with _pool_lock:
        _pool = None
        _generation += 1


def candidates_fetch(
    request: BuildRequest,
    kinds: Sequence[str] = KINDS,
    *,
    limit: int = CANDIDATES_PER_KIND,
    per_vendor: int = CANDIDATES_PER_VENDOR,
    price_places: dict[int, tuple[int, int]] | None = None,
) -> dict[str, list[Candidate]]:
    """The pre-ranked candidates of each kind: ranked from the pool (``2 × limit`` per kind,
    at most ``per_vendor`` per vendor), then read and checked live by one statement (published,
    active vendor, in stock, fitting the exclusions, eligibility at the delivery date by
    ``Exists`` on the certifications); the first ``limit`` per kind are kept, in pool order.
    ``price_places`` receives each candidate's place by price per serving (for the reasons).
    A kind the pool has nothing for is asked of the database directly
    (``candidates_fetch_sql``), so that a product added since the pool was loaded is not
    reported missing."""
    pool = candidate_pool()
    ranked: dict[str, list[int]] = {}
    for kind in kinds:
        ranked[kind], places = pool.rank(request, kind, count=2 * limit, per_vendor=per_vendor)
        if price_places is not None:
            price_places.update(places)
    out: dict[str, list[Candidate]] = {kind: [] for kind in kinds}
    ids = [pk for kind in kinds for pk in ranked[kind]]
    if ids:
        position = {pk: i for i, pk in enumerate(ids)}
        rows = (
            _annotated(request.eligibility_date, sellable=False)
            .filter(pk__in=ids)
            .filter(_base_q() & _fits_q(request, kinds))
            .values_list(*_FIELDS)
        )
        for row in sorted(rows, key=lambda r: position[r[0]]):
            group = out[row[6]]
            if len(group) < limit:
                group.append(_candidate(row))
    missing = [kind for kind in kinds if not out[kind]]
    if missing:
        out.update(candidates_fetch_sql(request, missing, limit=limit, per_vendor=per_vendor))
    return out


def candidates_load(request: BuildRequest, variant_ids: Iterable[int]) -> dict[int, Candidate]:
    """The given variants as candidates, whatever their state (one SQL statement)."""
    ids = sorted({int(v) for v in variant_ids})
    if not ids:
        return {}
    rows = _annotated(request.eligibility_date).filter(pk__in=ids).values_list(*_FIELDS)
    return {row[0]: _candidate(row) for row in rows}


def relaxation_counts(request: BuildRequest, kind: str) -> dict[str | None, int]:
    """How many in-stock variants of ``kind`` each relaxation would bring (one statement):
    ``{None: with every exclusion, "<input>": without that one, "*": without any}``."""
    inputs = [*request.exclude_allergens, *request.dietary]
    aggregates = {
        "all": Count("id", filter=_exclusions_q(request, kind)),
        "none": Count("id"),
    }
    for i, value in enumerate(inputs):
        aggregates[f"skip{i}"] = Count("id", filter=_exclusions_q(request, kind, skip=value))
    got = ProductVariant.objects.filter(_base_q(kind)).aggregate(**aggregates)
    out: dict[str | None, int] = {None: got["all"], "*": got["none"]}
    for i, value in enumerate(inputs):
        out[value] = got[f"skip{i}"]
    return out


def candidate_problems(cand: Candidate, request: BuildRequest) -> list[str]:
    """Why ``cand`` does not fit ``request`` (empty: it fits)."""
    problems = []
    if not cand.is_sellable:
        problems.append("지금 판매하지 않는 상품입니다")
    if cand.kind not in KINDS:
        problems.append("먹거리나 음료가 아닙니다")
    hit = [a for a in request.allergen_codes if a in cand.allergens]
    if hit:
        problems.append(", ".join(allergen_label(a) for a in hit) + " 성분이 있습니다")
    for tag in request.dietary:
        if not dietary_ok(tag, cand.kind, cand.dietary, cand.allergens):
            problems.append(f"'{DIETARY_LABELS.get(tag, tag)}' 조건에 맞지 않습니다")
    return problems


# ---------------------------------------------------------------------------------------------
# The optimizer
# ---------------------------------------------------------------------------------------------


@dataclass
class Solution:
    quantities: dict[int, int]  # variant_id → units
    status: str  # optimal, time_limit, infeasible, failed
    objective: float | None
    solve_ms: float


def variety_cap(cand: Candidate, need: int) -> int:
    """K_i: units such that one item supplies at most ``MAX_ITEM_SHARE`` of the need."""
    return max(1, math.ceil(MAX_ITEM_SHARE * need / cand.servings))


def solve(
    cands: Sequence[Candidate],
    *,
    need: dict[str, int],
    budget: int | None,
    min_vendors: int = MIN_VENDORS,
    variety: bool = True,
    max_units_per_item: int | None = None,
    item_caps: bool = True,
    time_limit: float = TIME_LIMIT_SECONDS,
    gap: float = MIP_REL_GAP,
) -> Solution:
    """The MILP of the module docstring, or with ``variety=False`` (and ``budget=None``) the
    minimum cost of feeding everyone: no bonuses, preferences, caps or item variables, each
    unit bound linked straight to its vendor (x_i ≤ u_i·z_v), a tighter and faster model.

    Delivery fees are counted in full for every vendor used: a vendor's part that reaches
    its free-delivery threshold ships free, which only lowers the real total below what
    the model saw (modelling the thresholds made the model ten times slower)."""
    started = time.perf_counter()
    n = len(cands)
    if n == 0:
        return Solution({}, "infeasible", None, 0.0)
    vendors = list(dict.fromkeys(c.vendor_id for c in cands))
    vidx = {v: k for k, v in enumerate(vendors)}
    m = len(vendors)
    fee = np.zeros(m)
    for c in cands:
        fee[vidx[c.vendor_id]] = c.shipping_base_fee
    price = np.array([c.price for c in cands], dtype=float)
    serv = np.array([c.servings for c in cands], dtype=float)
    kind = np.array([c.kind for c in cands])
    elig = np.array([c.eligible for c in cands], dtype=bool)
    ven = np.array([vidx[c.vendor_id] for c in cands])
    # u_i: stock, and never more units than cover the kind alone.
    ub = np.array(
        [
            min(c.available, MAX_LINE_QUANTITY, math.ceil((need.get(c.kind) or 1) / c.servings))
            for c in cands
        ],
        dtype=float,
    )
    if variety and max_units_per_item is not None:
        ub = np.minimum(ub, max_units_per_item)
    elif variety and item_caps:
        ub = np.minimum(ub, [variety_cap(c, need.get(c.kind) or 1) for c in cands])
    ub = np.maximum(ub, 0)

    # Variables: x (n units), then y (one per product, with variety only), then z (m vendors).
    # Variety is counted per product: two sizes of the same cookies are one kind of cookie.
    products = list(dict.fromkeys(c.product_id for c in cands)) if variety else []
    pidx = {p: k for k, p in enumerate(products)}
    prod = np.array([pidx.get(c.product_id, 0) for c in cands])
    X = 0
    Y = n
    Z = n + len(products)
    nvar = Z + m
    cost = np.zeros(nvar)
    preference = np.where(elig, 1.0 - PRIORITY_PREFERENCE, 1.0) if variety else 1.0
    cost[X : X + n] = price * preference
    cost[Z : Z + m] = fee
    if variety and budget:
        cost[Y:Z] -= VARIETY_BUDGET_SHARE * budget
        cost[Z : Z + m] -= VENDOR_BUDGET_SHARE * budget

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []

    def add(entries, low: float, high: float) -> None:
        r = len(lo)
        for col, val in entries:
            rows.append(r)
            cols.append(int(col))
            vals.append(float(val))
        lo.append(low)
        hi.append(high)

    for k_name in KINDS:
        want = need.get(k_name, 0)
        if want > 0:
            add(((X + i, serv[i]) for i in np.nonzero(kind == k_name)[0]), want, np.inf)
    if budget is not None:
        entries = [(X + i, price[i]) for i in range(n)]
        add(entries + [(Z + k, fee[k]) for k in range(m) if fee[k]], -np.inf, budget)
    if variety:
        units: dict[int, list[int]] = {}
        for i in range(n):
            add(((X + i, 1.0), (Y + prod[i], -ub[i])), -np.inf, 0.0)  # x ≤ u·y
            units.setdefault(int(prod[i]), []).append(i)
        by_vendor: dict[int, list[int]] = {}
        for p, members in units.items():
            add([(Y + p, -1.0)] + [(X + i, 1.0) for i in members], 0.0, np.inf)  # Σx ≥ y
            v = int(ven[members[0]])
            add(((Y + p, 1.0), (Z + v, -1.0)), -np.inf, 0.0)  # y ≤ z
            by_vendor.setdefault(v, []).append(p)
        for k in range(m):
            add([(Z + k, 1.0)] + [(Y + p, -1.0) for p in by_vendor[k]], -np.inf, 0.0)  # z ≤ Σy
        for k_name, limit in ((FOOD, MAX_FOOD_ITEMS), (DRINK, MAX_DRINK_ITEMS)):
            group = {int(prod[i]) for i in np.nonzero(kind == k_name)[0]}
            if len(group) > limit:
                add(((Y + p, 1.0) for p in sorted(group)), -np.inf, float(limit))
    else:
        for i in range(n):
            add(((X + i, 1.0), (Z + ven[i], -ub[i])), -np.inf, 0.0)  # x ≤ u·z
    if min_vendors > 1 or (variety and m > MAX_VENDORS):
        high = float(max(MAX_VENDORS, min_vendors)) if variety else np.inf
        add(((Z + k, 1.0) for k in range(m)), float(min_vendors), high)

    A = coo_array((vals, (rows, cols)), shape=(len(lo), nvar)).tocsr()
    upper = np.ones(nvar)
    upper[X : X + n] = ub
    res = milp(
        cost,
        integrality=np.ones(nvar),
        bounds=Bounds(np.zeros(nvar), upper),
        constraints=LinearConstraint(A, np.array(lo), np.array(hi)),
        options={"time_limit": time_limit, "mip_rel_gap": gap, "disp": False},
    )
    ms = (time.perf_counter() - started) * 1000
    if res.x is None:
        status = "infeasible" if res.status == 2 else "failed"
        return Solution({}, status, None, ms)
    x = np.rint(res.x[X : X + n]).astype(int)
    quantities = {cands[i].variant_id: int(x[i]) for i in range(n) if x[i] > 0}
    status = "optimal" if res.status == 0 else "time_limit"
    return Solution(quantities, status, float(res.fun), ms)


# ---------------------------------------------------------------------------------------------
# Proposals
# ---------------------------------------------------------------------------------------------


@dataclass
class ProposalItem:
    candidate: Candidate
    quantity: int
    reason: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def variant_id(self) -> int:
        return self.candidate.variant_id

    @property
    def kind(self) -> str:
        return self.candidate.kind

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.candidate.kind, "")

    @property
    def name(self) -> str:
        return self.candidate.name

    @property
    def unit_price(self) -> int:
        return self.candidate.price

    @property
    def total(self) -> int:
        return self.candidate.price * self.quantity

    @property
    def servings(self) -> int:
        return self.candidate.servings * self.quantity

    @property
    def price_per_serving(self) -> int:
        return round(self.candidate.price_per_serving)

    @property
    def counts_for_priority_purchase(self) -> bool:
        return self.candidate.eligible


@dataclass
class VendorSummary:
    vendor_id: int
    name: str
    slug: str
    eligible: bool
    org_type_label: str
    subtotal: int
    shipping_fee: int
    items: int

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_fee


@dataclass
class Problem:
    code: str  # NO_CANDIDATES, NOT_ENOUGH_STOCK, BUDGET_TOO_LOW, SOLVER_FAILED, …
    field: str | None
    message: str


@dataclass
class Alternative:
    candidate: Candidate
    quantity: int  # units that replace the item's servings
    total: int  # the proposal's total after the swap
    fits_budget: bool

    @property
    def servings(self) -> int:
        return self.candidate.servings * self.quantity

    @property
    def price_per_serving(self) -> int:
        return round(self.candidate.price_per_serving)


@dataclass
class Proposal:
    request: BuildRequest
    items: list[ProposalItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # why it does not meet the request
    notes: list[str] = field(default_factory=list)  # relaxations and remarks
    candidates_considered: int = 0
    solve_ms: float = 0.0
    total_ms: float = 0.0
    solver_status: str = ""
    minimum_cost: int | None = None  # cheapest way to feed everyone (when computed)
    price_places: dict[int, tuple[int, int]] = field(default_factory=dict)

    # --- totals ---------------------------------------------------------------------------
    @property
    def feasible(self) -> bool:
        return bool(self.items) and not self.problems

    @property
    def lines(self) -> list[tuple[int, int]]:
        return [(it.variant_id, it.quantity) for it in self.items]

    @property
    def subtotal(self) -> int:
        return sum(it.total for it in self.items)

    @property
    def vendors(self) -> list[VendorSummary]:
        groups: dict[int, VendorSummary] = {}
        for it in self.items:
            c = it.candidate
            g = groups.get(c.vendor_id)
            if g is None:
                g = groups[c.vendor_id] = VendorSummary(
                    c.vendor_id, c.vendor_name, c.vendor_slug, c.eligible, c.org_type_label, 0, 0, 0
                )
            g.subtotal += it.total
            g.items += 1
        for g in groups.values():
            c = next(it.candidate for it in self.items if it.candidate.vendor_id == g.vendor_id)
            free = c.shipping_free_over is not None and g.subtotal >= c.shipping_free_over
            g.shipping_fee = 0 if free or g.subtotal <= 0 else c.shipping_base_fee
        return list(groups.values())

    @property
    def shipping_total(self) -> int:
        return sum(v.shipping_fee for v in self.vendors)

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_total

    @property
    def cost_per_person(self) -> int:
        return math.ceil(self.total / self.request.headcount) if self.items else 0

    def servings_of(self, kind: str) -> int:
        return sum(it.servings for it in self.items if it.kind == kind)

    @property
    def food_servings(self) -> int:
        return self.servings_of(FOOD)

    @property
    def drink_servings(self) -> int:
        return self.servings_of(DRINK)

    @property
    def priority_share(self) -> float:
        """Share of the goods total bought from priority-purchase vendors (0‥1)."""
        subtotal = self.subtotal
        eligible = sum(it.total for it in self.items if it.candidate.eligible)
        return eligible / subtotal if subtotal else 0.0

    @property
    def budget_left(self) -> int:
        return self.request.budget - self.total

    @property
    def message(self) -> str:
        if self.problems:
            return self.problems[0].message
        if not self.items:
            return "제안할 상품이 없습니다."
        req = self.request
        vendors = self.vendors
        eligible = sum(1 for v in vendors if v.eligible)
        return (
            f"{req.headcount}명 · 1인당 {format_krw(self.cost_per_person)} · "
            f"합계 {format_krw(self.total)} (예산 {format_krw(req.budget)}) · "
            f"판매처 {len(vendors)}곳"
            + (f" (우선구매 대상 {eligible}곳)" if eligible else "")
            + f" · 먹거리 {self.food_servings}인분, 음료 {self.drink_servings}잔"
        )

    @property
    def explanation(self) -> list[str]:
        """How the builder chose (the rules, in the buyer's words)."""
        req = self.request
        out = [
            f"{req.headcount}명이 먹거리 {req.food_servings_per_person}인분, "
            f"음료 {req.drinks_per_person}잔씩 먹을 수 있게 담았습니다.",
            f"배송비를 포함한 합계가 예산 {format_krw(req.budget)} 안에 들게 했습니다.",
            "우선구매 대상 기업(사회적기업·사회적협동조합·자활기업·마을기업)의 상품은 가격을 "
            f"{PRIORITY_PREFERENCE:.0%} 낮게 보고 골랐습니다 (같은 값이면 이 기업들의 상품).",
            f"한 품목이 필요한 양의 {MAX_ITEM_SHARE:.0%}를 넘지 않게 나누고, 예산의 "
            f"{VARIETY_BUDGET_SHARE:.0%}({format_krw(round(req.budget * VARIETY_BUDGET_SHARE))})"
            "보다 싼 품목은 종류를 늘리려고 더했습니다.",
        ]
        if req.exclude_allergens or req.dietary:
            out.append(f"조건: {', '.join(req.exclusion_labels())}.")
        low = req.min_vendors
        out.append(
            f"판매처는 {low}~{max(MAX_VENDORS, low)}곳으로 했습니다 (판매처마다 따로 배송하고 "
            "배송비가 붙습니다)."
            if low > 1
            else f"판매처는 {MAX_VENDORS}곳까지로 했습니다."
        )
        return out

    def to_state(self) -> dict:
        """What the web session keeps: the request and the lines."""
        return {"request": self.request.to_dict(), "lines": [list(x) for x in self.lines]}


def unit_of(kind: str) -> str:
    return "잔" if kind == DRINK else "인분"


def _core_items(proposal: Proposal) -> set[int]:
    """Items that feed everyone, cheapest per serving first; the others add variety."""
    core: set[int] = set()
    for kind in KINDS:
        need = proposal.request.need(kind)
        items = sorted(
            (it for it in proposal.items if it.kind == kind),
            key=lambda it: (it.candidate.price_per_serving, it.variant_id),
        )
        covered = 0
        for it in items:
            if covered >= need:
                break
            core.add(it.variant_id)
            covered += it.servings
    return core


def _reason(item: ProposalItem, proposal: Proposal, core: set[int]) -> str:
    """Why this item, in the buyer's words."""
    c = item.candidate
    unit = unit_of(c.kind)
    parts = [
        f"{item.kind_label} {item.servings:,}{unit} ({c.servings}{unit} × {item.quantity})",
        f"1{unit} {format_krw(item.price_per_serving)}",
    ]
    place = proposal.price_places.get(c.variant_id)
    if place is not None:
        rank, of = place
        order = "가장" if rank == 1 else f"{rank:,}번째로"
        parts.append(f"조건에 맞는 {item.kind_label} {of:,}개 중 1{unit} 가격이 {order} 낮음")
    if c.eligible:
        parts.append(f"우선구매 대상({c.org_type_label or '사회적경제 기업'})")
    if item.variant_id in core:
        parts.append(f"{proposal.request.headcount}명 몫을 채우는 기본 품목")
    else:
        parts.append("종류를 다양하게 하려고 더함")
    return " · ".join(parts)


def explain(proposal: Proposal) -> Proposal:
    """Write each item's reason (after a build or a change)."""
    core = _core_items(proposal)
    for item in proposal.items:
        item.reason = _reason(item, proposal, core)
    return proposal


def _kind_problems(proposal: Proposal) -> list[Problem]:
    req = proposal.request
    out = []
    for kind in KINDS:
        need = req.need(kind)
        have = proposal.servings_of(kind)
        if have < need:
            unit = unit_of(kind)
            out.append(
                Problem(
                    INFEASIBLE,
                    "headcount",
                    f"{KIND_LABELS[kind]}가 {req.headcount}명 기준 {need - have}{unit} "
                    f"모자랍니다 ({have}{unit} / {need}{unit} 필요).",
                )
            )
    return out


def _check(proposal: Proposal) -> Proposal:
    """Constraints of the request on a proposal the buyer changed."""
    req = proposal.request
    problems: list[Problem] = []
    for item in proposal.items:
        c = item.candidate
        item.problems = candidate_problems(c, req)
        if item.quantity > c.available:
            item.problems.append(f"재고가 부족합니다 (주문 가능 수량 {c.available}개)")
        if item.quantity > MAX_LINE_QUANTITY:
            item.problems.append(f"한 상품은 {MAX_LINE_QUANTITY}개까지 담을 수 있습니다")
        for text in item.problems:
            problems.append(Problem(INFEASIBLE, "lines", f"'{c.name}': {text}."))
    problems += _kind_problems(proposal)
    if proposal.items and proposal.total > req.budget:
        over = proposal.total - req.budget
        problems.append(
            Problem(
                BUDGET_TOO_LOW,
                "budgetPerPerson" if req.budget_per_person is not None else "budgetTotal",
                f"예산을 {format_krw(over)} 넘습니다 (합계 {format_krw(proposal.total)}, "
                f"예산 {format_krw(req.budget)}).",
            )
        )
    if not proposal.items:
        problems.append(Problem(INFEASIBLE, "lines", "담긴 상품이 없습니다."))
    proposal.problems = problems
    vendors = len(proposal.vendors)
    if proposal.items and vendors < req.min_vendors:
        proposal.notes.append(f"판매처가 {vendors}곳입니다 (권장 {req.min_vendors}곳 이상).")
    return proposal


# --- infeasibility --------------------------------------------------------------------------


def _no_candidates_problem(request: BuildRequest, kind: str) -> Problem:
    label = KIND_LABELS[kind]
    inputs = [*request.exclude_allergens, *request.dietary]
    counts = relaxation_counts(request, kind) if inputs else {None: 0, "*": 0}
    if not counts.get("*"):
        return Problem(
            NO_CANDIDATES,
            "headcount",
            f"지금 주문할 수 있는 {label}가 없습니다 (재고가 있는 상품이 없습니다).",
        )

    def name(value: str) -> str:
        if value in request.dietary:
            return DIETARY_LABELS.get(value, value)
        return f"{allergen_label(value)} 제외"

    helpful = [v for v in inputs if counts.get(v)]
    field_name = "dietary" if helpful and helpful[0] in request.dietary else "excludeAllergens"
    if helpful:
        hints = ", ".join(f"{name(v)}({counts[v]}개)" for v in helpful)
        return Problem(
            NO_CANDIDATES,
            field_name,
            f"조건에 맞는 {label}가 없습니다: {name(helpful[0])} 조건을 완화해 보세요 "
            f"(조건 하나만 빼면 고를 수 있는 {label}: {hints}).",
        )
    return Problem(
        NO_CANDIDATES,
        "dietary" if request.dietary else "excludeAllergens",
        f"조건에 맞는 {label}가 없습니다: 알레르기·식단 조건을 함께 완화해 보세요 "
        f"(조건을 모두 빼면 {counts['*']}개).",
    )


def _stock_problem(request: BuildRequest, kind: str, capacity: int) -> Problem:
    need = request.need(kind)
    unit = unit_of(kind)
    per = request.food_servings_per_person if kind == FOOD else request.drinks_per_person
    people = capacity // per if per else 0
    return Problem(
        NOT_ENOUGH_STOCK,
        "headcount",
        f"조건에 맞는 {KIND_LABELS[kind]} 재고가 {capacity:,}{unit}뿐입니다 "
        f"({request.headcount}명 기준 {need:,}{unit} 필요). 인원을 {people:,}명 이하로 줄이거나 "
        "알레르기·식단 조건을 완화해 보세요.",
    )


def _budget_problem(request: BuildRequest, minimum: int, *, exact: bool = True) -> Problem:
    short = minimum - request.budget
    per_person = math.ceil(minimum / request.headcount / 100) * 100
    if request.budget_per_person is not None:
        advice = f"1인 예산을 {format_krw(per_person)} 이상으로 올리거나"
        field_name = "budgetPerPerson"
    else:
        advice = f"총 예산을 {format_krw(minimum)} 이상으로 올리거나"
        field_name = "budgetTotal"
    return Problem(
        BUDGET_TOO_LOW,
        field_name,
        f"예산이 {request.headcount}명 기준 {'' if exact else '약 '}{format_krw(short)} "
        f"부족합니다 (최소 {format_krw(minimum)} 필요, 배송비 포함). {advice} 인원을 줄여 보세요.",
    )


def _minimum_cost(
    request: BuildRequest, cands: Sequence[Candidate], *, time_limit: float
) -> Solution:
    need = {k: request.need(k) for k in KINDS}
    return solve(cands, need=need, budget=None, min_vendors=1, variety=False, time_limit=time_limit)


# --- build ----------------------------------------------------------------------------------


def proposal_build(*, request: BuildRequest) -> Proposal:
    """The builder: candidates (one statement, two for a big order), the MILP, the reasons.

    ``request.time_limit`` bounds the solver time of the whole build: each solve gets what
    is left (at least ``MIN_SOLVE_SECONDS``) and returns its best bundle when time is up."""
    started = time.perf_counter()
    deadline = started + request.time_limit
    proposal = Proposal(request=request)
    kinds = [k for k in KINDS if request.need(k) > 0]
    places: dict[int, tuple[int, int]] = {}
    fetched = candidates_fetch(request, kinds, price_places=places)

    def capacity(group: list[Candidate]) -> int:
        return sum(c.servings * min(c.available, MAX_LINE_QUANTITY) for c in group)

    short = [k for k in kinds if capacity(fetched[k]) < request.need(k) and fetched[k]]
    if short:  # a big order: look further than the short list, in the database
        fetched.update(
            candidates_fetch_sql(
                request, short, limit=CANDIDATES_PER_KIND_WIDE, per_vendor=CANDIDATES_PER_KIND_WIDE
            )
        )
    cands: list[Candidate] = []
    for kind in kinds:
        got = fetched[kind]
        if not got:
            proposal.problems.append(_no_candidates_problem(request, kind))
        elif capacity(got) < request.need(kind):
            proposal.problems.append(_stock_problem(request, kind, capacity(got)))
        cands += got
    proposal.candidates_considered = len(cands)
    if proposal.problems:
        proposal.total_ms = (time.perf_counter() - started) * 1000
        return proposal

    need = {k: request.need(k) for k in KINDS}

    def left() -> float:
        return max(MIN_SOLVE_SECONDS, deadline - time.perf_counter())

    attempts = [
        ({"item_caps": True, "min_vendors": request.min_vendors}, None),
        (
            {"item_caps": False, "min_vendors": request.min_vendors},
            "재고나 예산에 맞추느라 한 품목을 많이 담았습니다.",
        ),
        (
            {"item_caps": False, "min_vendors": 1},
            f"예산·재고 안에서 판매처를 {request.min_vendors}곳 이상으로 나눌 수 없어 "
            "한 판매처로 구성했습니다.",
        ),
    ]
    if request.min_vendors <= 1:
        attempts.pop()
    solution = None
    cheapest = None
    for n, (options, note) in enumerate(attempts):
        solution = solve(
            cands,
            need=need,
            budget=request.budget,
            max_units_per_item=request.max_units_per_item,
            time_limit=left(),
            **options,
        )
        proposal.solve_ms += solution.solve_ms
        if solution.quantities:
            if note:
                proposal.notes.append(note)
            break
        if solution.status == "failed":
            break
        if n == 0:
            # Before relaxing its own preferences: is the budget itself too low?
            cheapest = _minimum_cost(request, cands, time_limit=left())
            proposal.solve_ms += cheapest.solve_ms
            if not cheapest.quantities:
                break
            # The model's cost (delivery fees in full): with this budget there is a bundle.
            proposal.minimum_cost = math.ceil(cheapest.objective - 1e-6)
            if proposal.minimum_cost > request.budget:
                exact = cheapest.status == "optimal"
                proposal.problems.append(
                    _budget_problem(request, proposal.minimum_cost, exact=exact)
                )
                break
    if (
        not proposal.problems
        and not (solution and solution.quantities)
        and cheapest is not None
        and cheapest.quantities
    ):
        solution = cheapest
        proposal.notes.append("조건이 빠듯해 모두를 먹일 수 있는 가장 싼 구성으로 제안합니다.")
    proposal.solver_status = solution.status if solution else ""
    if not proposal.problems and not (solution and solution.quantities):
        proposal.problems.append(
            Problem(
                SOLVER_FAILED,
                None,
                "제한 시간 안에 제안을 찾지 못했습니다. 조건을 조금 바꿔 다시 시도해 주세요.",
            )
        )
    if solution and solution.quantities:
        by_id = {c.variant_id: c for c in cands}
        proposal.items = [
            ProposalItem(by_id[vid], qty)
            for vid, qty in sorted(
                solution.quantities.items(),
                key=lambda kv: (by_id[kv[0]].kind != FOOD, -by_id[kv[0]].price * kv[1]),
            )
        ]
        if solution.status == "time_limit":
            proposal.notes.append("계산 시간 제한에 걸려 가장 좋은 구성이 아닐 수 있습니다.")
        proposal.price_places = places
        explain(proposal)
    proposal.total_ms = (time.perf_counter() - started) * 1000
    return proposal


# --- changes by the buyer ---------------------------------------------------------------------


def _clean_lines(lines: Iterable[Sequence[int]]) -> list[tuple[int, int]]:
    merged: dict[int, int] = {}
    for variant_id, quantity in lines:
        variant_id, quantity = int(variant_id), int(quantity)
        if quantity < 0:
            raise DomainError(INVALID, "수량은 0개 이상이어야 합니다.", "lines")
        if quantity:
            merged[variant_id] = merged.get(variant_id, 0) + quantity
    return list(merged.items())


def _assemble(
    request: BuildRequest, lines: list[tuple[int, int]], loaded: dict[int, Candidate]
) -> Proposal:
    missing = [vid for vid, _ in lines if vid not in loaded]
    if missing:
        raise DomainError("NOT_FOUND", "상품 옵션을 찾을 수 없습니다.", "lines")
    proposal = Proposal(
        request=request, items=[ProposalItem(loaded[vid], qty) for vid, qty in lines]
    )
    return explain(_check(proposal))


def proposal_recompute(*, request: BuildRequest, lines: Iterable[Sequence[int]]) -> Proposal:
    """The proposal for the buyer's ``lines`` [(variant_id, quantity)], checked against the
    request (one SQL statement). Lines keep their order; quantity 0 removes a line."""
    cleaned = _clean_lines(lines)
    return _assemble(request, cleaned, candidates_load(request, [v for v, _ in cleaned]))


def proposal_set_quantity(
    *, request: BuildRequest, lines: Sequence[Sequence[int]], index: int, quantity: int
) -> Proposal:
    lines = [list(x) for x in lines]
    if not 0 <= index < len(lines):
        raise DomainError(INVALID, "바꿀 품목을 찾을 수 없습니다.", "itemIndex")
    if quantity < 0 or quantity > MAX_LINE_QUANTITY:
        raise DomainError(INVALID, f"수량은 0~{MAX_LINE_QUANTITY}개로 정하세요.", "quantity")
    lines[index][1] = quantity
    return proposal_recompute(request=request, lines=lines)


def replacement_quantity(old: Candidate, old_quantity: int, new: Candidate) -> int:
    """Units of ``new`` that give at least the servings of ``old_quantity`` units of ``old``."""
    return max(1, math.ceil(old.servings * old_quantity / new.servings))


def proposal_swap(
    *, request: BuildRequest, lines: Sequence[Sequence[int]], index: int, variant_id: int
) -> Proposal:
    """Replace line ``index`` by ``variant_id`` with enough units to keep its servings
    (within stock), then recompute (one SQL statement)."""
    cleaned = _clean_lines(lines)
    if not 0 <= index < len(cleaned):
        raise DomainError(INVALID, "바꿀 품목을 찾을 수 없습니다.", "itemIndex")
    loaded = candidates_load(request, [v for v, _ in cleaned] + [variant_id])
    new = loaded.get(int(variant_id))
    if new is None:
        raise DomainError("NOT_FOUND", "상품 옵션을 찾을 수 없습니다.", "variantId")
    old_id, old_qty = cleaned[index]
    old = loaded[old_id]
    if new.kind != old.kind:
        raise DomainError(
            INVALID,
            f"{KIND_LABELS.get(old.kind, '같은 종류')}끼리만 바꿀 수 있습니다.",
            "variantId",
        )
    quantity = min(replacement_quantity(old, old_qty, new), max(new.available, 1))
    out = [(vid, qty) for vid, qty in cleaned]
    if any(vid == new.variant_id for vid, _ in out if vid != old_id):
        # Already in the proposal: add the servings to that line.
        out = [(v, q + quantity if v == new.variant_id else q) for v, q in out]
        del out[index]
    else:
        out[index] = (new.variant_id, quantity)
    return _assemble(request, out, loaded)


def proposal_alternatives(
    *, proposal: Proposal, index: int, limit: int = ALTERNATIVES
) -> list[Alternative]:
    """Other variants for item ``index``: same kind, fitting the exclusions, with stock to
    replace its servings, nearest in price per serving first (one SQL statement)."""
    if not 0 <= index < len(proposal.items):
        raise DomainError(INVALID, "바꿀 품목을 찾을 수 없습니다.", "itemIndex")
    request = proposal.request
    item = proposal.items[index]
    c = item.candidate
    used = [it.variant_id for it in proposal.items]
    per_serving = _per_serving()
    qs = (
        _annotated(request.eligibility_date, sellable=False)
        .filter(_base_q(c.kind) & _exclusions_q(request, c.kind))
        .exclude(pk__in=used)
        .annotate(
            cover=ExpressionWrapper(
                (F("stock__quantity") - F("stock__allocated")) * F("servings"),
                output_field=FloatField(),
            ),
            distance=Abs(per_serving - Value(c.price_per_serving)),
        )
        .filter(cover__gte=item.servings)
        .order_by("distance", "price", "id")
    )
    out = []
    for row in qs.values_list(*_FIELDS)[:limit]:
        alt = _candidate(row)
        qty = replacement_quantity(c, item.quantity, alt)
        items = [
            ProposalItem(alt, qty) if i == index else ProposalItem(it.candidate, it.quantity)
            for i, it in enumerate(proposal.items)
        ]
        total = Proposal(request=request, items=items).total
        out.append(Alternative(alt, qty, total, total <= request.budget))
    return out


def proposal_from_state(state: dict) -> Proposal:
    """A proposal from what ``Proposal.to_state`` kept (recomputed against today's catalog)."""
    request = BuildRequest.from_dict(state["request"])
    return proposal_recompute(request=request, lines=state.get("lines") or [])
