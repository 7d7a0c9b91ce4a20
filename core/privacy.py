"""Masking of personal data, the one place its shape is decided (pages, API, exports, audit viewer and logs).

A masked 身份证号 keeps the region (first six digits) and the sequence (three digits) and hides the eight birth
digits **and the check digit**: `330502197904013110` → `330502********311*`. The check digit is hidden because,
together with the year and month that pages show, it would narrow the birth day to two or three candidates
(ISO 7064 MOD 11-2). Roles that see masked numbers see birth dates as year-month at most
(`mask_birth_date`), so no other field gives the hidden digits back.

`IdNumberMaskFilter` is installed on the console handler (config/settings/base.py LOGGING). It rewrites the
record's message (after %-formatting with its args) and the text of an attached exception, so a 身份证号 in
an error message, a query parameter or a traceback is written masked.
"""
from __future__ import annotations

import datetime as dt
import logging
import re

# 17 digits and a digit or X, not inside a longer run of digits
ID_NUMBER_RE = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9Xx])")


ISO_DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-[0-9]{2}")


def mask_id_number(value: str | None) -> str:
    """One 身份证号: `330502197904013110` → `330502********311*`; anything not 18 characters is fully hidden."""
    if not value:
        return ""
    value = str(value)
    if len(value) != 18:
        return "*" * len(value)
    return f"{value[:6]}********{value[14:17]}*"


def mask_id_numbers(text: str) -> str:
    """Mask every 18-digit 身份证号 in `text` as `mask_id_number` does."""
    if not text:
        return text
    return ID_NUMBER_RE.sub(lambda m: f"{m.group(1)}********{m.group(2)[:3]}*", text)


def mask_birth_date(value) -> str:
    """A birth date as year-month only: `1979-04` (a date, or an ISO text); '' for none."""
    if not value:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    match = ISO_DATE_RE.match(str(value))
    return f"{match.group(1)}-{match.group(2)}" if match else str(value)


def mask_data(value, key: str = ""):
    """The same over a JSON-like structure (audit event data shown to roles that do not need the numbers):
    every 身份证号 masked, every value under a key naming a birth date cut to year-month."""
    if isinstance(value, str):
        if "birth" in key or "出生" in key:
            value = ISO_DATE_RE.sub(lambda m: f"{m.group(1)}-{m.group(2)}", value)
        return mask_id_numbers(value)
    if isinstance(value, dict):
        return {k: mask_data(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_data(v, key) for v in value]
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
