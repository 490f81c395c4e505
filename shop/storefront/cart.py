"""Cart and checkout pages (Korean): ``/cart/`` grouped by vendor, ``/checkout/`` in one form.

Every rule lives in the services (``shop.checkout.services``, ``shop.payments.services``);
these views read the web session, call them and show their ``DomainError`` messages next to
the fields they concern.

The cart is found through the web session (``CHECKOUT_SESSION_KEY`` holds its secret token,
for anonymous buyers and signed-in ones alike; sign-in joins an anonymous cart to the
account) and, for a signed-in buyer without one, the account's latest cart. The header's
line count is kept in the session next to the token (``CART_COUNT_KEY``) whenever a cart page
changes or shows the cart, so that other pages need no query for it; a count whose token no
longer matches the session's cart (after sign-in merged two carts) is not shown.

Bundles: a bundle's component lines are shown under the bundle's name inside each vendor's
group (each vendor still ships its part), with one control per bundle above the groups (its
count, what it costs after its discount, remove) posting to ``bundles:cart_update``.

Paying uses the test gateway (card number field): a declined card keeps the cart and says
why; a card that needs authentication (3-D Secure) gets one more confirmation step. The
order page is reached by the order's secret token, so buyers without an account can pay too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError, DomainErrors, add_to_form, as_error_list
from shop.checkout import services
from shop.checkout.models import Checkout
from shop.checkout.pricing import CheckoutQuote, LineQuote, VendorGroup
from shop.checkout.selectors import checkout_get, checkout_quote
from shop.orders import errors as codes
from shop.payments import errors as payment_codes
from shop.payments import services as payments
from shop.payments.models import Transaction, TransactionEvent, TransactionStatus

CART_COUNT_KEY = "nuri_cart"
LAST_ORDER_KEY = "nuri_last_order"  # the order a repeated checkout submit goes to
TEST_GATEWAY_ID = "nuri.payments.test"
TEST_CARD_HINT = "4242 4242 4242 4242"

# Service error fields (GraphQL names) → checkout form fields.
FIELD_MAP = {
    "email": "email",
    "recipientName": "recipient_name",
    "phone": "phone",
    "postcode": "postcode",
    "roadAddress": "road_address",
    "detailAddress": "detail_address",
    "deliveryMethodId": "delivery_method",
    "deliveryMethod": "delivery_method",
    "cardNumber": "card_number",
}


# ---------------------------------------------------------------------------------------------
# The session's cart
# ---------------------------------------------------------------------------------------------


def _set(session, key: str, value) -> None:
    """Write a session value only when it changes (no session write on every page)."""
    if session.get(key) != value:
        session[key] = value


def cart_remember(request, checkout: Checkout) -> None:
    """Point the session at ``checkout`` and keep its line count for the header."""
    token = str(checkout.token)
    _set(request.session, services.CHECKOUT_SESSION_KEY, token)
    _set(request.session, CART_COUNT_KEY, {"token": token, "lines": len(checkout.lines.all())})


def cart_forget(request) -> None:
    request.session.pop(services.CHECKOUT_SESSION_KEY, None)
    request.session.pop(CART_COUNT_KEY, None)


def session_checkout(request) -> Checkout | None:
    """The buyer's cart: the session's (when they may use it), else the account's latest."""
    token = request.session.get(services.CHECKOUT_SESSION_KEY)
    checkout = checkout_get(token) if token else None
    if checkout is not None and not services.checkout_can_access(checkout, request.user):
        checkout = None
    if checkout is None and request.user.is_authenticated:
        checkout = services.user_checkout_get(request.user)
    if checkout is None:
        if token or CART_COUNT_KEY in request.session:
            cart_forget(request)
        return None
    cart_remember(request, checkout)
    return checkout


def _messages(request, exc: DomainError | DomainErrors) -> None:
    for err in as_error_list(exc):
        messages.error(request, str(err.message))


def _next_url(request, default: str) -> str:
    nxt = request.POST.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return default


def _int(value, default: int | None = None) -> int | None:
    try:
        return int(str(value).replace(",", "").strip())
    except (TypeError, ValueError):
        return default


# ---------------------------------------------------------------------------------------------
# What the cart shows
# ---------------------------------------------------------------------------------------------


@dataclass
class CartLine:
    quote: LineQuote
    line: object  # the CheckoutLine
    problem: str = ""

    @property
    def variant(self):
        return self.quote.variant

    @property
    def product(self):
        return self.quote.product

    @property
    def bundle(self):
        return self.quote.bundle


@dataclass
class CartSection:
    """Lines of one vendor group: the plain ones (``bundle`` None) or one bundle's."""

    bundle: object
    bundle_quantity: int
    lines: list[CartLine] = field(default_factory=list)


@dataclass
class CartGroup:
    group: VendorGroup
    lines: list[CartLine] = field(default_factory=list)

    @property
    def vendor(self):
        return self.group.vendor

    @property
    def sections(self) -> list[CartSection]:
        """Plain lines first, then each bundle's lines under its name."""
        sections: dict[object, CartSection] = {None: CartSection(None, 0)}
        for cl in self.lines:
            key = cl.bundle.pk if cl.bundle is not None else None
            section = sections.get(key)
            if section is None:
                section = sections[key] = CartSection(cl.bundle, cl.quote.bundle_quantity)
            section.lines.append(cl)
        return [sec for sec in sections.values() if sec.lines]

    @property
    def more_for_free(self) -> int:
        """Won still to add for free delivery from this vendor (0: none, or already free)."""
        free_over = self.vendor.shipping_free_over
        if not self.group.shipping_fee or free_over is None:
            return 0
        return max(free_over - self.group.subtotal, 0)


def _line_problem(line: LineQuote) -> str:
    """What stops this line from being ordered now (shown next to it), or ''."""
    product = line.product
    if not (product.is_published and product.vendor.is_active):
        return "지금 판매하지 않는 상품입니다. 장바구니에서 빼 주세요."
    stock = getattr(line.variant, "stock", None)
    available = stock.available if stock is not None else 0
    if available <= 0:
        return "품절되었습니다. 장바구니에서 빼 주세요."
    if line.quantity > available:
        return f"재고가 부족합니다 (주문 가능 수량 {available}개)."
    return ""


def cart_groups(quote: CheckoutQuote) -> list[CartGroup]:
    return [
        CartGroup(
            group=g,
            lines=[
                CartLine(quote=line, line=line.key, problem=_line_problem(line)) for line in g.lines
            ],
        )
        for g in quote.groups
    ]


@dataclass
class CartBundle:
    """One bundle in the cart: its count and what it costs after its discount."""

    bundle: object
    quantity: int
    undiscounted: int = 0
    total: int = 0
    vendor_ids: set = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    @property
    def discount(self) -> int:
        return self.undiscounted - self.total

    @property
    def vendor_count(self) -> int:
        return len(self.vendor_ids)


def cart_bundles(groups: list[CartGroup]) -> list[CartBundle]:
    found: dict[int, CartBundle] = {}
    for g in groups:
        for cl in g.lines:
            if cl.bundle is None:
                continue
            cb = found.get(cl.bundle.pk)
            if cb is None:
                cb = found[cl.bundle.pk] = CartBundle(cl.bundle, cl.quote.bundle_quantity)
            cb.undiscounted += cl.quote.undiscounted_total
            cb.total += cl.quote.total
            cb.vendor_ids.add(g.vendor.pk)
            if cl.problem:
                cb.problems.append(f"{cl.product.name}: {cl.problem}")
    return list(found.values())


def _stock_errors(groups: list[CartGroup]) -> list[DomainError]:
    """The lines that cannot be ordered now, as the services' errors (checked before paying,
    so that a card is not charged for a cart that cannot become an order)."""
    out = []
    for g in groups:
        for cl in g.lines:
            if not cl.problem:
                continue
            stock = getattr(cl.variant, "stock", None)
            available = stock.available if stock is not None else 0
            if cl.quote.quantity > available:
                out.append(services.insufficient_stock_error(cl.variant, available))
            else:
                out.append(
                    DomainError(
                        codes.PRODUCT_UNAVAILABLE,
                        f"{services.variant_label(cl.variant)}은(는) 지금 판매하지 않는 "
                        "상품입니다.",
                        "lines",
                    )
                )
    return out


def _totals(quote: CheckoutQuote) -> dict:
    taxed = quote.taxed
    return {
        "undiscounted": quote.subtotal + quote.discount_total,
        "discount": quote.discount_total,
        "subtotal": quote.subtotal,
        "shipping": quote.shipping_total,
        "total": quote.total,
        "tax": taxed.tax,
        "supply": taxed.net,
    }


# ---------------------------------------------------------------------------------------------
# Cart pages
# ---------------------------------------------------------------------------------------------


@require_GET
def cart_detail(request):
    checkout = session_checkout(request)
    quote = checkout_quote(checkout) if checkout is not None else None
    groups = cart_groups(quote) if quote is not None else []
    return render(
        request,
        "shop/storefront/cart/cart.html",
        {
            "checkout": checkout,
            "groups": groups,
            "bundles": cart_bundles(groups),
            "totals": _totals(quote) if quote is not None else None,
            "has_problems": any(cl.problem for g in groups for cl in g.lines),
            "max_quantity": services.MAX_LINE_QUANTITY,
        },
    )


@require_POST
def cart_add(request):
    """Add a variant (``variant``, ``quantity``) to the session's cart (a new one if needed)."""
    back = _next_url(request, reverse("storefront:cart"))
    variant_id = _int(request.POST.get("variant"))
    quantity = _int(request.POST.get("quantity"), 1)
    if variant_id is None:
        messages.error(request, "담을 상품 옵션을 고르세요.")
        return redirect(back)
    checkout = session_checkout(request)
    try:
        if checkout is None:
            checkout = services.checkout_create(user=request.user, lines=[(variant_id, quantity)])
        else:
            checkout = services.checkout_lines_add(
                checkout=checkout, lines=[(variant_id, quantity)]
            )
    except (DomainError, DomainErrors) as exc:
        _messages(request, exc)
        return redirect(back)
    cart_remember(request, checkout)
    line = next((x for x in checkout.lines.all() if x.variant_id == variant_id), None)
    name = line.variant.product.name if line is not None else "상품"
    messages.success(request, f"'{name}'을(를) 장바구니에 담았습니다.")
    return redirect(back)


def _cart_line_or_404(checkout: Checkout | None, line_id: int):
    line = next((x for x in checkout.lines.all() if x.pk == line_id), None) if checkout else None
    if line is None:
        raise Http404("장바구니에 없는 상품입니다.")
    return line


@require_POST
def cart_line_update(request, line_id: int):
    """Set a line's quantity (0 removes it)."""
    checkout = session_checkout(request)
    line = _cart_line_or_404(checkout, line_id)
    if line.bundle_id is not None:
        messages.error(request, "꾸러미 구성품은 꾸러미 단위로 바꿀 수 있습니다.")
        return redirect("storefront:cart")
    quantity = _int(request.POST.get("quantity"))
    if quantity is None:
        messages.error(request, "수량을 숫자로 입력하세요.")
        return redirect("storefront:cart")
    try:
        checkout = services.checkout_lines_update(
            checkout=checkout, lines=[(line.variant_id, quantity)]
        )
    except (DomainError, DomainErrors) as exc:
        _messages(request, exc)
        return redirect("storefront:cart")
    cart_remember(request, checkout)
    if quantity == 0:
        messages.success(request, f"'{line.variant.product.name}'을(를) 뺐습니다.")
    else:
        messages.success(
            request, f"'{line.variant.product.name}' 수량을 {quantity}개로 바꿨습니다."
        )
    return redirect("storefront:cart")


@require_POST
def cart_line_delete(request, line_id: int):
    checkout = session_checkout(request)
    line = _cart_line_or_404(checkout, line_id)
    try:
        checkout = services.checkout_lines_delete(checkout=checkout, line_ids=[line.pk])
    except (DomainError, DomainErrors) as exc:
        _messages(request, exc)
        return redirect("storefront:cart")
    cart_remember(request, checkout)
    if line.bundle_id is not None:  # the whole bundle left the cart
        messages.success(request, f"꾸러미 '{line.bundle.name}'을(를) 뺐습니다.")
    else:
        messages.success(request, f"'{line.variant.product.name}'을(를) 뺐습니다.")
    return redirect("storefront:cart")


# ---------------------------------------------------------------------------------------------
# Checkout
# ---------------------------------------------------------------------------------------------


class CheckoutForm(forms.Form):
    """The buyer's details and card. Validation is the services' (their Korean messages)."""

    email = forms.CharField(
        label="이메일",
        required=False,
        max_length=254,
        help_text="주문 확인과 발송 소식을 보내 드립니다.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "you@example.kr"}),
    )
    recipient_name = forms.CharField(
        label="받는 분",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": "김누리"}),
    )
    phone = forms.CharField(
        label="연락처",
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "010-1234-5678"}
        ),
    )
    postcode = forms.CharField(
        label="우편번호",
        required=False,
        max_length=5,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "inputmode": "numeric",
                "placeholder": "03900",
                "class": "postcode",
            }
        ),
    )
    road_address = forms.CharField(
        label="도로명 주소",
        required=False,
        max_length=300,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "address-line1",
                "placeholder": "서울특별시 마포구 월드컵북로 400",
            }
        ),
    )
    detail_address = forms.CharField(
        label="상세 주소",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "address-line2", "placeholder": "동·호수, 층 (선택)"}
        ),
    )
    delivery_method = forms.ChoiceField(
        label="배송 방법",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (m.id, f"{m.name} · {m.minimum_delivery_days}~{m.maximum_delivery_days}일")
            for m in services.DELIVERY_METHODS.values()
        ],
        initial=services.STANDARD_DELIVERY.id,
    )
    card_number = forms.CharField(
        label="카드 번호",
        required=False,
        max_length=23,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "cc-number",
                "inputmode": "numeric",
                "placeholder": TEST_CARD_HINT,
            }
        ),
    )


def _add_errors(form: forms.Form, errors: list[DomainError]) -> None:
    """The services' errors next to the form's fields (others above the form)."""
    mapped = [DomainError(e.code, e.message, FIELD_MAP.get(e.field or "")) for e in errors]
    if mapped:
        add_to_form(form, DomainErrors(mapped))


def _initial(checkout: Checkout, user) -> dict:
    signed_in = user.is_authenticated
    return {
        "email": checkout.email or (user.email if signed_in else ""),
        "recipient_name": checkout.recipient_name or (user.name if signed_in else ""),
        "phone": checkout.phone or (getattr(user, "phone", "") if signed_in else ""),
        "postcode": checkout.postcode,
        "road_address": checkout.road_address,
        "detail_address": checkout.detail_address,
        "delivery_method": checkout.delivery_method or services.STANDARD_DELIVERY.id,
    }


def _test_gateway_enabled() -> bool:
    return any(g.id == TEST_GATEWAY_ID for g in payments.payment_gateways_available())


def _render_checkout(request, checkout: Checkout, form: CheckoutForm, *, status: int = 200):
    quote = checkout_quote(checkout)
    groups = cart_groups(quote)
    return render(
        request,
        "shop/storefront/cart/checkout.html",
        {
            "checkout": checkout,
            "form": form,
            "groups": groups,
            "totals": _totals(quote),
            "attempt": uuid.uuid4().hex,
            "can_pay": _test_gateway_enabled(),
            "test_cards": {"approve": TEST_CARD_HINT, "decline": "4000 0000 0000 0002"},
            "declined": next(
                (
                    e.message
                    for e in getattr(form, "domain_errors", [])
                    if e.code == payment_codes.PAYMENT_DECLINED
                ),
                "",
            ),
            "stock_error": any(
                e.code in (codes.INSUFFICIENT_STOCK, codes.PRODUCT_UNAVAILABLE)
                for e in getattr(form, "domain_errors", [])
            ),
        },
        status=status,
    )


def _completed_order_redirect(request):
    """After completion the cart is gone: a repeated submit (a double click, the browser's
    back button) lands on the order it made instead of an empty cart."""
    token = request.session.get(services.CHECKOUT_SESSION_KEY)
    order = services.order_for_checkout_token(token) if token else None
    if order is not None:
        cart_forget(request)
        return redirect("storefront:order_detail", token=order.token)
    last = request.session.get(LAST_ORDER_KEY)
    if request.method == "POST" and last:
        return redirect("storefront:order_detail", token=last)
    return None


def _decline_message(tx: Transaction) -> str:
    event = (
        TransactionEvent.objects.filter(transaction=tx, type=payments.CHARGE_FAILURE)
        .order_by("-pk")
        .first()
    )
    return (event.message if event and event.message else "") or "카드가 거절되었습니다"


def _complete(request, checkout: Checkout, form: CheckoutForm | None = None):
    """Turn the paid cart into an order and go to its page; errors back on the checkout page."""
    try:
        order = services.checkout_complete(checkout=checkout, user=request.user)
    except (DomainError, DomainErrors) as exc:
        form = form or CheckoutForm(initial=_initial(checkout, request.user))
        form.domain_errors = as_error_list(exc)
        if form.is_bound:
            _add_errors(form, form.domain_errors)
        else:
            for err in form.domain_errors:
                messages.error(request, str(err.message))
        return _render_checkout(request, checkout_get(checkout.token), form, status=400)
    cart_forget(request)
    request.session[LAST_ORDER_KEY] = str(order.token)
    messages.success(request, f"주문이 접수되었습니다. 주문 번호 {order.number}")
    return redirect("storefront:order_detail", token=order.token)


@require_http_methods(["GET", "POST"])
def checkout_page(request):
    """One page: e-mail, address, delivery method, card; then pay and complete."""
    checkout = session_checkout(request)
    if checkout is None or not checkout.lines.all():
        done = _completed_order_redirect(request)
        if done is not None:
            return done
        messages.info(request, "장바구니가 비어 있습니다.")
        return redirect("storefront:cart")
    if request.method == "GET":
        return _render_checkout(
            request, checkout, CheckoutForm(initial=_initial(checkout, request.user))
        )

    form = CheckoutForm(request.POST)
    form.is_valid()  # only length checks; the services validate the rest
    data = form.cleaned_data
    errors: list[DomainError] = []
    steps = [
        lambda c: services.checkout_email_update(checkout=c, email=data.get("email", "")),
        lambda c: services.checkout_shipping_address_update(
            checkout=c,
            recipient_name=data.get("recipient_name", ""),
            phone=data.get("phone", ""),
            postcode=data.get("postcode", ""),
            road_address=data.get("road_address", ""),
            detail_address=data.get("detail_address", ""),
        ),
        lambda c: services.checkout_delivery_method_update(
            checkout=c, delivery_method_id=data.get("delivery_method") or ""
        ),
    ]
    for step in steps:
        try:
            checkout = step(checkout)
        except (DomainError, DomainErrors) as exc:
            errors.extend(as_error_list(exc))
    if not errors:
        errors = _stock_errors(cart_groups(checkout_quote(checkout)))
    if not errors and not _test_gateway_enabled():
        errors.append(
            DomainError(payment_codes.GATEWAY_NOT_AVAILABLE, "사용할 수 있는 결제 수단이 없습니다.")
        )
    if errors:
        form.domain_errors = errors
        _add_errors(form, errors)
        return _render_checkout(request, checkout, form, status=400)

    total = checkout_quote(checkout).total
    if payments.checkout_paid_amount(checkout) < total:
        attempt = (request.POST.get("attempt") or "")[:40]
        try:
            tx = payments.transaction_initialize(
                checkout_or_order=checkout,
                gateway_id=TEST_GATEWAY_ID,
                data={"cardNumber": data.get("card_number", "")},
                actor=request.user,
                idempotency_key=attempt or None,
            )
        except (DomainError, DomainErrors) as exc:
            form.domain_errors = as_error_list(exc)
            _add_errors(form, form.domain_errors)
            return _render_checkout(request, checkout, form, status=400)
        if tx.status == TransactionStatus.FAILED:
            message = _decline_message(tx)
            declined = DomainError(payment_codes.PAYMENT_DECLINED, message, "cardNumber")
            form.domain_errors = [declined]
            form.add_error(
                "card_number",
                f"{message}. 다른 카드로 다시 시도해 주세요. 장바구니는 그대로 있습니다.",
            )
            return _render_checkout(request, checkout, form, status=400)
        if tx.status == TransactionStatus.ACTION_REQUIRED:
            return render(
                request,
                "shop/storefront/cart/authenticate.html",
                {"transaction": tx, "total": total},
            )
        if tx.status != TransactionStatus.CHARGED:
            form.add_error("card_number", "결제가 끝나지 않았습니다. 다시 시도해 주세요.")
            return _render_checkout(request, checkout, form, status=400)
    return _complete(request, checkout, form)


@require_POST
def checkout_authenticate(request):
    """The card company's extra step (3-D Secure) for the test card that asks for it."""
    checkout = session_checkout(request)
    if checkout is None:
        done = _completed_order_redirect(request)
        return done or redirect("storefront:cart")
    try:
        token = uuid.UUID(request.POST.get("transaction") or "")
    except ValueError:
        token = None
    tx = Transaction.objects.filter(token=token, checkout=checkout).first() if token else None
    if tx is None:
        raise Http404("결제를 찾을 수 없습니다.")
    approved = request.POST.get("result") == "approve"
    try:
        tx = payments.transaction_process(
            transaction=tx, data={"authenticated": approved}, actor=request.user
        )
    except (DomainError, DomainErrors) as exc:
        _messages(request, exc)
        return redirect("storefront:checkout")
    if tx.status != TransactionStatus.CHARGED:
        messages.error(
            request, "본인 인증을 하지 못해 결제되지 않았습니다. 장바구니는 그대로 있습니다."
        )
        return redirect("storefront:checkout")
    return _complete(request, checkout)
