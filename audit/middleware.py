"""Puts the request in the audit context, so services record who acted without a request.

Must come after ``AuthenticationMiddleware`` and ``accounts.middleware.BearerTokenMiddleware``
(the user is read from ``request.user`` when an event is recorded, so session and bearer-token
users both count).
"""

from __future__ import annotations

from audit import context


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ip = request.META.get("REMOTE_ADDR") or None
        token = context.enter(context.AuditContext(request=request, ip=ip))
        try:
            return self.get_response(request)
        finally:
            context.leave(token)
