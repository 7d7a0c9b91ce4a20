"""Set-based writes with django-simple-history: the roster import and the bulk position sync insert thousands
of rows, and their “+” history rows, in a few statements."""
from __future__ import annotations

import datetime as dt
import io
import logging
from enum import Enum

from django.db import DatabaseError, connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

BATCH = 2000
logger = logging.getLogger(__name__)


def chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def values_in(model, field: str, keys: list, columns: list[str]) -> list[tuple]:
    """``model.objects.filter(<field>__in=keys).values_list(*columns)`` for thousands of keys: on PostgreSQL one
    query with the keys as one array (``= ANY(%s)``; Django prepares every key of an ``__in`` on its own), else
    the ORM, 2000 keys a query. For plain columns (text, numbers, dates, foreign keys: no converters)."""
    if not keys:
        return []
    if connection.vendor != "postgresql":
        out = []
        for chunk in chunks(keys):
            out.extend(model.objects.filter(**{f"{field}__in": chunk}).order_by().values_list(*columns))
        return out
    quote = connection.ops.quote_name
    meta = model._meta
    names = ", ".join(quote(meta.get_field(c).column) for c in columns)
    sql = f"SELECT {names} FROM {quote(meta.db_table)} WHERE {quote(meta.get_field(field).column)} = ANY(%s)"
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(keys)])
        return cursor.fetchall()


def fast_create(model, objs: list, *, user, now=None):
    """Insert ``objs`` and their “+” history rows (history user = ``user``) like ``bulk_create_with_history``.

    On PostgreSQL the rows go in as one ``INSERT … SELECT * FROM UNNEST(<one array per column>) RETURNING id`` per
    5000 rows (and one for their history rows), built straight from the instances' attributes (no per-value field
    preparation, no historical model instances); elsewhere the
    django-simple-history helper is used. ``auto_now``/``auto_now_add`` fields take ``now``; the pks are set on
    ``objs``.
    """
    if not objs:
        return
    now = now or timezone.now()
    if connection.vendor != "postgresql":
        for chunk in chunks(objs):
            bulk_create_with_history(chunk, model, batch_size=BATCH, default_user=user, default_date=now)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
        elif f.is_relation:  # like Model._prepare_related_fields_for_save: take the pk of a related object saved since
            for obj in objs:
                related = obj._state.fields_cache.get(f.name)
                if related is not None and getattr(obj, f.attname) is None:
                    setattr(obj, f.attname, related.pk)
    history_model = model.history.model
    tracked = [history_model._meta.get_field(f.attname) for f in history_model.tracked_fields]
    extra = [history_model._meta.get_field(n) for n in ("history_date", "history_change_reason", "history_type", "history_user")]
    quote = connection.ops.quote_name

    def insert_sql(table, columns, returning=""):
        arrays = ", ".join(f"%s::{f.cast_db_type(connection)}[]" for f in columns)
        return (
            f"INSERT INTO {quote(table)} ({', '.join(quote(f.column) for f in columns)}) "
            f"SELECT * FROM UNNEST({arrays}){returning}"
        )

    sql = insert_sql(model._meta.db_table, fields, f" RETURNING {quote(model._meta.pk.column)}")
    history_sql = insert_sql(history_model._meta.db_table, tracked + extra)
    user_id = user.pk if user is not None else None
    db = connection.alias

    file_fields = {f.attname: f for f in fields if isinstance(f, models.FileField)}  # FieldFile → its name

    def column(chunk, f):
        values = [obj.__dict__[f.attname] for obj in chunk]
        if f.attname in file_fields:
            values = [file_fields[f.attname].get_prep_value(v) for v in values]
        return values

    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        for chunk in chunks(objs, 5000):
            cursor.execute(sql, [column(chunk, f) for f in fields])
            for obj, (pk,) in zip(chunk, cursor.fetchall()):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = db
            n = len(chunk)
            cursor.execute(
                history_sql,
                [column(chunk, f) for f in tracked] + [[now] * n, [""] * n, ["+"] * n, [user_id] * n],
            )


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, Enum):
        return _copy_text(value.value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


_SPECIAL = ("\\", "\t", "\n", "\r")


def _copy_column(values: list) -> list[str]:
    """``_copy_text`` of each value, a column at a time: a column of plain text (no backslash, tab or line
    break anywhere), of ints or of dates is converted without a call per value."""
    kinds = set(map(type, values))
    if kinds == {str}:
        joined = "".join(values)
        if not any(ch in joined for ch in _SPECIAL):
            return values
    elif kinds <= {str, type(None)}:
        joined = "".join(v for v in values if v is not None)
        if not any(ch in joined for ch in _SPECIAL):
            return ["\\N" if v is None else v for v in values]
    elif kinds == {int}:
        return list(map(str, values))
    elif kinds <= {dt.date, type(None)}:
        return ["\\N" if v is None else v.isoformat() for v in values]
    return [_copy_text(v) for v in values]


def insert_rows(model, rows: list[dict], *, user, now=None) -> list[int]:
    """Insert one row per dict (attname → value; a field left out takes its default) and their “+” history rows;
    return the new pks in the order of ``rows``. No model instances on PostgreSQL: the pks are taken from the
    table's sequence, the rows go in by ``COPY … FROM STDIN`` (text format, built column by column), and the
    history rows are copied over in SQL (``INSERT … SELECT … FROM <table> WHERE id BETWEEN …``, or ``= ANY(…)``
    when the pks are no unbroken run), so no value travels twice. Elsewhere the instances go through ``fast_create``. ``auto_now``/``auto_now_add`` fields take
    ``now``."""
    if not rows:
        return []
    now = now or timezone.now()
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        fast_create(model, objs, user=user, now=now)
        return [obj.pk for obj in objs]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    history_model = model.history.model
    tracked = [history_model._meta.get_field(f.attname) for f in history_model.tracked_fields]
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column

    given = set().union(*rows)  # the attnames any row sets; the other columns are their default throughout

    def column(f) -> list[str]:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return [_copy_text(now)] * len(rows)
        default = f.get_default()
        name = f.attname
        if isinstance(f, models.FileField):
            return [_copy_text(f.get_prep_value(row.get(name, default))) for row in rows]
        if name not in given:
            return [_copy_text(default)] * len(rows)
        return _copy_column([row.get(name, default) for row in rows])

    columns = ", ".join(quote(f.column) for f in tracked)
    extra = ", ".join(
        quote(history_model._meta.get_field(n).column)
        for n in ("history_date", "history_change_reason", "history_type", "history_user")
    )
    history_sql = (
        f"INSERT INTO {quote(history_model._meta.db_table)} ({columns}, {extra}) "
        f"SELECT {columns}, %s, '', '+', %s FROM {quote(table)} WHERE "
    )
    user_id = user.pk if user is not None else None
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        # the sequence looked up once (pg_get_serial_sequence per row took most of the time), the pks as one array
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)", [sequence, len(rows)])
        (ids,) = cursor.fetchone()
        lines = ["\t".join(values) for values in zip(map(str, ids), *(column(f) for f in fields))]
        buffer = io.StringIO("\n".join(lines) + "\n")
        cursor.copy_expert(
            f"COPY {quote(table)} ({quote(pk)}, {', '.join(quote(f.column) for f in fields)}) FROM STDIN", buffer
        )
        if ids[-1] - ids[0] == len(ids) - 1:
            # one unbroken run of the sequence (no other session took a number in between): the pks are exactly
            # that range, a range scan of the primary key; a list of 30k numbers took longer to parse and probe
            cursor.execute(history_sql + f"{quote(pk)} BETWEEN %s AND %s", [now, user_id, ids[0], ids[-1]])
        else:
            cursor.execute(history_sql + f"{quote(pk)} = ANY(%s)", [now, user_id, ids])
    return ids


def gin_pending_lists_merge(model) -> int:
    """Merge the pending lists of ``model``'s GIN indexes into the indexes (PostgreSQL; elsewhere nothing); returns
    the pages merged. A bulk insert leaves its rows in those lists (``fastupdate``), which every search then scans
    in full: after a 10k import about 400 pages, a two-character name search at 100k cadres 0.2 → 6 ms or more,
    until autovacuum, which a 10k import into a 100k table does not trigger. The merge takes about 50 ms. Called
    after the commit: a failure (the index not the application user's) is logged, the import stands."""
    if connection.vendor != "postgresql":
        return 0
    merged = 0
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
                [model._meta.db_table],
            )
            for (index,) in cursor.fetchall():
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
                merged += cursor.fetchone()[0]
    except DatabaseError:
        logger.warning("GIN pending lists of %s not merged", model._meta.db_table, exc_info=True)
    return merged
