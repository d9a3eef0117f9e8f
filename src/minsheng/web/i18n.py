"""Languages of the pages: Chinese is the source text, English comes from a Babel catalogue.

The .po catalogue is compiled to .mo in memory at first use, so the repository holds only the .po.
"""

from __future__ import annotations

import gettext
import io
import re
from functools import cache
from pathlib import Path

from babel.messages import mofile, pofile

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANGUAGE_COOKIE = "lang"
TRANSLATIONS = Path(__file__).parent / "translations"


@cache
def translations(language: str) -> gettext.NullTranslations:
    po_path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT_LANGUAGE or not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = pofile.read_po(handle, locale=language)
    compiled = io.BytesIO()
    mofile.write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def gettext_for(language: str, message: str) -> str:
    return translations(language).gettext(message)


def choose_language(cookie: str | None, accept_language: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    if cookie in LANGUAGES:
        return cookie
    if accept_language and re.match(r"\s*en\b", accept_language):
        return "en"
    return default if default in LANGUAGES else DEFAULT_LANGUAGE
