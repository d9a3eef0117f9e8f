"""The messages of the pages, as Babel finds them: templates' {% trans %}/_() and Python's N_()/translate()."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.extract import extract_from_dir

PACKAGE = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "translate": (2,)}
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


def messages(root: Path = PACKAGE) -> Iterator[tuple[str, str, int]]:
    """(message, file, line) of every translatable message under the package."""
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), METHOD_MAP, options_map=OPTIONS, keywords=KEYWORDS
    ):
        text = message if isinstance(message, str) else message[0]
        if text:
            yield text, filename, lineno
