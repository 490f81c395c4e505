"""Bundle writes: curating bundles, and putting a bundle in the cart.

Keyword-only functions that raise ``DomainError``/``DomainErrors`` (codes in
``bundles.errors``; the cart functions raise the checkout's codes).

Who may curate (checked here, in one place: ``_require_curator``):
- **centre staff**: any bundle, with components from any vendors; ``curator_vendor`` is
  empty (a centre bundle) unless they name a vendor;
- **a vendor's staff**: bundles made only of their own vendor's products; the bundle is
  curated by that vendor (``curator_vendor``), and only its staff (and centre staff) may
  change it;
- **anyone else signed in** (e.g. a buyer saving a proposal of the bundle builder): a
  *personal* bundle, which stays unpublished (seen and ordered by its creator only) and costs
  the sum of its components (no discount, no fixed price).
Components must be published products of active vendors; the same variant given twice is
one component with the quantities added.

Reads and prices are in ``bundles.selectors`` and ``bundles.pricing``; ``bundle_price``,
``bundle_vendor_shares`` and ``bundle_availability`` are re-exported here.

Cart: ``bundle_add_to_checkout(checkout=…, bundle=…, quantity=…)`` adds ``quantity`` bundles
(one component line per variant, ``bundle_quantity`` bundles each); the units of every
component (plus what the cart already holds of the same variant) must be in stock, else
``INSUFFICIENT_STOCK`` naming the component. ``bundle_set_checkout_quantity`` sets the count
(0 removes), ``bundle_remove_from_checkout`` removes it. Completion allocates all components
in one transaction (``shop.checkout.services.checkout_complete``): all or none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from bundles import errors as codes
from bundles.models import Bundle, BundleComponent, Occasion, PriceRule
from bundles.pricing import (
    BundleAvailability,
    BundlePrice,
    VendorShare,
    bundle_availability,
    bundle_price,
    bundle_vendor_shares,
    component_label,
    rule_price,
    short_stock_reason,
    unavailable_reason,
)
from core import uploads
from core.errors import DomainError, DomainErrors
from shop.catalog.models import ProductVariant
from shop.checkout.models import Checkout, CheckoutLine
from shop.checkout.selectors import checkout_get
from shop.checkout.services import MAX_LINE_QUANTITY
from vendors.models import Vendor

__all__ = [
    "BundleAvailability",
    "BundlePrice",
    "ComponentInput",
    "VendorShare",
    "bundle_add_to_checkout",
    "bundle_availability",
    "bundle_can_edit",
    "bundle_checkout_errors",
    "bundle_create",
    "bundle_orderable_by",
    "bundle_price",
    "bundle_remove_from_checkout",
    "bundle_set_checkout_quantity",
    "bundle_update",
    "bundle_vendor_shares",
]

MAX_COMPONENTS = 50
MAX_COMPONENT_QUANTITY = 999
MAX_SERVES = 10_000


class _Unset:
    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "UNSET"


UNSET = _Unset()
# What a bundle image may be (checked by its content, see core.uploads).
BUNDLE_IMAGE_KINDS = frozenset({uploads.JPEG, uploads.PNG, uploads.WEBP})


@dataclass(frozen=True)
class ComponentInput:
    """One component: ``variant_id`` (or a ``ProductVariant``) × ``quantity``."""

    variant_id: int
    quantity: int = 1
    note: str = ""


ComponentSpec = ComponentInput | Mapping | Sequence


def _component_input(spec) -> ComponentInput:
    """``ComponentInput``, ``(variant, quantity[, note])`` or ``{"variant_id"|"variant",
    "quantity", "note"}`` (a variant may be a ``ProductVariant`` or its id)."""
    if isinstance(spec, ComponentInput):
        return spec
    if isinstance(spec, Mapping):
        variant = spec.get("variant_id", spec.get("variant"))
        quantity = spec.get("quantity", 1)
        note = spec.get("note") or ""
    else:
        variant, quantity, *rest = spec
        note = rest[0] if rest else ""
    variant_id = getattr(variant, "pk", variant)
    return ComponentInput(variant_id=variant_id, quantity=quantity, note=note or "")


# ---------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def _managed_vendor_ids(user) -> set[int]:
    if not _signed_in(user):
        return set()
    return set(user.vendor_roles.values_list("vendor_id", flat=True))


def bundle_can_edit(user, bundle: Bundle) -> bool:
    """Centre staff; the curating vendor's staff; the creator of a personal bundle."""
    if not _signed_in(user):
        return False
    if user.is_staff:
        return True
    if bundle.curator_vendor_id is not None:
        return bundle.curator_vendor_id in _managed_vendor_ids(user)
    return bundle.created_by_id == user.pk


def bundle_orderable_by(bundle: Bundle, user) -> bool:
    """A published bundle, for anyone; an unpublished one for its creator and centre staff."""
    if bundle.is_published:
        return True
    return _signed_in(user) and (user.is_staff or bundle.created_by_id == user.pk)


def _deny(message: str) -> DomainError:
    return DomainError("PERMISSION_DENIED", message)


@dataclass(frozen=True)
class _Role:
    kind: str  # "staff", "vendor" or "personal"
    vendor: Vendor | None = None


def _require_curator(
    actor,
    *,
    bundle: Bundle | None,
    component_vendor_ids: set[int],
    curator_vendor,
    publishes: bool,
    discounts: bool,
) -> _Role:
    """Decide in what role ``actor`` writes this bundle, or refuse."""
    if not _signed_in(actor):
        raise _deny("로그인이 필요합니다.")
    if actor.is_staff:
        if curator_vendor is UNSET:
            vendor = bundle.curator_vendor if bundle is not None else None
        elif curator_vendor is None or isinstance(curator_vendor, Vendor):
            vendor = curator_vendor
        else:
            vendor = Vendor.objects.filter(pk=curator_vendor).first()
            if vendor is None:
                raise DomainError("INVALID", "판매처를 찾을 수 없습니다.", "curatorVendor")
        return _Role("staff", vendor)
    if bundle is not None and not bundle_can_edit(actor, bundle):
        raise _deny("이 꾸러미를 고칠 권한이 없습니다.")
    managed = _managed_vendor_ids(actor)
    if bundle is not None and bundle.curator_vendor_id is not None:
        vendor_id = bundle.curator_vendor_id
    elif bundle is None and len(component_vendor_ids) == 1 and component_vendor_ids <= managed:
        vendor_id = next(iter(component_vendor_ids))
    else:
        vendor_id = None
    if vendor_id is not None:
        if component_vendor_ids - {vendor_id}:
            raise _deny("판매처는 자기 상품으로만 꾸러미를 구성할 수 있습니다.")
        return _Role("vendor", Vendor.objects.get(pk=vendor_id))
    # A personal bundle (a buyer's proposal): unpublished, at the sum of its components.
    if publishes or discounts:
        if managed:
            raise _deny("판매처는 자기 상품으로만 꾸러미를 구성할 수 있습니다.")
        raise _deny("꾸러미 공개와 할인은 센터 직원이나 판매처만 할 수 있습니다.")
    return _Role("personal", None)


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


@dataclass
class _CleanComponent:
    variant: ProductVariant
    quantity: int
    note: str


def _clean_components(specs: Iterable[ComponentSpec] | None) -> list[_CleanComponent]:
    if specs is None:
        raise DomainError("REQUIRED", "구성품을 하나 이상 넣으세요.", "components")
    try:
        inputs = [_component_input(s) for s in specs]
    except (TypeError, ValueError):
        raise DomainError("INVALID", "구성품 형식이 올바르지 않습니다.", "components")
    if not inputs:
        raise DomainError("REQUIRED", "구성품을 하나 이상 넣으세요.", "components")
    errors: list[DomainError] = []
    merged: dict[int, _CleanComponent] = {}
    order: list[int] = []
    ids = set()
    for item in inputs:
        try:
            ids.add(int(item.variant_id))
        except (TypeError, ValueError):
            errors.append(DomainError("INVALID", "상품 옵션 ID가 올바르지 않습니다.", "components"))
    variants = {
        v.pk: v
        for v in ProductVariant.objects.select_related(
            "product__vendor__organization", "stock"
        ).filter(pk__in=ids)
    }
    for item in inputs:
        try:
            pk = int(item.variant_id)
        except (TypeError, ValueError):
            continue
        variant = variants.get(pk)
        if variant is None:
            errors.append(DomainError("INVALID", "상품 옵션을 찾을 수 없습니다.", "components"))
            continue
        quantity = item.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            errors.append(
                DomainError(
                    "INVALID",
                    f"구성품 '{component_label(variant)}'의 수량은 1개 이상이어야 합니다.",
                    "components",
                )
            )
            continue
        if not (variant.product.is_published and variant.product.vendor.is_active):
            errors.append(
                DomainError(
                    "INVALID",
                    f"구성품 '{component_label(variant)}'은(는) 판매 중인 상품이 아닙니다.",
                    "components",
                )
            )
            continue
        if pk in merged:
            merged[pk].quantity += quantity
        else:
            merged[pk] = _CleanComponent(variant, quantity, (item.note or "")[:200])
            order.append(pk)
    for c in merged.values():
        if c.quantity > MAX_COMPONENT_QUANTITY:
            errors.append(
                DomainError(
                    "INVALID",
                    f"구성품 '{component_label(c.variant)}'은(는) {MAX_COMPONENT_QUANTITY}개까지 "
                    "넣을 수 있습니다.",
                    "components",
                )
            )
    if len(merged) > MAX_COMPONENTS:
        errors.append(
            DomainError(
                "INVALID", f"구성품은 {MAX_COMPONENTS}가지까지 넣을 수 있습니다.", "components"
            )
        )
    if errors:
        raise DomainErrors(errors) if len(errors) > 1 else errors[0]
    return [merged[pk] for pk in order]


def _int_or_error(value, field: str, label: str, errors: list, *, minimum: int = 0):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        errors.append(DomainError("INVALID", f"{label}은(는) {minimum} 이상의 정수입니다.", field))
        return None
    return value


def _clean_fields(data: dict) -> dict:
    """Check the plain fields (all problems at once)."""
    errors: list[DomainError] = []
    out = dict(data)
    if "name" in data:
        name = " ".join((data["name"] or "").split())
        if not name:
            errors.append(DomainError("REQUIRED", "꾸러미 이름을 입력하세요.", "name"))
        elif len(name) > 200:
            errors.append(DomainError("INVALID", "이름은 200자까지 쓸 수 있습니다.", "name"))
        out["name"] = name
    if "description" in data:
        out["description"] = (data["description"] or "").strip()
    if "occasion" in data:
        occasion = getattr(data["occasion"], "value", data["occasion"])
        if not occasion:
            errors.append(DomainError("REQUIRED", "용도를 고르세요.", "occasion"))
        elif occasion not in Occasion.values:
            errors.append(DomainError("INVALID", "알 수 없는 용도입니다.", "occasion"))
        out["occasion"] = occasion
    if "serves" in data:
        serves = _int_or_error(data["serves"], "serves", "인원", errors, minimum=1)
        if serves is not None and serves > MAX_SERVES:
            errors.append(DomainError("INVALID", "인원이 너무 많습니다.", "serves"))
        if data["serves"] is None:
            errors.append(DomainError("REQUIRED", "몇 명이 먹을 꾸러미인지 입력하세요.", "serves"))
        out["serves"] = serves
    if "price_rule" in data:
        rule = getattr(data["price_rule"], "value", data["price_rule"]) or PriceRule.SUM
        if rule not in PriceRule.values:
            errors.append(DomainError("INVALID", "알 수 없는 가격 방식입니다.", "priceRule"))
        out["price_rule"] = rule
    if "discount_amount" in data:
        out["discount_amount"] = (
            _int_or_error(data["discount_amount"], "discountAmount", "할인 금액", errors) or 0
        )
    if "discount_percent" in data:
        percent = _int_or_error(data["discount_percent"], "discountPercent", "할인율", errors)
        if percent is not None and percent > 100:
            errors.append(
                DomainError("INVALID", "할인율은 0~100% 사이여야 합니다.", "discountPercent")
            )
        out["discount_percent"] = percent or 0
    if "fixed_price" in data:
        out["fixed_price"] = _int_or_error(
            data["fixed_price"], "fixedPrice", "고정 가격", errors, minimum=1
        )
    if data.get("slug"):
        slug = str(data["slug"]).strip()
        try:
            validate_unicode_slug(slug)
        except ValidationError:
            errors.append(
                DomainError("INVALID", "주소 이름은 글자, 숫자, -, _ 만 쓸 수 있습니다.", "slug")
            )
        out["slug"] = slug
    if errors:
        raise DomainErrors(errors) if len(errors) > 1 else errors[0]
    return out


def _check_price(bundle: Bundle, undiscounted: int) -> None:
    """The price rule must make sense for the components' current prices."""
    rule = bundle.price_rule
    if rule == PriceRule.FIXED:
        if bundle.fixed_price is None:
            raise DomainError("REQUIRED", "고정 가격을 입력하세요.", "fixedPrice")
        if bundle.fixed_price > undiscounted:
            raise DomainError(
                "INVALID",
                f"고정 가격은 구성품 합계({undiscounted:,}원)보다 클 수 없습니다.",
                "fixedPrice",
            )
    if rule == PriceRule.SUM_DISCOUNT and not (bundle.discount_amount or bundle.discount_percent):
        raise DomainError("REQUIRED", "할인 금액이나 할인율을 입력하세요.", "discountAmount")
    if rule_price(bundle, undiscounted).price < 1:
        raise DomainError("INVALID", "할인한 가격이 0원 이하가 됩니다.", "discountAmount")


def _normalize_rule(bundle: Bundle) -> None:
    if bundle.price_rule != PriceRule.SUM_DISCOUNT:
        bundle.discount_amount = 0
        bundle.discount_percent = 0
    if bundle.price_rule != PriceRule.FIXED:
        bundle.fixed_price = None


def _discounts(bundle: Bundle) -> bool:
    return bundle.price_rule != PriceRule.SUM


# Slugs that would collide with the bundle pages' own paths (``bundles.urls``).
RESERVED_SLUGS = {"subscriptions", "cart", "builder"}


def _unique_slug(name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name, allow_unicode=True)[:200] or "bundle"
    taken = RESERVED_SLUGS | set(
        Bundle.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _slug_taken(slug: str, exclude_pk: int | None = None) -> bool:
    if slug in RESERVED_SLUGS:
        return True
    return Bundle.objects.filter(slug=slug).exclude(pk=exclude_pk).exists()


def _write_components(bundle: Bundle, components: list[_CleanComponent]) -> None:
    bundle.components.all().delete()
    BundleComponent.objects.bulk_create(
        BundleComponent(
            bundle=bundle,
            variant=c.variant,
            quantity=c.quantity,
            note=c.note,
            sort_order=index,
        )
        for index, c in enumerate(components)
    )


# ---------------------------------------------------------------------------------------------
# Create / update
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def bundle_create(
    *,
    actor,
    name: str,
    occasion: str,
    components: Iterable[ComponentSpec],
    description: str = "",
    serves: int = 10,
    image=None,
    price_rule: str = PriceRule.SUM,
    discount_amount: int = 0,
    discount_percent: int = 0,
    fixed_price: int | None = None,
    is_published: bool = False,
    slug: str | None = None,
    curator_vendor=UNSET,
) -> Bundle:
    """A new bundle (see the module docstring for who may create what).

    ``components``: ``[(variant_or_id, quantity[, note])]``, dicts or ``ComponentInput``s.
    ``slug`` defaults to one made from the name (unique); ``curator_vendor`` (staff only)
    names the vendor that curates it; a vendor's staff curate as their vendor.
    """
    if not _signed_in(actor):
        raise _deny("로그인이 필요합니다.")
    errors: list[DomainError] = []
    fields: dict = {}
    try:
        fields = _clean_fields(
            {
                "name": name,
                "description": description,
                "occasion": occasion,
                "serves": serves,
                "price_rule": price_rule,
                "discount_amount": discount_amount,
                "discount_percent": discount_percent,
                "fixed_price": fixed_price,
                "slug": slug,
            }
        )
    except (DomainError, DomainErrors) as exc:
        errors.extend(exc.errors if isinstance(exc, DomainErrors) else [exc])
    cleaned: list[_CleanComponent] = []
    try:
        cleaned = _clean_components(components)
    except (DomainError, DomainErrors) as exc:
        errors.extend(exc.errors if isinstance(exc, DomainErrors) else [exc])
    if image:
        try:
            uploads.upload_check(image, kinds=BUNDLE_IMAGE_KINDS, field="image", label="이미지")
        except DomainError as exc:
            errors.append(exc)
    if errors:
        raise DomainErrors(errors) if len(errors) > 1 else errors[0]
    bundle = Bundle(
        name=fields["name"],
        description=fields["description"],
        occasion=fields["occasion"],
        serves=fields["serves"],
        price_rule=fields["price_rule"],
        discount_amount=fields["discount_amount"],
        discount_percent=fields["discount_percent"],
        fixed_price=fields["fixed_price"],
        is_published=bool(is_published),
    )
    _normalize_rule(bundle)
    role = _require_curator(
        actor,
        bundle=None,
        component_vendor_ids={c.variant.product.vendor_id for c in cleaned},
        curator_vendor=curator_vendor,
        publishes=bundle.is_published,
        discounts=_discounts(bundle),
    )
    bundle.curator_vendor = role.vendor
    bundle.created_by = actor
    _check_price(bundle, sum(c.variant.price * c.quantity for c in cleaned))
    if fields.get("slug"):
        if _slug_taken(fields["slug"]):
            raise DomainError("UNIQUE", "이미 쓰고 있는 주소 이름입니다.", "slug")
        bundle.slug = fields["slug"]
    else:
        bundle.slug = _unique_slug(bundle.name)
    try:
        with transaction.atomic():
            bundle.save()
    except IntegrityError:
        raise DomainError("UNIQUE", "이미 쓰고 있는 주소 이름입니다.", "slug")
    if image:
        bundle.image.save(getattr(image, "name", "") or "bundle.jpg", image, save=True)
    _write_components(bundle, cleaned)
    return bundle


@transaction.atomic
def bundle_update(
    *,
    actor,
    bundle: Bundle,
    name=UNSET,
    description=UNSET,
    occasion=UNSET,
    serves=UNSET,
    image=UNSET,
    price_rule=UNSET,
    discount_amount=UNSET,
    discount_percent=UNSET,
    fixed_price=UNSET,
    is_published=UNSET,
    slug=UNSET,
    curator_vendor=UNSET,
    components=UNSET,
) -> Bundle:
    """Change the given fields (``UNSET`` ones stay); ``components`` replaces them all.

    ``image=None`` removes the image. The price rule is checked against the components'
    current prices; the permission rules are those of ``bundle_create``.
    """
    bundle = Bundle.objects.select_for_update().get(pk=bundle.pk)
    if not bundle_can_edit(actor, bundle):
        if not _signed_in(actor):
            raise _deny("로그인이 필요합니다.")
        raise _deny("이 꾸러미를 고칠 권한이 없습니다.")
    given = {
        key: value
        for key, value in {
            "name": name,
            "description": description,
            "occasion": occasion,
            "serves": serves,
            "price_rule": price_rule,
            "discount_amount": discount_amount,
            "discount_percent": discount_percent,
            "fixed_price": fixed_price,
            "slug": slug,
        }.items()
        if value is not UNSET
    }
    fields = _clean_fields(given)
    if image is not UNSET and image:
        uploads.upload_check(image, kinds=BUNDLE_IMAGE_KINDS, field="image", label="이미지")
    for key in ("name", "description", "occasion", "serves", "price_rule"):
        if key in fields:
            setattr(bundle, key, fields[key])
    for key in ("discount_amount", "discount_percent", "fixed_price"):
        if key in fields:
            setattr(bundle, key, fields[key])
    if is_published is not UNSET:
        bundle.is_published = bool(is_published)
    _normalize_rule(bundle)
    if components is not UNSET:
        cleaned = _clean_components(components)
        vendor_ids = {c.variant.product.vendor_id for c in cleaned}
        undiscounted = sum(c.variant.price * c.quantity for c in cleaned)
    else:
        cleaned = None
        current = list(bundle.components.select_related("variant__product"))
        vendor_ids = {c.variant.product.vendor_id for c in current}
        undiscounted = sum(c.variant.price * c.quantity for c in current)
    role = _require_curator(
        actor,
        bundle=bundle,
        component_vendor_ids=vendor_ids,
        curator_vendor=curator_vendor,
        publishes=bundle.is_published,
        discounts=_discounts(bundle),
    )
    bundle.curator_vendor = role.vendor
    price_keys = ("price_rule", "discount_amount", "discount_percent", "fixed_price")
    if cleaned is not None or any(key in fields for key in price_keys):
        _check_price(bundle, undiscounted)
    if fields.get("slug") and fields["slug"] != bundle.slug:
        if _slug_taken(fields["slug"], exclude_pk=bundle.pk):
            raise DomainError("UNIQUE", "이미 쓰고 있는 주소 이름입니다.", "slug")
        bundle.slug = fields["slug"]
    try:
        with transaction.atomic():
            bundle.save()
    except IntegrityError:
        raise DomainError("UNIQUE", "이미 쓰고 있는 주소 이름입니다.", "slug")
    if image is not UNSET:
        if image:
            bundle.image.save(getattr(image, "name", "") or "bundle.jpg", image, save=True)
        elif bundle.image:
            bundle.image = ""
            bundle.save(update_fields=["image", "updated_at"])
    if cleaned is not None:
        _write_components(bundle, cleaned)
    return bundle


# ---------------------------------------------------------------------------------------------
# Cart
# ---------------------------------------------------------------------------------------------


def _component_error(code: str, message: str, variant_id: int, field: str) -> DomainError:
    err = DomainError(code, message, field)
    err.variant_ids = [variant_id]  # shown as ``CheckoutError.variants``
    return err


def _fresh_components(bundle: Bundle) -> list[BundleComponent]:
    """The components with their current stock (never the prefetched copy)."""
    return list(
        BundleComponent.objects.filter(bundle=bundle)
        .select_related("variant__product__vendor__organization", "variant__stock")
        .order_by("sort_order", "id")
    )


def _available_units(variant: ProductVariant) -> int:
    try:
        return variant.stock.available
    except ProductVariant.stock.RelatedObjectDoesNotExist:
        return 0


def _set_bundle_lines(checkout: Checkout, bundle: Bundle, count: int, field: str) -> None:
    """Make the cart hold exactly ``count`` of ``bundle`` (0 removes it), checking every
    component's stock against the whole cart's demand for its variant."""
    lines = list(checkout.lines.all())
    current = {line.variant_id: line for line in lines if line.bundle_id == bundle.pk}
    if count <= 0:
        if current:
            CheckoutLine.objects.filter(pk__in=[line.pk for line in current.values()]).delete()
        return
    components = _fresh_components(bundle)
    if not components:
        raise DomainError(
            codes.PRODUCT_UNAVAILABLE, f"꾸러미 '{bundle.name}'에 구성품이 없습니다.", field
        )
    others: dict[int, int] = {}
    for line in lines:
        if line.bundle_id != bundle.pk:
            others[line.variant_id] = others.get(line.variant_id, 0) + line.quantity
    errors: list[DomainError] = []
    for c in components:
        variant = c.variant
        units = c.quantity * count
        label = component_label(c)
        if not (variant.product.is_published and variant.product.vendor.is_active):
            errors.append(
                _component_error(
                    codes.PRODUCT_UNAVAILABLE,
                    f"꾸러미 '{bundle.name}'의 {unavailable_reason(c)}.",
                    variant.pk,
                    field,
                )
            )
            continue
        if units > MAX_LINE_QUANTITY:
            errors.append(
                _component_error(
                    codes.QUANTITY_GREATER_THAN_LIMIT,
                    f"구성품 '{label}'이(가) {MAX_LINE_QUANTITY}개를 넘습니다. 꾸러미 수를 "
                    "줄여 주세요.",
                    variant.pk,
                    field,
                )
            )
            continue
        available = _available_units(variant)
        other = others.get(variant.pk, 0)
        if units + other > available:
            can = max(available - other, 0) // c.quantity
            errors.append(
                _component_error(
                    codes.INSUFFICIENT_STOCK,
                    f"꾸러미 '{bundle.name}'의 {short_stock_reason(c)}: 꾸러미 {count}개에 "
                    f"{units}개가 필요하지만 주문 가능 수량은 {max(available - other, 0)}개입니다 "
                    f"(꾸러미 {can}개까지 담을 수 있습니다).",
                    variant.pk,
                    field,
                )
            )
    if errors:
        raise DomainErrors(errors) if len(errors) > 1 else errors[0]
    wanted = {c.variant_id: c.quantity * count for c in components}
    stale = [line.pk for variant_id, line in current.items() if variant_id not in wanted]
    if stale:
        CheckoutLine.objects.filter(pk__in=stale).delete()
    new = []
    for variant_id, units in wanted.items():
        line = current.get(variant_id)
        if line is None:
            new.append(
                CheckoutLine(
                    checkout=checkout,
                    variant_id=variant_id,
                    quantity=units,
                    bundle=bundle,
                    bundle_quantity=count,
                )
            )
        elif line.quantity != units or line.bundle_quantity != count:
            CheckoutLine.objects.filter(pk=line.pk).update(quantity=units, bundle_quantity=count)
    if new:
        CheckoutLine.objects.bulk_create(new)


def _require_orderable(bundle: Bundle, checkout: Checkout, actor, field: str) -> None:
    user = actor if _signed_in(actor) else checkout.user
    if not bundle_orderable_by(bundle, user):
        raise DomainError(
            codes.PRODUCT_UNAVAILABLE,
            f"꾸러미 '{bundle.name}'은(는) 지금 판매하지 않습니다.",
            field,
        )


def _touch(checkout: Checkout) -> Checkout:
    Checkout.objects.filter(pk=checkout.pk).update(updated_at=timezone.now())
    return checkout_get(checkout.token)


@transaction.atomic
def bundle_add_to_checkout(
    *, checkout: Checkout, bundle: Bundle, quantity: int = 1, actor=None, field: str = "bundles"
) -> Checkout:
    """Add ``quantity`` bundles to the cart (the same bundle already there gets the sum).

    Raises ``ZERO_QUANTITY``, ``PRODUCT_UNAVAILABLE`` (unpublished bundle or component),
    ``QUANTITY_GREATER_THAN_LIMIT`` or ``INSUFFICIENT_STOCK`` naming the component. Returns
    the reloaded checkout."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise DomainError(codes.ZERO_QUANTITY, "꾸러미 수량은 1개 이상이어야 합니다.", field)
    _require_orderable(bundle, checkout, actor, field)
    have = next(
        (line.bundle_quantity for line in checkout.lines.all() if line.bundle_id == bundle.pk), 0
    )
    _set_bundle_lines(checkout, bundle, have + quantity, field)
    return _touch(checkout)


@transaction.atomic
def bundle_set_checkout_quantity(
    *, checkout: Checkout, bundle: Bundle, quantity: int, actor=None, field: str = "bundles"
) -> Checkout:
    """Set how many of ``bundle`` the cart holds; 0 removes it."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise DomainError(codes.ZERO_QUANTITY, "꾸러미 수량은 0개 이상이어야 합니다.", field)
    if quantity > 0:
        _require_orderable(bundle, checkout, actor, field)
    _set_bundle_lines(checkout, bundle, quantity, field)
    return _touch(checkout)


@transaction.atomic
def bundle_remove_from_checkout(*, checkout: Checkout, bundle: Bundle) -> Checkout:
    if not any(line.bundle_id == bundle.pk for line in checkout.lines.all()):
        raise DomainError("NOT_FOUND", "장바구니에 없는 꾸러미입니다.", "bundles")
    _set_bundle_lines(checkout, bundle, 0, "bundles")
    return _touch(checkout)


def bundle_checkout_errors(*, lines: Sequence[CheckoutLine], user=None) -> list[DomainError]:
    """At checkout completion: every bundle in the cart must still be orderable by the buyer
    and the cart must hold exactly its current components × its count (a bundle edited since
    it was put in the cart must be put in again). Two queries when the cart has bundles."""
    groups: dict[int, list[CheckoutLine]] = {}
    for line in lines:
        if line.bundle_id is not None:
            groups.setdefault(line.bundle_id, []).append(line)
    if not groups:
        return []
    bundles = Bundle.objects.filter(pk__in=list(groups)).prefetch_related("components")
    errors = []
    for bundle in bundles:
        items = groups[bundle.pk]
        if not bundle_orderable_by(bundle, user):
            errors.append(
                DomainError(
                    codes.PRODUCT_UNAVAILABLE,
                    f"꾸러미 '{bundle.name}'은(는) 지금 판매하지 않습니다. 장바구니에서 빼 주세요.",
                    "lines",
                )
            )
            continue
        counts = {line.bundle_quantity for line in items}
        count = next(iter(counts))
        expected = {c.variant_id: c.quantity * count for c in bundle.components.all()}
        actual = {line.variant_id: line.quantity for line in items}
        if len(counts) != 1 or count < 1 or expected != actual:
            errors.append(
                DomainError(
                    codes.PRODUCT_UNAVAILABLE,
                    f"꾸러미 '{bundle.name}'의 구성이 바뀌었습니다. 장바구니에서 빼고 다시 "
                    "담아 주세요.",
                    "lines",
                )
            )
    return errors
