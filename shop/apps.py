from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("상점")

    def ready(self) -> None:
        from shop.checkout.signals import connect_signals
        from shop.search import checks  # noqa: F401  (registers the pg_trgm ctype check)

        connect_signals()  # an anonymous cart joins the account on sign-in
