"""Vendor dashboard (/vendor/): the vendor's staff manage their catalog and their orders."""

from django.urls import path, register_converter

from purchasing import vendor_urls
from shop.dashboard import orders, settlement_urls, views


class _FileFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_FileFormat, "fileformat")

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("<str:vendor_slug>/", views.product_list, name="product_list"),
    path("<str:vendor_slug>/products/new/", views.product_create, name="product_create"),
    path("<str:vendor_slug>/products/<int:pk>/", views.product_edit, name="product_edit"),
    path(
        "<str:vendor_slug>/products/<int:pk>/publish/",
        views.product_publish,
        name="product_publish",
    ),
    path(
        "<str:vendor_slug>/products/<int:pk>/unpublish/",
        views.product_unpublish,
        name="product_unpublish",
    ),
    path(
        "<str:vendor_slug>/products/<int:pk>/delete/", views.product_delete, name="product_delete"
    ),
    path(
        "<str:vendor_slug>/products/<int:pk>/variants/",
        views.variant_create,
        name="variant_create",
    ),
    path(
        "<str:vendor_slug>/products/<int:pk>/variants/<int:variant_pk>/",
        views.variant_update,
        name="variant_update",
    ),
    path("<str:vendor_slug>/products/<int:pk>/images/", views.image_upload, name="image_upload"),
    path(
        "<str:vendor_slug>/products/<int:pk>/images/<int:image_pk>/delete/",
        views.image_delete,
        name="image_delete",
    ),
    path("<str:vendor_slug>/import/", views.import_start, name="import_start"),
    path("<str:vendor_slug>/import/preview/", views.import_preview, name="import_preview"),
    path("<str:vendor_slug>/import/apply/", views.import_apply, name="import_apply"),
    path("<str:vendor_slug>/import/cancel/", views.import_cancel, name="import_cancel"),
    path(
        "<str:vendor_slug>/import/template.<fileformat:fmt>",
        views.import_template,
        name="import_template",
    ),
    path("<str:vendor_slug>/export.<fileformat:fmt>", views.export, name="export"),
    # Orders (shop.dashboard.orders)
    path("<str:vendor_slug>/orders/", orders.order_list, name="order_list"),
    path("<str:vendor_slug>/orders/<str:number>/", orders.order_detail, name="order_detail"),
    path("<str:vendor_slug>/orders/<str:number>/ship/", orders.order_ship, name="order_ship"),
    path(
        "<str:vendor_slug>/orders/<str:number>/deliver/",
        orders.order_deliver,
        name="order_deliver",
    ),
    path("<str:vendor_slug>/orders/<str:number>/cancel/", orders.order_cancel, name="order_cancel"),
    path("<str:vendor_slug>/orders/<str:number>/refund/", orders.order_refund, name="order_refund"),
    path(
        "<str:vendor_slug>/orders/<str:number>/returns/<int:pk>/accept/",
        orders.return_accept,
        name="return_accept",
    ),
    path(
        "<str:vendor_slug>/orders/<str:number>/returns/<int:pk>/reject/",
        orders.return_reject,
        name="return_reject",
    ),
]

urlpatterns += settlement_urls.urlpatterns
urlpatterns += vendor_urls.urlpatterns
