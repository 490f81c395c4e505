from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core.graphql.views import NuriGraphQLView
from core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("graphql/", NuriGraphQLView.as_view(graphiql=settings.DEBUG), name="graphql"),
    path("vendor/", include("shop.dashboard.urls")),
    path("webhooks/", include("shop.payments.urls")),
    path("bundles/builder/", include("bundles.builder_urls")),
    path("bundles/", include("bundles.urls")),
    path("agency/", include("purchasing.urls")),
    path("", include("vendors.urls")),
    path("", include("shop.storefront.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
