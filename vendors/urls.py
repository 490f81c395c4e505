from django.urls import path

from vendors.views import onboarding, registry

app_name = "vendors"

urlpatterns = [
    path("organizations/", registry.organization_list, name="organization_list"),
    path("organizations/<int:pk>/", registry.organization_detail, name="organization_detail"),
    path("vendors/", registry.vendor_list, name="vendor_list"),
    path("vendors/<str:slug>/", registry.vendor_detail, name="vendor_detail"),
    path("apply/", onboarding.application_start, name="application_start"),
    path("apply/mine/", onboarding.application_list, name="application_list"),
    path("apply/<int:pk>/", onboarding.application_detail, name="application_detail"),
    path("apply/<int:pk>/resubmit/", onboarding.application_resubmit, name="application_resubmit"),
]
