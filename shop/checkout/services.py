"""Checkout writes: the cart across vendors, the buyer's details, and completion into an order.

Every function is keyword-only and raises ``DomainError``/``DomainErrors`` with a
``shop.orders.errors`` code. ``checkout_complete`` is the one place where a cart becomes an
order: in one transaction it checks the cart, checks that it is paid (or on invoice),
allocates stock with conditional UPDATEs (never more than is on hand, also under concurrency
on PostgreSQL), writes the order with its vendor orders and line snapshots, attaches the
payments and removes the cart. Completing the same checkout again returns the same order.

Bundles (``bundles``): a bundle in the cart is one component line per variant with
``CheckoutLine.bundle`` and ``bundle_quantity`` set, written by
``bundles.services.bundle_add_to_checkout``. The functions here that work per variant
(``checkout_lines_add``/``update``) touch plain lines only; stock is checked against the
variant's whole demand in the cart (plain and bundle lines); deleting any line of a bundle
removes the whole bundle; completion checks the bundle is still orderable and unchanged, and
copies the bundle and each line's share of its discount onto the order lines.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

import audit
from core.errors import DomainError, DomainErrors
from shop.catalog.models import ProductVariant, Stock
from shop.checkout.address import address_validate
from shop.checkout.models import Checkout, CheckoutLine
from shop.checkout.pricing import CheckoutQuote
from shop.checkout.selectors import checkout_get, checkout_quote
from shop.orders import errors as codes
from shop.orders.models import (
    ChargeStatus,
    Order,
    OrderLine,
    OrderStatus,
    VendorOrder,
)

# The anonymous buyer's checkout token, kept in the web session (joined to the account at login).
CHECKOUT_SESSION_KEY = "nuri_checkout_token"
DEFAULT_CHANNEL = "default-channel"
CHANNELS = (DEFAULT_CHANNEL,)
MAX_LINE_QUANTITY = 999


@dataclass(frozen=True)
class DeliveryMethod:
    """How a cart is delivered. Its price is the sum of the vendors' delivery fees."""

    id: str
    name: str
    description: str
    minimum_delivery_days: int
    maximum_delivery_days: int


STANDARD_DELIVERY = DeliveryMethod(
    id="standard",
    name="택배 (일반 배송)",
    description="판매처마다 따로 발송하며, 판매처별 배송비가 붙습니다.",
    minimum_delivery_days=1,
    maximum_delivery_days=3,
)
DELIVERY_METHODS = {STANDARD_DELIVERY.id: STANDARD_DELIVERY}


# ---------------------------------------------------------------------------------------------
# Access and errors
# ---------------------------------------------------------------------------------------------


def checkout_can_access(checkout: Checkout, user) -> bool:
    """An anonymous cart is reached by its (secret) token; an account's cart by its owner
    and centre staff only."""
    if checkout.user_id is None:
        return True
    if user is None or not user.is_authenticated:
        return False
    return user.pk == checkout.user_id or user.is_staff


def require_checkout_access(checkout: Checkout, user) -> None:
    if not checkout_can_access(checkout, user):
        raise DomainError("PERMISSION_DENIED", "이 장바구니에 접근할 권한이 없습니다.")


def variant_label(variant: ProductVariant) -> str:
    name = f"{variant.product.name} {variant.name}".strip()
    return f"'{name}' (SKU {variant.sku})"


def _variant_error(code: str, message: str, variant_id: int, field: str) -> DomainError:
    err = DomainError(code, message, field)
    err.variant_ids = [variant_id]  # shown as ``CheckoutError.variants``
    return err


def insufficient_stock_error(
    variant: ProductVariant, available: int, field: str = "lines"
) -> DomainError:
    return _variant_error(
        codes.INSUFFICIENT_STOCK,
        f"{variant_label(variant)}의 재고가 부족합니다 (주문 가능 수량 {available}개).",
        variant.pk,
        field,
    )


def _available(variant: ProductVariant) -> int:
    try:
        return variant.stock.available
    except ProductVariant.stock.RelatedObjectDoesNotExist:
        return 0


def _is_sellable(variant: ProductVariant) -> bool:
    product = variant.product
    return bool(product.is_published and product.vendor.is_active)


def _check_line(variant: ProductVariant, quantity: int, field: str) -> DomainError | None:
    if not _is_sellable(variant):
        return _variant_error(
            codes.PRODUCT_UNAVAILABLE,
            f"{variant_label(variant)}은(는) 지금 판매하지 않는 상품입니다.",
            variant.pk,
            field,
        )
    if quantity > MAX_LINE_QUANTITY:
        return _variant_error(
            codes.QUANTITY_GREATER_THAN_LIMIT,
            f"한 상품은 {MAX_LINE_QUANTITY}개까지 담을 수 있습니다.",
            variant.pk,
            field,
        )
    available = _available(variant)
    if quantity > available:
        return insufficient_stock_error(variant, available, field)
    return None


def _raise_all(errors: list[DomainError]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DomainErrors(errors)


def _load_variants(variant_ids: Iterable[int], field: str) -> dict[int, ProductVariant]:
    ids = set(variant_ids)
    variants = {
        v.pk: v
        for v in ProductVariant.objects.select_related("product__vendor", "stock").filter(
            pk__in=ids
        )
    }
    missing = sorted(ids - variants.keys())
    if missing:
        _raise_all(
            [
                _variant_error("NOT_FOUND", "상품 옵션을 찾을 수 없습니다.", pk, field)
                for pk in missing
            ]
        )
    return variants


def _merge_quantities(lines: Sequence[tuple[int, int]], field: str) -> dict[int, int]:
    """``[(variant_id, quantity)]`` → ``{variant_id: quantity}`` (repeated variants add up)."""
    merged: dict[int, int] = {}
    for variant_id, quantity in lines:
        if quantity is None or quantity < 1:
            raise _variant_error(
                codes.ZERO_QUANTITY, "수량은 1개 이상이어야 합니다.", variant_id, field
            )
        merged[variant_id] = merged.get(variant_id, 0) + quantity
    return merged


def _plain_lines(checkout: Checkout) -> dict[int, CheckoutLine]:
    """``{variant_id: line}`` of the lines that are not part of a bundle."""
    return {line.variant_id: line for line in checkout.lines.all() if line.bundle_id is None}


def _bundle_demand(checkout: Checkout) -> dict[int, int]:
    """Units per variant held by the cart's bundle lines."""
    demand: dict[int, int] = {}
    for line in checkout.lines.all():
        if line.bundle_id is not None:
            demand[line.variant_id] = demand.get(line.variant_id, 0) + line.quantity
    return demand


def _check_line_in_cart(
    variant: ProductVariant, quantity: int, field: str, other_units: int
) -> DomainError | None:
    """``_check_line`` for a plain line, the stock check also counting ``other_units`` of the
    same variant held by bundles in the cart."""
    err = _check_line(variant, quantity, field)
    if err is None and other_units and quantity + other_units > _available(variant):
        err = insufficient_stock_error(variant, max(_available(variant) - other_units, 0), field)
    return err


def _clean_email(email: str, field: str = "email") -> str:
    email = (email or "").strip().lower()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("INVALID", "이메일 주소 형식이 올바르지 않습니다.", field)
    return email


def _touch(checkout: Checkout) -> None:
    Checkout.objects.filter(pk=checkout.pk).update(updated_at=timezone.now())


def _reload(checkout: Checkout) -> Checkout:
    return checkout_get(checkout.token)


# ---------------------------------------------------------------------------------------------
# Cart
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def checkout_create(
    *,
    user=None,
    email: str = "",
    channel: str | None = None,
    lines: Sequence[tuple[int, int]] = (),
    shipping_address: dict | None = None,
) -> Checkout:
    """A new cart for a signed-in or anonymous buyer, with its first lines."""
    channel = channel or DEFAULT_CHANNEL
    if channel not in CHANNELS:
        raise DomainError("NOT_FOUND", f"'{channel}' 채널이 없습니다.", "channel")
    user = user if user is not None and user.is_authenticated else None
    email = _clean_email(email) or (user.email if user else "")
    wanted = _merge_quantities(lines, "lines")
    variants = _load_variants(wanted, "lines")
    _raise_all(
        [
            err
            for pk, qty in wanted.items()
            if (err := _check_line(variants[pk], qty, "lines")) is not None
        ]
    )
    address = {}
    if shipping_address:
        address = address_validate(
            **shipping_address, code=codes.INVALID_SHIPPING_ADDRESS
        ).as_fields()
    checkout = Checkout.objects.create(user=user, email=email, channel=channel, **address)
    CheckoutLine.objects.bulk_create(
        CheckoutLine(checkout=checkout, variant_id=pk, quantity=qty) for pk, qty in wanted.items()
    )
    return _reload(checkout)


@transaction.atomic
def checkout_lines_add(*, checkout: Checkout, lines: Sequence[tuple[int, int]]) -> Checkout:
    """Add quantities; a variant already in the cart gets the sum."""
    wanted = _merge_quantities(lines, "lines")
    if not wanted:
        raise DomainError("REQUIRED", "담을 상품을 고르세요.", "lines")
    variants = _load_variants(wanted, "lines")
    current = _plain_lines(checkout)
    in_bundles = _bundle_demand(checkout)
    totals = {
        pk: qty + (current[pk].quantity if pk in current else 0) for pk, qty in wanted.items()
    }
    _raise_all(
        [
            err
            for pk, qty in totals.items()
            if (err := _check_line_in_cart(variants[pk], qty, "lines", in_bundles.get(pk, 0)))
            is not None
        ]
    )
    _apply_quantities(checkout, current, totals)
    return _reload(checkout)


@transaction.atomic
def checkout_lines_update(*, checkout: Checkout, lines: Sequence[tuple[int, int]]) -> Checkout:
    """Set quantities (Saleor's ``checkoutLinesUpdate``): 0 removes the line, a variant not in
    the cart is added."""
    wanted: dict[int, int] = {}
    for variant_id, quantity in lines:
        if variant_id in wanted:
            raise _variant_error(
                codes.DUPLICATED_INPUT_ITEM, "같은 상품이 두 번 있습니다.", variant_id, "lines"
            )
        if quantity is None or quantity < 0:
            raise _variant_error(
                codes.ZERO_QUANTITY, "수량은 0개 이상이어야 합니다.", variant_id, "lines"
            )
        wanted[variant_id] = quantity
    if not wanted:
        raise DomainError("REQUIRED", "바꿀 상품을 고르세요.", "lines")
    current = _plain_lines(checkout)
    in_bundles = _bundle_demand(checkout)
    keep = {pk: qty for pk, qty in wanted.items() if qty > 0}
    variants = _load_variants(keep, "lines")
    _raise_all(
        [
            err
            for pk, qty in keep.items()
            if (err := _check_line_in_cart(variants[pk], qty, "lines", in_bundles.get(pk, 0)))
            is not None
        ]
    )
    removed = [current[pk].pk for pk, qty in wanted.items() if qty == 0 and pk in current]
    if removed:
        CheckoutLine.objects.filter(pk__in=removed).delete()
    _apply_quantities(checkout, current, keep)
    return _reload(checkout)


def _apply_quantities(checkout: Checkout, current: dict, quantities: dict[int, int]) -> None:
    new = []
    for pk, qty in quantities.items():
        line = current.get(pk)
        if line is None:
            new.append(CheckoutLine(checkout=checkout, variant_id=pk, quantity=qty))
        elif line.quantity != qty:
            CheckoutLine.objects.filter(pk=line.pk).update(quantity=qty)
    if new:
        CheckoutLine.objects.bulk_create(new)
    _touch(checkout)


@transaction.atomic
def checkout_lines_delete(*, checkout: Checkout, line_ids: Sequence[int]) -> Checkout:
    ids = set(line_ids)
    if not ids:
        raise DomainError("REQUIRED", "뺄 상품을 고르세요.", "linesIds")
    lines = list(checkout.lines.all())
    mine = {line.pk for line in lines}
    if ids - mine:
        raise DomainError("NOT_FOUND", "장바구니에 없는 상품입니다.", "linesIds")
    # A bundle leaves the cart whole: deleting one of its lines deletes all of them.
    bundles = {line.bundle_id for line in lines if line.pk in ids and line.bundle_id}
    ids |= {line.pk for line in lines if line.bundle_id in bundles}
    CheckoutLine.objects.filter(checkout=checkout, pk__in=ids).delete()
    _touch(checkout)
    return _reload(checkout)


@transaction.atomic
def checkout_email_update(*, checkout: Checkout, email: str) -> Checkout:
    email = _clean_email(email)
    if not email:
        raise DomainError("REQUIRED", "이메일 주소를 입력하세요.", "email")
    Checkout.objects.filter(pk=checkout.pk).update(email=email, updated_at=timezone.now())
    return _reload(checkout)


@transaction.atomic
def checkout_shipping_address_update(
    *,
    checkout: Checkout,
    recipient_name: str,
    phone: str,
    postcode: str,
    road_address: str,
    detail_address: str = "",
) -> Checkout:
    """Validate and store a Korean address (every invalid field reported at once)."""
    address = address_validate(
        recipient_name=recipient_name,
        phone=phone,
        postcode=postcode,
        road_address=road_address,
        detail_address=detail_address,
        code=codes.INVALID_SHIPPING_ADDRESS,
    )
    Checkout.objects.filter(pk=checkout.pk).update(**address.as_fields(), updated_at=timezone.now())
    return _reload(checkout)


@transaction.atomic
def checkout_delivery_method_update(*, checkout: Checkout, delivery_method_id: str) -> Checkout:
    if delivery_method_id not in DELIVERY_METHODS:
        raise DomainError(
            codes.INVALID_SHIPPING_METHOD,
            "지원하지 않는 배송 방법입니다 (가능한 방법: 택배).",
            "deliveryMethodId",
        )
    Checkout.objects.filter(pk=checkout.pk).update(
        delivery_method=delivery_method_id, updated_at=timezone.now()
    )
    return _reload(checkout)


def checkout_delivery_method(checkout: Checkout) -> DeliveryMethod | None:
    return DELIVERY_METHODS.get(checkout.delivery_method)


# ---------------------------------------------------------------------------------------------
# Sign-in: the anonymous cart joins the account
# ---------------------------------------------------------------------------------------------


def user_checkout_get(user) -> Checkout | None:
    """The account's current cart (the most recently changed one)."""
    if user is None or not user.is_authenticated:
        return None
    token = (
        Checkout.objects.filter(user=user).order_by("-updated_at", "-pk").values("token").first()
    )
    return checkout_get(token["token"]) if token else None


@transaction.atomic
def checkout_assign_to_user(*, checkout: Checkout, user) -> Checkout:
    """Give an anonymous cart to the account that just signed in.

    When the account already has a cart, the anonymous lines are merged into it (quantities
    add up; email and address fill what the account's cart lacks) and the anonymous cart is
    deleted. A cart that already holds payments is never merged away: it is assigned as is.
    Another account's cart is left alone.
    """
    if checkout.user_id is not None:
        return checkout
    target = user_checkout_get(user)
    has_payments = checkout.transactions.exists()
    if target is None or has_payments:
        Checkout.objects.filter(pk=checkout.pk).update(
            user=user, email=checkout.email or user.email, updated_at=timezone.now()
        )
        return _reload(checkout)
    current = _plain_lines(target)
    quantities = {pk: line.quantity for pk, line in current.items()}
    for line in checkout.lines.all():
        if line.bundle_id is None:
            quantities[line.variant_id] = quantities.get(line.variant_id, 0) + line.quantity
    _merge_bundle_lines(target, checkout)
    _apply_quantities(target, current, quantities)
    fill = {}
    if not target.email:
        fill["email"] = checkout.email or user.email
    if not target.has_address and checkout.has_address:
        fill.update(
            recipient_name=checkout.recipient_name,
            phone=checkout.phone,
            postcode=checkout.postcode,
            road_address=checkout.road_address,
            detail_address=checkout.detail_address,
        )
    if not target.delivery_method and checkout.delivery_method:
        fill["delivery_method"] = checkout.delivery_method
    if fill:
        Checkout.objects.filter(pk=target.pk).update(**fill)
    checkout.delete()
    return _reload(target)


def _merge_bundle_lines(target: Checkout, source: Checkout) -> None:
    """Add the source cart's bundles to the target's: the same bundle's counts add up."""
    added: dict[int, int] = {}
    for line in source.lines.all():
        if line.bundle_id is not None:
            added[line.bundle_id] = line.bundle_quantity
    if not added:
        return
    existing = {
        (line.variant_id, line.bundle_id): line
        for line in target.lines.all()
        if line.bundle_id is not None
    }
    counts = dict.fromkeys(added, 0)
    for (_variant_id, bundle_id), line in existing.items():
        if bundle_id in counts:
            counts[bundle_id] = line.bundle_quantity
    new = []
    for line in source.lines.all():
        if line.bundle_id is None:
            continue
        mine = existing.get((line.variant_id, line.bundle_id))
        if mine is None:
            new.append(
                CheckoutLine(
                    checkout=target,
                    variant_id=line.variant_id,
                    quantity=line.quantity,
                    bundle_id=line.bundle_id,
                    bundle_quantity=counts[line.bundle_id] + added[line.bundle_id],
                )
            )
        else:
            CheckoutLine.objects.filter(pk=mine.pk).update(quantity=F("quantity") + line.quantity)
    for bundle_id, count in added.items():
        CheckoutLine.objects.filter(checkout=target, bundle_id=bundle_id).update(
            bundle_quantity=counts[bundle_id] + count
        )
    if new:
        CheckoutLine.objects.bulk_create(new)


def checkout_join_session_on_login(*, request, user) -> Checkout | None:
    """Called at sign-in (``user_logged_in``): the session's anonymous cart joins the account,
    and the session then points at the account's cart."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    token = session.get(CHECKOUT_SESSION_KEY)
    checkout = checkout_get(token) if token else None
    if checkout is not None and checkout.user_id is None:
        checkout = checkout_assign_to_user(checkout=checkout, user=user)
    elif checkout is None or checkout.user_id != user.pk:
        checkout = user_checkout_get(user)
    if checkout is None:
        session.pop(CHECKOUT_SESSION_KEY, None)
    else:
        session[CHECKOUT_SESSION_KEY] = str(checkout.token)
    return checkout


def checkout_remember_in_session(request, checkout: Checkout) -> None:
    """Keep an anonymous buyer's cart token in the web session."""
    session = getattr(request, "session", None)
    if session is not None and checkout.user_id is None:
        session[CHECKOUT_SESSION_KEY] = str(checkout.token)


# ---------------------------------------------------------------------------------------------
# Completion
# ---------------------------------------------------------------------------------------------


def order_for_checkout_token(token) -> Order | None:
    try:
        return Order.objects.filter(checkout_token=token).first()
    except (ValueError, TypeError, ValidationError):
        return None


def _validate_for_complete(checkout: Checkout, quote: CheckoutQuote, user=None) -> None:
    lines = list(checkout.lines.all())
    if not lines:
        raise DomainError(codes.NO_LINES, "장바구니가 비어 있습니다.", "lines")
    errors = []
    if not checkout.email:
        errors.append(DomainError(codes.EMAIL_NOT_SET, "이메일 주소를 입력하세요.", "email"))
    if not checkout.has_address:
        errors.append(
            DomainError(codes.SHIPPING_ADDRESS_NOT_SET, "배송지를 입력하세요.", "shippingAddress")
        )
    if checkout.delivery_method not in DELIVERY_METHODS:
        errors.append(
            DomainError(codes.SHIPPING_METHOD_NOT_SET, "배송 방법을 선택하세요.", "deliveryMethod")
        )
    # A variant's units are checked together (a plain line and bundles may share it).
    demand: dict[int, int] = {}
    variants: dict[int, ProductVariant] = {}
    for line in lines:
        demand[line.variant_id] = demand.get(line.variant_id, 0) + line.quantity
        variants.setdefault(line.variant_id, line.variant)
    for variant_id, quantity in demand.items():
        err = _check_line(variants[variant_id], quantity, "lines")
        if err is not None:
            errors.append(err)
    if any(line.bundle_id for line in lines):
        from bundles.services import bundle_checkout_errors

        buyer = checkout.user if checkout.user_id else user
        errors.extend(bundle_checkout_errors(lines=lines, user=buyer))
    _raise_all(errors)


def _allocate(quote: CheckoutQuote) -> dict[int, int]:
    """Reserve every line's units with a conditional UPDATE, in variant-id order (no deadlocks).

    ``allocated = allocated + q WHERE quantity >= allocated + q`` is re-checked by PostgreSQL
    on the latest row version when another transaction updated it first, so concurrent buyers
    can never allocate more than is on hand; a row count of 0 means not enough stock.
    """
    needed: dict[int, int] = {}
    variants = {}
    for line in quote.lines:
        needed[line.variant.pk] = needed.get(line.variant.pk, 0) + line.quantity
        variants[line.variant.pk] = line.variant
    for variant_id in sorted(needed):
        qty = needed[variant_id]
        updated = Stock.objects.filter(
            variant_id=variant_id, quantity__gte=F("allocated") + qty
        ).update(allocated=F("allocated") + qty)
        if updated != 1:
            stock = Stock.objects.filter(variant_id=variant_id).first()
            available = stock.available if stock else 0
            raise insufficient_stock_error(variants[variant_id], available)
    return needed


def _order_number(order: Order) -> str:
    return f"N{timezone.localdate():%Y%m%d}-{order.pk:06d}"


def _create_order(checkout: Checkout, quote: CheckoutQuote, user) -> Order:
    buyer = checkout.user if checkout.user_id else user
    if buyer is not None and not buyer.is_authenticated:
        buyer = None
    order = Order.objects.create(
        number=f"T{uuid.uuid4().hex[:19]}",  # replaced by the id-based number below
        checkout_token=checkout.token,
        user=buyer,
        email=checkout.email,
        channel=checkout.channel,
        recipient_name=checkout.recipient_name,
        phone=checkout.phone,
        postcode=checkout.postcode,
        road_address=checkout.road_address,
        detail_address=checkout.detail_address,
        status=OrderStatus.UNFULFILLED,
        charge_status=ChargeStatus.NONE,
        subtotal=quote.subtotal,
        shipping_total=quote.shipping_total,
        discount_total=quote.discount_total,
        tax_total=quote.tax_total,
        total=quote.total,
    )
    order.number = _order_number(order)
    Order.objects.filter(pk=order.pk).update(number=order.number)
    order_lines = []
    for index, group in enumerate(quote.groups, start=1):
        vendor_order = VendorOrder.objects.create(
            order=order,
            vendor=group.vendor,
            number=f"{order.number}-{index:02d}",
            subtotal=group.subtotal,
            shipping_fee=group.shipping_fee,
            discount=group.discount,
            tax=group.taxed.tax,
            total=group.total,
        )
        for line in group.lines:
            taxed = line.taxed
            order_lines.append(
                OrderLine(
                    vendor_order=vendor_order,
                    variant=line.variant,
                    product_name=line.product.name,
                    variant_name=line.variant.name,
                    sku=line.variant.sku,
                    tax_type=line.tax_type,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                    discount=line.discount,
                    total=line.total,
                    supply=taxed.net,
                    tax=taxed.tax,
                    bundle=line.bundle,
                    bundle_name=line.bundle.name if line.bundle is not None else "",
                    bundle_quantity=line.bundle_quantity if line.bundle is not None else 0,
                )
            )
    OrderLine.objects.bulk_create(order_lines)
    return order


def checkout_complete(*, checkout: Checkout, user=None) -> Order:
    """Turn a paid (or invoiced) cart into an order; idempotent by the checkout's token.

    A second call for the same checkout returns the first order and changes nothing (no
    second allocation, order or e-mail). Concurrent calls for the same checkout are
    serialized by a row lock on the checkout.
    """
    from shop.orders.services import EventType, actor_role, order_event_record
    from shop.payments import services as payments

    token = checkout.token
    existing = order_for_checkout_token(token)
    if existing is not None:
        return existing
    require_checkout_access(checkout, user)
    with transaction.atomic():
        if not Checkout.objects.select_for_update().filter(pk=checkout.pk).exists():
            order = order_for_checkout_token(token)
            if order is not None:
                return order
            raise DomainError("NOT_FOUND", "장바구니를 찾을 수 없습니다.", "id")
        order = order_for_checkout_token(token)
        if order is not None:  # completed while we waited for the lock
            return order
        checkout = checkout_get(token)
        quote = checkout_quote(checkout)
        _validate_for_complete(checkout, quote, user)
        on_invoice = payments.checkout_uses_invoice(checkout)
        if not on_invoice:
            paid = payments.checkout_paid_amount(checkout)
            if paid < quote.total:
                raise DomainError(
                    codes.CHECKOUT_NOT_FULLY_PAID,
                    f"결제가 끝나지 않았습니다 (결제할 금액 {quote.total:,}원, "
                    f"결제된 금액 {paid:,}원).",
                )
        allocated = _allocate(quote)
        order = _create_order(checkout, quote, user)
        payments.transactions_attach_to_order(checkout=checkout, order=order)
        order.refresh_from_db()
        if on_invoice and order.charge_status == ChargeStatus.NONE:
            order.charge_status = ChargeStatus.INVOICE
            order.save(update_fields=["charge_status", "updated_at"])
        actor = user if user is not None and user.is_authenticated else None
        order_event_record(
            order=order,
            type=EventType.PLACED,
            actor=actor,
            role=actor_role(order, actor) if actor is not None else "buyer",
            message=f"주문 {order.number} 접수 ({order.total:,}원)",
            data={
                "total": order.total,
                "vendor_orders": [vo.number for vo in order.vendor_orders.all()],
                "charge_status": order.charge_status,
            },
            notify=True,
        )
        audit.record(
            "order.created",
            order,
            actor=actor,
            changes={
                "total": order.total,
                "charge_status": order.charge_status,
                "email": order.email,
                "vendor_orders": [vo.number for vo in order.vendor_orders.all()],
            },
        )
        audit.record_stock("stock.allocated", order, allocated, actor=actor, allocated=1)
        Checkout.objects.filter(pk=checkout.pk).delete()
    return order
