"""Personal data never reaches the logs: 18-digit 身份证号 are masked in every log record.

`IdNumberMaskFilter` is installed on the console handler (config/settings/base.py LOGGING). It rewrites the
record's message (after %-formatting with its args) and the text of an attached exception, so a 身份证号 in
an error message, a query parameter or a traceback is written as `330502********3110`.
"""
from __future__ import annotations

import logging
import re

# 17 digits and a digit or X, not inside a longer run of digits
ID_NUMBER_RE = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9Xx])")


def mask_id_numbers(text: str) -> str:
    """Mask every 18-digit 身份证号 in `text`: the first six and last four characters stay."""
    if not text:
        return text
    return ID_NUMBER_RE.sub(lambda m: f"{m.group(1)}********{m.group(2)[-4:]}", text)


def mask_data(value):
    """The same over a JSON-like structure (audit event data shown to roles that do not need the numbers)."""
    if isinstance(value, str):
        return mask_id_numbers(value)
    if isinstance(value, dict):
        return {k: mask_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_data(v) for v in value]
    return value


class IdNumberMaskFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave the record as the logging module would
            return True
        masked = mask_id_numbers(message)
        if masked != message or record.args:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_id_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_id_numbers(record.stack_info)
        return True
