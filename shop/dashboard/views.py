"""Vendor dashboard pages (/vendor/, Korean): products, variants, stock, images, bulk CSV/XLSX.

Access: login required (anonymous → login page). A vendor's area (``/vendor/<slug>/...``) is
answered with 404 to anyone who may not manage that vendor, whether or not it exists, so that
the dashboard never reveals which vendors or products exist. Centre staff may manage every
vendor (``shop.catalog.permissions``). Every write goes through a catalog service.
"""

from __future__ import annotations

from functools import cached_property, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme

from core.errors import DomainError, DomainErrors
from shop.catalog import bulk, images, services
from shop.catalog.bulk import TAX_HELP
from shop.catalog.models import (
    Allergen,
    DietaryTag,
    Product,
    ProductImage,
    ProductKind,
    ProductVariant,
    Stock,
    TaxType,
)
from shop.catalog.permissions import user_can_manage_vendor
from shop.dashboard import pending
from shop.dashboard.forms import (
    ImageForm,
    ImportForm,
    ProductForm,
    VariantForm,
    add_errors,
)
from vendors.models import Vendor
from vendors.selectors import user_vendors

PAGE_SIZE = 20
LOW_STOCK = 5
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Access ---------------------------------------------------------------------------------------


def vendor_view(*, methods=("GET", "POST")):
    """Login, then the vendor from the URL (404 unless the user manages it), then the method."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, vendor_slug: str, *args, **kwargs):
            vendor = Vendor.objects.filter(slug=vendor_slug).first()
            if vendor is None or not user_can_manage_vendor(request.user, vendor):
                raise Http404("판매처를 찾을 수 없습니다.")
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, vendor, *args, **kwargs)

        return wrapper

    return decorator


def _product_or_404(vendor: Vendor, pk: int) -> Product:
    return get_object_or_404(
        Product.objects.select_related("category", "vendor"), pk=pk, vendor=vendor
    )


def _back(request, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return default


def _ctx(vendor: Vendor, **extra) -> dict:
    return {"vendor": vendor, **extra}


# --- Vendor picker --------------------------------------------------------------------------------


@login_required
def home(request):
    """``/vendor/``: the vendors this user manages (all of them for centre staff)."""
    q = (request.GET.get("q") or "").strip()
    vendors = Vendor.objects.all() if request.user.is_staff else user_vendors(request.user)
    if q:
        vendors = vendors.filter(Q(store_name__icontains=q) | Q(slug__icontains=q))
    vendors = (
        vendors.select_related("organization")
        .annotate(
            product_count=Count("products", distinct=True),
            published_count=Count("products", filter=Q(products__is_published=True), distinct=True),
        )
        .order_by("store_name", "id")
    )
    if not request.user.is_staff and not q:
        only = list(vendors[:2])
        if len(only) == 1:
            return redirect("dashboard:product_list", vendor_slug=only[0].slug)
    page = Paginator(vendors, 50).get_page(request.GET.get("page"))
    return render(request, "shop/dashboard/home.html", {"page": page, "q": q})


# --- Products -------------------------------------------------------------------------------------


def _first_thumbnail():
    return Subquery(
        ProductImage.objects.filter(product=OuterRef("pk"))
        .exclude(thumbnail="")
        .order_by("sort_order", "id")
        .values("thumbnail")[:1]
    )


class CountingPaginator(Paginator):
    """Counts with a plain queryset, not the annotated one (no GROUP BY just to count)."""

    def __init__(self, object_list, per_page, *, count_queryset, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count_queryset = count_queryset

    @cached_property
    def count(self) -> int:
        return self._count_queryset.count()


def product_filter(vendor: Vendor, *, q: str = "", status: str = ""):
    qs = Product.objects.filter(vendor=vendor)
    if q:
        skus = ProductVariant.objects.filter(sku__icontains=q).values("product_id")
        qs = qs.filter(Q(name__icontains=q) | Q(slug__icontains=q) | Q(pk__in=skus))
    if status == "published":
        qs = qs.filter(is_published=True)
    elif status == "unpublished":
        qs = qs.filter(is_published=False)
    return qs


def product_rows(qs):
    """Products with price range, stock and first thumbnail: one query a page."""
    sold_out = Q(variants__stock__isnull=True) | Q(
        variants__stock__quantity__lte=F("variants__stock__allocated")
    )
    return (
        qs.select_related("category")
        .annotate(
            variant_count=Count("variants"),
            sold_out_count=Count("variants", filter=sold_out),
            price_min=Min("variants__price"),
            price_max=Max("variants__price"),
            stock_quantity=Sum("variants__stock__quantity"),
            stock_allocated=Sum("variants__stock__allocated"),
            thumb=_first_thumbnail(),
        )
        .order_by("-created_at", "-id")
    )


def _stock_badge(p) -> tuple[str, str]:
    """(css class, text) for a product row."""
    if not p.variant_count:
        return "warn", "옵션 없음"
    available = max((p.stock_quantity or 0) - (p.stock_allocated or 0), 0)
    if p.sold_out_count == p.variant_count:
        return "bad", "품절"
    if p.sold_out_count:
        return "warn", f"일부 품절 ({p.sold_out_count}/{p.variant_count})"
    if available <= LOW_STOCK:
        return "warn", f"재고 적음 {available}"
    return "", f"재고 {available:,}"


@vendor_view(methods=("GET",))
def product_list(request, vendor):
    q = (request.GET.get("q") or "").strip()
    status = request.GET.get("status") or ""
    products = product_filter(vendor, q=q, status=status)
    paginator = CountingPaginator(product_rows(products), PAGE_SIZE, count_queryset=products)
    page = paginator.get_page(request.GET.get("page"))
    for p in page.object_list:
        p.stock_class, p.stock_text = _stock_badge(p)
        p.thumb_url = default_storage.url(p.thumb) if p.thumb else ""
    return render(
        request,
        "shop/dashboard/product_list.html",
        _ctx(vendor, nav="products", page=page, q=q, status=status),
    )


@vendor_view()
def product_create(request, vendor):
    form = ProductForm(request.POST or None, can_feature=request.user.is_staff)
    del form.fields["is_published"]  # a new product has no variant yet: publish it afterwards
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(
                actor=request.user, vendor=vendor, **form.service_data()
            )
        except (DomainError, DomainErrors) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "상품을 저장했습니다. 이제 옵션과 가격, 이미지를 추가하세요.")
            return redirect("dashboard:product_edit", vendor_slug=vendor.slug, pk=product.pk)
    return render(
        request,
        "shop/dashboard/product_form.html",
        _ctx(vendor, nav="new", form=form, product=None),
        status=400 if form.errors else 200,
    )


def _product_page(
    request,
    vendor,
    product,
    *,
    form=None,
    variant_forms=None,
    new_variant_form=None,
    image_form=None,
    status=200,
):
    variants = list(product.variants.select_related("stock").order_by("sort_order", "id"))
    overrides = {f.prefix: f for f in variant_forms or []}
    rows = []
    for v in variants:
        vform = overrides.get(f"v{v.pk}") or VariantForm.for_variant(v)
        try:
            stock = v.stock
        except Stock.DoesNotExist:
            stock = None
        rows.append({"variant": v, "form": vform, "stock": stock})
    return render(
        request,
        "shop/dashboard/product_edit.html",
        _ctx(
            vendor,
            nav="products",
            product=product,
            form=form or ProductForm(product=product, can_feature=request.user.is_staff),
            variant_rows=rows,
            new_variant_form=new_variant_form or VariantForm(prefix="new", form_id="variant-new"),
            image_form=image_form or ImageForm(),
            images=list(product.images.all()),
        ),
        status=status,
    )


@vendor_view()
def product_edit(request, vendor, pk: int):
    product = _product_or_404(vendor, pk)
    if request.method != "POST":
        return _product_page(request, vendor, product)
    form = ProductForm(request.POST, product=product, can_feature=request.user.is_staff)
    if form.is_valid():
        data = form.service_data()
        if data.get("is_published") and not product.variants.exists():
            form.add_error("is_published", "옵션(가격)이 하나 이상 있어야 공개할 수 있습니다.")
        else:
            try:
                services.product_update(actor=request.user, product=product, **data)
            except (DomainError, DomainErrors) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "상품을 저장했습니다.")
                return redirect("dashboard:product_edit", vendor_slug=vendor.slug, pk=product.pk)
    product.refresh_from_db()
    return _product_page(request, vendor, product, form=form, status=400)


def _set_published(request, vendor, pk: int, published: bool):
    product = _product_or_404(vendor, pk)
    default = reverse("dashboard:product_list", kwargs={"vendor_slug": vendor.slug})
    if published and not product.variants.exists():
        messages.error(
            request,
            f"'{product.name}'에 옵션(가격)이 없어 공개할 수 없습니다. 옵션을 먼저 추가하세요.",
        )
        return redirect(_back(request, default))
    try:
        services.product_update(actor=request.user, product=product, is_published=published)
    except (DomainError, DomainErrors) as exc:
        messages.error(request, str(exc))
    else:
        verb = "공개했습니다" if published else "비공개로 바꿨습니다"
        messages.success(request, f"'{product.name}' 상품을 {verb}.")
    return redirect(_back(request, default))


@vendor_view(methods=("POST",))
def product_publish(request, vendor, pk: int):
    return _set_published(request, vendor, pk, True)


@vendor_view(methods=("POST",))
def product_unpublish(request, vendor, pk: int):
    return _set_published(request, vendor, pk, False)


@vendor_view()
def product_delete(request, vendor, pk: int):
    product = _product_or_404(vendor, pk)
    if request.method == "POST":
        name = product.name
        files = images.product_image_files(product)
        try:
            services.product_delete(actor=request.user, product=product)
        except (ProtectedError, RestrictedError):
            messages.error(
                request, "주문 이력이 있는 상품은 삭제할 수 없습니다. 대신 비공개로 바꾸세요."
            )
            return redirect("dashboard:product_edit", vendor_slug=vendor.slug, pk=pk)
        except (DomainError, DomainErrors) as exc:
            messages.error(request, str(exc))
            return redirect("dashboard:product_edit", vendor_slug=vendor.slug, pk=pk)
        images.delete_files_on_commit(files)  # the rows went with the product; now the files
        messages.success(request, f"'{name}' 상품을 삭제했습니다.")
        return redirect("dashboard:product_list", vendor_slug=vendor.slug)
    return render(
        request,
        "shop/dashboard/product_confirm_delete.html",
        _ctx(
            vendor,
            nav="products",
            product=product,
            variant_count=product.variants.count(),
            image_count=product.images.count(),
        ),
    )


# --- Variants -------------------------------------------------------------------------------------


@vendor_view(methods=("POST",))
def variant_create(request, vendor, pk: int):
    product = _product_or_404(vendor, pk)
    form = VariantForm(request.POST, prefix="new", form_id="variant-new")
    if form.is_valid():
        data = dict(form.cleaned_data)
        quantity = data.pop("quantity")
        try:
            services.variant_create(actor=request.user, product=product, quantity=quantity, **data)
        except (DomainError, DomainErrors) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"옵션 '{data['sku']}'을(를) 추가했습니다.")
            return redirect("dashboard:product_edit", vendor_slug=vendor.slug, pk=product.pk)
    return _product_page(request, vendor, product, new_variant_form=form, status=400)


@vendor_view(methods=("POST",))
def variant_update(request, vendor, pk: int, variant_pk: int):
    product = _product_or_404(vendor, pk)
    variant = get_object_or_404(
        ProductVariant.objects.select_related("product", "stock"), pk=variant_pk, product=product
    )
    form = VariantForm.for_variant(variant, data=request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        quantity = data.pop("quantity")
        changed = {k: v for k, v in data.items() if getattr(variant, k) != v}
        try:
            stock = variant.stock
        except Stock.DoesNotExist:
            stock = None
        try:
            with transaction.atomic():
                if changed:
                    services.variant_update(actor=request.user, variant=variant, **changed)
                if stock is None or stock.quantity != quantity:
                    services.stock_set(actor=request.user, variant=variant, quantity=quantity)
        except (DomainError, DomainErrors) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"옵션 '{variant.sku}'을(를) 저장했습니다.")
            return redirect("dashboard:product_edit", vendor_slug=vendor.slug, pk=product.pk)
    return _product_page(request, vendor, product, variant_forms=[form], status=400)


# --- Images ---------------------------------------------------------------------------------------


@vendor_view(methods=("POST",))
def image_upload(request, vendor, pk: int):
    product = _product_or_404(vendor, pk)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            images.product_image_add(
                actor=request.user,
                product=product,
                file=form.cleaned_data["file"],
                alt=form.cleaned_data["alt"],
            )
        except (DomainError, DomainErrors) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "이미지를 올렸습니다.")
            return redirect("dashboard:product_edit", vendor_slug=vendor.slug, pk=product.pk)
    return _product_page(request, vendor, product, image_form=form, status=400)


@vendor_view(methods=("POST",))
def image_delete(request, vendor, pk: int, image_pk: int):
    product = _product_or_404(vendor, pk)
    image = get_object_or_404(
        ProductImage.objects.select_related("product"), pk=image_pk, product=product
    )
    images.product_image_delete(actor=request.user, image=image)
    messages.success(request, "이미지를 삭제했습니다.")
    return redirect("dashboard:product_edit", vendor_slug=vendor.slug, pk=product.pk)


# --- Bulk import and export -----------------------------------------------------------------------


def _reference() -> dict:
    """Valid values shown next to the import form."""
    return {
        "nav": "import",
        "columns": bulk.COLUMNS,
        "tax_help": [(t.label, t.value, TAX_HELP[t]) for t in TaxType],
        "kinds": ProductKind.choices,
        "allergens": Allergen.choices,
        "dietary": DietaryTag.choices,
        "max_rows": f"{bulk.MAX_ROWS:,}",
        "example_sku": bulk.EXAMPLE_SKU,
    }


@vendor_view()
def import_start(request, vendor):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = pending.save(upload.read())
        pending.remember(request.session, vendor.pk, token=token, filename=upload.name)
        return redirect("dashboard:import_preview", vendor_slug=vendor.slug)
    return render(
        request,
        "shop/dashboard/import.html",
        _ctx(vendor, form=form, preview=None, **_reference()),
        status=400 if form.errors else 200,
    )


def _pending_preview(request, vendor):
    found = pending.recall(request.session, vendor.pk)
    if found is None:
        return None, None
    _token, filename, data = found
    return filename, bulk.bulk_preview(vendor=vendor, file=data, filename=filename)


@vendor_view(methods=("GET",))
def import_preview(request, vendor):
    _filename, preview = _pending_preview(request, vendor)
    if preview is None:
        messages.info(request, "먼저 가져올 파일을 올려 주세요.")
        return redirect("dashboard:import_start", vendor_slug=vendor.slug)
    return render(
        request,
        "shop/dashboard/import.html",
        _ctx(vendor, form=ImportForm(), preview=preview, **_reference()),
    )


@vendor_view(methods=("POST",))
def import_apply(request, vendor):
    filename, preview = _pending_preview(request, vendor)
    if preview is None:
        messages.error(request, "미리보기한 파일이 없습니다. 파일을 다시 올려 주세요.")
        return redirect("dashboard:import_start", vendor_slug=vendor.slug)
    try:
        result = bulk.bulk_apply(actor=request.user, vendor=vendor, preview=preview)
    except (DomainError, DomainErrors) as exc:
        errors = [e.message for e in (exc.errors if isinstance(exc, DomainErrors) else [exc])]
        return render(
            request,
            "shop/dashboard/import.html",
            _ctx(vendor, form=ImportForm(), preview=preview, apply_errors=errors, **_reference()),
            status=400,
        )
    pending.forget(request.session, vendor.pk)
    messages.success(request, f"'{filename}'을(를) 적용했습니다. {result.summary()}")
    return redirect("dashboard:product_list", vendor_slug=vendor.slug)


@vendor_view(methods=("POST",))
def import_cancel(request, vendor):
    pending.forget(request.session, vendor.pk)
    messages.info(request, "가져오기를 취소했습니다. 아무것도 저장하지 않았습니다.")
    return redirect("dashboard:import_start", vendor_slug=vendor.slug)


def _download(content: bytes, *, filename: str, fmt: str) -> HttpResponse:
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@vendor_view(methods=("GET",))
def export(request, vendor, fmt: str):
    stamp = timezone.localdate().strftime("%Y%m%d")
    content = bulk.export_csv(vendor=vendor) if fmt == "csv" else bulk.export_xlsx(vendor=vendor)
    return _download(content, filename=f"{vendor.slug}-상품-{stamp}.{fmt}", fmt=fmt)


@vendor_view(methods=("GET",))
def import_template(request, vendor, fmt: str):
    content = bulk.template_csv() if fmt == "csv" else bulk.template_xlsx()
    return _download(content, filename=f"누리-상품-일괄등록-양식.{fmt}", fmt=fmt)
