"""Dashboard forms (Korean labels). They validate input; the catalog services do the writes."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings

from core import uploads
from core.errors import DomainError, DomainErrors, add_to_form, as_error_list
from shop.catalog.bulk import TAX_HELP
from shop.catalog.models import Allergen, Category, DietaryTag, Product, ProductKind, TaxType

# Service error fields (GraphQL-style camelCase) -> form field names.
_FIELD_NAMES = {
    "taxType": "tax_type",
    "dietaryTags": "dietary_tags",
    "certificationMarks": "certification_marks",
    "isPublished": "is_published",
    "weightGrams": "weight_grams",
    "seoTitle": "seo_title",
    "seoDescription": "seo_description",
    "image": "file",
}


def add_errors(form: forms.Form, exc: DomainError | DomainErrors) -> None:
    """``core.errors.add_to_form`` after translating the services' field names."""
    errors = [
        DomainError(e.code, e.message, _FIELD_NAMES.get(e.field or "", e.field))
        for e in as_error_list(exc)
    ]
    add_to_form(form, DomainErrors(errors))


class WonField(forms.IntegerField):
    """Integer won; accepts "12,000", "12000원" and "₩12,000"."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s,₩￦]", "", value).removesuffix("원")
        return super().to_python(value)


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name


class ProductForm(forms.Form):
    name = forms.CharField(label="상품명", max_length=200)
    slug = forms.SlugField(
        label="주소 이름",
        max_length=220,
        required=False,
        allow_unicode=True,
        help_text="상품 주소에 쓰입니다(글자·숫자·하이픈). 비우면 상품명으로 만듭니다.",
    )
    category = CategoryChoiceField(
        label="분류", queryset=Category.objects.none(), empty_label="분류를 고르세요"
    )
    kind = forms.ChoiceField(
        label="구분",
        choices=ProductKind.choices,
        initial=ProductKind.FOOD,
        help_text="다과꾸러미를 구성할 때 먹거리와 음료를 나눕니다.",
    )
    tax_type = forms.ChoiceField(
        label="과세 유형",
        choices=[(t.value, f"{t.label} — {TAX_HELP[t]}") for t in TaxType],
        initial=TaxType.TAXABLE,
        widget=forms.RadioSelect,
        help_text=(
            "가격은 항상 부가세를 포함한 금액입니다. 과세 상품의 세액은 가격÷11(원 미만 절사)로 "
            "계산합니다(10,000원 → 공급가액 9,091원 + 세액 909원)."
        ),
    )
    origin = forms.CharField(
        label="원산지", max_length=100, required=False, help_text="예: 국내산(쌀), 수입산(설탕)"
    )
    allergens = forms.MultipleChoiceField(
        label="알레르기 유발 성분",
        choices=Allergen.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="식품 등의 표시기준의 알레르기 유발 성분 중 들어 있는 것을 모두 고르세요.",
    )
    dietary_tags = forms.MultipleChoiceField(
        label="식단 표시",
        choices=DietaryTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    certification_marks = forms.CharField(
        label="인증 표시",
        max_length=200,
        required=False,
        help_text="쉼표로 구분: 친환경, HACCP, 유기농",
    )
    description = forms.CharField(
        label="설명", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    seo_title = forms.CharField(
        label="검색 노출 제목",
        max_length=200,
        required=False,
        help_text="비우면 상품명을 씁니다.",
    )
    seo_description = forms.CharField(
        label="검색 노출 설명",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_published = forms.BooleanField(
        label="공개",
        required=False,
        help_text="공개하면 장터에 보입니다. 옵션(가격)이 하나 이상 있어야 공개할 수 있습니다.",
    )
    is_featured = forms.BooleanField(
        label="추천 상품", required=False, help_text="센터 직원만 정할 수 있습니다."
    )

    def __init__(self, *args, product: Product | None = None, can_feature=False, **kwargs):
        if product is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": product.name,
                "slug": product.slug,
                "category": product.category_id,
                "kind": product.kind,
                "tax_type": product.tax_type,
                "origin": product.origin,
                "allergens": product.allergens,
                "dietary_tags": product.dietary_tags,
                "certification_marks": product.certification_marks,
                "description": product.description,
                "seo_title": product.seo_title,
                "seo_description": product.seo_description,
                "is_published": product.is_published,
                "is_featured": product.is_featured,
            }
        super().__init__(*args, **kwargs)
        self.product = product
        self.fields["category"].queryset = Category.objects.select_related("parent").order_by(
            "parent__sort_order", "parent__name", "sort_order", "name"
        )
        if not can_feature:
            del self.fields["is_featured"]

    def clean_description(self) -> str:
        return self.cleaned_data["description"].replace("\r\n", "\n")

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("slug"):
            data.pop("slug", None)  # new: generated from the name; edit: keep the current one
        return data


class VariantForm(forms.Form):
    """One variant and its stock. ``form_id`` lets the inputs sit in table cells (HTML form=)."""

    sku = forms.CharField(label="SKU", max_length=64)
    name = forms.CharField(label="옵션명", max_length=100, required=False)
    price = WonField(label="가격(원, 부가세 포함)", min_value=0, max_value=2_147_483_647)
    weight_grams = forms.IntegerField(label="중량(g)", min_value=0, required=False)
    servings = forms.IntegerField(label="제공량(인분)", min_value=1, initial=1)
    quantity = forms.IntegerField(label="재고 수량", min_value=0, initial=0)

    def __init__(self, *args, form_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.form_id = form_id
        for name, f in self.fields.items():
            if form_id:
                f.widget.attrs["form"] = form_id
            f.widget.attrs.setdefault("aria-label", f.label)
            if name in ("weight_grams", "servings", "quantity"):
                f.widget.attrs.setdefault("inputmode", "numeric")

    @classmethod
    def for_variant(cls, variant, data=None):
        stock = getattr(variant, "stock", None)
        return cls(
            data,
            prefix=f"v{variant.pk}",
            form_id=f"variant-{variant.pk}",
            initial={
                "sku": variant.sku,
                "name": variant.name,
                "price": variant.price,
                "weight_grams": variant.weight_grams,
                "servings": variant.servings,
                "quantity": stock.quantity if stock else 0,
            },
        )


class ImageForm(forms.Form):
    file = forms.FileField(
        label="이미지",
        help_text=f"JPG, PNG, WebP · {settings.MAX_UPLOAD_BYTES // (1024 * 1024)}MB 이하",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt = forms.CharField(
        label="대체 텍스트",
        max_length=200,
        required=False,
        help_text="화면을 볼 수 없는 분께 읽어 줄 이미지 설명(예: 쌀과자 10개입 포장).",
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV 또는 XLSX 파일",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if ext == "xls":
            raise forms.ValidationError(
                "XLS(구 엑셀) 형식은 읽을 수 없습니다. 엑셀에서 XLSX나 CSV로 저장해 주세요."
            )
        try:  # extension, size and the real content (core.uploads)
            uploads.upload_check(upload, kinds=uploads.SPREADSHEET_KINDS, label="상품 목록")
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code)
        return upload
