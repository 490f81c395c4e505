"""The organization registry, certifications, the centre's programs, and vendors."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.uploads import random_name
from vendors.districts import DISTRICT_CHOICES, DISTRICTS
from vendors.identifiers import brn_format, crn_format


class OrgType(models.TextChoices):
    SOCIAL_ENTERPRISE = "social_enterprise", _("사회적기업")
    PRELIM_REGIONAL = "prelim_regional", _("예비사회적기업(지역형)")
    PRELIM_MINISTRY = "prelim_ministry", _("예비사회적기업(부처형)")
    SOCIAL_COOP = "social_coop", _("사회적협동조합")
    COOP = "coop", _("협동조합")
    VILLAGE_ENTERPRISE = "village_enterprise", _("마을기업")
    SELF_SUFFICIENCY = "self_sufficiency", _("자활기업")
    SOCIAL_VENTURE = "social_venture", _("소셜벤처")
    PROSPECTIVE = "prospective", _("예비 주체")


class CertificationKind(models.TextChoices):
    """What a certification/registration document makes an organization."""

    SOCIAL_ENTERPRISE = "social_enterprise", _("사회적기업 인증")
    PRELIM_REGIONAL = "prelim_regional", _("예비사회적기업(지역형) 지정")
    PRELIM_MINISTRY = "prelim_ministry", _("예비사회적기업(부처형) 지정")
    SOCIAL_COOP = "social_coop", _("사회적협동조합 인가")
    COOP = "coop", _("협동조합 설립신고")
    VILLAGE_ENTERPRISE = "village_enterprise", _("마을기업 지정")
    SELF_SUFFICIENCY = "self_sufficiency", _("자활기업 인정")
    SOCIAL_VENTURE = "social_venture", _("소셜벤처 확인")


class Organization(models.Model):
    name = models.CharField(_("조직명"), max_length=200, db_index=True)
    org_type = models.CharField(
        _("조직 유형"), max_length=32, choices=OrgType.choices, db_index=True
    )
    # Normalized digits; NULL for prospective groups without a registration.
    brn = models.CharField(_("사업자등록번호"), max_length=10, unique=True, null=True, blank=True)
    crn = models.CharField(_("법인등록번호"), max_length=13, null=True, blank=True)
    representative = models.CharField(_("대표자"), max_length=100, blank=True)
    phone = models.CharField(_("전화번호"), max_length=30, blank=True)
    email = models.EmailField(_("이메일"), blank=True)
    homepage = models.URLField(_("홈페이지"), blank=True)
    postcode = models.CharField(_("우편번호"), max_length=5, blank=True)
    address = models.CharField(_("주소"), max_length=300, blank=True)
    district = models.CharField(
        _("자치구"), max_length=5, choices=DISTRICT_CHOICES, blank=True, db_index=True
    )
    province = models.CharField(_("시도"), max_length=30, blank=True, default="서울특별시")
    business_category = models.CharField(_("업태"), max_length=100, blank=True)
    business_item = models.CharField(_("종목"), max_length=200, blank=True)
    description = models.TextField(_("소개"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("조직")
        verbose_name_plural = _("조직")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def brn_display(self) -> str:
        return brn_format(self.brn)

    @property
    def crn_display(self) -> str:
        return crn_format(self.crn)

    @property
    def district_name(self) -> str:
        return DISTRICTS.get(self.district, "")


def certification_upload_to(instance, filename: str) -> str:
    # Private: never served as public media (see core.views.private_media).
    return f"private/certifications/{instance.organization_id or 'new'}/{random_name(filename)}"


class Certification(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="certifications"
    )
    kind = models.CharField(_("종류"), max_length=32, choices=CertificationKind.choices)
    number = models.CharField(_("인증·지정 번호"), max_length=50, blank=True)
    issuer = models.CharField(_("발급 기관"), max_length=100, blank=True)
    valid_from = models.DateField(_("유효 시작일"))
    valid_until = models.DateField(_("유효 종료일"), null=True, blank=True)
    revoked_on = models.DateField(_("취소일"), null=True, blank=True)
    document = models.FileField(_("증빙 서류"), upload_to=certification_upload_to, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("확인자"),
    )
    verified_at = models.DateTimeField(_("확인 일시"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("인증")
        verbose_name_plural = _("인증")
        ordering = ["organization_id", "-valid_from", "id"]
        indexes = [models.Index(fields=["kind", "valid_from", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()

    def is_valid_on(self, day) -> bool:
        if self.valid_from > day:
            return False
        if self.valid_until is not None and self.valid_until < day:
            return False
        return not (self.revoked_on is not None and self.revoked_on <= day)


class ProgramKind(models.TextChoices):
    GRANT = "grant", _("지원금")
    SPACE = "space", _("공간")
    PLACEMENT = "placement", _("인력 배치")
    MARKET = "market", _("판로")
    EVENT = "event", _("행사")
    EDUCATION = "education", _("교육")
    CONSULTING = "consulting", _("컨설팅")
    CERTIFICATION = "certification", _("지정·인증")


class Program(models.Model):
    """One of the centre's programs (seeded from the brochure by a data migration)."""

    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name = models.CharField(_("사업명"), max_length=200)
    kind = models.CharField(_("유형"), max_length=20, choices=ProgramKind.choices)
    description = models.TextField(_("설명"), blank=True)
    facts = models.JSONField(_("주요 내용"), default=dict, blank=True)
    is_active = models.BooleanField(_("운영 중"), default=True)

    class Meta:
        verbose_name = _("지원 사업")
        verbose_name_plural = _("지원 사업")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ProgramCycle(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cycles")
    year = models.PositiveIntegerField(_("연도"))
    cohort = models.CharField(_("기수"), max_length=40, blank=True)
    application_opens = models.DateField(_("접수 시작"), null=True, blank=True)
    application_closes = models.DateField(_("접수 마감"), null=True, blank=True)
    budget = models.BigIntegerField(_("예산(원)"), default=0)

    class Meta:
        verbose_name = _("사업 회차")
        verbose_name_plural = _("사업 회차")
        ordering = ["-year", "program_id", "cohort"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year", "cohort"], name="uniq_program_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.program.name} {self.year} {self.cohort}".strip()


class ParticipationStatus(models.TextChoices):
    APPLIED = "applied", _("신청")
    SELECTED = "selected", _("선정")
    ACTIVE = "active", _("참여 중")
    COMPLETED = "completed", _("완료")
    DROPPED = "dropped", _("중도 포기")


class Participation(models.Model):
    """An organization (or prospective group) taking part in a program cycle."""

    cycle = models.ForeignKey(ProgramCycle, on_delete=models.CASCADE, related_name="participations")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="participations"
    )
    status = models.CharField(
        _("상태"), max_length=20, choices=ParticipationStatus.choices, default="applied"
    )
    amount_granted = models.BigIntegerField(_("지원 금액(원)"), default=0)
    notes = models.TextField(_("비고"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("사업 참여")
        verbose_name_plural = _("사업 참여")
        ordering = ["-cycle__year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization"], name="uniq_participation")
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.cycle}"


def logo_upload_to(instance, filename: str) -> str:
    return f"vendors/logos/{instance.slug}/{random_name(filename)}"


class Vendor(models.Model):
    """An approved organization that sells on Nuri."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="vendor"
    )
    store_name = models.CharField(_("상점명"), max_length=100)
    slug = models.SlugField(_("주소 이름"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(_("상점 소개"), blank=True)
    mission = models.TextField(_("사회적 미션"), blank=True)
    logo = models.ImageField(_("로고"), upload_to=logo_upload_to, blank=True)
    # Shipping policy (integer KRW).
    shipping_base_fee = models.PositiveIntegerField(_("기본 배송비"), default=3000)
    shipping_free_over = models.PositiveIntegerField(
        _("무료 배송 기준 금액"), null=True, blank=True, default=50000
    )
    shipping_jeju_extra = models.PositiveIntegerField(_("제주 추가 배송비"), default=3000)
    shipping_remote_extra = models.PositiveIntegerField(_("도서산간 추가 배송비"), default=5000)
    commission_rate = models.DecimalField(
        _("수수료율"), max_digits=5, decimal_places=4, default=Decimal("0.0800")
    )
    # Settlement account: the number is stored encrypted; only the last digits in clear.
    bank_name = models.CharField(_("정산 은행"), max_length=50, blank=True)
    bank_account_holder = models.CharField(_("예금주"), max_length=100, blank=True)
    bank_account_encrypted = models.TextField(blank=True, editable=False)
    bank_account_last4 = models.CharField(max_length=4, blank=True, editable=False)
    is_active = models.BooleanField(_("판매 중"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("입점 기업")
        verbose_name_plural = _("입점 기업")
        ordering = ["store_name", "id"]

    def __str__(self) -> str:
        return self.store_name

    @property
    def bank_account_masked(self) -> str:
        return f"****{self.bank_account_last4}" if self.bank_account_last4 else ""


class VendorRole(models.TextChoices):
    OWNER = "owner", _("대표 관리자")
    STAFF = "staff", _("직원")


class VendorStaff(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendor_roles"
    )
    role = models.CharField(_("역할"), max_length=10, choices=VendorRole.choices, default="staff")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("입점 기업 담당자")
        verbose_name_plural = _("입점 기업 담당자")
        constraints = [models.UniqueConstraint(fields=["vendor", "user"], name="uniq_vendor_staff")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.vendor} ({self.role})"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("심사 대기")
    CHANGES_REQUESTED = "changes_requested", _("보완 요청")
    APPROVED = "approved", _("승인")
    REJECTED = "rejected", _("반려")


class VendorApplication(models.Model):
    """An applicant's request to sell on Nuri for an organization."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vendor_applications"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="applications"
    )
    certification = models.ForeignKey(
        Certification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    store_name = models.CharField(_("상점명"), max_length=100)
    slug = models.SlugField(_("주소 이름"), max_length=100, allow_unicode=True, blank=True)
    description = models.TextField(_("상점 소개"), blank=True)
    mission = models.TextField(_("사회적 미션"), blank=True)
    contact_phone = models.CharField(_("담당자 연락처"), max_length=30, blank=True)
    status = models.CharField(
        _("상태"), max_length=20, choices=ApplicationStatus.choices, default="submitted"
    )
    review_note = models.TextField(_("심사 의견"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("심사자"),
    )
    reviewed_at = models.DateTimeField(_("심사 일시"), null=True, blank=True)
    vendor = models.ForeignKey(
        Vendor, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    created_at = models.DateTimeField(_("신청 일시"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("입점 신청")
        verbose_name_plural = _("입점 신청")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.store_name} ({self.get_status_display()})"


class ApplicationEventType(models.TextChoices):
    SUBMITTED = "submitted", _("신청")
    RESUBMITTED = "resubmitted", _("재신청")
    CHANGES_REQUESTED = "changes_requested", _("보완 요청")
    APPROVED = "approved", _("승인")
    REJECTED = "rejected", _("반려")


class VendorApplicationEvent(models.Model):
    application = models.ForeignKey(
        VendorApplication, on_delete=models.CASCADE, related_name="events"
    )
    type = models.CharField(max_length=30, choices=ApplicationEventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("입점 신청 이력")
        verbose_name_plural = _("입점 신청 이력")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} by {self.actor} at {self.created_at:%Y-%m-%d %H:%M}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("대기")
    RUNNING = "running", _("진행 중")
    DONE = "done", _("완료")
    FAILED = "failed", _("실패")


class RegistryImport(models.Model):
    """A registry file uploaded by staff and imported by a Celery task."""

    file = models.FileField(_("파일"), upload_to="private/registry-imports/")
    status = models.CharField(
        _("상태"), max_length=10, choices=ImportStatus.choices, default="pending"
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("등록부 가져오기")
        verbose_name_plural = _("등록부 가져오기")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file.name} ({self.get_status_display()})"
