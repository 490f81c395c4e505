"""Forms of the agency portal and of the vendor dashboard's quote pages (Korean).

Forms only parse and check shapes; the rules live in ``purchasing.services`` (whose domain
errors are attached back to the form with ``core.errors.add_to_form``).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from purchasing.models import Agency, PurchaseCategory
from shop.catalog.models import TaxType

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BuyerRegisterForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="기관", queryset=Agency.objects.filter(is_active=True), empty_label="기관을 고르세요"
    )
    department_name = forms.CharField(label="부서", max_length=100, required=False)
    position = forms.CharField(label="직위", max_length=50, required=False)
    phone = forms.CharField(label="연락처", max_length=30, required=False)


class QuoteRequestForm(forms.Form):
    title = forms.CharField(label="건명", max_length=200)
    delivery_date = forms.DateField(label="납품 기한", widget=DATE)
    delivery_place = forms.CharField(label="납품 장소", max_length=300)
    delivery_postcode = forms.CharField(label="우편번호", max_length=5, required=False)
    contact_name = forms.CharField(label="담당자", max_length=100, required=False)
    contact_phone = forms.CharField(label="담당자 연락처", max_length=30, required=False)
    deadline = forms.DateTimeField(
        label="견적 마감", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    estimated_price = forms.IntegerField(
        label="추정가격(원, 부가세 제외)",
        min_value=0,
        required=False,
        help_text="입력하면 계약 방법 판단에 견적 금액과 함께 사용합니다.",
    )
    open_to_all = forms.BooleanField(label="우선구매 대상 판매처 전체에 요청", required=False)
    vendors = forms.MultipleChoiceField(
        label="견적을 요청할 판매처", required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label="요청 사항", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, vendor_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendors"].choices = list(vendor_choices)
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("delivery_date", today + dt.timedelta(days=14))
            deadline = timezone.localtime() + dt.timedelta(days=7)
            self.initial.setdefault("deadline", deadline.replace(second=0, microsecond=0))


class ItemForm(forms.Form):
    name = forms.CharField(label="품명", max_length=200, required=False)
    spec = forms.CharField(label="규격", max_length=300, required=False)
    unit = forms.CharField(label="단위", max_length=20, required=False, initial="개")
    quantity = forms.IntegerField(label="수량", min_value=1, required=False)
    note = forms.CharField(label="비고", max_length=300, required=False)
    variant_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    bundle_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("name") or data.get("variant_id") or data.get("bundle_id"))


ItemFormSet = forms.formset_factory(ItemForm, extra=0, max_num=100)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="사유", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class InspectForm(forms.Form):
    result = forms.ChoiceField(
        label="검수 결과",
        choices=[("accepted", "합격"), ("rejected", "반려")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="사유 (반려 시 필수)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class PaymentForm(forms.Form):
    amount = forms.IntegerField(
        label="입금액(원)", min_value=1, required=False, help_text="비우면 미지급액 전액"
    )
    reference = forms.CharField(label="입금 참조 (은행·적요)", max_length=100, required=False)


class DeliveryNoteForm(forms.Form):
    note = forms.CharField(label="메모", max_length=300, required=False)


def quote_form_for(request_obj, *, data=None, initial_lines=None):
    """The vendor's quote form for a request: per item a unit supply price, a tax type and
    a note; validity date and notes for the whole quote."""
    fields: dict[str, forms.Field] = {
        "valid_until": forms.DateField(
            label="견적 유효기간",
            widget=DATE,
            initial=timezone.localdate() + dt.timedelta(days=30),
        ),
        "notes": forms.CharField(
            label="특기 사항", widget=forms.Textarea(attrs={"rows": 3}), required=False
        ),
    }
    initial_lines = initial_lines or {}
    for it in request_obj.items.all():
        prev = initial_lines.get(it.pk)
        default_tax = TaxType.TAXABLE
        if it.variant is not None:
            default_tax = it.variant.product.tax_type
        fields[f"price_{it.pk}"] = forms.IntegerField(
            label=f"{it.name} 단가(원, 부가세 제외)",
            min_value=0,
            initial=prev.unit_price if prev else None,
        )
        fields[f"tax_{it.pk}"] = forms.ChoiceField(
            label="과세 유형",
            choices=TaxType.choices,
            initial=prev.tax_type if prev else default_tax,
        )
        fields[f"note_{it.pk}"] = forms.CharField(
            label="비고", max_length=300, required=False, initial=prev.note if prev else ""
        )
    form_class = type("QuoteForm", (forms.Form,), fields)
    return form_class(data=data)


def plan_form_for(*, data=None, initial=None):
    categories = list(PurchaseCategory.objects.filter(is_active=True).order_by("sort_order"))
    fields: dict[str, forms.Field] = {
        "total_budget": forms.IntegerField(label="총구매액 계획(원)", min_value=0),
        "note": forms.CharField(
            label="비고", widget=forms.Textarea(attrs={"rows": 2}), required=False
        ),
    }
    for c in categories:
        fields[f"amount_{c.code}"] = forms.IntegerField(
            label=f"{c.name} 목표액(원)", min_value=0, required=False
        )
        fields[f"rate_{c.code}"] = forms.DecimalField(
            label=f"{c.name} 목표 비율(%)",
            min_value=0,
            max_value=100,
            decimal_places=2,
            required=False,
        )
    form_class = type("PlanForm", (forms.Form,), fields)
    form = form_class(data=data, initial=initial)
    form.categories = categories
    return form
