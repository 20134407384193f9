"""One ticket's subject, body, sender and the PII planted in them."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from . import _pii
from ._phrases import CLOSINGS, FILLERS, GENERIC_SUBJECTS, GREETINGS, SlotFiller
from ._topics import TOPICS, TopicBank
from ._typos import add_typo

MIN_TEXT_LENGTH: Final = 200
MAX_TEXT_LENGTH: Final = 450
_TYPO_RATE: Final = 0.15
_MIXED_RATE: Final = 0.4  # one sentence borrowed from a neighbouring topic
_HARD_RATE: Final = 0.12  # mostly written in a neighbouring topic's words

_PII_SENTENCES: Final[dict[str, tuple[str, ...]]] = {
    "phone": ("Мой номер {}.", "Контактный телефон: {}.", "Перезвоните мне, пожалуйста, на {}."),
    "email": ("Ответ прошу направить на {}.", "Почта для связи: {}."),
    "incident": ("Ранее уже создавали обращение {}.", "По заявке {} ответа до сих пор нет."),
    "request": ("Это повторное обращение, заявка №{}.", "Номер моей заявки № {}."),
    "contract": ("Мой договор № {}.", "Номер договора: {}."),
    "account": ("Лицевой счёт {}.", "Мой лицевой счёт {}."),
    "name": ("Абонент: {}.", "Договор оформлен на {}.", "Меня зовут {}."),
}
_PII_COUNT_WEIGHTS: Final = (0.15, 0.35, 0.35, 0.15)  # 0..3 PII sentences


@dataclass(frozen=True)
class Piece:
    """A sentence plus the PII strings it contains."""

    text: str
    pii: tuple[str, ...] = ()


@dataclass(frozen=True)
class Draft:
    """A composed ticket before it gets an id, a time and a queue."""

    topic: str
    subject: str
    text: str
    sender: str
    pii: tuple[str, ...]


def _join(pieces: list[Piece]) -> str:
    return " ".join(piece.text for piece in pieces)


class Composer:
    """Template composer; a ``random.Random`` keeps 10k scalar draws cheap."""

    def __init__(self, rnd: random.Random) -> None:
        self._rnd = rnd
        self._by_name = {topic.name: topic for topic in TOPICS}

    def draft(self, topic_index: int) -> Draft:
        """Full ticket for the topic at ``topic_index`` of ``TOPICS``."""
        topic = TOPICS[topic_index]
        who = _pii.person(self._rnd)
        neighbour = self._by_name[self._rnd.choice(topic.neighbours)]
        core, hard = self._core(topic, neighbour)
        body = self._fit(self._head(), core, self._pii_pieces(who) + self._closing(who))
        subject = self._subject(neighbour if hard and self._rnd.random() < 0.5 else topic)
        sender = self._sender(who)
        pii = [*subject.pii, *(p for piece in body for p in piece.pii), *sender.pii]
        return Draft(topic.name, subject.text, _join(body), sender.text, tuple(dict.fromkeys(pii)))

    def _sentence(self, template: str) -> Piece:
        text = template.format_map(SlotFiller(self._rnd))
        return Piece(add_typo(self._rnd, text) if self._rnd.random() < _TYPO_RATE else text)

    def _core(self, topic: TopicBank, neighbour: TopicBank) -> tuple[list[Piece], bool]:
        """Topic sentences in order of use; some borrowed from a neighbour topic."""
        own = self._rnd.sample(topic.sentences, 5)
        borrowed = self._rnd.sample(neighbour.sentences, 2)
        roll = self._rnd.random()
        hard = roll < _HARD_RATE
        if hard:
            order = [borrowed[0], own[0], borrowed[1], *own[1:]]
        elif roll < _HARD_RATE + _MIXED_RATE:
            order = [*own[:1], borrowed[0], *own[1:]]
        else:
            order = own
        return [self._sentence(t) for t in order], hard

    def _head(self) -> list[Piece]:
        return [Piece(self._rnd.choice(GREETINGS))] if self._rnd.random() < 0.7 else []

    def _pii_pieces(self, who: _pii.Person) -> list[Piece]:
        count = self._rnd.choices(range(4), weights=_PII_COUNT_WEIGHTS)[0]
        kinds = self._rnd.sample(sorted(_PII_SENTENCES), count)
        return [self._pii_piece(kind, who) for kind in kinds]

    def _pii_piece(self, kind: str, who: _pii.Person) -> Piece:
        value = self._pii_value(kind, who)
        return Piece(self._rnd.choice(_PII_SENTENCES[kind]).format(value), (value,))

    def _pii_value(self, kind: str, who: _pii.Person) -> str:
        makers: dict[str, Callable[[], str]] = {
            "phone": lambda: _pii.phone(self._rnd),
            "email": lambda: _pii.email(self._rnd, who),
            "incident": lambda: _pii.incident_number(self._rnd),
            "request": lambda: _pii.request_number(self._rnd),
            "contract": lambda: _pii.contract_number(self._rnd),
            "account": lambda: _pii.account_number(self._rnd),
            "name": lambda: who.full_name(self._rnd.random() < 0.5),
        }
        return makers[kind]()

    def _closing(self, who: _pii.Person) -> list[Piece]:
        roll = self._rnd.random()
        if roll < 0.3:
            name = who.full_name(self._rnd.random() < 0.4)
            return [Piece(f"С уважением, {name}.", (name,))]
        return [Piece(self._rnd.choice(CLOSINGS))] if roll < 0.7 else []

    def _fit(self, head: list[Piece], core: list[Piece], tail: list[Piece]) -> list[Piece]:
        """Add topic sentences up to a random target length, never past the maximum."""
        target = self._rnd.randint(200, 400)
        used = core[:1]
        for sentence in core[1:]:
            longer = [*used, sentence]
            if len(_join(head + used + tail)) >= target:
                break
            if len(_join(head + longer + tail)) <= MAX_TEXT_LENGTH:
                used = longer
        fillers = self._rnd.sample(FILLERS, len(FILLERS))
        while len(_join(head + used + tail)) < MIN_TEXT_LENGTH:
            used.append(Piece(fillers.pop()))
        return head + used + tail

    def _subject(self, topic: TopicBank) -> Piece:
        roll = self._rnd.random()
        subject = self._rnd.choice(GENERIC_SUBJECTS if roll < 0.12 else topic.subjects)
        if roll > 0.92:
            number = _pii.incident_number(self._rnd)
            return Piece(f"Re: {subject} ({number})", (number,))
        return Piece(f"Re: {subject}" if roll > 0.85 else subject)

    def _sender(self, who: _pii.Person) -> Piece:
        value = _pii.email(self._rnd, who) if self._rnd.random() < 0.65 else who.full_name(True)
        return Piece(value, (value,))


def topic_weights() -> list[float]:
    """Normalised topic shares (imbalanced on purpose)."""
    total = sum(topic.weight for topic in TOPICS)
    return [topic.weight / total for topic in TOPICS]
