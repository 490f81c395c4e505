"""Storefront pages (Korean): home, categories, search, product pages, cart, checkout, orders."""

from django.urls import path

from shop.storefront import cart, orders, views

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("categories/", views.category_index, name="category_index"),
    path("categories/<str:slug>/", views.category_detail, name="category"),
    path("products/<str:slug>/", views.product_detail, name="product_detail"),
    # Cart and checkout
    path("cart/", cart.cart_detail, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/lines/<int:line_id>/", cart.cart_line_update, name="cart_line_update"),
    path("cart/lines/<int:line_id>/delete/", cart.cart_line_delete, name="cart_line_delete"),
    path("checkout/", cart.checkout_page, name="checkout"),
    path("checkout/authenticate/", cart.checkout_authenticate, name="checkout_authenticate"),
    # Buyer orders
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<uuid:token>/", orders.order_detail, name="order_detail"),
    path("orders/<uuid:token>/cancel/", orders.order_cancel, name="order_cancel"),
    path(
        "orders/<uuid:token>/shipments/<str:number>/cancel/",
        orders.shipment_cancel,
        name="shipment_cancel",
    ),
    path(
        "orders/<uuid:token>/shipments/<str:number>/withdraw/",
        orders.shipment_withdraw,
        name="shipment_withdraw",
    ),
]
