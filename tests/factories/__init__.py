"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import datetime as dt
import random

import factory
from django.utils import timezone

from accounts.models import User
from vendors.identifiers import brn_check_digit
from vendors.models import (
    Certification,
    Organization,
    Participation,
    Program,
    ProgramCycle,
    Vendor,
    VendorStaff,
)

_rng = random.Random(20261124)


def make_brn(rng: random.Random | None = None) -> str:
    """A random, valid 10-digit 사업자등록번호 (corporation head office type 81)."""
    rng = rng or _rng
    first9 = f"{rng.randint(101, 999)}81{rng.randint(0, 9999):04d}"
    return first9 + str(brn_check_digit(first9))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.kr")
    name = factory.Sequence(lambda n: f"사용자{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-12345678")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True
    email = factory.Sequence(lambda n: f"staff{n}@sehub.kr")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"사회적기업 함께{n}")
    org_type = "social_enterprise"
    brn = factory.LazyFunction(make_brn)
    representative = "김누리"
    address = "서울특별시 마포구 월드컵북로 400"
    district = "11440"
    phone = "02-353-3553"


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    organization = factory.SubFactory(OrganizationFactory)
    kind = factory.SelfAttribute("organization.org_type")
    number = factory.Sequence(lambda n: f"제2015-{n:03d}호")
    issuer = "고용노동부"
    valid_from = dt.date(2015, 1, 1)
    valid_until = None
    verified_at = factory.LazyFunction(timezone.now)


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    organization = factory.SubFactory(OrganizationFactory)
    store_name = factory.SelfAttribute("organization.name")
    slug = factory.Sequence(lambda n: f"vendor-{n}")
    mission = "취약계층에게 일자리를 제공합니다."


class VendorStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorStaff

    vendor = factory.SubFactory(VendorFactory)
    user = factory.SubFactory(UserFactory)
    role = "owner"


class ProgramCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramCycle

    program = factory.LazyFunction(lambda: Program.objects.get(code="moim"))
    year = 2026
    cohort = factory.Sequence(lambda n: f"{n}기")
    budget = 30_000_000


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    cycle = factory.SubFactory(ProgramCycleFactory)
    organization = factory.SubFactory(OrganizationFactory)
    status = "selected"
    amount_granted = 2_000_000
