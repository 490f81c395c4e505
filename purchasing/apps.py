from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "purchasing"
    verbose_name = _("공공구매")

    def ready(self) -> None:
        # Quotes and orders as 견적서 / 거래명세서 / 세금계산서 data (purchasing.documents).
        from purchasing import document_data

        document_data.register()
