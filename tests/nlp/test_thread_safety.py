"""Preprocessing shared by serving threads gives each thread the answers it gives alone.

Snowball stemmers keep the word being stemmed in their own fields; one stemmer per process used
from several threads mixed words up (``IndexError: string index out of range`` under load).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import snowballstemmer

from tasks_support_system_ai.nlp import morph
from tasks_support_system_ai.nlp.prepare import TextPreparer

THREADS = 8
RUSSIAN = "абвгдеежзийклмнопрстуфхцчшщыьэюя"
ENGLISH = "abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Threads switch every microsecond, so they interleave inside every stemmer call."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def words(alphabet: str, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    endings = ["ами", "ость", "ение", "ться", "ing", "ness", "ation", "ies"]
    return [
        "".join(rng.choices(alphabet, k=rng.randint(4, 12))) + rng.choice(endings)
        for _ in range(count)
    ]


@pytest.mark.usefixtures("fast_switching")
@pytest.mark.parametrize(("language", "alphabet"), [("russian", RUSSIAN), ("english", ENGLISH)])
def test_stemming_from_many_threads_matches_one_thread(language: str, alphabet: str) -> None:
    batches = [words(alphabet, 150, seed) for seed in range(THREADS * 2)]
    alone = snowballstemmer.stemmer(language)
    expected = [[alone.stemWord(w) for w in batch] for batch in batches]
    morph.clear_caches()  # every word a miss: each call runs a stemmer

    def stem_all(batch: list[str]) -> list[str]:
        return [morph.stem(w, language) for w in batch]

    with ThreadPoolExecutor(THREADS) as pool:
        assert list(pool.map(stem_all, batches)) == expected


@pytest.mark.usefixtures("fast_switching")
def test_preparing_texts_from_many_threads_matches_one_thread() -> None:
    texts = [
        " ".join(words(RUSSIAN + " ", 6, seed) + words(ENGLISH, 3, seed)) + f" звоните {seed}"
        for seed in range(200)
    ]
    batches = [texts[i::THREADS] for i in range(THREADS)]
    for normaliser in ("stem", "lemma"):
        preparer = TextPreparer("ru", normaliser)  # type: ignore[arg-type]
        expected = [[preparer.prepare_whole(t) for t in batch] for batch in batches]
        morph.clear_caches()
        with ThreadPoolExecutor(THREADS) as pool:
            assert list(pool.map(preparer, batches)) == expected
