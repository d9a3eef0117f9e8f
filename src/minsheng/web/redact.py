"""The last line of defence: an 18-character resident ID number never leaves unmasked by accident.

Every value a template prints and every log line passes through `mask_ids`; a deliberate, audited
reveal is wrapped in `Revealed` and passes through unchanged.
"""

from __future__ import annotations

import logging
import re

from markupsafe import Markup

from minsheng import idcard

ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")


class Revealed(str):
    """An ID number the caller may see, whose viewing has been audited."""


def mask_ids(text: str) -> str:
    return ID_PATTERN.sub(lambda m: idcard.mask(m.group(1)), text)


def finalize(value: object) -> object:
    """Jinja's `finalize`: applied to every {{ expression }} of every template."""
    if value is None:
        return ""
    if isinstance(value, Revealed):
        return value
    if isinstance(value, str) and ID_PATTERN.search(value):
        masked = mask_ids(value)
        return Markup(masked) if isinstance(value, Markup) else masked
    return value


_installed = False
_formatter = logging.Formatter()


def install_log_filter() -> None:
    """Mask ID numbers in every log record as it is made, whichever logger or handler writes it."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def masked_record(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not format is left to logging's own report
            return record
        if ID_PATTERN.search(message):
            record.msg, record.args = mask_ids(message), None
        if record.exc_info and record.exc_info[0] is not None:
            # Tracebacks carry exception messages and values: format now, masked, and let handlers reuse it.
            record.exc_text = mask_ids(_formatter.formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(masked_record)
    _installed = True
