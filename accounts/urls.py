from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.NuriLoginView.as_view(), name="login"),
    path("logout/", views.NuriLogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
]
