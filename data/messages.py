"""Messages of the data layer in both languages: a key of the message catalogue and its values.

A :class:`Message` is made where a problem is found (``Message.of("imp_empty")``) and rendered
where it is shown, in the reader's language: ``message.text("vi")``; as a string it is the
English text. The catalogue is ``i18n/translations/importers.toml`` (an ``[en]`` and a ``[vi]``
table with the same keys), read through :func:`i18n.t`.
"""

from __future__ import annotations

import i18n

LANGUAGES = i18n.LANGUAGES


def t(key: str, lang: str = "en", **values) -> str:
    """The text of ``key`` in ``lang`` (:func:`i18n.t`); values that are messages are rendered in ``lang`` too."""
    lang = lang if lang in LANGUAGES else "en"
    filled = {k: (v.text(lang) if isinstance(v, Message) else v) for k, v in values.items()}
    return i18n.t(key, lang, **filled)


class Message(str):
    """A message of the catalogue: the English text (it *is* that string), plus its key and values.

    Being a string, it goes wherever English text went (comparisons, JSON, logs); :meth:`text`
    renders it in another language.

    Examples
    --------
    >>> m = Message.of("imp_sheet_empty", name="data")
    >>> m, m.text("vi")
    ("the sheet 'data' is empty.", "trang 'data' trống.")
    """

    key: str
    values: tuple

    def __new__(cls, key: str, values: tuple = ()):
        obj = super().__new__(cls, t(key, "en", **dict(values)))
        obj.key, obj.values = key, tuple(values)
        return obj

    def __reduce__(self):
        return (Message, (self.key, self.values))

    @classmethod
    def of(cls, key: str, **values) -> Message:
        return cls(key, tuple(values.items()))

    def text(self, lang: str = "en") -> str:
        return t(self.key, lang, **dict(self.values))


def text(message: object, lang: str = "en") -> str:
    """Any message (a :class:`Message` or plain text) in ``lang``."""
    return message.text(lang) if isinstance(message, Message) else str(message)
