"""Vendor application pages (filled in by the onboarding work)."""

from django.http import HttpResponse


def application_start(request):
    return HttpResponse("입점 신청 (준비 중)")


def application_detail(request, pk: int):
    return HttpResponse("입점 신청 상태 (준비 중)")
