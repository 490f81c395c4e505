from django.http import JsonResponse
from django.shortcuts import render

from vendors.selectors import vendor_list


def home(request):
    vendors = list(vendor_list()[:12])
    return render(request, "home.html", {"vendors": vendors})


def healthz(request):
    return JsonResponse({"status": "ok"})
