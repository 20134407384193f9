"""Default stop words; edit here or pass ``stop_words``/``extra_stop_words`` to ``Preprocessor``.

Lists are written in normalised spelling (lower case, "е" for "ё") and include
both surface forms and lemmas, so they work before and after lemmatisation.
Greetings and politeness words are included: every ticket has them and they
carry no topic.
"""

from __future__ import annotations

from typing import Final


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


RUSSIAN_STOP_WORDS: Final = _words(
    """
    а без более бы был была были было быть в вам вами вас весь во вот все всего всех вы где
    да даже для до его ее если есть еще же за здесь и из или им их к как какой когда кто ли
    либо мне меня мной мой моего моей моем мои моих мою моя мы на над надо нам нас не него
    нее нет ни них но ну о об однако он она они оно от очень по под при с со так также такой
    там те тем то того тоже той только том ту ты у уже хотя чего чей чем что чтобы чье эта
    эти это этого этой этом этот я свой свою своего своей который которая которое которые
    сам сама само себя себе уж вообще просто
    здравствуйте здравствуй добрый день вечер утро привет спасибо пожалуйста благодарю
    заранее уважение уважением помощь подскажите
    """
)
ENGLISH_STOP_WORDS: Final = _words(
    """
    a about after again all am an and any are as at be been before being but by can could
    did do does doing for from had has have having he her here hers him his how i if in into
    is it its just me more most my no nor not of off on once only or other our ours out over
    own same she should so some such than that the their them then there these they this
    those through to too under until up very was we were what when where which while who
    whom why will with would you your yours
    hello hi dear thanks thank please regards kind
    """
)
DEFAULT_STOP_WORDS: Final = {
    "ru": RUSSIAN_STOP_WORDS | ENGLISH_STOP_WORDS,  # Russian tickets quote English UI words
    "en": ENGLISH_STOP_WORDS,
}
