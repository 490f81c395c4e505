"""Properties of Korean delivery-address validation (``shop.checkout.address``), the one
function behind the checkout address, the GraphQL ``AddressInput`` and office subscriptions.

* valid generated addresses (5-digit postcodes; 010-xxxx-xxxx mobiles and 02/0xx landlines
  written with dashes, spaces, dots, brackets or nothing) are accepted and normalized
  idempotently: validating the normalized address gives it back unchanged;
* arbitrary text (Korean, control characters, NUL, emoji, very long) never raises anything
  but ``DomainErrors`` naming a field and carrying the caller's code, and what is accepted
  fits the database columns and holds no control characters (PostgreSQL refuses NUL bytes);
* postcodes inside the Jeju / remote-island ranges of settings classify as such.
"""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings as django_settings
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.errors import DomainErrors
from shop.checkout.address import Address, address_validate, is_jeju, is_remote_island
from shop.checkout.models import Checkout

CODE = "INVALID_SHIPPING_ADDRESS"
FIELDS = {"recipientName", "phone", "postcode", "roadAddress", "detailAddress"}
COLUMNS = {
    f.name: f.max_length
    for f in Checkout._meta.get_fields()
    if f.name in ("recipient_name", "phone", "postcode", "road_address", "detail_address")
}

hangul = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
spaces = st.text(alphabet=" \t\u3000", max_size=3)
names = st.tuples(spaces, st.text(hangul, min_size=1, max_size=10), spaces).map("".join)
roads = st.tuples(
    spaces,
    st.lists(
        st.one_of(st.text(hangul, min_size=1, max_size=6), st.integers(1, 999).map(str)),
        min_size=2,
        max_size=8,
    ).map(" ".join),
    spaces,
).map("".join)
road_addresses = roads.filter(lambda r: len(" ".join(r.split())) >= 5)
postcodes = st.integers(0, 99_999).map(lambda v: f"{v:05d}")
digits = st.integers  # alias for readability below


@st.composite
def phones(draw):
    """(raw, normalized) phone numbers in the ways people type them."""
    kind = draw(st.sampled_from(["mobile", "seoul", "regional", "internet"]))
    if kind == "mobile":
        prefix = draw(st.sampled_from(["010", "011", "016", "017", "018", "019"]))
        middle = draw(st.sampled_from([3, 4]))
    elif kind == "seoul":
        prefix, middle = "02", draw(st.sampled_from([3, 4]))
    elif kind == "regional":
        prefix = "0" + draw(st.sampled_from("3456")) + draw(st.sampled_from("12345"))
        middle = draw(st.sampled_from([3, 4]))
    else:
        prefix, middle = "070", 4
    mid = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=middle, max_size=middle)))
    last = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=4, max_size=4)))
    style = draw(st.sampled_from(["{}-{}-{}", "{}{}{}", "{} {} {}", "{}.{}.{}", "({}) {}-{}"]))
    return style.format(prefix, mid, last), f"{prefix}-{mid}-{last}"


@st.composite
def valid_addresses(draw):
    raw_phone, phone = draw(phones())
    return {
        "recipient_name": draw(names),
        "phone": raw_phone,
        "postcode": draw(postcodes),
        "road_address": draw(road_addresses),
        "detail_address": draw(st.one_of(st.just(""), roads)),
    }, phone


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)


@settings(max_examples=300, deadline=None)
@given(valid_addresses())
@example(
    (
        {
            "recipient_name": "김누리",
            "phone": "010-1234-5678",
            "postcode": "03900",
            "road_address": "서울특별시 마포구 월드컵북로 400",
            "detail_address": "5층",
        },
        "010-1234-5678",
    )
)
def test_valid_addresses_are_accepted_and_normalized_idempotently(case):
    fields, phone = case
    address = address_validate(**fields, code=CODE)
    assert address.phone == phone
    assert re.fullmatch(r"0\d{1,2}-\d{3,4}-\d{4}", address.phone, re.ASCII)
    assert address.postcode == fields["postcode"]
    assert address.recipient_name == " ".join(fields["recipient_name"].split())
    assert address.road_address == " ".join(fields["road_address"].split())
    # normalize(normalize(x)) == normalize(x)
    assert address_validate(**address.as_fields(), code=CODE) == address


def _check_outcome(fields: dict) -> Address | None:
    """Either an accepted address that the database can store, or field-level errors."""
    try:
        address = address_validate(**fields, code=CODE)
    except DomainErrors as exc:
        errors = exc.errors
    else:
        errors = None
    if errors is not None:
        assert errors
        for err in errors:
            assert err.code == CODE
            assert err.field in FIELDS
            assert str(err.message)
        return None
    for name, value in address.as_fields().items():
        assert isinstance(value, str)
        assert len(value) <= COLUMNS[name], f"{name} longer than its column"
        assert not _has_control(value), f"{name} holds control characters: {value!r}"
    assert re.fullmatch(r"\d{5}", address.postcode, re.ASCII)
    assert re.fullmatch(r"0\d{1,2}-\d{3,4}-\d{4}", address.phone, re.ASCII)
    assert address_validate(**address.as_fields(), code=CODE) == address
    return address


any_text = st.one_of(
    st.text(),
    st.text(st.characters(codec="utf-8"), max_size=400),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=10),
    st.text(hangul, max_size=400),
    st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(
    recipient_name=st.one_of(names, any_text),
    phone=st.one_of(phones().map(lambda p: p[0]), any_text),
    postcode=st.one_of(postcodes, any_text),
    road_address=st.one_of(road_addresses, any_text),
    detail_address=st.one_of(st.just(""), roads, any_text),
)
@example(
    recipient_name="김\x00누리",
    phone="010-1234-5678",
    postcode="03900",
    road_address="서울특별시 마포구 월드컵북로 400",
    detail_address="",
)
@example(
    recipient_name="김누리",
    phone="010-1234-5678",
    postcode="03900",
    road_address="서울특별시 " * 100,  # longer than the 300-character column
    detail_address="5층" * 150,  # longer than the 200-character column
)
@example(
    recipient_name="김누리",
    phone="010-１２３４-5678",  # full-width digits typed with a Korean IME
    postcode="６３０００",
    road_address="제주특별자치도 제주시 첨단로 242",
    detail_address="",
)
@example(
    recipient_name="김누리",
    phone="010-٣٤٥٦-7890",  # Arabic-Indic digits are not a Korean phone number
    postcode="٠٣٩٠٠",
    road_address="서울특별시 마포구 월드컵북로 400",
    detail_address="",
)
def test_arbitrary_text_only_ever_gives_field_errors(**fields):
    _check_outcome(fields)


def test_full_width_digits_are_normalized_to_ascii():
    address = address_validate(
        recipient_name="김누리",
        phone="０１０－１２３４－５６７８",
        postcode="６３０００",
        road_address="제주특별자치도 제주시 첨단로 242",
        code=CODE,
    )
    assert address.phone == "010-1234-5678"
    assert address.postcode == "63000"
    assert is_jeju(address.postcode)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(
        [("jeju", r) for r in django_settings.SHIPPING_JEJU_POSTCODES]
        + [("remote", r) for r in django_settings.SHIPPING_REMOTE_POSTCODES]
    ).flatmap(
        lambda kr: st.integers(int(kr[1][0]), int(kr[1][1])).map(lambda v: (kr[0], f"{v:05d}"))
    )
)
def test_validated_postcodes_in_the_ranges_classify_right(case):
    zone, postcode = case
    address = address_validate(
        recipient_name="김누리",
        phone="010-1234-5678",
        postcode=postcode,
        road_address="어딘가 도로명 123",
        code=CODE,
    )
    assert is_jeju(address.postcode) == (zone == "jeju")
    assert is_remote_island(address.postcode) == (zone == "remote")
