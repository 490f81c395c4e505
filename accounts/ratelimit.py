"""Login throttling with django-axes: who is counted, and what a locked-out client sees.

Every password check goes through ``django.contrib.auth.authenticate(request, …)`` — the web
login (``accounts:login``), the admin login and GraphQL ``tokenCreate`` — and django-axes'
backend (first in ``AUTHENTICATION_BACKENDS``) counts the failures per **e-mail and client IP
address together** (``AXES_LOCKOUT_PARAMETERS``). After ``AXES_FAILURE_LIMIT`` failures that
pair is refused for ``AXES_COOLOFF_TIME`` hours, even with the right password; the same
person from another address, or another account from the same address, can still sign in.
A successful login clears the count. Staff unlock early with ``manage.py axes_reset`` (or
``axes_reset_username <email>``) or by deleting the attempt in the admin ("Access attempts").

Locked out, a web page gets HTTP 429 with a Korean message (``lockout_response``) instead of
Django's generic 403; ``tokenCreate`` answers ``errors { code: TOO_MANY_ATTEMPTS }`` in its
payload (the GraphQL response itself stays a normal 200, see ``lockout_response``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

# Set on the request by accounts.services.token_create when it already reported the lockout
# in the GraphQL payload, so the middleware leaves that response alone.
REPORTED_ATTR = "nuri_lockout_reported"


def cooloff_minutes() -> int:
    hours = settings.AXES_COOLOFF_TIME
    delta = hours if isinstance(hours, timedelta) else timedelta(hours=float(hours or 0))
    return max(1, round(delta.total_seconds() / 60))


def lockout_message() -> str:
    return (
        f"로그인 시도가 너무 많습니다. {cooloff_minutes()}분 후에 다시 시도해 주세요. "
        "비밀번호가 기억나지 않으면 센터에 문의해 주세요."
    )


def attempt_username(request, credentials: dict | None = None) -> str | None:
    """The e-mail an attempt is counted under, whatever the form calls the field.

    The login forms post ``username`` (Django's AuthenticationForm, also in the admin) while
    ``tokenCreate`` passes ``email``; both are normalised like the login itself (trimmed,
    lower case) so that ``A@x.kr`` and ``a@x.kr`` share one counter.
    """
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("username")
    if not value and request is not None:
        data = getattr(request, "POST", None) or {}
        value = data.get("email") or data.get("username")
    if not value:
        return None
    return str(value).strip().lower()[:255]


def client_ip(request) -> str | None:
    """The client address axes counts: ``REMOTE_ADDR`` only.

    Behind a load balancer the proxy middleware rewrites ``REMOTE_ADDR`` from the trusted
    proxies' ``X-Forwarded-For``; a header sent by the client itself is never believed here,
    so nobody escapes the counter by inventing addresses.
    """
    return request.META.get("REMOTE_ADDR") or None


def _is_graphql(request) -> bool:
    try:
        return request.path == reverse("graphql")
    except Exception:  # pragma: no cover - URLconf without the endpoint
        return False


def lockout_response(request, original_response=None, credentials=None):
    """What ``axes.middleware.AxesMiddleware`` returns for a locked-out request.

    Web and admin logins: a Korean page with HTTP 429 (Too Many Requests). GraphQL: the
    original response, whose ``tokenCreate`` payload already carries ``TOO_MANY_ATTEMPTS`` —
    replacing it would lose the other fields of the operation.
    """
    if original_response is not None and (
        getattr(request, REPORTED_ATTR, False) or _is_graphql(request)
    ):
        return original_response
    return render(
        request,
        "accounts/lockout.html",
        {
            "message": lockout_message(),
            "minutes": cooloff_minutes(),
            "login_url": reverse("accounts:login"),
        },
        status=429,
    )
