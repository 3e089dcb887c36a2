"""The translations a build uses: of the content's texts (``ContentTranslator``, one per
language and run, which remembers what fell back to English and which drafts were printed), and
of the layouts' fixed phrases (``ui_translations``, compiled in memory)."""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo

from generator.i18n.po import content_catalogue_path, read_catalogue, ui_catalogue_path


@dataclass
class ContentTranslator:
    """Looks up the translation of one field; falls back to English and remembers why."""

    lang: str
    by_context: dict[str, Message]
    used_drafts: set[str] = field(default_factory=set)
    fallbacks: dict[str, str] = field(default_factory=dict)  # context -> 'missing' | 'stale'

    @classmethod
    def english(cls) -> ContentTranslator:
        """The English itself: every text as written, nothing to record."""
        return cls("en", {})

    def __call__(self, context: str, english: str) -> str:
        if self.lang == "en":
            return english
        message = self.by_context.get(context)
        if message is None or not message.string:
            self.fallbacks[context] = "missing"
            return english
        if message.id != english:
            self.fallbacks[context] = "stale"
            return english
        if message.fuzzy:
            self.used_drafts.add(context)
        return str(message.string)

    def fresh(self) -> ContentTranslator:
        """The same translations, recording afresh: what one document used, whatever else the
        run translated before it (a booklet says it holds a draft only from its own texts)."""
        return ContentTranslator(self.lang, self.by_context)

    def absorb(self, other: ContentTranslator) -> None:
        """Add what ``other`` recorded to this translator's record of the whole run."""
        self.used_drafts |= other.used_drafts
        self.fallbacks.update(other.fallbacks)


def content_translator(root: Path, lang: str) -> ContentTranslator:
    catalog = read_catalogue(content_catalogue_path(root, lang), lang) if lang != "en" else Catalog(locale="en")
    return ContentTranslator(lang, {m.context: m for m in catalog if m.id and m.context})


def ui_translations(layouts: Path, lang: str) -> gettext.NullTranslations:
    """The compiled fixed phrases of one language in the project's layouts (drafts included),
    compiled once per folder, language and version of the file (`booklet serve` sees an edit)."""
    path = ui_catalogue_path(layouts, lang)
    try:
        stat = path.stat()
    except OSError:  # no catalogue: the English phrases
        return _compiled(path, "en", None)
    return _compiled(path, lang, (stat.st_mtime_ns, stat.st_size))


@cache
def _compiled(path: Path, lang: str, stamp: tuple[int, int] | None) -> gettext.NullTranslations:
    if lang == "en" or stamp is None:
        return gettext.NullTranslations()
    catalog = read_catalogue(path, lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=True)
    buf.seek(0)
    return gettext.GNUTranslations(buf)
