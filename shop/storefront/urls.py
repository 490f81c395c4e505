"""Storefront pages (Korean): home, categories, search, product pages."""

from django.urls import path

from shop.storefront import views

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("categories/", views.category_index, name="category_index"),
    path("categories/<str:slug>/", views.category_detail, name="category"),
    path("products/<str:slug>/", views.product_detail, name="product_detail"),
]
