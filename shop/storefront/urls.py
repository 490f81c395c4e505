"""Storefront pages (Korean): home, categories, search, product pages."""

from django.urls import path

from core.views import home

app_name = "storefront"

urlpatterns = [
    path("", home, name="home"),
]
