"""The bundle builder's pages, included by the project at ``bundles/builder/`` (namespace
``bundle_builder``), before ``bundles.urls`` (whose ``<slug>/`` would take "builder")."""

from django.urls import path

from bundles import builder_views as views

app_name = "bundle_builder"

urlpatterns = [
    path("", views.builder_page, name="page"),
    path("items/<int:index>/swap/", views.builder_swap, name="swap"),
    path("items/<int:index>/quantity/", views.builder_quantity, name="quantity"),
    path("cart/", views.builder_cart, name="cart"),
    path("save/", views.builder_save, name="save"),
    path("reset/", views.builder_reset, name="reset"),
]
