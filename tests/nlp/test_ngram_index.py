"""Batch n-gram counts equal scikit-learn's analyzer, token for token."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from tasks_support_system_ai.nlp.ngram_index import DEFAULT_TOKEN_PATTERN, NgramIndex

WORDS = st.sampled_from(["роуминг", "не", "работает", "__phone__", "a", "интернет-магазин", "x1"])
PLAIN = st.lists(WORDS, max_size=12).map(" ".join)
ANY_TEXT = st.text(alphabet=st.sampled_from(list("аяzZ_-1 \t.,Ёё\u0130ß")), max_size=40)
ANALYZE = TfidfVectorizer(ngram_range=(1, 2)).build_analyzer()


def _vocabulary(docs: list[str]) -> dict[str, int]:
    """Every other n-gram of ``docs``: some tokens and pairs are known, some are not."""
    grams = sorted({gram for doc in docs for gram in ANALYZE(doc)})
    return {gram: column for column, gram in enumerate(grams[::2])}


@settings(max_examples=300, deadline=None)
@given(docs=st.lists(st.one_of(PLAIN, ANY_TEXT), min_size=1, max_size=6))
def test_counts_match_the_sklearn_analyzer(docs: list[str]) -> None:
    columns = _vocabulary(docs)
    rows, cols, counts = NgramIndex(columns, DEFAULT_TOKEN_PATTERN).counts(docs)
    got = {(int(r), int(c)): int(n) for r, c, n in zip(rows, cols, counts, strict=True)}
    expected = {
        (row, columns[gram]): n
        for row, doc in enumerate(docs)
        for gram, n in Counter(ANALYZE(doc)).items()
        if gram in columns
    }
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(doc=st.one_of(PLAIN, ANY_TEXT))
def test_tokens_match_the_pattern(doc: str) -> None:
    index = NgramIndex({"x": 0}, DEFAULT_TOKEN_PATTERN)
    assert index.tokens(doc) == index.pattern.findall(doc.lower())
