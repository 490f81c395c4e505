"""URLconf for the purchasing tests: the project's URLs, the agency portal at ``/agency/``
(namespace ``agency``) and the dashboard's quote pages under ``/vendor/`` (namespace
``dashboard``), whether or not the project's URLconf includes them yet."""

from django.urls import URLResolver, include, path

from config import urls as root
from purchasing import vendor_urls
from shop.dashboard import urls as dashboard_urls


def _names(patterns) -> set[str]:
    names = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            names |= _names(p.url_patterns)
        elif p.name:
            names.add(p.name)
    return names


patterns = list(dashboard_urls.urlpatterns)
if "quotes_list" not in _names(patterns):
    patterns += vendor_urls.urlpatterns

urlpatterns = [
    path("vendor/", include((patterns, "dashboard"))),
    path("agency/", include("purchasing.urls")),
    *[
        p
        for p in root.urlpatterns
        if not (isinstance(p, URLResolver) and p.namespace in ("dashboard", "agency"))
    ],
]
