"""Generate ``registry_sample.csv``: a made-up but plausible registry extract.

300 rows shaped like the national social-economy datasets (Korean headers, a 연번 column
the import ignores, mixed date formats, ``-`` for "none"): 291 valid Seoul-area
organizations across every type and all 25 districts (a few outside Seoul), and 9
deliberately bad rows that the import must reject (see ``BAD_ROWS``). Every name,
person, number and address is invented; the 사업자등록번호 carry correct check digits, and
``124-81-00998`` (the known-valid example) is (주)행복한베이커리 in 마포구.

Deterministic: the same seed gives the same file, byte for byte.

    .venv/bin/python vendors/data/make_registry_sample.py            # rewrite the sample
    .venv/bin/python vendors/data/make_registry_sample.py --out x.csv --seed 7
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(ROOT))

from vendors.identifiers import brn_check_digit  # noqa: E402

SEED = 20260815
OUT = Path(__file__).with_name("registry_sample.csv")
HEADERS = [
    "연번", "기업명", "사업자등록번호", "기업유형", "인증번호", "인증일", "유효기간 종료",
    "대표자명", "전화번호", "우편번호", "주소", "자치구", "홈페이지", "업태", "종목",
]  # fmt: skip

TYPE_COUNTS = {
    "사회적기업": 90,
    "예비사회적기업(지역형)": 40,
    "예비사회적기업(부처형)": 20,
    "사회적협동조합": 30,
    "협동조합": 45,
    "마을기업": 30,
    "자활기업": 24,
    "소셜벤처": 12,
}  # 291 valid rows

# district: (short name, roads, postcode range, neighbourhoods)
DISTRICTS = {
    "종로구": (("종로", "율곡로", "자하문로"), (3000, 3199), ("부암동", "이화동")),
    "중구": (("을지로", "퇴계로", "다산로"), (4500, 4699), ("신당동", "중림동")),
    "용산구": (("한강대로", "이태원로", "녹사평대로"), (4300, 4499), ("후암동", "해방촌")),
    "성동구": (("왕십리로", "성수이로", "아차산로"), (4700, 4899), ("성수동", "금호동")),
    "광진구": (("능동로", "자양로", "광나루로"), (4900, 5199), ("자양동", "구의동")),
    "동대문구": (("왕산로", "천호대로", "답십리로"), (2400, 2699), ("제기동", "회기동")),
    "중랑구": (("망우로", "동일로", "면목로"), (2000, 2299), ("면목동", "상봉동")),
    "성북구": (("보문로", "동소문로", "정릉로"), (2700, 2899), ("삼선동", "정릉동")),
    "강북구": (("도봉로", "삼양로", "솔매로"), (1000, 1299), ("수유동", "미아동")),
    "도봉구": (("도봉로", "방학로", "해등로"), (1300, 1499), ("방학동", "창동")),
    "노원구": (("동일로", "노원로", "상계로"), (1600, 1899), ("상계동", "공릉동")),
    "은평구": (("통일로", "연서로", "은평로"), (3300, 3599), ("불광동", "응암동")),
    "서대문구": (("연희로", "신촌로", "통일로"), (3600, 3799), ("연희동", "북가좌동")),
    "마포구": (("월드컵북로", "양화로", "독막로", "망원로"), (3900, 4199), ("성미산", "망원동")),
    "양천구": (("목동로", "오목로", "신월로"), (7900, 8099), ("신월동", "신정동")),
    "강서구": (("공항대로", "강서로", "화곡로"), (7500, 7899), ("화곡동", "방화동")),
    "구로구": (("디지털로", "구로중앙로", "경인로"), (8200, 8399), ("개봉동", "오류동")),
    "금천구": (("가산디지털1로", "시흥대로", "독산로"), (8500, 8699), ("독산동", "시흥동")),
    "영등포구": (("국회대로", "영등포로", "당산로"), (7200, 7499), ("문래동", "대림동")),
    "동작구": (("상도로", "노량진로", "사당로"), (6900, 7099), ("상도동", "흑석동")),
    "관악구": (("관악로", "남부순환로", "신림로"), (8700, 8899), ("난곡동", "신림동")),
    "서초구": (("서초대로", "반포대로", "방배로"), (6500, 6799), ("방배동", "양재동")),
    "강남구": (("테헤란로", "논현로", "선릉로"), (6000, 6399), ("일원동", "개포동")),
    "송파구": (("올림픽로", "송파대로", "백제고분로"), (5500, 5899), ("거여동", "마천동")),
    "강동구": (("천호대로", "성내로", "양재대로"), (5200, 5399), ("암사동", "고덕동")),
}
OUTSIDE_SEOUL = [
    ("경기도 고양시 덕양구 화중로", (10400, 10599), "031"),
    ("경기도 성남시 중원구 둔촌대로", (13100, 13299), "031"),
    ("인천광역시 부평구 부평대로", (21300, 21499), "032"),
    ("경기도 부천시 원미구 길주로", (14500, 14699), "032"),
    ("경기도 의정부시 시민로", (11600, 11799), "031"),
    ("경기도 수원시 팔달구 효원로", (16400, 16599), "031"),
]

ADJECTIVES = [
    ("행복한", "happy"), ("희망", "huimang"), ("나눔", "nanum"), ("초록", "chorok"),
    ("함께", "hamkke"), ("햇살", "haetsal"), ("누리", "nuri"), ("동행", "donghaeng"),
    ("새싹", "saessak"), ("온기", "ongi"), ("바른", "bareun"), ("다솜", "dasom"),
    ("빛나는", "bitna"), ("푸른", "pureun"), ("우리", "uri"), ("따뜻한", "ttatteut"),
    ("착한", "chakan"), ("더불어", "deobureo"), ("한울", "hanul"), ("늘봄", "neulbom"),
    ("이음", "ieum"), ("두레", "dure"), ("소풍", "sopung"), ("다온", "daon"),
    ("별빛", "byeolbit"), ("참좋은", "chamjoeun"), ("열린", "yeollin"), ("맑은", "malgeun"),
    ("고운", "goun"), ("어울림", "eoullim"), ("한빛", "hanbit"), ("꿈꾸는", "kkum"),
]  # fmt: skip
# business: (Korean, slug, 업태, 종목)
BUSINESSES = [
    ("베이커리", "bakery", "제조업", "제과·제빵"),
    ("도시락", "dosirak", "음식점업", "도시락 제조·배달"),
    ("커피", "coffee", "음식점업", "커피전문점"),
    ("공방", "craft", "제조업", "목가구·공예품"),
    ("인쇄", "print", "제조업", "인쇄·출력물"),
    ("클린", "clean", "서비스업", "건물 청소·방역"),
    ("돌봄", "care", "보건업 및 사회복지 서비스업", "재가 돌봄"),
    ("출판", "books", "정보통신업", "출판"),
    ("디자인", "design", "전문서비스업", "시각 디자인"),
    ("목공", "wood", "제조업", "목제품"),
    ("떡방앗간", "tteok", "제조업", "떡류"),
    ("카페", "cafe", "음식점업", "카페"),
    ("세탁", "laundry", "서비스업", "세탁"),
    ("에듀", "edu", "교육서비스업", "방과후 교육"),
    ("식품", "food", "제조업", "가공식품"),
    ("농부", "farm", "도소매업", "친환경 농산물"),
    ("문화", "culture", "예술·스포츠 및 여가 서비스업", "공연 기획"),
    ("여행", "travel", "서비스업", "공정여행"),
    ("집수리", "house", "건설업", "집수리·인테리어"),
    ("봉제", "sewing", "제조업", "봉제·의류"),
    ("미디어", "media", "정보통신업", "영상 제작"),
    ("리사이클", "recycle", "서비스업", "재활용·업사이클"),
    ("푸드", "foods", "제조업", "반찬·간편식"),
    ("쿠키", "cookie", "제조업", "과자류"),
]
COOP_FIELDS = [
    ("의료", "medical"), ("돌봄", "care"), ("교육", "edu"), ("주거", "housing"),
    ("에너지", "energy"), ("청소년", "youth"), ("문화예술", "arts"), ("먹거리", "food"),
    ("장애인자립", "ability"), ("공정무역", "fairtrade"),
]  # fmt: skip
VILLAGE_BUSINESSES = [
    "마을부엌",
    "마을카페",
    "공동작업장",
    "마을빵집",
    "두부공방",
    "반찬가게",
    "마을책방",
]
VENTURES = [
    ("리필스테이션랩", "refillstation"), ("플랜잇", "planeat"), ("모두의농장", "modufarm"),
    ("다시입다", "dasiipda"), ("제로웨이스트샵", "zerowaste"), ("소리보기", "soriboki"),
    ("바이씨클", "bicycle"), ("오늘의밭", "todayfield"), ("사이클링랩", "cyclinglab"),
    ("같이걷기", "walktogether"), ("새로고침", "refresh"), ("나란히", "naranhi"),
    ("온동네", "ondongne"), ("잇다", "itda"),
]  # fmt: skip
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍전고문양손배백허남심노하곽성차주우구민"
GIVEN_NAMES = [
    "민준", "서연", "지훈", "수빈", "현우", "지영", "은정", "성호", "미경", "영수", "정희", "동현",
    "혜진", "재원", "태식", "아름", "보람", "다은", "하늘", "상철", "광수", "옥순", "나래", "슬기",
    "준영", "은비", "경희", "성민", "유진", "진호", "소영", "한결", "주원", "예린", "민호", "정숙",
    "영미", "순자", "도윤", "하린", "승우", "미숙", "지민", "윤서", "형준", "선희",
]  # fmt: skip
ROMAN_DISTRICTS = {
    "종로": "jongno", "중구": "junggu", "용산": "yongsan", "성동": "seongdong",
    "광진": "gwangjin", "동대문": "dongdaemun", "중랑": "jungnang", "성북": "seongbuk",
    "강북": "gangbuk", "도봉": "dobong", "노원": "nowon", "은평": "eunpyeong",
    "서대문": "seodaemun", "마포": "mapo", "양천": "yangcheon", "강서": "gangseo",
    "구로": "guro", "금천": "geumcheon", "영등포": "yeongdeungpo", "동작": "dongjak",
    "관악": "gwanak", "서초": "seocho", "강남": "gangnam", "송파": "songpa", "강동": "gangdong",
}  # fmt: skip

# The 9 deliberately bad rows: (data index, what is wrong).
BAD_ROWS = {
    10: "bad_check_digit",
    37: "unknown_type",
    64: "missing_name",
    101: "malformed_brn",
    150: "bad_date",
    188: "district_outside_seoul",
    222: "duplicate_brn",
    257: "missing_brn",
    289: "valid_until_before_date",
}
KNOWN_VALID_BRN = "1248100998"


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.brns: set[str] = {KNOWN_VALID_BRN}
        self.names: set[str] = {"행복한베이커리"}
        self.cert_seq: dict[tuple[str, int], int] = {}

    # identifiers -------------------------------------------------------------------
    def brn(self, kind: str) -> str:
        rng = self.rng
        while True:
            office = rng.randint(101, 220)
            if kind == "nonprofit":
                middle = 82
            elif kind == "individual":
                middle = rng.randint(1, 79)
            else:
                middle = rng.choice((81, 81, 81, 86, 87, 88))
            first9 = f"{office}{middle:02d}{rng.randint(0, 9999):04d}"
            digits = first9 + str(brn_check_digit(first9))
            if digits not in self.brns:
                self.brns.add(digits)
                return digits

    @staticmethod
    def fmt_brn(digits: str) -> str:
        return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"

    def date_in(self, year: int) -> dt.date:
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randint(0, 364))

    def fmt_date(self, day: dt.date) -> str:
        style = self.rng.random()
        if style < 0.7:
            return day.isoformat()
        if style < 0.9:
            return day.strftime("%Y.%m.%d")
        return day.strftime("%Y%m%d")

    def cert(self, org_type: str) -> tuple[str, str, str]:
        rng = self.rng
        years = {
            "사회적기업": (2007, 2024),
            "예비사회적기업(지역형)": (2023, 2025),
            "예비사회적기업(부처형)": (2023, 2025),
            "사회적협동조합": (2013, 2024),
            "협동조합": (2013, 2024),
            "마을기업": (2012, 2024),
            "자활기업": (2010, 2024),
            "소셜벤처": (2019, 2024),
        }[org_type]
        year = rng.randint(*years)
        seq = self.cert_seq[(org_type, year)] = self.cert_seq.get((org_type, year), 0) + 1
        number = {
            "사회적기업": f"제{year}-{seq * 7 + rng.randint(0, 6):03d}호",
            "예비사회적기업(지역형)": f"제{year}-서울-{seq:03d}호",
            "예비사회적기업(부처형)": f"제{year}-부처-{seq:03d}호",
            "사회적협동조합": f"제{year}-사협-{seq:03d}호",
            "협동조합": f"제{year}-서울-{seq + 100:04d}호",
            "마을기업": f"마을-{year}-{seq:03d}",
            "자활기업": f"자활-{year}-{seq:03d}",
            "소셜벤처": f"SV{year}{seq:04d}",
        }[org_type]
        start = self.date_in(year)
        until = ""
        if org_type.startswith("예비"):
            end = start.replace(year=start.year + 3) - dt.timedelta(days=1)
            until = end.isoformat()
        return number, self.fmt_date(start), until

    # people and places ----------------------------------------------------------
    def person(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)

    def phone(self, area: str = "02") -> str:
        rng = self.rng
        if area == "02" and rng.random() < 0.1:
            return f"070-{rng.randint(4000, 8999)}-{rng.randint(0, 9999):04d}"
        middle = rng.randint(200, 999) if rng.random() < 0.4 else rng.randint(2000, 9999)
        return f"{area}-{middle}-{rng.randint(0, 9999):04d}"

    def seoul_place(self, district: str) -> tuple[str, str]:
        roads, (lo, hi), _ = DISTRICTS[district]
        rng = self.rng
        road = rng.choice(roads)
        number = rng.randint(1, 420)
        extra = rng.choice(("", "", f", {rng.randint(1, 5)}층", f" {rng.randint(101, 905)}호"))
        address = f"서울특별시 {district} {road} {number}{extra}"
        return address, f"{rng.randint(lo, hi):05d}"

    # names ----------------------------------------------------------------------
    def unique(self, make) -> tuple[str, str, tuple[str, str]]:
        for _ in range(1000):
            core, slug, business = make()
            if core not in self.names:
                self.names.add(core)
                return core, slug, business
        raise RuntimeError("ran out of names")  # pragma: no cover

    def org_name(self, org_type: str, district: str) -> tuple[str, str, tuple[str, str]]:
        rng = self.rng
        short = district[:-1] if len(district) > 2 else district

        def company():
            adj, adj_slug = rng.choice(ADJECTIVES)
            biz, biz_slug, category, item = rng.choice(BUSINESSES)
            return f"{adj}{biz}", f"{adj_slug}{biz_slug}", (category, item)

        if org_type in ("사회적기업", "예비사회적기업(지역형)", "예비사회적기업(부처형)"):
            core, slug, business = self.unique(company)
            prefix = rng.choice(("(주)", "(주)", "주식회사 ", "(유)", "", "(사)"))
            return prefix + core, slug, business
        if org_type == "사회적협동조합":

            def make():
                field, field_slug = rng.choice(COOP_FIELDS)
                head = rng.choice((short, rng.choice(ADJECTIVES)[0]))
                return (
                    f"{head}{field}사회적협동조합",
                    f"{field_slug}coop{rng.randint(1, 99)}",
                    ("보건업 및 사회복지 서비스업", f"{field} 서비스"),
                )

            return self.unique(make)
        if org_type == "협동조합":

            def make():
                if rng.random() < 0.2:
                    return (
                        f"{short}두레생협",
                        f"{ROMAN_DISTRICTS[short]}dure",
                        ("도소매업", "생활재 공급"),
                    )
                core, slug, business = company()
                return f"{core}협동조합", slug + "coop", business

            return self.unique(make)
        if org_type == "마을기업":

            def make():
                dong = rng.choice(DISTRICTS[district][2])
                biz = rng.choice(VILLAGE_BUSINESSES)
                return f"{dong} {biz}", "", ("음식점업", "마을 공동사업")

            core, slug, business = self.unique(make)
            return rng.choice(("", "", "(주)", "협동조합 ")) + core, slug, business
        if org_type == "자활기업":

            def make():
                adj, adj_slug = rng.choice(ADJECTIVES)
                biz, biz_slug, category, item = rng.choice(BUSINESSES[:14])
                return f"{short}{adj}{biz}", f"{adj_slug}{biz_slug}jahwal", (category, item)

            core, slug, business = self.unique(make)
            return rng.choice(("(주)", "", "(유)")) + core, slug, business

        def venture():
            name, slug = rng.choice(VENTURES)
            return name, slug, ("전문서비스업", "소셜 플랫폼")

        core, slug, business = self.unique(venture)
        return "(주)" + core, slug, business

    def homepage(self, slug: str, org_type: str) -> str:
        rng = self.rng
        roll = rng.random()
        if not slug or roll < 0.5:
            return ""
        if roll < 0.62:
            return "-"
        tld = ".org" if "협동조합" in org_type else rng.choice((".kr", ".co.kr", ".com"))
        return rng.choice(("https://www.", "http://www.", "https://", "")) + slug + tld

    # rows -----------------------------------------------------------------------
    def valid_row(self, org_type: str) -> dict[str, str]:
        rng = self.rng
        outside = rng.random() < 0.025
        district = rng.choice(list(DISTRICTS))
        if outside:
            prefix, (lo, hi), area = rng.choice(OUTSIDE_SEOUL[:-1])
            address = f"{prefix} {rng.randint(1, 300)}"
            postcode = f"{rng.randint(lo, hi):05d}"
            phone = self.phone(area)
            district_col = ""
        else:
            address, postcode = self.seoul_place(district)
            phone = self.phone()
            district_col = district if rng.random() < 0.6 else ""
        name, slug, (category, item) = self.org_name(org_type, district)
        kind = {"사회적협동조합": "nonprofit", "마을기업": "any", "자활기업": "any"}.get(org_type)
        if kind == "any":
            kind = rng.choice(("corp", "individual", "nonprofit"))
        elif org_type.startswith("예비") and rng.random() < 0.3:
            kind = "individual"
        number, start, until = self.cert(org_type)
        return {
            "기업명": name,
            "사업자등록번호": self.fmt_brn(self.brn(kind or "corp")),
            "기업유형": org_type,
            "인증번호": number,
            "인증일": start,
            "유효기간 종료": until,
            "대표자명": self.person(),
            "전화번호": phone,
            "우편번호": postcode if rng.random() < 0.8 else "",
            "주소": address,
            "자치구": district_col,
            "홈페이지": self.homepage(slug, org_type),
            "업태": category if rng.random() < 0.7 else "",
            "종목": item if rng.random() < 0.7 else "",
        }

    def bad_row(self, what: str, valid: list[dict[str, str]]) -> dict[str, str]:
        row = self.valid_row("사회적기업")
        if what == "bad_check_digit":
            row.update(
                {"기업명": "(주)한빛인쇄소", "사업자등록번호": "124-81-00997", "홈페이지": ""}
            )
        elif what == "unknown_type":
            row["기업유형"] = "사회적가게"
        elif what == "missing_name":
            row["기업명"] = ""
        elif what == "malformed_brn":
            row["사업자등록번호"] = "124-81-0099"
        elif what == "bad_date":
            row["인증일"] = "2016-02-30"
        elif what == "district_outside_seoul":
            row.update({"주소": "경기도 수원시 팔달구 효원로 1", "자치구": "팔달구"})
        elif what == "duplicate_brn":
            row = dict(valid[40])  # the same organization listed twice, as a branch
            row["기업명"] += " 2호점"
            row["전화번호"] = self.phone()
        elif what == "missing_brn":
            row["사업자등록번호"] = ""
        elif what == "valid_until_before_date":
            row["기업유형"] = "예비사회적기업(지역형)"
            row["인증번호"] = "제2024-서울-099호"
            row["인증일"] = "2024-05-01"
            row["유효기간 종료"] = "2023-04-30"
        return row


def build_rows(seed: int = SEED) -> list[dict[str, str]]:
    gen = Generator(seed)
    types = [t for t, n in TYPE_COUNTS.items() for _ in range(n)]
    gen.rng.shuffle(types)
    valid = [gen.valid_row(t) for t in types]
    happy = valid[0]
    happy.update(
        {
            "기업명": "(주)행복한베이커리",
            "사업자등록번호": Generator.fmt_brn(KNOWN_VALID_BRN),
            "기업유형": "사회적기업",
            "인증번호": "제2015-123호",
            "인증일": "2015-03-02",
            "유효기간 종료": "",
            "주소": "서울특별시 마포구 월드컵북로 400",
            "자치구": "마포구",
            "우편번호": "03925",
            "홈페이지": "https://www.happybakery.kr",
            "업태": "제조업",
            "종목": "제과·제빵",
        }
    )
    rows: list[dict[str, str]] = []
    valid_iter = iter(valid)
    total = len(valid) + len(BAD_ROWS)
    for index in range(total):
        if index in BAD_ROWS:
            rows.append(gen.bad_row(BAD_ROWS[index], valid))
        else:
            rows.append(next(valid_iter))
    for number, row in enumerate(rows, start=1):
        row["연번"] = str(number)
    return rows


def write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADERS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    rows = build_rows(args.seed)
    write(args.out, rows)
    print(f"{len(rows)} rows ({len(BAD_ROWS)} bad) → {args.out}")


if __name__ == "__main__":
    main()
