"""Vendor application pages (Korean): apply, my applications, status, resubmission.

Step 1 looks the organization up by 사업자등록번호 (a read: ``GET ?brn=``); step 2 shows the
registry entry, or a form to register the organization, with the store details and the
certification document. The rules and the writes are in ``vendors.onboarding``.
"""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from core.errors import DomainError, DomainErrors
from vendors import onboarding
from vendors.eligibility import organization_can_sell
from vendors.models import ApplicationStatus
from vendors.views.onboarding_forms import (
    ApplicationForm,
    BrnForm,
    OrganizationForm,
    ResubmitForm,
    place_errors,
)

STEP_TEMPLATE = "vendors/onboarding/apply.html"


def _step1(request, brn_form, status=200):
    mine = onboarding.application_list(user=request.user)[:5]
    return render(
        request, STEP_TEMPLATE, {"step": 1, "brn_form": brn_form, "mine": mine}, status=status
    )


@login_required
def application_start(request):
    """``/apply/``: step 1 (number lookup) and step 2 (the application itself)."""
    source = request.POST if request.method == "POST" else request.GET
    if "brn" not in source:
        return _step1(request, BrnForm())
    brn_form = BrnForm(source)
    if not brn_form.is_valid():
        return _step1(request, brn_form, status=400 if request.method == "POST" else 200)
    brn = brn_form.cleaned_data["brn"]
    org = onboarding.organization_lookup(brn)

    blocked = None
    if org is not None:
        if getattr(org, "vendor", None) is not None:
            blocked = "vendor"
        elif (pending := onboarding.organization_open_application(org)) is not None:
            blocked = "pending"
            if pending.applicant_id == request.user.pk:
                messages.info(request, "이미 제출한 신청이 있습니다. 진행 상태를 확인하세요.")
                return redirect("vendors:application_detail", pk=pending.pk)

    org_form = OrganizationForm(request.POST or None) if org is None else None
    app_form = ApplicationForm(request.POST or None, request.FILES or None)
    form_errors: list[str] = []
    if request.method == "POST" and blocked is None:
        forms_ok = app_form.is_valid() & (org_form is None or org_form.is_valid())
        if forms_ok:
            try:
                application = onboarding.application_submit(
                    applicant=request.user,
                    brn=brn,
                    organization=org_form.service_data() if org_form else None,
                    certification=app_form.certification_data(),
                    document=app_form.cleaned_data["document"],
                    store_name=app_form.cleaned_data["store_name"],
                    slug=app_form.cleaned_data["slug"],
                    description=app_form.cleaned_data["description"],
                    mission=app_form.cleaned_data["mission"],
                    contact_phone=app_form.cleaned_data["contact_phone"],
                )
            except (DomainError, DomainErrors) as exc:
                form_errors = place_errors(exc, app_form, org_form, brn_form)
                if brn_form.errors:
                    return _step1(request, brn_form, status=400)
            else:
                messages.success(
                    request,
                    "입점 신청이 접수되었습니다. 심사 결과는 이메일과 이 페이지에서 알려 드립니다.",
                )
                return redirect("vendors:application_detail", pk=application.pk)

    return render(
        request,
        STEP_TEMPLATE,
        {
            "step": 2,
            "brn": brn,
            "brn_form": brn_form,
            "org": org,
            "org_form": org_form,
            "form": app_form,
            "form_errors": form_errors,
            "blocked": blocked,
            "eligibility": (
                organization_can_sell(org, on=timezone.localdate()) if org is not None else None
            ),
        },
        status=400 if request.method == "POST" else 200,  # a POST that got here failed
    )


@login_required
def application_list(request):
    """``/apply/mine/``: the signed-in user's applications."""
    apps = onboarding.application_list(user=request.user).filter(applicant=request.user)
    return render(request, "vendors/onboarding/list.html", {"applications": apps})


def _get_or_404(request, pk: int):
    application = onboarding.application_get(user=request.user, pk=pk)
    if application is None:
        raise Http404("입점 신청을 찾을 수 없습니다.")
    return application


def _document_label(name: str) -> str:
    ext = os.path.splitext(name)[1].lstrip(".").upper().replace("JPEG", "JPG")
    return f"{ext or '파일'} 파일 제출됨"


@login_required
def application_detail(request, pk: int):
    """``/apply/<pk>/``: status, review note, timeline; the vendor page once approved."""
    application = _get_or_404(request, pk)
    return render(
        request,
        "vendors/onboarding/detail.html",
        {
            "application": application,
            "events": list(application.events.all()),
            # Stored under a random name (core.uploads.random_name): say what was sent.
            "document_name": (
                _document_label(application.certification.document.name)
                if application.certification and application.certification.document
                else ""
            ),
            "is_applicant": application.applicant_id == request.user.pk,
            "steps": _progress(application),
        },
    )


def _progress(application) -> list[tuple[str, str]]:
    """(label, state) for the progress bar: done / current / todo / bad."""
    status = application.status
    review = {
        ApplicationStatus.SUBMITTED: ("심사 중", "current"),
        ApplicationStatus.CHANGES_REQUESTED: ("보완 요청", "current"),
        ApplicationStatus.APPROVED: ("심사 완료", "done"),
        ApplicationStatus.REJECTED: ("심사 완료", "done"),
    }[status]
    if status == ApplicationStatus.APPROVED:
        result = ("입점 승인", "done")
    elif status == ApplicationStatus.REJECTED:
        result = ("반려", "bad")
    else:
        result = ("입점 승인", "todo")
    return [("신청 접수", "done"), review, result]


@login_required
def application_resubmit(request, pk: int):
    """``/apply/<pk>/resubmit/``: answer a request for changes."""
    application = _get_or_404(request, pk)
    if application.applicant_id != request.user.pk:
        raise Http404("입점 신청을 찾을 수 없습니다.")
    if application.status != ApplicationStatus.CHANGES_REQUESTED:
        messages.info(request, "보완 요청을 받은 신청만 다시 제출할 수 있습니다.")
        return redirect("vendors:application_detail", pk=application.pk)
    initial = {
        "store_name": application.store_name,
        "slug": application.slug,
        "description": application.description,
        "mission": application.mission,
        "contact_phone": application.contact_phone,
    }
    form = ResubmitForm(request.POST or None, request.FILES or None, initial=initial)
    form_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            onboarding.application_resubmit(
                application=application,
                actor=request.user,
                message=d["message"],
                certification=form.certification_data(),
                document=d.get("document") or None,
                store_name=d["store_name"],
                slug=d["slug"],
                description=d["description"],
                mission=d["mission"],
                contact_phone=d["contact_phone"],
            )
        except (DomainError, DomainErrors) as exc:
            form_errors = place_errors(exc, form)
        else:
            messages.success(request, "보완한 신청을 다시 제출했습니다.")
            return redirect("vendors:application_detail", pk=application.pk)
    return render(
        request,
        "vendors/onboarding/resubmit.html",
        {"application": application, "form": form, "form_errors": form_errors},
        status=400 if request.method == "POST" else 200,
    )
