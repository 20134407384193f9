"""Fake personal data in the formats Russian telecom customers really type."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

_MALE_FIRST: Final = (
    "Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья", "Кирилл",
    "Михаил", "Никита", "Иван", "Павел", "Роман", "Евгений", "Владимир", "Олег", "Николай",
)  # fmt: skip
_FEMALE_FIRST: Final = (
    "Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Екатерина", "Светлана",
    "Юлия", "Анастасия", "Дарья", "Марина", "Ксения", "Виктория", "Полина",
)  # fmt: skip
# Only fathers' names with regular patronymics (no Павел -> Павлович style exceptions).
_FATHERS: Final = (
    "Александр", "Дмитрий", "Сергей", "Андрей", "Алексей", "Иван", "Роман", "Владимир", "Олег",
    "Николай", "Виктор", "Борис", "Степан", "Константин", "Антон", "Денис",
)  # fmt: skip
_SURNAMES: Final = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
)  # fmt: skip
_MAIL_DOMAINS: Final = (
    "mail.ru",
    "yandex.ru",
    "gmail.com",
    "bk.ru",
    "inbox.ru",
    "list.ru",
    "rambler.ru",
    "ya.ru",
)
_CYR: Final = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LAT: Final = (
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
    "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
)  # fmt: skip
_TRANSLIT: Final = str.maketrans(dict(zip(_CYR, _LAT, strict=True)))


@dataclass(frozen=True)
class Person:
    """A customer; names agree in gender like real Russian names do."""

    surname: str
    first: str
    patronymic: str

    def full_name(self, with_patronymic: bool) -> str:
        base = f"{self.surname} {self.first}"
        return f"{base} {self.patronymic}" if with_patronymic else base


def person(rnd: random.Random) -> Person:
    """Random customer with gender-consistent surname and patronymic."""
    father = rnd.choice(_FATHERS)
    surname = rnd.choice(_SURNAMES)
    if rnd.random() < 0.5:
        return Person(surname, rnd.choice(_MALE_FIRST), _patronymic(father, female=False))
    return Person(surname + "а", rnd.choice(_FEMALE_FIRST), _patronymic(father, female=True))


def _patronymic(father: str, *, female: bool) -> str:
    stem = father[:-1] + "е" if father.endswith("й") else father + "о"
    return stem + ("вна" if female else "вич")


def translit(text: str) -> str:
    """Latin spelling for e-mail logins."""
    return text.lower().translate(_TRANSLIT)


def email(rnd: random.Random, who: Person) -> str:
    """Login built from the person's name, as most personal mailboxes are."""
    first, last = translit(who.first), translit(who.surname)
    login = rnd.choice((f"{first}.{last}", f"{last}.{first[0]}", f"{first[0]}{last}", last))
    digits = str(rnd.randint(1, 99)) if rnd.random() < 0.4 else ""
    return f"{login}{digits}@{rnd.choice(_MAIL_DOMAINS)}"


def phone(rnd: random.Random) -> str:
    """Mobile number in one of the four spellings seen in real tickets."""
    code, a = rnd.randint(900, 999), rnd.randint(100, 999)
    b, c = rnd.randint(0, 99), rnd.randint(0, 99)
    return rnd.choice(
        (
            f"+7 ({code}) {a}-{b:02d}-{c:02d}",
            f"8-{code}-{a}-{b:02d}-{c:02d}",
            f"8{code}{a}{b:02d}{c:02d}",
            f"+7{code}{a}{b:02d}{c:02d}",
        )
    )


def incident_number(rnd: random.Random) -> str:
    return f"INC-{rnd.randint(2017, 2020)}-{rnd.randint(1, 999_999):06d}"


def request_number(rnd: random.Random) -> str:
    return str(rnd.randint(100_000, 999_999))


def contract_number(rnd: random.Random) -> str:
    return f"{rnd.randint(10, 99)}-{rnd.randint(1_000, 9_999)}/{rnd.randint(17, 20)}"


def account_number(rnd: random.Random) -> str:
    return str(rnd.randint(10**9, 10**10 - 1))
