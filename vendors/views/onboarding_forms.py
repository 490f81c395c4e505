"""Forms of the vendor application pages: input shape only; the rules live in
``vendors.onboarding`` and come back as domain errors placed next to the fields."""

from __future__ import annotations

from django import forms
from django.conf import settings

from core.errors import DomainError, DomainErrors, as_error_list
from vendors.districts import DISTRICT_CHOICES
from vendors.identifiers import brn_format, brn_normalize
from vendors.models import CertificationKind, OrgType


def max_upload_mb() -> str:
    return f"{settings.MAX_UPLOAD_BYTES / (1024 * 1024):g}MB"


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DOCUMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class BrnForm(forms.Form):
    brn = forms.CharField(
        label="사업자등록번호",
        max_length=20,
        help_text="10자리 숫자를 입력하세요. 예: 124-81-00998",
        widget=forms.TextInput(
            attrs={"placeholder": "000-00-00000", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )

    def clean_brn(self) -> str:
        try:
            return brn_normalize(self.cleaned_data["brn"])
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code)

    @property
    def brn_display(self) -> str:
        return brn_format(self.cleaned_data.get("brn")) if self.is_valid() else ""


class OrganizationForm(forms.Form):
    """A new organization for the registry (shown when the number is not registered yet)."""

    prefix = "org"

    name = forms.CharField(label="조직명", max_length=200)
    org_type = forms.ChoiceField(
        label="조직 유형",
        choices=[("", "선택하세요")] + [c for c in OrgType.choices if c[0] != OrgType.PROSPECTIVE],
    )
    representative = forms.CharField(label="대표자", max_length=100)
    crn = forms.CharField(
        label="법인등록번호",
        max_length=20,
        required=False,
        help_text="법인인 경우. 예: 130111-0006246",
    )
    phone = forms.CharField(label="대표 전화", max_length=30, required=False)
    email = forms.EmailField(label="대표 이메일", required=False)
    address = forms.CharField(label="주소", max_length=300, help_text="사업장 소재지")
    district = forms.ChoiceField(
        label="자치구",
        required=False,
        choices=[("", "서울 외 지역 / 선택 안 함"), *DISTRICT_CHOICES],
        help_text="서울 밖에 있는 조직이면 비워 두고 시도를 입력하세요.",
    )
    province = forms.CharField(label="시도", max_length=30, required=False, initial="서울특별시")
    business_category = forms.CharField(label="업태", max_length=100, required=False)
    business_item = forms.CharField(label="종목", max_length=200, required=False)

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class StoreFieldsMixin(forms.Form):
    store_name = forms.CharField(label="상점명", max_length=100, help_text="누리에 표시될 이름")
    slug = forms.CharField(
        label="상점 주소 이름",
        max_length=100,
        required=False,
        help_text=(
            "상점 주소에 쓰입니다(예: hamkke-bakery, 함께빵집). 비워 두면 상점명으로 만듭니다."
        ),
    )
    description = forms.CharField(
        label="상점 소개", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    mission = forms.CharField(
        label="사회적 미션",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="어떤 사회적 가치를 만드는지 소비자에게 알려 주세요.",
    )
    contact_phone = forms.CharField(
        label="담당자 연락처", max_length=30, required=False, help_text="예: 010-1234-5678"
    )


class CertificationFieldsMixin(forms.Form):
    cert_required = True

    cert_kind = forms.ChoiceField(
        label="인증·지정 종류", choices=[("", "선택하세요"), *CertificationKind.choices]
    )
    cert_number = forms.CharField(
        label="인증·지정 번호", max_length=50, required=False, help_text="예: 제2015-123호"
    )
    cert_issuer = forms.CharField(
        label="발급 기관", max_length=100, required=False, help_text="예: 고용노동부, 서울특별시"
    )
    valid_from = forms.DateField(label="유효 시작일", widget=DATE_WIDGET)
    valid_until = forms.DateField(
        label="유효 종료일",
        required=False,
        widget=DATE_WIDGET,
        help_text="기한이 없는 인증(사회적기업 등)은 비워 두세요.",
    )
    document = forms.FileField(
        label="증빙 서류",
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = (
            f"인증서·지정서 사본 (PDF, JPG, PNG · {max_upload_mb()} 이하). "
            "오류가 나면 파일을 다시 선택해 주세요."
        )

    def certification_data(self) -> dict | None:
        d = self.cleaned_data
        if not d.get("cert_kind"):
            return None
        return {
            "kind": d["cert_kind"],
            "number": d.get("cert_number", ""),
            "issuer": d.get("cert_issuer", ""),
            "valid_from": d.get("valid_from"),
            "valid_until": d.get("valid_until"),
        }


class ApplicationForm(StoreFieldsMixin, CertificationFieldsMixin):
    confirm = forms.BooleanField(
        label="입력한 내용과 증빙 서류가 사실임을 확인합니다.",
        error_messages={"required": "내용을 확인하고 체크해 주세요."},
    )


class ResubmitForm(StoreFieldsMixin, CertificationFieldsMixin):
    """Store details (prefilled) and, optionally, a new certification and document."""

    message = forms.CharField(
        label="심사 담당자에게 남길 말",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="무엇을 보완했는지 적어 주세요.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("cert_kind", "valid_from", "document"):
            self.fields[name].required = False
        self.fields[
            "document"
        ].help_text = f"새 서류를 낼 때만 선택하세요 (PDF, JPG, PNG · {max_upload_mb()} 이하)."

    def clean(self):
        data = super().clean()
        if data.get("cert_kind") and not data.get("valid_from"):
            self.add_error("valid_from", "인증 유효 시작일을 입력하세요.")
        if data.get("cert_kind") and not data.get("document"):
            self.add_error("document", "새 인증의 증빙 서류를 첨부하세요.")
        return data


# Domain error fields (GraphQL input names) -> form field names.
FIELD_MAP = {
    "brn": "brn",
    "storeName": "store_name",
    "slug": "slug",
    "description": "description",
    "mission": "mission",
    "contactPhone": "contact_phone",
    "certificationDocument": "document",
    "certification.kind": "cert_kind",
    "certification.number": "cert_number",
    "certification.issuer": "cert_issuer",
    "certification.validFrom": "valid_from",
    "certification.validUntil": "valid_until",
    "organization.orgType": "org_type",
    "organization.businessCategory": "business_category",
    "organization.businessItem": "business_item",
}


def place_errors(exc: DomainError | DomainErrors, *forms_: forms.Form | None) -> list[str]:
    """Put each domain error next to its field in whichever form has it; return the rest.

    ``organization.*`` errors go only to the ``OrganizationForm``.
    """
    leftovers: list[str] = []
    for err in as_error_list(exc):
        field = err.field or ""
        is_org = field.startswith("organization.")
        name = FIELD_MAP.get(field) or field.removeprefix("organization.")
        targets = [f for f in forms_ if f is not None and isinstance(f, OrganizationForm) == is_org]
        for form in targets:
            if field and name in form.fields:
                form.add_error(name, str(err.message))
                break
        else:
            leftovers.append(str(err.message))
    return leftovers
