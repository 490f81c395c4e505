"""Webhook endpoints, included by the root URLconf at ``webhooks/``."""

from django.urls import path

from shop.payments import views

app_name = "payments"

urlpatterns = [
    path("stripe/", views.stripe_webhook, name="stripe-webhook"),
]
