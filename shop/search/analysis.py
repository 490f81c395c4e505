"""Korean text analysis shared by every search backend.

Two kinds of helpers live here:

* pure string functions (no model needed): normalization, the compact form, 초성 (choseong),
  jamo decomposition, name suffixes, and a port of pg_trgm's ``word_similarity`` so that the
  SQLite backend ranks typo matches exactly like PostgreSQL does;
* the morpheme analyzer (kiwipiepy), loaded lazily once per process: it takes 1-3 s and
  ~300 MB, so nothing imports it at start-up; ``get_kiwi()`` builds it on first use.

Terms are always lower-case strings of alphanumeric characters only, so that SQLite's
``unicode61`` tokenizer, a PostgreSQL ``tsvector`` literal and Elasticsearch keyword fields
all see exactly the same tokens.
"""

from __future__ import annotations

import re
import struct
import threading
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

# --- Pure string helpers --------------------------------------------------------------------

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
# Compatibility jamo consonants (ㄱ U+3131 … ㅎ U+314E): what a keyboard types for 초성 queries.
_JAMO_CONSONANTS = {chr(c) for c in range(0x3131, 0x314F)}

_SPACES = re.compile(r"\s+")


def normalize(text: str | None) -> str:
    """NFC, lower-case, single spaces. (Not NFKC: it would turn ㅆ into a conjoining jamo.)"""
    text = unicodedata.normalize("NFC", text or "").lower()
    return _SPACES.sub(" ", text).strip()


def clean_token(text: str) -> str:
    """Keep only alphanumeric characters (what every engine's tokenizer keeps in one token)."""
    return "".join(ch for ch in text if ch.isalnum())


def words_of(text: str) -> list[str]:
    """Whitespace/punctuation-separated words, each reduced to its alphanumeric characters."""
    out = []
    for chunk in normalize(text).split(" "):
        # Punctuation inside a word separates it too ("쌀과자(현미)" → 쌀과자, 현미).
        out.extend(w for w in re.split(r"[^\w]|_", chunk) if w)
    return [w for w in (clean_token(w) for w in out) if w]


def compact(text: str) -> str:
    """The text with every space and punctuation removed: ``"현미 쌀과자"`` → ``"현미쌀과자"``."""
    return clean_token(normalize(text))


def choseong(text: str) -> str:
    """초성 of each Hangul syllable; compatibility consonants are kept; everything else dropped."""
    out = []
    for ch in text:
        code = ord(ch)
        if HANGUL_FIRST <= code <= HANGUL_LAST:
            out.append(CHOSEONG[(code - HANGUL_FIRST) // 588])
        elif ch in _JAMO_CONSONANTS:
            out.append(ch)
    return "".join(out)


def is_choseong_query(text: str) -> bool:
    """True for a query made only of consonant jamo and spaces (``ㅆㄱㅈ``, ``ㄷㅂ ㄱㅊ``)."""
    stripped = text.replace(" ", "")
    return bool(stripped) and all(ch in _JAMO_CONSONANTS for ch in stripped)


def jamo(text: str) -> str:
    """Words decomposed into conjoining jamo (NFD), separated by single spaces.

    Typo matching compares trigrams of this form: 유기능/유기농 differ by one jamo of seven
    instead of one syllable of three, which trigram similarity tolerates.
    """
    return " ".join(unicodedata.normalize("NFD", w) for w in words_of(text))


def suffixes(text: str, *, min_len: int = 2, max_count: int = 40) -> list[str]:
    """Every suffix (of at least ``min_len`` characters) of the compact text.

    A prefix query against these tokens is a substring search of the name: ``쌀과*`` matches
    the suffix ``쌀과자`` of ``현미쌀과자``.
    """
    c = compact(text)
    return [c[i:] for i in range(min(len(c) - min_len + 1, max_count))]


def unique(items: Iterable[str]) -> list[str]:
    """Drop empties and duplicates, keeping the first occurrence's order."""
    return list(dict.fromkeys(i for i in items if i))


# --- pg_trgm's word_similarity, ported ------------------------------------------------------
# PostgreSQL computes typo similarity with pg_trgm; the SQLite backend computes the very same
# number in Python, so both backends accept and order typo matches identically.

TYPO_THRESHOLD = 0.5


def _float4(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def trigrams(text: str) -> list[str]:
    """pg_trgm's trigrams, in order: each word padded with two spaces before and one after."""
    out: list[str] = []
    for word in re.split(r"[^\w]|_", text.lower()):
        if word:
            padded = f"  {word} "
            out.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return out


def interior_trigrams(text: str) -> list[str]:
    """Unpadded trigrams of each word (what SQLite's FTS5 ``trigram`` tokenizer indexes)."""
    out: list[str] = []
    for word in text.split(" "):
        out.extend(word[i : i + 3] for i in range(len(word) - 2))
    return unique(out)


def word_similarity(query: str, text: str) -> float:
    """pg_trgm ``word_similarity(query, text)`` (non-strict), as float4.

    The greatest similarity between the query's trigram set and any continuous extent of the
    text's ordered trigrams; same algorithm as ``iterate_word_similarity`` in trgm_op.c.
    """
    t1 = set(trigrams(query))
    t2 = trigrams(text)
    ulen1 = len(t1)
    if not ulen1 or not t2:
        return 0.0
    found = [t in t1 for t in t2]
    lastpos: dict[str, int] = {}
    ulen2 = count = 0
    lower = -1
    best = 0.0
    for i, tg in enumerate(t2):
        if lower >= 0 or found[i]:
            if lastpos.get(tg, -1) < 0:
                ulen2 += 1
                if found[i]:
                    count += 1
            lastpos[tg] = i
        if not found[i]:
            continue
        upper = i
        if lower == -1:
            lower = i
            ulen2 = 1
        current = _float4(count / (ulen1 + ulen2 - count))
        tmp_count, tmp_ulen2, prev_lower = count, ulen2, lower
        for tmp_lower in range(lower, upper + 1):
            candidate = _float4(tmp_count / (ulen1 + tmp_ulen2 - tmp_count))
            if candidate > current:
                current, ulen2, lower, count = candidate, tmp_ulen2, tmp_lower, tmp_count
            tg_low = t2[tmp_lower]
            if lastpos.get(tg_low) == tmp_lower:
                tmp_ulen2 -= 1
                if found[tmp_lower]:
                    tmp_count -= 1
        best = max(best, current)
        for tmp_lower in range(prev_lower, lower):
            tg_low = t2[tmp_lower]
            if lastpos.get(tg_low) == tmp_lower:
                lastpos[tg_low] = -1
    return best


# --- The morpheme analyzer (kiwipiepy) ------------------------------------------------------

# Words kiwi mis-splits (checked with kiwipiepy 0.24: 비건 → 비/VV 건/EC, 그래놀라 → 그래/IC
# 놀라/VV, 친환경 → 친/XPN 환경). Only such words belong here: never a compound that should
# be split (쌀과자 → 쌀 + 과자 is what makes "과자" find it).
USER_WORDS: tuple[tuple[str, str], ...] = (
    ("비건", "NNG"),
    ("그래놀라", "NNG"),
    ("친환경", "NNG"),
)

# Content tags kept as terms: nouns, roots, foreign words, numbers, hanja. Particles (J*),
# endings (E*), verb/adjective stems, affixes and symbols are dropped.
CONTENT_TAGS = frozenset({"NNG", "NNP", "NR", "XR", "SL", "SN", "SH"})
# Tags joined into compounds when adjacent inside one word (원두커피 → 원두커피).
COMPOUND_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SN", "SH"})

_kiwi = None
_kiwi_lock = threading.Lock()
_analyze_lock = threading.Lock()


def get_kiwi():
    """The process-wide analyzer, built on first use (thread-safe)."""
    global _kiwi
    if _kiwi is None:
        with _kiwi_lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                with warnings.catch_warnings():
                    # 0.21 changed num_workers=0 to mean "single thread": that is what we want.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    kiwi = Kiwi(num_workers=0, load_multi_dict=False)
                for word, tag in USER_WORDS:
                    kiwi.add_user_word(word, tag, 0)
                kiwi.tokenize("")  # finish the lazy initialization now, not on a request
                _kiwi = kiwi
    return _kiwi


def kiwi_loaded() -> bool:
    return _kiwi is not None


@dataclass
class Analysis:
    """Morphemes of a text: content terms, and per-word groups (for queries)."""

    terms: list[str] = field(default_factory=list)
    compounds: list[str] = field(default_factory=list)
    # One entry per whitespace word: (surface, its content morphemes).
    words: list[tuple[str, list[str]]] = field(default_factory=list)


def analyze(text: str) -> Analysis:
    """Content morphemes of ``text`` grouped by word, plus the compounds inside each word."""
    text = normalize(text)
    result = Analysis()
    if not text:
        return result
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    per_word: list[list] = [[] for _ in spans]
    w = 0
    kiwi = get_kiwi()
    with _analyze_lock:  # one analysis at a time per process (threaded servers)
        tokens = kiwi.tokenize(text)
    for token in tokens:
        while w < len(spans) - 1 and token.start >= spans[w][1]:
            w += 1
        form = clean_token(token.form.lower())
        per_word[w].append((form, token.tag, token.start, token.start + token.len))
    for (start, end), tokens in zip(spans, per_word, strict=True):
        morphs = [form for form, tag, _, _ in tokens if tag in CONTENT_TAGS and form]
        result.terms.extend(morphs)
        result.compounds.extend(_compounds(tokens))
        result.words.append((text[start:end], unique(morphs)))
    result.terms = unique(result.terms)
    result.compounds = unique(result.compounds)
    return result


def _compounds(tokens) -> list[str]:
    """Runs of adjacent noun-like morphemes inside one word, joined (원두+커피 → 원두커피)."""
    out, run, run_end = [], [], -1
    for form, tag, start, end in [*tokens, ("", "", -1, -1)]:
        if tag in COMPOUND_TAGS and form and (not run or start == run_end):
            run.append(form)
            run_end = end
            continue
        if len(run) > 1:
            out.append("".join(run))
        run = [form] if tag in COMPOUND_TAGS and form else []
        run_end = end
    return out


def text_terms(text: str) -> list[str]:
    """Index terms of a text field: morphemes and compounds."""
    a = analyze(text)
    return unique([*a.terms, *a.compounds])


def name_terms(name: str) -> list[str]:
    """Index terms of a product name: morphemes, compounds, the words and the compact name."""
    a = analyze(name)
    return unique([*a.terms, *a.compounds, *words_of(name), compact(name)])


def choseong_terms(name: str, terms: Sequence[str]) -> list[str]:
    """초성 tokens: of the whole name, of each word and of each name term."""
    return unique(choseong(t) for t in [compact(name), *words_of(name), *terms])


# --- Queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryWord:
    surface: str  # the word as typed, alphanumerics only ("쌀과자를")
    morphs: tuple[str, ...]  # its content morphemes ("쌀", "과자")

    @property
    def compound(self) -> str:
        return "".join(self.morphs) if len(self.morphs) > 1 else ""

    @property
    def substring(self) -> str:
        """Prefix for the name-suffix field (substring search), when long enough."""
        return self.surface if len(self.surface) >= 2 else ""


@dataclass(frozen=True)
class ParsedQuery:
    """A query, analyzed once: what every backend turns into its own query language.

    * ``mode == "choseong"``: ``chunks`` are 초성 prefixes (ㅆㄱㅈ) matched against ``cho``.
    * ``mode == "terms"``: every word in ``required`` must match, either by all of its
      morphemes (in the name, vendor, category or description) or as a substring of the name.
      When no word has content morphemes (``그래놀`` → 그래/IC 놀/VV), ``optional`` words are
      tried as substrings instead, any of them matching.
    * ``compact``/``content`` rank exact, prefix and substring name matches first.
    """

    text: str
    mode: str  # "empty" | "choseong" | "terms"
    chunks: tuple[str, ...] = ()
    required: tuple[QueryWord, ...] = ()
    optional: tuple[QueryWord, ...] = ()
    compact: str = ""
    content: str = ""
    jamo: str = ""

    @property
    def is_empty(self) -> bool:
        return self.mode == "empty" or (
            self.mode == "terms" and not self.required and not self.optional
        )


MAX_QUERY_CHARS = 200


@lru_cache(maxsize=2048)
def parse_query(text: str) -> ParsedQuery:
    text = normalize(text[:MAX_QUERY_CHARS])
    if not compact(text):
        return ParsedQuery(text=text, mode="empty")
    if is_choseong_query(text):
        chunks = tuple(c for c in text.split(" ") if c)
        return ParsedQuery(text=text, mode="choseong", chunks=chunks, compact="".join(chunks))
    a = analyze(text)
    required, optional = [], []
    for surface, morphs in a.words:
        word = QueryWord(surface=clean_token(surface), morphs=tuple(morphs))
        if morphs:
            required.append(word)
        elif word.substring:
            optional.append(word)
    content = "".join(m for _, morphs in a.words for m in morphs)
    return ParsedQuery(
        text=text,
        mode="terms",
        required=tuple(required),
        optional=tuple(optional) if not required else (),
        compact=compact(text),
        content=content,
        jamo=jamo(text),
    )
