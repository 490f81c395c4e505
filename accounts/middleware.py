from __future__ import annotations

from django.http import JsonResponse
from django.utils.functional import SimpleLazyObject

from accounts.services import user_for_token


class BearerTokenMiddleware:
    """``Authorization: Bearer <token>`` authenticates API clients (no session, no CSRF)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            raw = header[7:].strip()
            user = user_for_token(raw)
            if user is None:
                return JsonResponse(
                    {"errors": [{"message": "Invalid or expired token.", "code": "INVALID_TOKEN"}]},
                    status=401,
                )
            request.user = SimpleLazyObject(lambda: user)
            request.auth_via_token = True
        return self.get_response(request)
