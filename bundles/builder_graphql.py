"""GraphQL of the bundle builder: ``bundleBuild``, ``bundleProposal``, ``bundleProposalSave``.

``BuilderQueries`` and ``BuilderMutations`` are joined into the root schema
(``config/schema.py``) next to the bundles' own queries and mutations.

* ``bundleBuild(input: BundleBuildInput!): BundleProposal!`` — a proposal for a headcount,
  a budget (per person or in total), an occasion, a delivery date and exclusions
  (``excludeAllergens: ["nuts", "milk"]`` takes allergen codes or the group ``nuts``;
  ``dietary: [VEGAN, CAFFEINE_FREE]``). It computes and writes nothing, so it is a query.
  Its ``errors { field code message }`` say ``INVALID`` (the input) or ``INFEASIBLE`` (no
  bundle fits: the message says what to relax, with amounts); ``feasible`` and ``message``
  sum it up. ``alternatives(itemIndex:)`` lists swaps for one item.
* ``bundleProposal(input: {request, lines})`` — the same proposal after the buyer swapped
  items or changed quantities (``lines`` as the proposal's ``lines`` gave them), checked
  against the request again.
* ``bundleProposalSave(input: {request, lines, name})`` — saves it as a bundle through
  ``bundles.services.bundle_create``: centre staff make an (unpublished) centre bundle, any
  other signed-in user a personal bundle (unpublished, at the components' sum); anonymous
  buyers are refused. Putting a proposal in the cart needs no mutation of its own: its
  ``lines { variantId quantity }`` go straight to ``checkoutCreate``/``checkoutLinesAdd``.

IDs of variants, products and vendors are the catalog's global IDs (``ProductVariant:…``),
so they work with the rest of the API. Money is integer KRW (won). No field runs a query
except ``alternatives`` (one statement).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import graphene
from graphql_relay import to_global_id

from bundles import builder
from bundles.graphql.types import BundleOccasionEnum, BundleType
from core.errors import DomainError, DomainErrors, as_error_list
from core.graphql.errors import DomainGraphQLError, error_type, make_code_enum
from core.graphql.ids import decode_id
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import require_login
from shop.graphql.types import DietaryTagEnum, ProductKindEnum, enum_value

BundleBuilderErrorCode = make_code_enum("BundleBuilderErrorCode", ["INFEASIBLE"])
BundleBuilderError = error_type("BundleBuilderError", BundleBuilderErrorCode)


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------


class BundleBuildInput(graphene.InputObjectType):
    headcount = graphene.Int(required=True, description="How many people (1–5,000).")
    budget_per_person = graphene.Int(description="Budget per person in won (or budgetTotal).")
    budget_total = graphene.Int(description="Total budget in won (or budgetPerPerson).")
    occasion = graphene.Field(BundleOccasionEnum, description="What it is for (default 회의).")
    delivery_date = graphene.Date(
        description="Wished delivery date (default: in 3 days; at least tomorrow). Priority-"
        "purchase eligibility is evaluated at this date."
    )
    exclude_allergens = graphene.List(
        graphene.NonNull(graphene.String),
        description='Allergen codes to exclude ("peanut", "milk", …) or groups ("nuts").',
    )
    dietary = graphene.List(
        graphene.NonNull(DietaryTagEnum),
        description="Dietary conditions every item must meet (CAFFEINE_FREE: drinks only).",
    )
    food_servings_per_person = graphene.Int(description="Food servings per person (default 1).")
    drinks_per_person = graphene.Int(description="Drinks per person (default 1).")
    min_vendors = graphene.Int(description="At least this many vendors when possible (default 2).")
    max_units_per_item = graphene.Int(
        description="At most this many units of one item (default: half of the need)."
    )


class BundleProposalLineInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True, description="ID of the product variant.")
    quantity = graphene.Int(required=True, description="Units (0 removes the line).")


class BundleProposalInput(graphene.InputObjectType):
    request = graphene.InputField(BundleBuildInput, required=True, description="The original ask.")
    lines = graphene.List(graphene.NonNull(BundleProposalLineInput), required=True)


class BundleProposalSaveInput(graphene.InputObjectType):
    request = graphene.InputField(BundleBuildInput, required=True)
    lines = graphene.List(graphene.NonNull(BundleProposalLineInput), required=True)
    name = graphene.String(description="Name of the bundle (default: 회의 다과 30인분).")
    description = graphene.String()


def request_from_input(data) -> builder.BuildRequest:
    """``BundleBuildInput`` → a validated ``BuildRequest`` (raises ``INVALID`` errors)."""
    occasion = data.get("occasion")
    return builder.build_request(
        headcount=data.get("headcount"),
        budget_per_person=data.get("budget_per_person"),
        budget_total=data.get("budget_total"),
        occasion=enum_value(occasion) if occasion is not None else None,
        delivery_date=data.get("delivery_date"),
        exclude_allergens=data.get("exclude_allergens") or [],
        dietary=[enum_value(d) for d in data.get("dietary") or []],
        food_servings_per_person=data.get("food_servings_per_person"),
        drinks_per_person=data.get("drinks_per_person"),
        min_vendors=data.get("min_vendors"),
        max_units_per_item=data.get("max_units_per_item"),
    )


def lines_from_input(lines) -> list[tuple[int, int]]:
    out = []
    for line in lines or []:
        pk = decode_id(line["variant_id"], "ProductVariant", field="lines")
        out.append((pk, line["quantity"]))
    return out


# ---------------------------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------------------------


class BundleProposalVariant(graphene.ObjectType):
    id = graphene.ID(required=True, description="Global ID of the ProductVariant.")
    name = graphene.String(required=True)
    sku = graphene.String(required=True)
    price = graphene.Int(required=True, description="Unit price in won, VAT included.")
    servings = graphene.Int(required=True, description="People one unit serves.")
    quantity_available = graphene.Int(required=True)

    def resolve_id(self: builder.Candidate, info):
        return to_global_id("ProductVariant", self.variant_id)

    def resolve_name(self: builder.Candidate, info):
        return self.variant_name

    def resolve_quantity_available(self: builder.Candidate, info):
        return self.available


class BundleProposalProduct(graphene.ObjectType):
    id = graphene.ID(required=True, description="Global ID of the Product.")
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    kind = graphene.Field(ProductKindEnum, required=True)
    allergens = graphene.List(graphene.NonNull(graphene.String), required=True)
    dietary_tags = graphene.List(graphene.NonNull(graphene.String), required=True)

    def resolve_id(self: builder.Candidate, info):
        return to_global_id("Product", self.product_id)

    def resolve_name(self: builder.Candidate, info):
        return self.product_name

    def resolve_slug(self: builder.Candidate, info):
        return self.product_slug

    def resolve_allergens(self: builder.Candidate, info):
        return list(self.allergens)

    def resolve_dietary_tags(self: builder.Candidate, info):
        return list(self.dietary)


class BundleProposalVendor(graphene.ObjectType):
    """A vendor of the proposal: its part, its delivery fee, priority-purchase status."""

    id = graphene.ID(required=True, description="Global ID of the Vendor.")
    store_name = graphene.String(required=True)
    slug = graphene.String(required=True)
    counts_for_priority_purchase = graphene.Boolean(
        required=True, description="Purchases count for priority purchase at the delivery date."
    )
    organization_type = graphene.String(description="사회적기업, 협동조합, … (Korean).")
    subtotal = graphene.Int(description="Goods from this vendor (won); null on an item.")
    shipping_fee = graphene.Int(description="Its delivery fee (won); null on an item.")
    items = graphene.Int(description="Items from this vendor; null on an item.")

    def resolve_id(self, info):
        return to_global_id("Vendor", self.vendor_id)

    def resolve_store_name(self, info):
        return self.vendor_name if isinstance(self, builder.Candidate) else self.name

    def resolve_slug(self, info):
        return self.vendor_slug if isinstance(self, builder.Candidate) else self.slug

    def resolve_counts_for_priority_purchase(self, info):
        return self.eligible

    def resolve_organization_type(self, info):
        return self.org_type_label or None

    def resolve_subtotal(self, info):
        return getattr(self, "subtotal", None)

    def resolve_shipping_fee(self, info):
        return getattr(self, "shipping_fee", None)

    def resolve_items(self, info):
        return getattr(self, "items", None) if isinstance(self, builder.VendorSummary) else None


class _CandidateFields:
    variant = graphene.Field(BundleProposalVariant, required=True)
    product = graphene.Field(BundleProposalProduct, required=True)
    name = graphene.String(required=True, description="Product and variant name.")
    kind = graphene.Field(ProductKindEnum, required=True)
    vendor = graphene.Field(BundleProposalVendor, required=True)
    quantity = graphene.Int(required=True)
    servings = graphene.Int(required=True, description="Servings of all its units.")
    unit_price = graphene.Int(required=True, description="Won, VAT included.")
    price_per_serving = graphene.Int(required=True, description="Won per person served.")
    counts_for_priority_purchase = graphene.Boolean(required=True)

    @staticmethod
    def resolve_variant(root, info):
        return root.candidate

    @staticmethod
    def resolve_product(root, info):
        return root.candidate

    @staticmethod
    def resolve_vendor(root, info):
        return root.candidate

    @staticmethod
    def resolve_name(root, info):
        return root.candidate.name

    @staticmethod
    def resolve_kind(root, info):
        return root.candidate.kind

    @staticmethod
    def resolve_unit_price(root, info):
        return root.candidate.price

    @staticmethod
    def resolve_counts_for_priority_purchase(root, info):
        return root.candidate.eligible


class BundleProposalItem(_CandidateFields, graphene.ObjectType):
    """One line of the proposal, and why it was chosen."""

    total = graphene.Int(required=True, description="Quantity × unit price (won).")
    reason = graphene.String(required=True, description="Why this item (Korean).")
    problems = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="What breaks the request after a change (stock, exclusions).",
    )


class BundleProposalAlternative(_CandidateFields, graphene.ObjectType):
    """A swap for an item: ``quantity`` units keep its servings."""

    total = graphene.Int(required=True, description="Quantity × unit price (won).")
    proposal_total = graphene.Int(required=True, description="The proposal's total after it.")
    fits_budget = graphene.Boolean(required=True)

    @staticmethod
    def resolve_total(root: builder.Alternative, info):
        return root.candidate.price * root.quantity

    @staticmethod
    def resolve_proposal_total(root: builder.Alternative, info):
        return root.total


class BundleProposalLine(graphene.ObjectType):
    """A line as ``checkoutCreate``/``bundleProposal`` take it."""

    variant_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True)


@dataclass
class ProposalResult:
    proposal: builder.Proposal | None
    errors: list[DomainError] = field(default_factory=list)


def result_errors(proposal: builder.Proposal) -> list[DomainError]:
    return [DomainError("INFEASIBLE", p.message, p.field) for p in proposal.problems]


class BundleProposal(graphene.ObjectType):
    """A bundle the builder proposes (or the buyer changed), with its explanation."""

    feasible = graphene.Boolean(required=True, description="It meets the whole request.")
    message = graphene.String(
        required=True, description="One line: the summary, or what to relax (Korean)."
    )
    errors = graphene.List(graphene.NonNull(BundleBuilderError), required=True)
    notes = graphene.List(graphene.NonNull(graphene.String), required=True)
    explanation = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="How it was chosen."
    )
    headcount = graphene.Int()
    budget = graphene.Int(description="Total budget (won), delivery fees included.")
    items = graphene.List(graphene.NonNull(BundleProposalItem), required=True)
    lines = graphene.List(graphene.NonNull(BundleProposalLine), required=True)
    subtotal = graphene.Int(required=True, description="Goods (won).")
    shipping_total = graphene.Int(
        required=True, description="Delivery fees (won; Jeju/island surcharges at checkout)."
    )
    total = graphene.Int(required=True, description="Goods + delivery fees (won).")
    cost_per_person = graphene.Int(required=True, description="Total ÷ headcount, rounded up.")
    budget_left = graphene.Int()
    food_servings = graphene.Int(required=True)
    drink_servings = graphene.Int(required=True)
    food_servings_needed = graphene.Int()
    drink_servings_needed = graphene.Int()
    vendors = graphene.List(graphene.NonNull(BundleProposalVendor), required=True)
    priority_purchase_share = graphene.Float(
        required=True, description="Share (0–1) of the goods from priority-purchase vendors."
    )
    minimum_cost = graphene.Int(description="Cheapest way to feed everyone, when computed.")
    candidates_considered = graphene.Int(required=True)
    alternatives = graphene.List(
        graphene.NonNull(BundleProposalAlternative),
        required=True,
        item_index=graphene.Int(required=True, description="0-based index in items."),
        first=graphene.Int(default_value=builder.ALTERNATIVES),
        description="Swaps for one item: same kind, fitting the exclusions, with stock to "
        "replace it, nearest in price per serving first.",
    )

    class Meta:
        description = __doc__

    # Every resolver reads a ProposalResult (the proposal may be None for invalid input).
    def resolve_feasible(self: ProposalResult, info):
        return bool(self.proposal and self.proposal.feasible and not self.errors)

    def resolve_message(self: ProposalResult, info):
        if self.errors:
            return str(self.errors[0].message)
        return self.proposal.message if self.proposal else ""

    def resolve_errors(self: ProposalResult, info):
        return [{"field": e.field, "code": e.code, "message": str(e.message)} for e in self.errors]

    def resolve_notes(self: ProposalResult, info):
        return self.proposal.notes if self.proposal else []

    def resolve_explanation(self: ProposalResult, info):
        return self.proposal.explanation if self.proposal and self.proposal.items else []

    def resolve_headcount(self: ProposalResult, info):
        return self.proposal.request.headcount if self.proposal else None

    def resolve_budget(self: ProposalResult, info):
        return self.proposal.request.budget if self.proposal else None

    def resolve_items(self: ProposalResult, info):
        return self.proposal.items if self.proposal else []

    def resolve_lines(self: ProposalResult, info):
        if not self.proposal:
            return []
        return [
            BundleProposalLine(variant_id=to_global_id("ProductVariant", vid), quantity=qty)
            for vid, qty in self.proposal.lines
        ]

    def resolve_subtotal(self: ProposalResult, info):
        return self.proposal.subtotal if self.proposal else 0

    def resolve_shipping_total(self: ProposalResult, info):
        return self.proposal.shipping_total if self.proposal else 0

    def resolve_total(self: ProposalResult, info):
        return self.proposal.total if self.proposal else 0

    def resolve_cost_per_person(self: ProposalResult, info):
        return self.proposal.cost_per_person if self.proposal else 0

    def resolve_budget_left(self: ProposalResult, info):
        return self.proposal.budget_left if self.proposal and self.proposal.items else None

    def resolve_food_servings(self: ProposalResult, info):
        return self.proposal.food_servings if self.proposal else 0

    def resolve_drink_servings(self: ProposalResult, info):
        return self.proposal.drink_servings if self.proposal else 0

    def resolve_food_servings_needed(self: ProposalResult, info):
        return self.proposal.request.need(builder.FOOD) if self.proposal else None

    def resolve_drink_servings_needed(self: ProposalResult, info):
        return self.proposal.request.need(builder.DRINK) if self.proposal else None

    def resolve_vendors(self: ProposalResult, info):
        return self.proposal.vendors if self.proposal else []

    def resolve_priority_purchase_share(self: ProposalResult, info):
        return round(self.proposal.priority_share, 4) if self.proposal else 0.0

    def resolve_minimum_cost(self: ProposalResult, info):
        return self.proposal.minimum_cost if self.proposal else None

    def resolve_candidates_considered(self: ProposalResult, info):
        return self.proposal.candidates_considered if self.proposal else 0

    def resolve_alternatives(self: ProposalResult, info, item_index, first=builder.ALTERNATIVES):
        if not self.proposal or not self.proposal.items:
            return []
        limit = max(1, min(int(first or builder.ALTERNATIVES), 20))
        try:
            return builder.proposal_alternatives(
                proposal=self.proposal, index=item_index, limit=limit
            )
        except DomainError as err:
            raise DomainGraphQLError(err)


def _invalid(exc: DomainError | DomainErrors) -> ProposalResult:
    return ProposalResult(None, as_error_list(exc))


# ---------------------------------------------------------------------------------------------
# Queries and mutations
# ---------------------------------------------------------------------------------------------


class BuilderQueries(graphene.ObjectType):
    bundle_build = graphene.Field(
        BundleProposal,
        required=True,
        input=BundleBuildInput(required=True),
        description="Propose a snack bundle that feeds everyone within budget (the builder).",
    )
    bundle_proposal = graphene.Field(
        BundleProposal,
        required=True,
        input=BundleProposalInput(required=True),
        description="A proposal after the buyer's changes (swaps, quantities), checked again.",
    )

    def resolve_bundle_build(self, info, input):
        try:
            request = request_from_input(input)
        except (DomainError, DomainErrors) as exc:
            return _invalid(exc)
        proposal = builder.proposal_build(request=request)
        return ProposalResult(proposal, result_errors(proposal))

    def resolve_bundle_proposal(self, info, input):
        try:
            request = request_from_input(input["request"])
            proposal = builder.proposal_recompute(
                request=request, lines=lines_from_input(input["lines"])
            )
        except (DomainError, DomainErrors) as exc:
            return _invalid(exc)
        return ProposalResult(proposal, result_errors(proposal))


def default_bundle_name(request: builder.BuildRequest) -> str:
    occasion = builder.OCCASION_LABELS.get(request.occasion, "")
    return f"{occasion} 다과 {request.headcount}인분".strip()


class BundleProposalSave(BaseMutation):
    """Save a proposal as a bundle: centre staff → an unpublished centre bundle; other
    signed-in users → a personal bundle (unpublished, at the components' sum)."""

    bundle = graphene.Field(BundleType)
    proposal = graphene.Field(BundleProposal)

    class Arguments:
        input = BundleProposalSaveInput(required=True)

    class Meta:
        error_type_class = BundleBuilderError

    @classmethod
    def error_response(cls, errors):
        codes = BundleBuilderErrorCode.__members__
        return cls(
            errors=[
                {
                    "field": e.field,
                    "code": e.code if e.code in codes else "INVALID",
                    "message": str(e.message),
                }
                for e in errors
            ]
        )

    @classmethod
    def perform_mutation(cls, root, info, input):
        from bundles.services import bundle_create

        user = require_login(info)
        request = request_from_input(input["request"])
        proposal = builder.proposal_recompute(
            request=request, lines=lines_from_input(input["lines"])
        )
        if proposal.problems:
            raise DomainErrors(result_errors(proposal))
        bundle = bundle_create(
            actor=user,
            name=(input.get("name") or "").strip() or default_bundle_name(request),
            description=input.get("description") or "\n".join(proposal.explanation),
            occasion=request.occasion,
            serves=request.headcount,
            components=[(vid, qty) for vid, qty in proposal.lines],
        )
        return cls(bundle=bundle, proposal=ProposalResult(proposal, []))


class BuilderMutations(graphene.ObjectType):
    bundle_proposal_save = BundleProposalSave.Field(
        description="Save a builder proposal as a bundle (signed-in users)."
    )
