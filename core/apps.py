from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Nuri core"

    def ready(self):
        from django.conf import settings
        from django.core.signals import setting_changed

        from core.logging import _forget_secret_values, connect_celery_signals

        # Request ids travel into Celery tasks and back into the worker's log lines.
        connect_celery_signals()
        # The secrets redacted from logs are cached per configuration.
        setting_changed.connect(_forget_secret_values, dispatch_uid="core.logging.secrets")
        if settings.SENTRY_DSN:
            from core.error_reporting import init_sentry

            init_sentry(
                dsn=settings.SENTRY_DSN,
                environment=settings.SENTRY_ENVIRONMENT,
                release=settings.SENTRY_RELEASE,
                traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
            )
