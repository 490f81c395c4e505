"""``manage.py seed_scale``: a bulk generated catalog, small here (`make bench` seeds 100k)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Min

from shop.catalog.models import Product, ProductImage, ProductVariant, Stock
from shop.management.commands.seed_scale import SLUG_PREFIX, make_brn
from vendors.identifiers import brn_normalize
from vendors.models import Certification, Organization, OrgType, Vendor

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_scale", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_seed_scale_counts_and_rows():
    seed("--orgs", "50", "--products", "500", "--seed", "7")
    assert Organization.objects.count() == 50
    assert Certification.objects.count() == 50
    assert set(Organization.objects.values_list("org_type", flat=True)) <= set(OrgType.values)
    vendors = Vendor.objects.count()
    assert 1 <= vendors < 50
    products = Product.objects.filter(slug__startswith=SLUG_PREFIX)
    assert products.count() == 500
    # Every product has 1-3 variants, every variant its stock, every product an image row.
    assert not products.filter(variants__isnull=True).exists()
    variants = ProductVariant.objects.filter(product__in=products)
    assert products.count() <= variants.count() <= 3 * products.count()
    assert Stock.objects.filter(variant__in=variants).count() == variants.count()
    assert ProductImage.objects.filter(product__in=products).count() == 500
    prices = list(variants.values_list("price", flat=True))
    assert min(prices) >= 1500
    assert max(prices) <= 60000
    assert products.filter(is_published=True).count() > 450
    # The price range the listing sorts and filters by is filled in, as the services do.
    lowest = dict(variants.values("product").annotate(m=Min("price")).values_list("product", "m"))
    assert all(p.min_price == lowest[p.pk] for p in products)

    # Running again creates nothing; larger numbers top up.
    seed("--orgs", "50", "--products", "500", "--seed", "7", "--no-index")
    assert Product.objects.count() == 500
    assert Vendor.objects.count() == vendors
    seed("--orgs", "60", "--products", "600", "--seed", "7", "--no-index")
    assert Organization.objects.count() == 60
    assert Product.objects.count() == 600
    assert Stock.objects.count() == ProductVariant.objects.count()


def test_generated_brns_are_valid_and_unique():
    brns = {make_brn(i, OrgType.SOCIAL_ENTERPRISE) for i in range(0, 30_000, 7)}
    assert len(brns) == len(range(0, 30_000, 7))
    for brn in sorted(brns):
        assert brn_normalize(brn) == brn
