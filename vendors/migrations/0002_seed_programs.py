"""Seed the centre's 19 programs (DOMAIN.md "The centre's programs") and a few cycles.

Descriptions are drawn from the centre's brochure (seeds/000_df2e3ea3d4a84f55.txt, 2014).
``facts`` holds the brochure's figures in machine-readable form (money in integer KRW).
Cycles are the 2014 rounds the brochure announces; a cycle's ``budget`` is its total
(number of selections × the maximum grant), which the participation services check
grants against.

Idempotent: programs are matched by ``code`` and cycles by (program, year, cohort), so
running it again updates rather than duplicates. The reverse removes the seeded cycles
and programs (and, by cascade, any participation recorded against them).
"""

from datetime import date

from django.db import migrations

PROGRAMS = [
    {
        "code": "moim",
        "name": "사회적경제 학습동아리 지원사업 '모임'",
        "kind": "grant",
        "description": (
            "사회적경제를 주제로 연구, 학습, 프로젝트, 세미나, 강연회, 워크숍, 인터뷰, 캠페인, "
            "잡지발간 등의 활동을 하고 사회적경제를 알리는데 함께 할 사회적경제 시민동아리를 "
            "지원합니다. 동아리 활동에 필요한 교육 및 네트워크 활동을 월 1회 지원하고, 동아리 "
            "활동 운영비를 최대 200만원까지 지원합니다."
        ),
        "facts": {
            "target": "사회적경제 분야를 주제로 활동하는 5인 이상의 학습동아리",
            "min_members": 5,
            "selected_per_year": 15,
            "selection_period": "상반기",
            "max_grant": 2_000_000,
            "education": "월 1회",
            "showcase": "10월~11월 학습 성과 공유 공개행사",
        },
    },
    {
        "code": "wikiseoul",
        "name": "서울 사회적경제 아이디어 대회 '위키서울'",
        "kind": "grant",
        "description": (
            "육아, 환경, 일자리 등 서울의 다양한 문제를 해결하기 위한 시민들의 사회혁신 "
            "아이디어를 발굴하고 선발된 아이디어에 소정의 실행비를 지원합니다. 팀당 프로젝트 "
            "실행비 최대 500만원(3개월), 멘토링 및 교육, 우수 아이디어 시상, 인큐베이팅·창업 "
            "연계를 지원합니다."
        ),
        "facts": {
            "target": "사회적경제 프로젝트 아이디어와 실행 의지를 지닌 개인 또는 단체",
            "teams_per_year": 30,
            "cohorts": [
                {"cohort": "1기", "selection": "2014년 8월"},
                {"cohort": "2기", "selection": "2014년 11월 초"},
                {"cohort": "3기", "selection": "2015년 1월"},
            ],
            "max_grant": 5_000_000,
            "grant_months": 3,
            "support": ["멘토링", "교육", "우수 아이디어 시상", "인큐베이팅/창업 연계"],
            "apply_via": "http://www.wikiseoul.com",
        },
    },
    {
        "code": "hub",
        "name": "사회적경제 협동허브",
        "kind": "space",
        "description": (
            "사회적경제 허브의 네트워크 구축, 협동허브 프로그램 및 공간 운영을 통해 사회적경제 "
            "초기 주체를 발굴하고 사회적경제에 대한 시민 인식 확대와 관련 문화를 조성합니다. "
            "센터 내 공동사무실 입주 및 교육장 등 공용공간 대관, 콜로키움·의제포럼·세미나 등 "
            "프로그램을 운영합니다."
        ),
        "facts": {
            "target": "서울시 수준의 사회적경제 조직, 협의회, 개인 또는 단체",
            "spaces": ["카페형 오픈 오피스 '스페이스류'", "교육장 '서로배움터'"],
            "opening_hours": [
                {"days": "월~금", "opens": "09:00", "closes": "21:00"},
                {"days": "토", "opens": "09:00", "closes": "18:00"},
            ],
            "closed": "일요일 및 공휴일",
            "rental": "서울 사회적경제 포털(www.sehub.net)에서 이용 신청",
            "programs": ["사회적경제 콜로키움", "의제포럼", "세미나", "기술혁신랩(예정)"],
        },
    },
    {
        "code": "youth",
        "name": "사회적경제 청년혁신활동가",
        "kind": "placement",
        "description": (
            "사회적경제 영역에서 새로운 지식과 역량을 갖춘 일자리 모델을 개발하고 청년들에게 "
            "사회적경제 조직에서의 현장성 있는 훈련과 일 경험을 제공하여, 사회적경제 영역에서 "
            "진로를 탐색하고 예비 주체로 성장할 수 있도록 지원합니다."
        ),
        "facts": {
            "target": "서울시 거주 청년실업자, 미취업자",
            "min_age": 18,
            "max_age": 39,
            "residence": "서울시",
            "fields": [
                "사회적경제 회계관리사",
                "사회적경제 소셜마케터",
                "중간조직/협의체 활동가",
                "사회적경제 플랫폼 서포터즈",
            ],
            "support": ["맞춤형 교육", "현장 경험 지원", "정기 멘토링", "네트워크 형성"],
            "process": [
                "협력 사업장 모집",
                "청년혁신활동가 모집",
                "참여자 선발",
                "공동교육",
                "협력 사업장 근로",
                "워크숍, 멘토링",
            ],
            "selection_period": "상반기 공지",
        },
    },
    {
        "code": "district",
        "name": "자치구 생태계 조성 및 활성화 지원",
        "kind": "grant",
        "description": (
            "지역에서의 새로운 지원 체계의 필요성에 따라 자치구 특성에 맞는 사회적경제 생태계 "
            "모델 개발 및 지역 내 역량 강화를 지원합니다. 민-민, 민-관 네트워크 구축을 통한 "
            "지역 내 주체 형성, 인재양성, 자본 및 시장 조성, 자원 인프라 구축을 지원합니다."
        ),
        "facts": {
            "target": "사회적경제 지역생태계 조성을 위한 전문지식과 인적, 물적 인프라를 갖춘 단체",
            "districts_running": 16,
            "districts_total": 25,
            "districts": [
                "관악구",
                "금천구",
                "도봉구",
                "성북구",
                "은평구",
                "강북구",
                "구로구",
                "노원구",
                "성동구",
                "강동구",
                "마포구",
                "광진구",
                "동대문구",
                "동작구",
                "양천구",
                "영등포구",
            ],
            "teams_per_year": {"min": 4, "max": 6},
            "selection_period": "하반기",
            "grant_per_year": 200_000_000,
        },
    },
    {
        "code": "cluster",
        "name": "사회적경제 활성화 자치구 공간지원 (클러스터 조성)",
        "kind": "grant",
        "description": (
            "자치구 내 유휴공간 리모델링을 통해 사회적경제 조직의 협력 및 업무 공간을 지원하고, "
            "사회적경제 클러스터형 공간을 조성하여 사회적경제 조직의 역량 및 상호협력 기반을 "
            "마련합니다."
        ),
        "facts": {
            "target": "서울시 22개 자치구",
            "districts_per_year": 2,
            "grant_per_district": 800_000_000,
            "running": ["성북구", "관악구", "영등포구"],
            "tenant_min_years": 2,
            "tenants": "창업 2년차 이상 자치구 성장기 사회적경제기업 및 중간 지원 조직",
        },
    },
    {
        "code": "market",
        "name": "사회적경제 장터",
        "kind": "market",
        "description": (
            "사회적기업, 마을기업, 소셜벤처, 협동조합 등 사회적경제기업과 사회적경제 가치를 "
            "지향하는 시민과 조직들이 참여하는 장터를 통해 사회적경제 조직들의 다양한 상품과 "
            "서비스를 시민들에게 알리고 판매하며 사회적경제의 가치를 전파합니다."
        ),
        "facts": {
            "markets": [
                {
                    "name": "광화문 사회적경제 장터",
                    "place": "광화문 광장",
                    "schedule": "매주 일요일 11:00~16:00",
                    "days": ["일"],
                    "opens": "11:00",
                    "closes": "16:00",
                },
                {
                    "name": "늘장",
                    "place": "공덕역 폐선부지",
                    "schedule": "매주 화~일요일 11:00~21:00",
                    "days": ["화", "수", "목", "금", "토", "일"],
                    "opens": "11:00",
                    "closes": "21:00",
                },
                {
                    "name": "동진시장",
                    "place": "연남동 동진시장",
                    "schedule": "매주 화요일 16:00~18:00",
                    "days": ["화"],
                    "opens": "16:00",
                    "closes": "18:00",
                },
                {
                    "name": "달시장",
                    "place": "영등포 하자센터 앞마당",
                    "schedule": "매달 마지막주 금요일 17:00~21:00",
                    "days": ["마지막 금"],
                    "opens": "17:00",
                    "closes": "21:00",
                },
            ],
            "also": "은평 서울혁신파크 장터(10월~), 자치구별/거점별 장터",
        },
    },
    {
        "code": "procurement_briefing",
        "name": "공공구매 설명회",
        "kind": "event",
        "description": (
            "자치구 내 공공기관 등을 대상으로 사회적경제 상품 및 서비스를 소개하고 공공구매를 "
            "유도합니다."
        ),
        "facts": {"target": "서울시 25개 자치구 및 공공기관", "period": "연중"},
    },
    {
        "code": "mutual_trade",
        "name": "사회적경제 상호거래",
        "kind": "market",
        "description": (
            "생활협동조합을 통해 사회적경제 상품과 시민들의 만남을 지원하고 상품의 판매 촉진 및 "
            "품질 개선을 지원합니다."
        ),
        "facts": {"channel": "생활협동조합"},
    },
    {
        "code": "snack_bundle",
        "name": "사회적경제 다과꾸러미 '햇음'",
        "kind": "market",
        "description": (
            "사무, 행사, 회의, 접대용 다과를 사회적경제 상품으로 구성한 도심형 꾸러미 사업으로 "
            "공공기관과 민간 조직의 우선구매와 책임소비를 지원합니다."
        ),
        "facts": {
            "uses": ["사무", "행사", "회의", "접대"],
            "buyers": ["공공기관", "민간 조직"],
            "priority_purchase": True,
            "since": 2013,
            "monthly_price": {"min": 50_000, "max": 300_000},
        },
    },
    {
        "code": "online_mall",
        "name": "사회적경제 기업 전용 쇼핑몰 '함께누리'",
        "kind": "market",
        "description": (
            "서울 사회적경제기업들의 상품과 서비스를 온라인을 통해 시민들에게 판매함으로써 "
            "사회적경제 기업들의 판로개척, 홍보, 이미지 제고에 앞장섭니다."
        ),
        "facts": {"url": "http://www.hknuri.co.kr", "this_product": True},
    },
    {
        "code": "academy",
        "name": "사회적경제 인재육성 아카데미",
        "kind": "education",
        "description": (
            "주거, 예술, 경영, 도시와 농업, 학위 과정 등 다양한 분야의 참여형 교육을 통해 "
            "사명, 혁신, 협동, 소통의 역량을 갖춘 사회적경제 분야의 인재를 육성합니다."
        ),
        "facts": {
            "target": "사회적경제 조직 임직원 및 지역주민, 관심있는 시민",
            "period": {"from": "2014-08", "until": "2015-01"},
            "courses": [
                "대학(원) 연계 사회적경제 전문가 양성 교육",
                "업종 전문 교육",
                "중간지원기관 활동가 양성",
                "사회적경제 창업준비",
                "협동조합 창업심화",
                "협동조합 비즈니스 역량강화 교육",
                "협동조합 지역코디네이터 양성교육",
                "사회적경제 인재육성 전문가 교육",
                "심화교육 과정",
                "소셜미션 수업교육",
                "중간관리자 리더십 교육",
                "청소년 사회적기업가정신 고양 교육",
                "사회적경제 지역주체 양성과정",
                "마을기업 창업심화",
            ],
        },
    },
    {
        "code": "consulting",
        "name": "통합컨설팅/무료법률상담 지원사업",
        "kind": "consulting",
        "description": (
            "설립 초기 서울 지역 사회적경제 기업의 비즈니스 모델 정립 및 성장기반 마련과 성장기 "
            "사회적경제 기업의 전략적 사업 실행 방안 등 경영지원을 위한 통합 컨설팅과 법률자문을 "
            "지원합니다."
        ),
        "facts": {
            "target": "(예비)사회적기업, 협동조합, 마을기업",
            "tracks": [
                {"name": "기초컨설팅", "apply_until": "2014-09-26"},
                {"name": "전문컨설팅", "apply_until": "2014-10-31"},
                {"name": "온라인 법률상담", "apply_until": "2014-12-31"},
            ],
            "period": {"from": "2014-09", "until": "2015-01"},
            "apply_via": "서울 사회적경제 포털(www.sehub.net) 온라인 접수",
            "legal_topics": [
                "법인 설립 및 전환",
                "계약관련 검토",
                "사업운영 적법성",
                "지적재산권",
                "거래상 분쟁",
            ],
        },
    },
    {
        "code": "cooperation",
        "name": "사회적경제 협동화 지원 사업",
        "kind": "grant",
        "description": (
            "서울시 수준의 사회적경제 부문, 업종별 협의회 및 사회적경제 조직들 간 컨소시엄을 "
            "통해 서울 지역 사회적경제 생태계 요소를 구축하고 업종·분야별 협업 촉진을 위한 "
            "시범모델 개발 공동사업을 지원하여 협동경제 기반을 조성합니다."
        ),
        "facts": {
            "target": "서울시 수준의 부문/업종별 협의회, 사회적경제 조직간 컨소시엄",
            "calls_per_year": 2,
            "max_grant": 20_000_000,
            "costs": ["사업비", "운영비", "인건비"],
            "projects_2014": 15,
        },
    },
    {
        "code": "prelim_designation",
        "name": "서울시 예비사회적기업(지역형) 지정/지원",
        "kind": "certification",
        "description": (
            "서울시가 예비사회적기업(지역형)을 지정하고 지원합니다. 상하반기 총 2회 모집하며 "
            "지정일로부터 3년간 지원합니다. 접수는 기업 소재지 관할 자치구 사회적기업 담당부서 "
            "및 서울권역 지원기관에서 합니다."
        ),
        "facts": {
            "calls_per_year": 2,
            "validity_years": 3,
            "apply_at": "기업 소재지 관할 자치구 사회적기업 담당부서 및 서울권역 지원기관",
        },
    },
    {
        "code": "innovation",
        "name": "서울시 혁신형 사업 희망기업 선정 및 지원",
        "kind": "grant",
        "description": (
            "사회적기업을 통한 사회문제 해결 및 다양한 혁신적 사회적기업 모델을 발굴합니다. "
            "25개 이내를 선정하여 총 18억원을 지원하고 멘토링·컨설팅, 사업비, 홍보 및 판로, "
            "경영지원 등 사후지원을 제공합니다."
        ),
        "facts": {
            "target": "(예비)사회적기업, (예비)사회적기업 준비기업, 사회적기업 컨소시엄",
            "max_selected": 25,
            "total_budget": 1_800_000_000,
            "duration_months": {"min": 10, "max": 12},
            "apply_until": "9월 5일",
            "selection": "10월 초",
        },
    },
    {
        "code": "hero",
        "name": "우수 사회적경제기업 인증 및 지원 (히어로 기업)",
        "kind": "certification",
        "description": (
            "중장기적 발전가능성이 있고 롤모델이 될 수 있는 곳을 선정해 경쟁력 있는 '히어로 "
            "기업'으로 전략적으로 육성합니다. 판로지원, 홍보마케팅 등 공동지원 및 맞춤형 지원을 "
            "제공합니다."
        ),
        "facts": {
            "target": "서울소재 예비사회적기업(지역형·부처형), 고용노동부 인증 사회적기업",
            "selected": 17,
            "selection_period": "하반기",
            "support": ["판로지원", "홍보마케팅", "맞춤형 지원"],
        },
    },
    {
        "code": "gsef",
        "name": "국제 사회적경제 포럼 GSEF 2014",
        "kind": "event",
        "description": (
            "세계 사회적경제 선진 도시와 민간 조직, 활동가들이 한 자리에 모여 경험과 사례를 "
            "공유하고 빈곤, 양극화, 고용불안 등의 사회문제 해결 및 공공성 회복을 위한 국제 "
            "협력 네트워크를 형성합니다."
        ),
        "facts": {
            "starts": "2014-11-17",
            "ends": "2014-11-19",
            "place": "서울시청 신청사",
            "agenda": ["국제 사회적경제 협의체 창립총회", "기념 포럼"],
            "url": "http://www.gsef2014.org",
        },
    },
    {
        "code": "overseas",
        "name": "사회적경제 해외연수 지원사업",
        "kind": "grant",
        "description": (
            "서울시 사회적경제 정책개발 및 국제 네트워크 강화와 해외 전문인력 파견 및 초청을 "
            "통한 사회적경제 조직의 업종 기술력 강화를 위하여 해외연수를 지원합니다."
        ),
        "facts": {
            "tracks": ["정책기획연수", "기술연수"],
            "period_until": "2014-12",
        },
    },
]

# (program code, year, cohort, application opens, closes, budget in KRW)
CYCLES = [
    ("moim", 2014, "", date(2014, 3, 3), date(2014, 4, 11), 15 * 2_000_000),
    ("wikiseoul", 2014, "1기", date(2014, 6, 2), date(2014, 7, 31), 10 * 5_000_000),
    ("wikiseoul", 2014, "2기", date(2014, 8, 1), date(2014, 10, 24), 10 * 5_000_000),
    ("wikiseoul", 2014, "3기", date(2014, 10, 27), date(2014, 12, 31), 10 * 5_000_000),
    ("youth", 2014, "", date(2014, 3, 3), date(2014, 3, 31), 0),
    ("district", 2014, "", date(2014, 7, 1), date(2014, 8, 29), 6 * 200_000_000),
    ("cluster", 2014, "", date(2014, 7, 1), date(2014, 8, 29), 2 * 800_000_000),
    ("cooperation", 2014, "상반기", date(2014, 3, 3), date(2014, 4, 4), 8 * 20_000_000),
    ("cooperation", 2014, "하반기", date(2014, 7, 1), date(2014, 8, 8), 7 * 20_000_000),
    ("consulting", 2014, "기초컨설팅", date(2014, 9, 1), date(2014, 9, 26), 0),
    ("consulting", 2014, "전문컨설팅", date(2014, 9, 1), date(2014, 10, 31), 0),
    ("consulting", 2014, "온라인 법률상담", date(2014, 9, 1), date(2014, 12, 31), 0),
    ("academy", 2014, "", date(2014, 7, 14), date(2015, 1, 31), 0),
    ("prelim_designation", 2014, "상반기", date(2014, 2, 3), date(2014, 2, 28), 0),
    ("prelim_designation", 2014, "하반기", date(2014, 7, 1), date(2014, 7, 31), 0),
    ("innovation", 2014, "", date(2014, 8, 18), date(2014, 9, 5), 1_800_000_000),
    ("hero", 2014, "", date(2014, 8, 18), date(2014, 9, 30), 0),
]


def seed(apps, schema_editor):
    Program = apps.get_model("vendors", "Program")
    ProgramCycle = apps.get_model("vendors", "ProgramCycle")
    programs = {}
    for row in PROGRAMS:
        defaults = {k: v for k, v in row.items() if k != "code"}
        programs[row["code"]], _ = Program.objects.update_or_create(
            code=row["code"], defaults={**defaults, "is_active": True}
        )
    for code, year, cohort, opens, closes, budget in CYCLES:
        ProgramCycle.objects.update_or_create(
            program=programs[code],
            year=year,
            cohort=cohort,
            defaults={
                "application_opens": opens,
                "application_closes": closes,
                "budget": budget,
            },
        )


def unseed(apps, schema_editor):
    Program = apps.get_model("vendors", "Program")
    ProgramCycle = apps.get_model("vendors", "ProgramCycle")
    for code, year, cohort, *_ in CYCLES:
        ProgramCycle.objects.filter(program__code=code, year=year, cohort=cohort).delete()
    Program.objects.filter(code__in=[row["code"] for row in PROGRAMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("vendors", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
