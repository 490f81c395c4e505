"""The bundle builder's page (``/bundles/builder/``, Korean, phone first).

One page: the request form (인원, 1인 예산 or 총 예산, 용도, 배송 희망일, 알레르기 제외,
비건만, 카페인 제외, …) and, once built, the proposal — each item with its reason,
quantity field and "바꾸기" (which lists the alternatives under the item), the totals (per
person, delivery fees, vendors, servings against the need) and the actions: "장바구니에 담기"
(the items become plain cart lines, then ``/cart/``), "꾸러미로 저장" (signed-in users, through
``bundles.services.bundle_create``) and "새로 만들기".

The proposal lives in the web session (``SESSION_KEY``): the request, the lines and what
the build knew (notes, price places); every page view recomputes it against the catalog
(one statement), so prices, stock and eligibility are always today's. Every rule is in
``bundles.builder``; these views read forms, call it and show its Korean messages.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from bundles import builder
from bundles.models import Occasion
from core.errors import DomainError, DomainErrors, add_to_form, as_error_list
from core.money import format_krw
from shop.checkout import services as checkout_services
from shop.storefront.cart import cart_remember, session_checkout

SESSION_KEY = "nuri_bundle_builder"

ALLERGEN_CHOICES = [
    ("nuts", "견과류 (땅콩·호두·잣)"),
    ("milk", "우유"),
    ("egg", "달걀(알류)"),
    ("wheat", "밀"),
    ("soybean", "대두"),
    ("buckwheat", "메밀"),
    ("peach", "복숭아"),
    ("tomato", "토마토"),
    ("shrimp", "새우"),
]
DIETARY_CHOICES = [
    ("vegan", "비건만"),
    ("vegetarian", "채식만"),
    ("caffeine_free", "카페인 제외 (음료)"),
    ("gluten_free", "글루텐 프리"),
    ("sugar_free", "무설탕"),
    ("organic", "유기농만"),
]
# Service error fields (GraphQL names) → form fields.
FIELD_MAP = {
    "headcount": "headcount",
    "budgetPerPerson": "budget",
    "budgetTotal": "budget",
    "occasion": "occasion",
    "deliveryDate": "delivery_date",
    "excludeAllergens": "exclude_allergens",
    "dietary": "dietary",
}


class BuilderForm(forms.Form):
    headcount = forms.IntegerField(
        label="인원",
        min_value=1,
        max_value=builder.MAX_HEADCOUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "30"}),
    )
    budget_mode = forms.ChoiceField(
        label="예산 기준",
        choices=[("per_person", "1인 예산"), ("total", "총 예산")],
        initial="per_person",
        widget=forms.RadioSelect,
    )
    budget = forms.IntegerField(
        label="예산 (원)",
        min_value=1,
        help_text="배송비를 포함한 금액입니다.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "7000"}),
    )
    occasion = forms.ChoiceField(label="용도", choices=Occasion.choices, initial="meeting")
    delivery_date = forms.DateField(
        label="배송 희망일",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    exclude_allergens = forms.MultipleChoiceField(
        label="알레르기 제외",
        required=False,
        choices=ALLERGEN_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    dietary = forms.MultipleChoiceField(
        label="식단 조건",
        required=False,
        choices=DIETARY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )

    def build_request(self) -> builder.BuildRequest:
        data = self.cleaned_data
        per_person = data["budget_mode"] != "total"
        return builder.build_request(
            headcount=data["headcount"],
            budget_per_person=data["budget"] if per_person else None,
            budget_total=None if per_person else data["budget"],
            occasion=data["occasion"],
            delivery_date=data.get("delivery_date"),
            exclude_allergens=data.get("exclude_allergens") or [],
            dietary=data.get("dietary") or [],
        )


def _initial(request_obj: builder.BuildRequest | None) -> dict:
    if request_obj is None:
        return {
            "headcount": 30,
            "budget_mode": "per_person",
            "budget": 7000,
            "occasion": Occasion.MEETING,
            "delivery_date": timezone.localdate() + dt.timedelta(days=builder.DEFAULT_LEAD_DAYS),
        }
    per_person = request_obj.budget_per_person is not None
    return {
        "headcount": request_obj.headcount,
        "budget_mode": "per_person" if per_person else "total",
        "budget": request_obj.budget_per_person if per_person else request_obj.budget,
        "occasion": request_obj.occasion,
        "delivery_date": request_obj.delivery_date,
        "exclude_allergens": list(request_obj.exclude_allergens),
        "dietary": list(request_obj.dietary),
    }


# ---------------------------------------------------------------------------------------------
# Session state
# ---------------------------------------------------------------------------------------------


def _save_state(request, proposal: builder.Proposal) -> None:
    state = proposal.to_state()
    state["notes"] = list(proposal.notes)
    state["places"] = {str(k): list(v) for k, v in proposal.price_places.items()}
    state["problems"] = [[p.code, p.field, p.message] for p in proposal.problems]
    request.session[SESSION_KEY] = state


def _load_state(request) -> tuple[builder.BuildRequest | None, list[list[int]], dict]:
    state = request.session.get(SESSION_KEY)
    if not state:
        return None, [], {}
    try:
        build_request = builder.BuildRequest.from_dict(state["request"])
    except (KeyError, TypeError, ValueError):
        request.session.pop(SESSION_KEY, None)
        return None, [], {}
    return build_request, [list(x) for x in state.get("lines") or []], state


def _current(request) -> builder.Proposal | None:
    """The session's proposal, recomputed against today's catalog (one statement)."""
    build_request, lines, state = _load_state(request)
    if build_request is None:
        return None
    if not lines:
        # An infeasible build: keep its explanation.
        proposal = builder.Proposal(request=build_request)
        proposal.problems = [builder.Problem(*p) for p in state.get("problems") or []]
        return proposal
    try:
        proposal = builder.proposal_recompute(request=build_request, lines=lines)
    except (DomainError, DomainErrors):
        request.session.pop(SESSION_KEY, None)
        return None
    proposal.notes = list(state.get("notes") or []) + proposal.notes
    proposal.price_places = {int(k): tuple(v) for k, v in (state.get("places") or {}).items()}
    return builder.explain(proposal)


def _domain_messages(request, exc: DomainError | DomainErrors) -> None:
    for err in as_error_list(exc):
        messages.error(request, str(err.message))


def _page_url(anchor: str = "") -> str:
    url = reverse("bundle_builder:page")
    return f"{url}#{anchor}" if anchor else url


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def _render(
    request, form: BuilderForm, proposal, *, swap_index=None, alternatives=None, status=200
):
    return render(
        request,
        "bundles/builder/page.html",
        {
            "form": form,
            "proposal": proposal,
            "swap_index": swap_index,
            "alternatives": alternatives or [],
            "earliest": builder.earliest_delivery_date(),
            "max_quantity": builder.MAX_LINE_QUANTITY,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def builder_page(request):
    """GET: the form and the session's proposal. POST: build a new proposal."""
    if request.method == "GET":
        proposal = _current(request)
        form = BuilderForm(initial=_initial(proposal.request if proposal else None))
        return _render(request, form, proposal)

    form = BuilderForm(request.POST)
    if not form.is_valid():
        return _render(request, form, None, status=400)
    try:
        build_request = form.build_request()
    except (DomainError, DomainErrors) as exc:
        mapped = [
            DomainError(e.code, e.message, FIELD_MAP.get(e.field or "")) for e in as_error_list(exc)
        ]
        add_to_form(form, DomainErrors(mapped))
        return _render(request, form, None, status=400)
    proposal = builder.proposal_build(request=build_request)
    _save_state(request, proposal)
    if proposal.feasible:
        messages.success(request, "꾸러미를 제안했습니다. 품목을 바꾸거나 수량을 고칠 수 있습니다.")
    return redirect(_page_url("proposal"))


@require_http_methods(["GET", "POST"])
def builder_swap(request, index: int):
    """GET: the alternatives of item ``index`` under it. POST ``variant``: swap it."""
    proposal = _current(request)
    if proposal is None or not proposal.items:
        messages.info(request, "먼저 꾸러미를 만들어 주세요.")
        return redirect(_page_url())
    if not 0 <= index < len(proposal.items):
        messages.error(request, "바꿀 품목을 찾을 수 없습니다.")
        return redirect(_page_url("proposal"))
    if request.method == "POST":
        try:
            variant_id = int(request.POST.get("variant") or "")
        except ValueError:
            messages.error(request, "바꿀 상품을 고르세요.")
            return redirect(reverse("bundle_builder:swap", args=[index]))
        old = proposal.items[index]
        try:
            new = builder.proposal_swap(
                request=proposal.request, lines=proposal.lines, index=index, variant_id=variant_id
            )
        except (DomainError, DomainErrors) as exc:
            _domain_messages(request, exc)
            return redirect(reverse("bundle_builder:swap", args=[index]))
        new.notes = proposal.notes
        new.price_places = proposal.price_places
        _save_state(request, new)
        replaced = next((it for it in new.items if it.variant_id == variant_id), None)
        name = replaced.name if replaced else "상품"
        messages.success(request, f"'{old.name}'을(를) '{name}'(으)로 바꿨습니다.")
        return redirect(_page_url(f"item-{index}"))
    alternatives = builder.proposal_alternatives(proposal=proposal, index=index)
    form = BuilderForm(initial=_initial(proposal.request))
    return _render(request, form, proposal, swap_index=index, alternatives=alternatives)


@require_POST
def builder_quantity(request, index: int):
    """Set item ``index``'s quantity (0 removes it)."""
    proposal = _current(request)
    if proposal is None or not proposal.items:
        return redirect(_page_url())
    try:
        quantity = int(str(request.POST.get("quantity", "")).replace(",", "").strip())
    except ValueError:
        messages.error(request, "수량을 숫자로 입력하세요.")
        return redirect(_page_url("proposal"))
    try:
        new = builder.proposal_set_quantity(
            request=proposal.request, lines=proposal.lines, index=index, quantity=quantity
        )
    except (DomainError, DomainErrors) as exc:
        _domain_messages(request, exc)
        return redirect(_page_url("proposal"))
    new.notes = proposal.notes
    new.price_places = proposal.price_places
    _save_state(request, new)
    name = proposal.items[index].name
    if quantity == 0:
        messages.success(request, f"'{name}'을(를) 뺐습니다.")
    else:
        messages.success(request, f"'{name}' 수량을 {quantity}개로 바꿨습니다.")
    return redirect(_page_url(f"item-{index}" if quantity else "proposal"))


@require_POST
def builder_cart(request):
    """Put the proposal's items in the session's cart as plain lines, then go to the cart."""
    proposal = _current(request)
    if proposal is None or not proposal.items:
        messages.info(request, "장바구니에 담을 꾸러미가 없습니다.")
        return redirect(_page_url())
    lines = proposal.lines
    checkout = session_checkout(request)
    try:
        if checkout is None:
            checkout = checkout_services.checkout_create(user=request.user, lines=lines)
        else:
            checkout = checkout_services.checkout_lines_add(checkout=checkout, lines=lines)
    except (DomainError, DomainErrors) as exc:
        _domain_messages(request, exc)
        return redirect(_page_url("proposal"))
    cart_remember(request, checkout)
    messages.success(
        request,
        f"꾸러미 상품 {len(lines)}가지를 장바구니에 담았습니다 "
        f"({proposal.request.headcount}명, 1인당 {format_krw(proposal.cost_per_person)}).",
    )
    return redirect("storefront:cart")


@require_POST
def builder_save(request):
    """Save the proposal as a bundle (signed-in users; see ``bundles.services``)."""
    from bundles.builder_graphql import default_bundle_name
    from bundles.services import bundle_create

    if not request.user.is_authenticated:
        return redirect_to_login(_page_url("proposal"))
    proposal = _current(request)
    if proposal is None or not proposal.items:
        return redirect(_page_url())
    name = (request.POST.get("name") or "").strip() or default_bundle_name(proposal.request)
    try:
        bundle = bundle_create(
            actor=request.user,
            name=name,
            description="\n".join(proposal.explanation),
            occasion=proposal.request.occasion,
            serves=proposal.request.headcount,
            components=proposal.lines,
        )
    except (DomainError, DomainErrors) as exc:
        _domain_messages(request, exc)
        return redirect(_page_url("proposal"))
    messages.success(request, f"꾸러미 '{bundle.name}'을(를) 저장했습니다.")
    try:
        return redirect(reverse("bundles:detail", args=[bundle.slug]))
    except NoReverseMatch:
        return redirect(_page_url("proposal"))


@require_POST
def builder_reset(request):
    request.session.pop(SESSION_KEY, None)
    return redirect(_page_url())
