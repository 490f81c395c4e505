"""Korean analysis: 초성, jamo, suffixes, kiwi morphemes and queries, pg_trgm's similarity."""

from __future__ import annotations

import unicodedata

import pytest
from django.db import connection

from shop.search import analysis
from shop.search.analysis import (
    choseong,
    compact,
    is_choseong_query,
    jamo,
    name_terms,
    parse_query,
    suffixes,
    word_similarity,
)


def test_choseong_and_compact():
    assert choseong("현미 쌀과자") == "ㅎㅁㅆㄱㅈ"
    assert choseong("ABC초콜릿 500g") == "ㅊㅋㄹ"
    assert compact(" 원두 커피 드립백 (10개입) ") == "원두커피드립백10개입"
    assert is_choseong_query("ㅆㄱㅈ")
    assert is_choseong_query(" ㅂㄱ ㄱㄹㄴㄹ ")
    assert not is_choseong_query("ㅆ과자")
    assert not is_choseong_query("  ")


def test_jamo_and_suffixes():
    assert jamo("유기농, 현미차!") == unicodedata.normalize("NFD", "유기농 현미차")
    assert len(jamo("유기농")) == 7  # ㅇㅠ ㄱㅣ ㄴㅗㅇ
    assert suffixes("현미 쌀과자") == ["현미쌀과자", "미쌀과자", "쌀과자", "과자"]
    assert suffixes("떡") == []


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("word", "two words", 0.8),
        ("유기농", "유기농 현미차", 1.0),
        ("abc", "xyz", 0.0),
    ],
)
def test_word_similarity_known_values(query, text, expected):
    assert word_similarity(query, text) == pytest.approx(expected)


def test_typo_similarity_in_jamo_beats_syllables():
    assert word_similarity(jamo("유기능"), jamo("유기농 현미차")) == pytest.approx(0.625)
    assert word_similarity("유기능", "유기농 현미차") == pytest.approx(0.5)
    assert word_similarity(jamo("그라놀라"), jamo("비건 그래놀라")) >= analysis.TYPO_THRESHOLD


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="compares with PostgreSQL")
def test_word_similarity_port_equals_pg_trgm():
    pairs = [
        (jamo(q), jamo(t))
        for q in ["유기능", "그라놀라", "쌀과", "머그겁", "주방세재", "현미 과자", "ab ba"]
        for t in ["유기농 현미차", "비건 그래놀라", "현미 쌀과자", "도자기 머그컵", "aba abab"]
    ]
    pairs += [("wrd", "two words"), ("aaa", "aaa aaa aa"), ("baba", "ababab abab")]
    with connection.cursor() as cursor:
        for query, text in pairs:
            cursor.execute("SELECT word_similarity(%s, %s)", [query, text])
            assert word_similarity(query, text) == pytest.approx(cursor.fetchone()[0], abs=1e-6)


def test_user_words_fix_kiwi_splits():
    assert name_terms("비건 그래놀라")[:2] == ["비건", "그래놀라"]
    assert "친환경" in name_terms("친환경 주방세제")


def test_name_terms_hold_morphemes_compounds_and_compact():
    terms = name_terms("원두 커피 드립백 10개입")
    assert {"원두", "커피", "드립", "백", "드립백", "원두커피드립백10개입"} <= set(terms)


def test_parse_query_drops_particles_and_endings():
    q = parse_query("쌀과자를")
    assert q.mode == "terms"
    assert [w.morphs for w in q.required] == [("쌀", "과자")]
    assert q.content == "쌀과자"
    sentence = parse_query("참기름을 사고 싶어요")
    assert [w.morphs for w in sentence.required] == [("참기름",)]


def test_parse_query_spacing_partial_and_choseong():
    assert [w.morphs for w in parse_query("쌀 과자").required] == [("쌀",), ("과자",)]
    assert parse_query("쌀 과자").compact == "쌀과자"
    partial = parse_query("그래놀")
    assert not partial.required
    assert [w.substring for w in partial.optional] == ["그래놀"]
    cho = parse_query("ㅆㄱㅈ")
    assert (cho.mode, cho.chunks) == ("choseong", ("ㅆㄱㅈ",))
    assert parse_query(" !? ").is_empty


def test_kiwi_is_loaded_once():
    first = analysis.get_kiwi()
    assert analysis.get_kiwi() is first
    assert analysis.kiwi_loaded()
