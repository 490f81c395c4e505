"""Error reports without secrets: Django's exception reporter filter and optional Sentry.

``NuriExceptionReporterFilter`` (``DEFAULT_EXCEPTION_REPORTER_FILTER``) hides more settings,
POST fields and frame variables than Django's default. ``init_sentry`` runs when
``SENTRY_DSN`` is set (from ``CoreConfig.ready``); its ``before_send`` reuses the log
redaction and tags each event with the request id.
"""

from __future__ import annotations

import re

from django.views.debug import SafeExceptionReporterFilter

from core.logging import current_request_id, redact_data

_SENSITIVE_NAMES = (
    "API|AUTH|TOKEN|KEY|SECRET|PASS|PWD|SIGNATURE|COOKIE|CSRF|SESSION|DSN|CREDENTIAL"
    "|PRIVATE|BROKER|REDIS_URL|DATABASE_URL|CARD|CVC|CVV|ACCOUNT_NUMBER"
)


class NuriExceptionReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(_SENSITIVE_NAMES, flags=re.IGNORECASE)

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if request is None or not params:
            return params
        cleansed = params.copy()
        for key in cleansed:
            if self.hidden_settings.search(key):
                cleansed[key] = self.cleansed_substitute
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [
            (name, self.cleansed_substitute if self.hidden_settings.search(name) else value)
            for name, value in variables
        ]


def before_send(event: dict, hint: dict | None = None) -> dict:
    """Sentry hook: every string of the event redacted, the request id as a tag."""
    event = redact_data(event)
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})
        if isinstance(event["tags"], dict):
            event["tags"]["request_id"] = request_id
    return event


def init_sentry(
    *, dsn: str, environment: str, release: str | None, traces_sample_rate: float
) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        before_send=before_send,
        before_send_transaction=before_send,
    )
