from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core.graphql.views import NuriGraphQLView
from core.media import private_media, public_media
from core.views import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
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

# Uploads (core/media.py): private files (certification documents, registry imports) to staff
# only, in every environment; public media served by Django in DEBUG only (never private/).
urlpatterns += [
    path("private-media/<path:path>", private_media, name="private_media"),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", public_media, name="public_media"),
]
