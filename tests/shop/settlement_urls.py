"""URLconf for the settlement tests: the project's URLs with the dashboard's settlement pages
under ``/vendor/`` (namespace ``dashboard``), whether or not ``shop.dashboard.urls`` includes
them yet."""

from django.urls import URLResolver, include, path

from config import urls as root
from shop.dashboard import settlement_urls
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
if "settlement_list" not in _names(patterns):
    patterns += settlement_urls.urlpatterns

urlpatterns = [
    path("vendor/", include((patterns, "dashboard"))),
    *[
        p
        for p in root.urlpatterns
        if not (isinstance(p, URLResolver) and p.namespace == "dashboard")
    ],
]
