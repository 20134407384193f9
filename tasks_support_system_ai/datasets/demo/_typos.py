"""Keyboard slips, so text models cannot rely on exact spelling."""

from __future__ import annotations

import random

_MIN_WORD = 5


def add_typo(rnd: random.Random, sentence: str) -> str:
    """Swap two neighbouring letters or drop one inside a random longer word."""
    words = sentence.split(" ")
    candidates = [i for i, word in enumerate(words) if len(word) >= _MIN_WORD and word.isalpha()]
    if not candidates:
        return sentence
    i = rnd.choice(candidates)
    word = words[i]
    pos = rnd.randint(1, len(word) - 3)
    if rnd.random() < 0.5:
        words[i] = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    else:
        words[i] = word[:pos] + word[pos + 1 :]
    return " ".join(words)
