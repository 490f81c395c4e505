"""URLconf for the bundle tests: the project's URLs with the bundle pages at ``bundles/``
(namespace ``bundles``), whether or not ``config.urls`` includes them yet."""

from django.urls import URLResolver, include, path

from config import urls as root

urlpatterns = list(root.urlpatterns)
if not any(isinstance(p, URLResolver) and p.namespace == "bundles" for p in urlpatterns):
    urlpatterns.insert(0, path("bundles/", include("bundles.urls")))
