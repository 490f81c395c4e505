import logging

from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from core import health

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """Liveness: the process answers. Checks no dependency (see ``readyz``)."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Readiness: database, cache, broker and search answer (``core.health``); 503 if not."""
    ok, checks = health.run_checks()
    if not ok:
        failing = {name: c["error"] for name, c in checks.items() if not c["ok"]}
        logger.warning("readiness check failed: %s", failing, extra={"checks": failing})
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503
    )
