"""``manage.py load_demo``: idempotent demo data through the real services."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from accounts.models import User
from core.demo import ADMIN_EMAIL, ADMIN_PASSWORD, APPLICANT_EMAIL, DEMO_PASSWORD, OWNER_EMAIL
from shop.catalog.models import Category, Product, ProductImage, ProductVariant, Stock
from vendors.models import (
    ApplicationStatus,
    Certification,
    Organization,
    OrgType,
    Participation,
    Vendor,
    VendorApplication,
    VendorStaff,
)

pytestmark = pytest.mark.django_db

MODELS = [
    User,
    Organization,
    Certification,
    Participation,
    Vendor,
    VendorStaff,
    VendorApplication,
    Category,
    Product,
    ProductVariant,
    Stock,
    ProductImage,
]


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def load_demo() -> str:
    out = StringIO()
    # A fixed eligibility day: the sample registry's designations expire as time goes by.
    call_command("load_demo", "--small", "--on", "2026-11-24", stdout=out)
    return out.getvalue()


def test_load_demo():
    """One test, because loading the demo takes seconds: load, check, load again, compare."""
    printed = load_demo()
    assert "admin@nuri.local" in printed
    assert "nuri-demo-1234" in printed
    check_vendors()
    check_accounts()
    check_catalog()

    first = counts()
    printed = load_demo()
    assert counts() == first
    assert "already loaded" in printed


def check_vendors():
    vendors = Vendor.objects.select_related("organization")
    assert vendors.count() >= 30
    selling_types = {t for t in OrgType.values if t != OrgType.PROSPECTIVE}
    assert {v.organization.org_type for v in vendors} == selling_types
    assert len({v.organization.district for v in vendors if v.organization.district}) >= 15
    # Every vendor came out of an approved application, owned by its applicant.
    approved = VendorApplication.objects.filter(status=ApplicationStatus.APPROVED)
    assert approved.count() == vendors.count()
    assert VendorStaff.objects.filter(role="owner").count() == vendors.count()
    assert VendorStaff.objects.filter(user__email=OWNER_EMAIL, role="owner").count() == 1
    pending = VendorApplication.objects.get(applicant__email=APPLICANT_EMAIL)
    assert pending.status == ApplicationStatus.SUBMITTED
    assert not Vendor.objects.filter(organization=pending.organization).exists()
    assert Participation.objects.count() >= 30
    assert Organization.objects.count() >= 280


def check_accounts():
    # The login throttle (django-axes) needs the request of every password check.
    request = RequestFactory().post("/accounts/login/")
    admin = authenticate(request, username=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    assert admin is not None
    assert admin.is_staff
    assert admin.is_superuser
    for email in (OWNER_EMAIL, APPLICANT_EMAIL):
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=email, password=DEMO_PASSWORD) is not None


def check_catalog():
    products = Product.objects.all()
    assert products.count() >= 300
    names = list(products.values_list("name", flat=True))
    assert any("쌀과자" in n for n in names)
    organic = products.filter(name__contains="유기농")
    assert organic.count() >= 5
    assert all("organic" in p.dietary_tags for p in organic if p.kind != "other")
    assert products.filter(dietary_codes__contains=",vegan,").count() >= 10
    assert products.filter(is_featured=True).exists()
    assert products.filter(is_published=False).exists()
    assert set(products.values_list("kind", flat=True)) == {"food", "drink", "other"}
    # Tax types by DOMAIN.md: kimchi and tofu exempt, snacks, drinks and goods taxable.
    assert set(products.filter(category__slug="kimchi").values_list("tax_type", flat=True)) == {
        "exempt"
    }
    assert set(products.filter(category__slug="tofu").values_list("tax_type", flat=True)) == {
        "exempt"
    }
    for slug in ("rice-snacks", "cookies-bakery", "coffee", "tea", "soap", "ceramics"):
        assert set(products.filter(category__slug=slug).values_list("tax_type", flat=True)) == {
            "taxable"
        }, slug
    # Category tree.
    assert Category.objects.get(slug="rice-snacks").parent.name == "과자·간식"
    assert Category.objects.get(slug="coffee").parent.name == "음료"
    # Variants, stock and a picture for every product; plausible prices and servings.
    assert not products.filter(variants__isnull=True).exists()
    assert Stock.objects.count() == ProductVariant.objects.count()
    assert ProductImage.objects.exclude(thumbnail="").count() == products.count()
    prices = list(ProductVariant.objects.values_list("price", flat=True))
    assert min(prices) >= 1500
    assert max(prices) <= 60000
    assert ProductVariant.objects.filter(servings__gt=1, product__kind="food").exists()
