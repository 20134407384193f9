"""PII scrubbing: every planted value disappears, ordinary text stays intact."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd
import pytest

from tasks_support_system_ai.datasets.demo import generate_demo
from tasks_support_system_ai.nlp.pii import scrub_pii, scrub_series


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    files = generate_demo(tmp_path_factory.mktemp("pii"), seed=3, progress=False)
    return pd.read_parquet(files.ticket_texts)


def _leaks(row: Mapping[Hashable, Any]) -> list[str]:
    fields = (str(row["subject"]), str(row["text"]), str(row["sender"]))
    scrubbed = " | ".join(scrub_pii(field) for field in fields)
    return [str(v) for v in row["pii_values"] if str(v) in scrubbed]


def test_every_planted_value_is_removed(demo: pd.DataFrame) -> None:
    rows = demo[["subject", "text", "sender", "pii_values"]].to_dict("records")
    assert [leak for row in rows for leak in _leaks(row)] == []


def test_series_matches_scalar_and_keeps_missing(demo: pd.DataFrame) -> None:
    texts = pd.concat([demo["text"].head(300), pd.Series([None])], ignore_index=True)
    scrubbed = scrub_series(texts)
    assert scrubbed.iloc[:-1].tolist() == [scrub_pii(t) for t in texts.iloc[:-1]]
    assert pd.isna(scrubbed.iloc[-1])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Мой номер +7 (912) 345-67-89.", "Мой номер <PHONE>."),
        ("Звоните 8-912-345-67-89 или 89123456789", "Звоните <PHONE> или <PHONE>"),
        ("тел. +79123456789, (912) 345 67 89", "тел. <PHONE>, <PHONE>"),
        ("Почта: ivan.petrov-77@mail.ru.", "Почта: <EMAIL>."),
        ("Обращение INC-2019-004512 не решено", "Обращение <TICKET> не решено"),
        ("повторная заявка №451236", "повторная заявка №<TICKET>"),
        ("Номер моей заявки № 451236.", "Номер моей заявки № <TICKET>."),
        ("Мой договор № 12-3456/19.", "Мой договор № <CONTRACT>."),
        ("Номер договора: 64-7987/20", "Номер договора: <CONTRACT>"),
        ("Лицевой счёт 5501548947.", "Лицевой счёт <ACCOUNT>."),
        ("л/с 9123456789", "л/с <ACCOUNT>"),
        ("Абонент: Андреев Михаил Викторович.", "Абонент: <PERSON>."),
        ("С уважением, Зайцева Полина.", "С уважением, <PERSON>."),
        ("Заявитель Римская-Корсакова Анна", "Заявитель <PERSON>"),
        ("Ответственный Петров И.И. обещал", "Ответственный <PERSON> обещал"),
        ("Меня зовут Михаил, помогите", "Меня зовут <PERSON>, помогите"),
    ],
)
def test_formats(text: str, expected: str) -> None:
    assert scrub_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Хочу перейти на тариф «Смарт», подскажите условия.",
        "Сколько будет стоить переход на «Интернет-Макс» в середине месяца?",
        "Скорость не выше 512 кбит/с, оплатил 1500 ₽ 12.03.2020 в 18:30.",
        "Роутер Huawei E3372 и Samsung Galaxy A51 не видят сеть Wi-Fi.",
        "Здравствуйте! Не работает домашний интернет в Москве уже 3 дня.",
        "Привет. Оптический терминал мигает красным индикатором LOS.",
        "Прошу вернуть ошибочно списанные 785 ₽ на карту. Заранее благодарю.",
        "Пакет Роуминг Европа подключён, но Мобильный Интернет не работает.",
        "Номер заявки уточню позже, договор в офисе.",
    ],
)
def test_ordinary_text_is_untouched(text: str) -> None:
    assert scrub_pii(text) == text
