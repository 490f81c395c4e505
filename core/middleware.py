import logging
import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

access_logger = logging.getLogger("nuri.access")


class KoreanFirstLocaleMiddleware(LocaleMiddleware):
    """Korean unless the visitor chose English with the language switch (cookie).

    The browser's Accept-Language is not consulted: Nuri is a Korean service, and a
    Korean page should not turn English because a browser is set up in English.
    """

    def process_request(self, request):
        supported = {code for code, _ in settings.LANGUAGES}
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if lang not in supported:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = translation.get_language()


class RequestIdMiddleware:
    """First middleware: gives every request an id, for the logs and the response.

    The id comes from the incoming ``X-Request-ID`` when it is a sane token (≤ 64 characters
    of ``[A-Za-z0-9._-]``, e.g. set by the load balancer), else a fresh uuid4 hex. It is kept
    in ``core.logging.request_id_var`` (every log record carries it, Celery tasks queued
    by the request too) and returned in the ``X-Request-ID`` response header.

    With ``LOG_REQUESTS`` on, one ``nuri.access`` line per request records method, path,
    status, duration and the client address (after ``TrustedProxyMiddleware``).
    """

    header = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core.logging import clean_request_id, new_request_id, request_id_var

        request_id = clean_request_id(request.META.get(self.header)) or new_request_id()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if getattr(settings, "LOG_REQUESTS", False):
                duration_ms = round((time.perf_counter() - started) * 1000, 1)
                client_ip = request.META.get("REMOTE_ADDR", "")
                access_logger.info(
                    "%s %s %s %sms client=%s",
                    request.method,
                    request.path,
                    response.status_code,
                    duration_ms,
                    client_ip,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": duration_ms,
                        "client_ip": client_ip,
                    },
                )
            return response
        finally:
            request_id_var.reset(token)


class TrustedProxyMiddleware:
    """Sets ``REMOTE_ADDR`` to the client's address as seen by the trusted proxies.

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each appending its peer's address to
    ``X-Forwarded-For``, the client is the N-th address from the right; whatever the client
    put in the header itself stands further left and is ignored. With ``TRUSTED_PROXIES``
    (addresses or networks) instead, addresses are peeled from the right while they belong
    to a trusted proxy, starting with the direct peer. With neither (the default), the header
    is ignored altogether. Rate limiting (django-axes reads ``REMOTE_ADDR``) and the audit log
    then see the real client. The direct peer stays in ``request.META["NURI_PEER_ADDR"]``.
    """

    def __init__(self, get_response):
        import ipaddress

        self.get_response = get_response
        self.count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
        self.networks = [
            ipaddress.ip_network(str(net).strip(), strict=False)
            for net in getattr(settings, "TRUSTED_PROXIES", []) or []
            if str(net).strip()
        ]

    def __call__(self, request):
        peer = request.META.get("REMOTE_ADDR", "")
        request.META["NURI_PEER_ADDR"] = peer
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and (self.count or self.networks):
            client = self.client_address(peer, [a.strip() for a in forwarded.split(",")])
            if client:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)

    def client_address(self, peer: str, chain: list[str]) -> str | None:
        import ipaddress

        def parse(value):
            try:
                return ipaddress.ip_address(value)
            except ValueError:
                return None

        if self.networks:
            current = parse(peer)
            hops = list(chain)
            while current is not None and any(current in net for net in self.networks):
                if not hops:
                    break  # the whole chain is internal: its first address is the client
                current = parse(hops.pop())
            return str(current) if current is not None else None
        if len(chain) < self.count:
            return None  # did not come through every proxy: do not trust the header
        client = parse(chain[-self.count])
        return str(client) if client is not None else None


class HealthProbeMiddleware:
    """Answers ``/healthz`` and ``/readyz`` before host validation, SSL redirect and sessions.

    Orchestrators probe pods by IP over plain HTTP, which ``ALLOWED_HOSTS`` and
    ``SECURE_SSL_REDIRECT`` would refuse; the probes expose nothing host-dependent. The same
    views are also in the URLconf (for ``reverse``) and ``SECURE_REDIRECT_EXEMPT``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core import views

        if request.method in ("GET", "HEAD"):
            if request.path_info == "/healthz":
                return views.healthz(request)
            if request.path_info == "/readyz":
                return views.readyz(request)
        return self.get_response(request)
