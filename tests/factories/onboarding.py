"""Factories and helpers for vendor onboarding tests."""

from __future__ import annotations

import datetime as dt
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from tests.factories import CertificationFactory, OrganizationFactory, UserFactory
from vendors.models import VendorApplication, VendorApplicationEvent


def _one_page_pdf() -> bytes:
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(out)
    return out.getvalue()


# A tiny but well-formed one-page PDF (uploads are parsed, so it must have a real xref).
PDF_BYTES = _one_page_pdf()
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def pdf_upload(
    name: str = "인증서.pdf", content: bytes = PDF_BYTES, content_type="application/pdf"
):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_upload(name: str = "logo.png"):
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def certification_fields(**overrides) -> dict:
    base = {
        "kind": "social_enterprise",
        "number": "제2015-123호",
        "issuer": "고용노동부",
        "valid_from": dt.date(2015, 1, 1),
        "valid_until": None,
    }
    return {**base, **overrides}


class VendorApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application of an organization with a valid, unverified certification."""

    class Meta:
        model = VendorApplication
        skip_postgeneration_save = True

    applicant = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    certification = factory.SubFactory(
        CertificationFactory,
        organization=factory.SelfAttribute("..organization"),
        verified_at=None,
    )
    store_name = factory.Sequence(lambda n: f"함께 상점 {n}")
    description = "우리 동네 사회적기업의 상점입니다."
    mission = "지역 주민에게 일자리를 제공합니다."
    contact_phone = "010-1234-5678"
    status = "submitted"

    @factory.post_generation
    def submitted_event(obj, create, extracted, **kwargs):
        if create:
            VendorApplicationEvent.objects.create(
                application=obj, type="submitted", actor=obj.applicant
            )
