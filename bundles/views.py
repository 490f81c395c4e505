"""Bundle pages (Korean, phone first): the list, a bundle's page (components grouped by
vendor, each vendor's share, price, availability with reasons, "장바구니 담기", the
subscription form), the buyer's subscriptions, and the cart's bundle controls.

Every rule is in ``bundles.services`` / ``bundles.subscriptions``; these views read the web
session's cart (``shop.storefront.cart.session_checkout``), call them and show their Korean
messages. The list costs a fixed number of queries whatever its length (two per page).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bundles import services, subscriptions
from bundles.models import Occasion, Subscription, SubscriptionFrequency, SubscriptionStatus
from bundles.pricing import bundle_availability, bundle_lines, bundle_price, component_label
from bundles.selectors import bundle_cards, bundle_for_ref, bundle_get, bundle_list
from bundles.selectors import subscription_list as subscriptions_of
from core.errors import DomainError, DomainErrors, add_to_form, as_error_list
from shop.checkout import services as checkout_services
from shop.storefront.cart import _messages, _next_url, cart_remember, session_checkout
from shop.tax import TaxedAmount

PAGE_SIZE = 24


def _int(value, default=None):
    try:
        return int(str(value).replace(",", "").strip())
    except (TypeError, ValueError):
        return default


# ---------------------------------------------------------------------------------------------
# List and detail
# ---------------------------------------------------------------------------------------------


@require_GET
def bundle_list_page(request):
    occasion = request.GET.get("occasion") or ""
    if occasion not in Occasion.values:
        occasion = ""
    available_only = bool(request.GET.get("available"))
    qs = bundle_list(
        user=request.user,
        occasion=occasion or None,
        available=True if available_only else None,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "bundles/list.html",
        {
            "page": page,
            "cards": bundle_cards(page.object_list),
            "occasions": Occasion.choices,
            "occasion": occasion,
            "available_only": available_only,
        },
    )


class SubscriptionForm(forms.Form):
    """정기배송 신청. Validation is the service's (its Korean messages)."""

    frequency = forms.ChoiceField(
        label="배송 주기",
        choices=SubscriptionFrequency.choices,
        initial=SubscriptionFrequency.MONTHLY,
        widget=forms.RadioSelect,
    )
    quantity = forms.IntegerField(label="꾸러미 수", min_value=1, initial=1)
    start_on = forms.DateField(
        label="첫 배송일", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    email = forms.EmailField(label="보고서 받을 이메일", required=False)
    recipient_name = forms.CharField(label="받는 분", max_length=100, required=False)
    phone = forms.CharField(
        label="연락처",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "placeholder": "010-1234-5678"}),
    )
    postcode = forms.CharField(
        label="우편번호",
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "03900"}),
    )
    road_address = forms.CharField(label="도로명 주소", max_length=300, required=False)
    detail_address = forms.CharField(label="상세 주소", max_length=200, required=False)


# Service error fields (GraphQL names) → subscription form fields.
FIELD_MAP = {
    "startOn": "start_on",
    "recipientName": "recipient_name",
    "roadAddress": "road_address",
    "detailAddress": "detail_address",
    "postcode": "postcode",
    "phone": "phone",
    "email": "email",
    "quantity": "quantity",
    "frequency": "frequency",
}


def _subscription_initial(user) -> dict:
    start = timezone.localdate() + dt.timedelta(days=7)
    if start.day > 28:
        start = start.replace(day=1) + dt.timedelta(days=31)
        start = start.replace(day=1)
    initial = {"start_on": start, "quantity": 1, "frequency": SubscriptionFrequency.MONTHLY}
    if user.is_authenticated:
        initial.update(email=user.email, recipient_name=user.name, phone=user.phone)
    return initial


def _groups(bundle):
    """Components grouped by vendor, with each vendor's share of one bundle."""
    groups = []
    by_vendor = {}
    for line in bundle_lines(bundle):
        vendor = line.vendor
        group = by_vendor.get(vendor.pk)
        if group is None:
            group = by_vendor[vendor.pk] = {
                "vendor": vendor,
                "lines": [],
                "share": 0,
                "undiscounted": 0,
            }
            groups.append(group)
        group["lines"].append(
            {
                "component": line.key,
                "label": component_label(line.variant),
                "line": line,
                "tax_label": line.product.get_tax_type_display(),
            }
        )
        group["share"] += line.total
        group["undiscounted"] += line.undiscounted_total
    return groups


def _render_detail(request, bundle, *, form=None, status=200):
    lines = bundle_lines(bundle)
    taxed = TaxedAmount(0, 0, 0)
    for line in lines:
        taxed = taxed + line.taxed
    price = bundle_price(bundle)
    availability = bundle_availability(bundle)
    if form is None and request.user.is_authenticated:
        form = SubscriptionForm(initial=_subscription_initial(request.user))
    return render(
        request,
        "bundles/detail.html",
        {
            "bundle": bundle,
            "price": price,
            "taxed": taxed,
            "per_person": price.price // bundle.serves if bundle.serves else None,
            "availability": availability,
            "max_quantity": max(min(availability.count, checkout_services.MAX_LINE_QUANTITY), 1),
            "groups": _groups(bundle),
            "form": form,
            "monthly": {
                "weekly": subscriptions.monthly_estimate(bundle, 1, SubscriptionFrequency.WEEKLY),
                "monthly": subscriptions.monthly_estimate(bundle, 1, SubscriptionFrequency.MONTHLY),
            },
            "can_edit": services.bundle_can_edit(request.user, bundle),
        },
        status=status,
    )


@require_GET
def bundle_detail(request, slug: str):
    bundle = bundle_get(slug=slug, user=request.user)
    if bundle is None:
        raise Http404("꾸러미를 찾을 수 없습니다.")
    return _render_detail(request, bundle)


# ---------------------------------------------------------------------------------------------
# Cart
# ---------------------------------------------------------------------------------------------


@require_POST
def bundle_cart_add(request, slug: str):
    """Put ``quantity`` bundles in the session's cart (a new cart if needed)."""
    bundle = bundle_for_ref(user=request.user, slug=slug)
    if bundle is None:
        raise Http404("꾸러미를 찾을 수 없습니다.")
    back = _next_url(request, reverse("storefront:cart"))
    quantity = _int(request.POST.get("quantity"), 1)
    checkout = session_checkout(request)
    try:
        with transaction.atomic():
            if checkout is None:
                checkout = checkout_services.checkout_create(user=request.user)
            checkout = services.bundle_add_to_checkout(
                checkout=checkout, bundle=bundle, quantity=quantity, actor=request.user
            )
    except (DomainError, DomainErrors) as exc:
        _messages(request, exc)
        return redirect(_next_url(request, reverse("bundles:detail", args=[bundle.slug])))
    cart_remember(request, checkout)
    messages.success(request, f"꾸러미 '{bundle.name}' {quantity}개를 장바구니에 담았습니다.")
    return redirect(back)


@require_POST
def bundle_cart_update(request, bundle_id: int):
    """The cart page's bundle controls: set the count (``quantity``; 0 removes it)."""
    checkout = session_checkout(request)
    line = (
        next((x for x in checkout.lines.all() if x.bundle_id == bundle_id), None)
        if checkout is not None
        else None
    )
    if line is None:
        raise Http404("장바구니에 없는 꾸러미입니다.")
    bundle = line.bundle
    quantity = 0 if request.POST.get("remove") else _int(request.POST.get("quantity"))
    if quantity is None:
        messages.error(request, "수량을 숫자로 입력하세요.")
        return redirect("storefront:cart")
    try:
        checkout = services.bundle_set_checkout_quantity(
            checkout=checkout, bundle=bundle, quantity=quantity, actor=request.user
        )
    except (DomainError, DomainErrors) as exc:
        _messages(request, exc)
        return redirect("storefront:cart")
    cart_remember(request, checkout)
    if quantity == 0:
        messages.success(request, f"꾸러미 '{bundle.name}'을(를) 뺐습니다.")
    else:
        messages.success(request, f"꾸러미 '{bundle.name}'을(를) {quantity}개로 바꿨습니다.")
    return redirect("storefront:cart")


# ---------------------------------------------------------------------------------------------
# Subscriptions
# ---------------------------------------------------------------------------------------------


@require_POST
def bundle_subscribe(request, slug: str):
    if not request.user.is_authenticated:
        return redirect(
            f"{reverse('accounts:login')}?next={reverse('bundles:detail', args=[slug])}"
        )
    bundle = bundle_get(slug=slug, user=request.user)
    if bundle is None:
        raise Http404("꾸러미를 찾을 수 없습니다.")
    form = SubscriptionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, bundle, form=form, status=400)
    data = form.cleaned_data
    try:
        subscriptions.subscription_create(
            user=request.user,
            bundle=bundle,
            frequency=data["frequency"],
            quantity=data["quantity"],
            start_on=data.get("start_on"),
            email=data.get("email") or "",
            recipient_name=data.get("recipient_name") or "",
            phone=data.get("phone") or "",
            postcode=data.get("postcode") or "",
            road_address=data.get("road_address") or "",
            detail_address=data.get("detail_address") or "",
        )
    except (DomainError, DomainErrors) as exc:
        mapped = [
            DomainError(e.code, e.message, FIELD_MAP.get(e.field or "")) for e in as_error_list(exc)
        ]
        add_to_form(form, DomainErrors(mapped))
        return _render_detail(request, bundle, form=form, status=400)
    messages.success(
        request,
        f"'{bundle.name}' 정기배송을 신청했습니다. 배송일마다 계산서 후불 주문이 만들어집니다.",
    )
    return redirect("bundles:subscriptions")


STATUS_ORDER = {
    SubscriptionStatus.ACTIVE: 0,
    SubscriptionStatus.PAUSED: 1,
    SubscriptionStatus.CANCELED: 2,
}


@login_required
@require_GET
def subscription_list_page(request):
    items = sorted(
        subscriptions_of(request.user), key=lambda s: (STATUS_ORDER.get(s.status, 9), -s.pk)
    )
    rows = [
        {
            "subscription": s,
            "price": bundle_price(s.bundle),
            "monthly": subscriptions.monthly_estimate(s.bundle, s.quantity, s.frequency),
            "runs": list(s.runs.all())[:6],
        }
        for s in items
    ]
    return render(request, "bundles/subscriptions.html", {"rows": rows})


ACTIONS = {
    "pause": (subscriptions.subscription_pause, "정기배송을 일시 중지했습니다."),
    "resume": (subscriptions.subscription_resume, "정기배송을 다시 시작했습니다."),
    "cancel": (subscriptions.subscription_cancel, "정기배송을 해지했습니다."),
}


@login_required
@require_POST
def subscription_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404()
    qs = Subscription.objects.all() if request.user.is_staff else request.user.bundle_subscriptions
    subscription = qs.filter(pk=pk).first()
    if subscription is None:
        raise Http404("정기배송을 찾을 수 없습니다.")
    function, done = ACTIONS[action]
    try:
        function(subscription=subscription, actor=request.user)
    except (DomainError, DomainErrors) as exc:
        _messages(request, exc)
    else:
        messages.success(request, done)
    return redirect("bundles:subscriptions")
