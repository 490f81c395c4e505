"""Payment provider webhooks. ``POST /webhooks/stripe/``: 200 when applied or replayed,
400 when the signature or the body is bad (Stripe then shows the failure and retries)."""

from __future__ import annotations

import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.errors import DomainError
from shop.payments.services import stripe_webhook_handle

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        outcome = stripe_webhook_handle(request.body, request.headers.get("Stripe-Signature", ""))
    except DomainError as exc:
        logger.warning("Stripe webhook rejected: %s", exc.code)
        return JsonResponse({"error": {"code": exc.code, "message": str(exc.message)}}, status=400)
    return JsonResponse(
        {
            "received": True,
            "id": outcome.event_id,
            "type": outcome.type,
            "replay": outcome.replay,
            "handled": outcome.handled,
        }
    )
