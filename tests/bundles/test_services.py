"""Curating bundles (who may, what is checked), prices and availability."""

from __future__ import annotations

import pytest

from bundles import services
from bundles.models import Bundle, PriceRule
from bundles.pricing import bundle_availability, bundle_price, bundle_taxed, bundle_vendor_shares
from core.errors import DomainError, DomainErrors
from shop.catalog.models import Stock
from tests.factories import StaffFactory, UserFactory, VendorFactory, VendorStaffFactory
from tests.factories.bundles import make_bundle
from tests.factories.orders import sellable

pytestmark = pytest.mark.django_db


def codes(exc) -> list[str]:
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    return [e.code for e in errors]


@pytest.fixture
def shop():
    a, b = VendorFactory(store_name="가게A"), VendorFactory(store_name="가게B")
    return {
        "a": a,
        "b": b,
        "cookie": sellable(price=12_000, vendor=a, name="쿠키"),
        "bread": sellable(price=5_000, vendor=a, name="식빵"),
        "tofu": sellable(price=4_000, vendor=b, name="두부", tax_type="exempt"),
    }


def _create(actor, components, **fields):
    fields.setdefault("name", "회의 꾸러미")
    fields.setdefault("occasion", "meeting")
    return services.bundle_create(actor=actor, components=components, **fields)


# ---------------------------------------------------------------------------------------------
# Who may curate
# ---------------------------------------------------------------------------------------------


def test_staff_curate_bundles_of_many_vendors(shop):
    staff = StaffFactory()
    bundle = _create(
        staff,
        [(shop["cookie"], 2), {"variant_id": shop["tofu"].pk, "quantity": 1, "note": "냉장"}],
        price_rule="sum_discount",
        discount_amount=1_000,
        is_published=True,
        serves=8,
    )
    assert bundle.curator_vendor is None
    assert bundle.created_by == staff
    assert bundle.slug == "회의-꾸러미"
    assert [(c.variant_id, c.quantity, c.note) for c in bundle.components.all()] == [
        (shop["cookie"].pk, 2, ""),
        (shop["tofu"].pk, 1, "냉장"),
    ]
    assert bundle_price(bundle) == (28_000, 27_000, 1_000)


def test_a_vendor_curates_only_with_its_own_products(shop):
    staff_a = VendorStaffFactory(vendor=shop["a"]).user
    bundle = _create(
        staff_a,
        [(shop["cookie"], 1), (shop["bread"], 2)],
        is_published=True,
        price_rule="fixed",
        fixed_price=20_000,
    )
    assert bundle.curator_vendor == shop["a"]
    with pytest.raises(DomainError) as exc:
        _create(staff_a, [(shop["cookie"], 1), (shop["tofu"], 1)], is_published=True)
    assert exc.value.code == "PERMISSION_DENIED"
    # And may not slip another vendor's product into its bundle later.
    with pytest.raises(DomainError) as exc:
        services.bundle_update(actor=staff_a, bundle=bundle, components=[(shop["tofu"], 1)])
    assert exc.value.code == "PERMISSION_DENIED"
    # Another vendor's staff cannot touch it.
    staff_b = VendorStaffFactory(vendor=shop["b"]).user
    with pytest.raises(DomainError) as exc:
        services.bundle_update(actor=staff_b, bundle=bundle, name="남의 꾸러미")
    assert exc.value.code == "PERMISSION_DENIED"
    bundle = services.bundle_update(actor=staff_a, bundle=bundle, name="빵 꾸러미", serves=4)
    assert (bundle.name, bundle.serves) == ("빵 꾸러미", 4)


def test_a_buyer_saves_a_personal_bundle_only(shop, user):
    bundle = _create(user, [(shop["cookie"], 1), (shop["tofu"], 3)])
    assert (bundle.is_published, bundle.curator_vendor, bundle.created_by) == (False, None, user)
    assert services.bundle_orderable_by(bundle, user)
    assert not services.bundle_orderable_by(bundle, UserFactory())
    for extra in ({"is_published": True}, {"price_rule": "sum_discount", "discount_amount": 500}):
        with pytest.raises(DomainError) as exc:
            _create(user, [(shop["cookie"], 1)], **extra)
        assert exc.value.code == "PERMISSION_DENIED"
    with pytest.raises(DomainError) as exc:
        services.bundle_update(actor=user, bundle=bundle, is_published=True)
    assert exc.value.code == "PERMISSION_DENIED"
    with pytest.raises(DomainError) as exc:
        services.bundle_update(actor=UserFactory(), bundle=bundle, name="x")
    assert exc.value.code == "PERMISSION_DENIED"


def test_anonymous_may_not_create(shop):
    from django.contrib.auth.models import AnonymousUser

    for actor in (None, AnonymousUser()):
        with pytest.raises(DomainError) as exc:
            _create(actor, [(shop["cookie"], 1)])
        assert exc.value.code == "PERMISSION_DENIED"


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def test_required_fields_and_components(shop):
    staff = StaffFactory()
    with pytest.raises(DomainErrors) as exc:
        services.bundle_create(actor=staff, name=" ", occasion="", components=[])
    assert sorted(codes(exc.value)) == ["REQUIRED", "REQUIRED", "REQUIRED"]
    assert {e.field for e in exc.value.errors} == {"name", "occasion", "components"}


def test_invalid_components(shop):
    staff = StaffFactory()
    hidden = sellable(name="비공개 상품", is_published=False)
    with pytest.raises(DomainErrors) as exc:
        _create(staff, [(hidden, 1), (shop["cookie"], 0), (999_999, 1)])
    messages = [e.message for e in exc.value.errors]
    assert codes(exc.value) == ["INVALID", "INVALID", "INVALID"]
    assert "구성품 '비공개 상품'은(는) 판매 중인 상품이 아닙니다." in messages
    assert "구성품 '쿠키'의 수량은 1개 이상이어야 합니다." in messages
    assert "상품 옵션을 찾을 수 없습니다." in messages


def test_the_same_variant_twice_is_one_component(shop):
    bundle = _create(StaffFactory(), [(shop["cookie"], 1), (shop["cookie"], 2)])
    assert [(c.variant_id, c.quantity) for c in bundle.components.all()] == [(shop["cookie"].pk, 3)]


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"price_rule": "fixed"}, "REQUIRED", "fixedPrice"),
        ({"price_rule": "fixed", "fixed_price": 99_999}, "INVALID", "fixedPrice"),
        ({"price_rule": "sum_discount"}, "REQUIRED", "discountAmount"),
        ({"price_rule": "sum_discount", "discount_amount": 12_000}, "INVALID", "discountAmount"),
        ({"price_rule": "sum_discount", "discount_percent": 101}, "INVALID", "discountPercent"),
        ({"price_rule": "free"}, "INVALID", "priceRule"),
        ({"occasion": "party"}, "INVALID", "occasion"),
        ({"serves": 0}, "INVALID", "serves"),
    ],
)
def test_price_rules_are_checked(shop, fields, code, field):
    with pytest.raises(DomainError) as exc:
        _create(StaffFactory(), [(shop["cookie"], 1)], **fields)
    assert (exc.value.code, exc.value.field) == (code, field)


def test_slugs_are_unique(shop):
    staff = StaffFactory()
    first = _create(staff, [(shop["cookie"], 1)], name="간식 꾸러미")
    second = _create(staff, [(shop["cookie"], 1)], name="간식 꾸러미")
    assert (first.slug, second.slug) == ("간식-꾸러미", "간식-꾸러미-2")
    with pytest.raises(DomainError) as exc:
        _create(staff, [(shop["cookie"], 1)], slug="간식-꾸러미")
    assert exc.value.code == "UNIQUE"
    with pytest.raises(DomainError) as exc:
        services.bundle_update(actor=staff, bundle=second, slug="subscriptions")
    assert exc.value.code == "UNIQUE"


def test_update_replaces_components_and_rechecks_the_price(shop):
    staff = StaffFactory()
    bundle = _create(staff, [(shop["cookie"], 1)], price_rule="fixed", fixed_price=11_000)
    with pytest.raises(DomainError) as exc:
        services.bundle_update(actor=staff, bundle=bundle, components=[(shop["bread"], 1)])
    assert (exc.value.code, exc.value.field) == ("INVALID", "fixedPrice")
    bundle = services.bundle_update(
        actor=staff,
        bundle=bundle,
        components=[(shop["bread"], 2), (shop["tofu"], 1)],
        price_rule=PriceRule.SUM,
    )
    assert bundle.fixed_price is None
    assert bundle_price(bundle) == (14_000, 14_000, 0)
    assert Bundle.objects.get(pk=bundle.pk).components.count() == 2


# ---------------------------------------------------------------------------------------------
# Prices, shares, availability
# ---------------------------------------------------------------------------------------------


def test_fixed_price_discount_is_shared_by_vendors_and_taxed_per_line(shop):
    bundle = make_bundle(
        [(shop["cookie"], 1), (shop["tofu"], 2)], price_rule="fixed", fixed_price=17_000
    )
    assert bundle_price(bundle) == (20_000, 17_000, 3_000)
    shares = {s.vendor.store_name: s.amount for s in bundle_vendor_shares(bundle)}
    # 3,000 off split 12,000 : 8,000 → 1,800 : 1,200.
    assert shares == {"가게A": 10_200, "가게B": 6_800}
    taxed = bundle_taxed(bundle)
    assert (taxed.gross, taxed.tax) == (17_000, 10_200 // 11)
    assert taxed.net + taxed.tax == taxed.gross


def test_a_fixed_price_above_the_sum_after_a_price_cut_costs_the_sum(shop):
    bundle = make_bundle([(shop["cookie"], 1)], price_rule="fixed", fixed_price=11_000)
    shop["cookie"].price = 9_000
    shop["cookie"].save()
    bundle = Bundle.objects.get(pk=bundle.pk)
    assert bundle_price(bundle) == (9_000, 9_000, 0)


def test_availability_is_the_scarcest_component(shop):
    Stock.objects.filter(variant=shop["cookie"]).update(quantity=10, allocated=3)  # 7 left
    Stock.objects.filter(variant=shop["tofu"]).update(quantity=9)
    bundle = make_bundle([(shop["cookie"], 2), (shop["tofu"], 3)])
    assert (bundle_availability(bundle).count, bundle_availability(bundle).reasons) == (3, ())
    assert bundle_availability(bundle).available


def test_unavailable_with_korean_reasons(shop):
    Stock.objects.filter(variant=shop["cookie"]).update(quantity=1)
    shop["tofu"].product.is_published = False
    shop["tofu"].product.save()
    bundle = make_bundle([(shop["cookie"], 2), (shop["tofu"], 1), (shop["bread"], 1)])
    availability = bundle_availability(bundle)
    assert not availability.available
    assert availability.count == 0
    assert list(availability.reasons) == [
        "구성품 '쿠키' 재고 부족",
        "구성품 '두부'이(가) 판매 중지되었습니다",
    ]


def test_a_vendor_that_stopped_selling_makes_it_unavailable(shop):
    shop["b"].is_active = False
    shop["b"].save()
    bundle = make_bundle([(shop["tofu"], 1)])
    assert bundle_availability(bundle).reasons == ("구성품 '두부'이(가) 판매 중지되었습니다",)


def test_a_bundle_without_components_is_unavailable():
    bundle = make_bundle([])
    assert bundle_availability(bundle) == services.BundleAvailability(0, ("구성품이 없습니다",))
