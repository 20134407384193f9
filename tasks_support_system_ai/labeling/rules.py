"""User-defined keyword → label rules, matched column-wise with RE2 (pyarrow) instead of per text.

A text gets the label of the highest-priority rule whose keyword occurs in it as whole words
(case-insensitive, ``ё`` = ``е``, any run of non-word characters between a phrase's words);
among equal priorities the rule listed first wins. Texts matching no rule get the default label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from tasks_support_system_ai.errors import InvalidInputError

Texts: TypeAlias = "Sequence[str | None] | pa.Array | pa.ChunkedArray"

MAX_RULES: Final = 10_000
# RE2 programs have a memory cap; longer alternations are OR-ed in chunks of this many keywords.
_CHUNK_KEYWORDS: Final = 256
_WORD: Final = re.compile(r"\w+")
# Word characters: digits, "_", Latin (with accents), Greek and Cyrillic letters. Listing the
# scripts instead of Unicode's \pL keeps RE2's automaton small and Russian text fast.
# Other scripts count as separators, so e.g. a CJK keyword matches anywhere (no spaces there).
_NON_WORD: Final = r"[^0-9A-Za-z_\x{00C0}-\x{024F}\x{0370}-\x{052F}]"
_RULE_KEYS: Final = frozenset({"keyword", "label", "priority"})


@dataclass(frozen=True)
class KeywordRule:
    """One rule: texts containing ``keyword`` get ``label``; higher ``priority`` wins."""

    keyword: str
    label: str
    priority: int = 0


@dataclass(frozen=True)
class _Problem:
    index: int
    field: str
    problem: str

    def text(self) -> str:
        return f"rule {self.index}: {self.field} {self.problem}"


def keyword_words(keyword: str) -> tuple[str, ...]:
    """The normalised words a keyword matches: lower-cased, ``ё`` → ``е``, punctuation dropped."""
    return tuple(_WORD.findall(keyword.lower().replace("ё", "е")))


def _word_pattern(word: str) -> str:
    """Words are letters, digits, ``_`` (no RE2 metacharacters); ``е`` also matches ``ё``."""
    return word.replace("е", "[её]")


def _phrase_pattern(words: tuple[str, ...]) -> str:
    return f"{_NON_WORD}+".join(_word_pattern(w) for w in words)


def _alternation(phrases: Sequence[str]) -> str:
    """Whole-word match of any phrase; RE2's ``\\b`` is ASCII-only, so boundaries are explicit."""
    return f"(?:^|{_NON_WORD})(?:{'|'.join(phrases)})(?:{_NON_WORD}|$)"


class KeywordRules:
    """Validated rules in preference order, ready to label text columns."""

    def __init__(self, rules: Iterable[KeywordRule], *, default_label: str = "unlabeled") -> None:
        self.rules = tuple(rules)
        self.default_label = default_label.strip() if isinstance(default_label, str) else ""
        words = _validate(self.rules, self.default_label)
        ranked = sorted(range(len(self.rules)), key=lambda i: (-self.rules[i].priority, i))
        self._order = np.array(ranked, dtype=np.intp)
        self._by_rule = _Matcher([[_phrase_pattern(words[i])] for i in ranked])
        runs = _label_runs(
            [(self.rules[i].label.strip(), _phrase_pattern(words[i])) for i in ranked]
        )
        self._by_label = _Matcher([phrases for _, phrases in runs])
        self._labels = np.array([label for label, _ in runs] + [self.default_label])

    @classmethod
    def from_config(
        cls, items: Iterable[Mapping[str, Any]], *, default_label: str = "unlabeled"
    ) -> KeywordRules:
        """Rules from JSON-like dicts (``{"keyword", "label", "priority"?}``), type-checked."""
        items = list(items)
        problems = [p for i, item in enumerate(items) for p in _config_problems(i, item)]
        if problems:
            raise _invalid(problems)
        return cls(
            (KeywordRule(i["keyword"], i["label"], i.get("priority", 0)) for i in items),
            default_label=default_label,
        )

    @property
    def labels(self) -> list[str]:
        """Every label a text can get, the default last."""
        return list(dict.fromkeys(self._labels.tolist()))

    def match(self, texts: Texts) -> NDArray[np.intp]:
        """Index (into ``rules``) of the winning rule per text, ``-1`` where none matches."""
        ranks = self._by_rule.ranks(texts)
        found = ranks >= 0
        ranks[found] = self._order[ranks[found]]
        return ranks

    def label(self, texts: Texts) -> NDArray[np.str_]:
        """The winning rule's label per text, the default label where none matches."""
        return self._labels[self._by_label.ranks(texts)]


def _label_runs(ranked: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """Merge neighbours (in preference order) with the same label: for labelling it does not
    matter which of them matched, and fewer units mean fewer bisection passes."""
    runs: list[tuple[str, list[str]]] = []
    for label, phrase in ranked:
        if runs and runs[-1][0] == label:
            runs[-1][1].append(phrase)
        else:
            runs.append((label, [phrase]))
    return runs


class _Matcher:
    """Finds, per text, the first unit (a list of phrases) in preference order that occurs."""

    def __init__(self, units: list[list[str]]) -> None:
        self.units = units

    def ranks(self, texts: Texts) -> NDArray[np.intp]:
        """Chunk by chunk: combining a chunked column would copy all its texts."""
        chunks = texts.chunks if isinstance(texts, pa.ChunkedArray) else [texts]
        ranks = [self._ranks(_as_array(chunk)) for chunk in chunks]
        return np.concatenate(ranks) if ranks else np.empty(0, dtype=np.intp)

    def _ranks(self, column: pa.Array) -> NDArray[np.intp]:
        ranks = np.full(len(column), -1, dtype=np.intp)
        hit = self._matches(column, 0, len(self.units))
        rows = np.flatnonzero(hit)
        self._resolve(column.filter(pa.array(hit)), rows, 0, len(self.units), ranks)
        return ranks

    def _resolve(
        self, column: pa.Array, rows: NDArray[np.intp], lo: int, hi: int, out: NDArray[np.intp]
    ) -> None:
        """Every row here matches a unit ranked ``lo..hi-1``: bisect to the best one.

        A row matching the better half never needs the worse half, so each row is scanned
        about log2(units) times whatever the number of priority levels.
        """
        if rows.size == 0:
            return
        if hi - lo == 1:
            out[rows] = lo
            return
        mid = (lo + hi) // 2
        first = self._matches(column, lo, mid)
        self._resolve(column.filter(pa.array(first)), rows[first], lo, mid, out)
        rest = ~first
        self._resolve(column.filter(pa.array(rest)), rows[rest], mid, hi, out)

    def _matches(self, column: pa.Array, lo: int, hi: int) -> NDArray[np.bool_]:
        """Whether each text contains any phrase of units ``lo..hi-1`` (null text: no)."""
        phrases = [phrase for unit in self.units[lo:hi] for phrase in unit]
        hit = np.zeros(len(column), dtype=bool)
        for start in range(0, len(phrases), _CHUNK_KEYWORDS):
            pattern = _alternation(phrases[start : start + _CHUNK_KEYWORDS])
            found = pc.match_substring_regex(column, pattern, ignore_case=True)
            hit |= found.fill_null(False).to_numpy(zero_copy_only=False)
        return hit


def _as_array(texts: Sequence[str | None] | pa.Array) -> pa.Array:
    column = texts if isinstance(texts, pa.Array) else pa.array(texts, pa.string())
    if pa.types.is_large_string(column.type) or pa.types.is_string(column.type):
        return column
    raise InvalidInputError(f"Texts must be strings, got {column.type}", code="invalid_texts")


def _validate(rules: tuple[KeywordRule, ...], default_label: str) -> list[tuple[str, ...]]:
    """Every problem at once, so a user fixes a rule set in one round trip."""
    problems: list[_Problem] = []
    if not rules:
        problems.append(_Problem(-1, "rules", "are empty: give at least one keyword rule"))
    if len(rules) > MAX_RULES:
        problems.append(_Problem(-1, "rules", f"are too many: at most {MAX_RULES}"))
    if not default_label:
        problems.append(_Problem(-1, "default_label", "is empty"))
    seen: dict[tuple[str, ...], int] = {}
    words: list[tuple[str, ...]] = []
    for index, rule in enumerate(rules):
        rule_words = keyword_words(rule.keyword) if isinstance(rule.keyword, str) else ()
        words.append(rule_words)
        problems.extend(_rule_problems(index, rule, rule_words, seen))
        seen.setdefault(rule_words, index)
    if problems:
        raise _invalid(problems)
    return words


def _rule_problems(
    index: int, rule: KeywordRule, words: tuple[str, ...], seen: Mapping[tuple[str, ...], int]
) -> list[_Problem]:
    problems = []
    if not words:
        problems.append(_Problem(index, "keyword", "is empty (no letters or digits)"))
    elif words in seen:
        problems.append(
            _Problem(index, "keyword", f"{rule.keyword!r} duplicates rule {seen[words]}")
        )
    if not isinstance(rule.label, str) or not rule.label.strip():
        problems.append(_Problem(index, "label", "is empty"))
    if not isinstance(rule.priority, int) or isinstance(rule.priority, bool):
        problems.append(_Problem(index, "priority", "must be an integer"))
    return problems


def _config_problems(index: int, item: Any) -> list[_Problem]:
    if not isinstance(item, Mapping):
        return [_Problem(index, "rule", "must be an object with keyword, label, priority")]
    problems = [_Problem(index, str(k), "is not a rule field") for k in item if k not in _RULE_KEYS]
    for field in ("keyword", "label"):
        if not isinstance(item.get(field), str):
            problems.append(_Problem(index, field, "must be a string"))
    return problems


def _invalid(problems: list[_Problem]) -> InvalidInputError:
    shown = "; ".join(p.text() if p.index >= 0 else f"{p.field} {p.problem}" for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return InvalidInputError(
        f"Invalid labeling rules: {shown}{more}",
        code="invalid_rules",
        index=problems[0].index,
        problems=[{"index": p.index, "field": p.field, "problem": p.problem} for p in problems],
    )
