"""Language detection: the share of Cyrillic letters in a sample decides."""

from __future__ import annotations

from tasks_support_system_ai.language import detect_language


def test_detect_language() -> None:
    ru = "Роутеры постоянно перезагружаются, а ёмкость батареи упала!"
    en = "The routers are rebooting constantly and my calls were dropped."
    assert detect_language([ru, "Не работает Wi-Fi на Xiaomi Redmi Note 8"]) == "ru"
    assert detect_language([en, "Ошибка"]) == "en"
    assert detect_language([]) == "en"
