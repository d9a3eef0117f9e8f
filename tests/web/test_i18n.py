"""Every message of the pages has an English translation, and no template holds bare text."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from minsheng.web.catalog import PACKAGE, messages
from minsheng.web.i18n import TRANSLATIONS, translations

CJK = re.compile(r"[\u4e00-\u9fff]")
# The shell and the registry pages; another domain's pages join when they adopt the catalogue.
CHECKED = [PACKAGE / "web", PACKAGE / "registry"]


def test_every_message_has_an_english_translation():
    with (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    found = {text for folder in CHECKED for text, _f, _l in messages(folder)}
    assert len(found) > 100  # the extraction found the pages' messages
    missing = sorted(text for text in found if not (catalog.get(text) and catalog.get(text).string))
    assert missing == []
    assert translations("en").gettext("退出") == "Log out"


def test_templates_hold_no_untranslated_chinese():
    """Chinese text outside {% trans %}…{% endtrans %} and _('…') would never be translated."""
    offenders = []
    for template in [t for folder in CHECKED for t in folder.glob("**/templates/**/*.html")]:
        text = template.read_text(encoding="utf-8")
        text = re.sub(r"{%-?\s*trans\b.*?%}.*?{%-?\s*endtrans\s*-?%}", "", text, flags=re.S)
        text = re.sub(r"_\(\s*'[^']*'\s*\)|_\(\s*\"[^\"]*\"\s*\)", "", text)
        text = text.replace("中文", "")  # the language switch names itself in its own language
        for line in text.splitlines():
            if CJK.search(line):
                offenders.append(f"{Path(template).name}: {line.strip()}")
    assert offenders == []
