"""The words of an import's reasons, in the reader's language: catalogue entries (queries/locale/zh.po: ``reason_*``
why a row is refused, ``file_*`` why a file cannot be read, ``mapping_*`` why a column mapping cannot be used) and
the values put in them, said once the language is known.

The validators build :class:`Words` where a row is refused and say them in the language of
:attr:`~queries.ingest.rules.Rules.lang`; an ``IngestError`` keeps its Words for :meth:`say`. English on the
command line and in what an import stores (its refused rows, the inbox's reports), the reader's language on the
Import page, from the same entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from queries.labels import label, t

Said = Callable[[str], str]  # a value said in a language


@dataclass(frozen=True)
class Words:
    """A catalogue entry (its key) and its values: texts, numbers, other :class:`Words` or functions of the language."""

    key: str
    values: dict = field(default_factory=dict)

    def say(self, lang: str = "en") -> str:
        return t(self.key, lang, **{name: said(value, lang) for name, value in self.values.items()})


def words(key: str, /, **values) -> Words:
    return Words(key, values)


def said(value, lang: str):
    """``value`` in ``lang``: Words said, a function of the language called, anything else as it is."""
    if isinstance(value, Words):
        return value.say(lang)
    return value(lang) if callable(value) else value


def code_words(code: str, lang: str) -> str:
    """A code as a reason names it: the code itself in English (a spelling a file may use), its label in Chinese."""
    return code if lang == "en" else label(code, lang)


def codes_words(codes: Iterable[str]) -> Said:
    """The codes known, sorted, as a reason lists them (see :func:`code_words`)."""
    distinct = sorted(set(codes))
    return lambda lang: t("list_separator", lang).join(code_words(code, lang) for code in distinct)


def kind_words(kind: str) -> Said:
    """A kind of records (seizures, checkpoints, hubs) as a reason names it: the kind as the command line writes it
    (--kind seizures) in English, its name in Chinese."""
    return lambda lang: kind if lang == "en" else t(f"import_kind_{kind}", lang)
