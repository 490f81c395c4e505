"""Bundle pages, included by the project at ``bundles/`` (namespace ``bundles``)."""

from django.urls import path

from bundles import views

app_name = "bundles"

urlpatterns = [
    path("", views.bundle_list_page, name="list"),
    path("subscriptions/", views.subscription_list_page, name="subscriptions"),
    path(
        "subscriptions/<int:pk>/<str:action>/",
        views.subscription_action,
        name="subscription_action",
    ),
    path("cart/<int:bundle_id>/", views.bundle_cart_update, name="cart_update"),
    path("<str:slug>/", views.bundle_detail, name="detail"),
    path("<str:slug>/add/", views.bundle_cart_add, name="cart_add"),
    path("<str:slug>/subscribe/", views.bundle_subscribe, name="subscribe"),
]
