"""Markup is cleaned before features; language is detected per dataset (classifiers, clustering)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tasks_support_system_ai.nlp.clustering import TicketClusterer
from tasks_support_system_ai.nlp.markup import clean_markup, has_markup, markup_mask
from tasks_support_system_ai.nlp.prepare import TextPreparer
from tasks_support_system_ai.nlp.preprocess import Preprocessor

MAIL = """From: Ivan Petrov <ivan@example.com>
Sent: Monday, 3 December 2026 10:00
To: support@example.com
Subject: Roaming broken
<html><head><style>p {color: red}</style></head><body>
<p>Hello,&nbsp;my <b>roaming</b> stopped working_x000D_
in Spain &amp; Portugal.</p><!-- tracking pixel -->
</body></html>

On Mon, 3 Dec 2026 at 09:00, Support <support@example.com> wrote:
> Please restart the phone.
> Regards, the billing team"""


def test_mail_markup_is_cleaned_to_what_a_person_reads() -> None:
    cleaned = clean_markup(MAIL)
    words = cleaned.split()
    assert "Roaming" in words
    assert "Spain" in words
    assert "Portugal." in words
    for gone in ("<p>", "&nbsp;", "_x000D_", "From:", "ivan@example.com", "color", "tracking"):
        assert gone not in cleaned, gone
    assert "restart" not in cleaned
    assert "billing" not in cleaned


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("Счёт &laquo;123&raquo; не оплачен", "Счёт «123» не оплачен"),
        ("line one_x000D_\nline two", "line one\r\nline two"),
        ("Тема: роуминг\nОт: Иван\nне работает", "роуминг\nне работает"),
        ("-----Original Message-----\nold text", ""),
        ("Жду ответа\n\nИван написал:\n> старое письмо", "Жду ответа"),
    ],
)
def test_markup_forms(text: str, cleaned: str) -> None:
    assert clean_markup(text) == cleaned


def test_plain_text_is_left_alone_and_the_column_test_agrees() -> None:
    texts = ["Роуминг не работает", "a > b and 3 < 4", "x<y", MAIL, "AT&T bill"]
    assert clean_markup(texts[0]) == texts[0]
    flagged = markup_mask(pa.array(texts)).to_pylist()
    assert flagged == [has_markup(t) for t in texts]
    assert flagged[0] is False
    assert flagged[3] is True


def test_preparation_cleans_markup_the_same_for_one_text_and_a_column() -> None:
    preparer = TextPreparer("en", "none", markup=True)
    texts = [MAIL, "<b>Internet</b> is down&nbsp;again", "plain words here"] * 30  # Arrow path
    one_by_one = [preparer([text])[0] for text in texts[:3]]
    assert preparer(texts)[:3] == one_by_one
    assert one_by_one[1] == "internet is down again"
    assert "nbsp" not in one_by_one[0]
    assert "restart" not in one_by_one[0]
    unclean = TextPreparer("en", "none")([texts[1]])[0]  # off for exports from before cleaning
    assert "nbsp" in unclean


ENGLISH = [
    "my internet connection keeps dropping every evening",
    "internet is down again and the router blinks",
    "charged twice for the same invoice this month",
    "please refund the double payment on my bill",
] * 10


def test_language_is_detected_per_dataset() -> None:
    assert Preprocessor(language="auto").fit(ENGLISH).language_ == "en"
    assert Preprocessor(language="auto").fit(["Не работает интернет дома"] * 3).language_ == "ru"
    english = Preprocessor(language="auto", normaliser="stem").fit(ENGLISH)
    assert english.transform(["connections dropping"]) == ["connect drop"]  # English stemmer


def test_clustering_follows_the_language_of_its_texts() -> None:
    clusterer = TicketClusterer(n_clusters=2, svd_components=None).fit(ENGLISH)
    assert clusterer.preprocessor_.language_ == "en"
    assert "the" not in clusterer.vectorizer_.vocabulary_  # English stop words dropped
