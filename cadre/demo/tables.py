"""The demo's bulk path: rows queued as tuples and written with executemany (no model instances, no history)."""
from __future__ import annotations

import functools

from django.db import connection
from psycopg2.extras import execute_values

from ..sortkeys import name_keys

CHUNK = 2000


class RawTable:
    """Rows queued as tuples and written with executemany: the demo's bulk path (no model instances, no history).

    `fields` are model field names in the order rows are given; `constants` fill the remaining columns.
    """

    def __init__(self, model, fields, constants=None):
        meta = model._meta
        constants = constants or {}
        columns = [meta.get_field(f).column for f in fields] + [meta.get_field(f).column for f in constants]
        qn = connection.ops.quote_name
        head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "
        self.sql = head + f"({', '.join(['%s'] * len(columns))})"
        self.values_sql = head + "%s"  # psycopg2's execute_values: many rows per statement
        self.tail = tuple(constants.values())
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, *values):
        self.rows.append(values + self.tail)

    def flush(self):
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                execute_values(cursor.cursor, self.values_sql, self.rows, page_size=1000)
            else:
                cursor.executemany(self.sql, self.rows)
        self.written += len(self.rows)
        self.rows = []


CADRE_COLUMNS = (
    "id", "name", "gender", "id_number", "birth_date", "ethnicity", "native_place", "birthplace", "grew_up_place",
    "political_status", "party_join_date", "work_start_date", "staffing_type", "works_in_organ", "health",
    "professional_title", "title_level", "unit", "position_title", "rank_level", "position_start", "rank_start",
    "rank_order", "pinyin_key", "stroke_key", "search_key", "unit_order",
)


@functools.lru_cache(maxsize=None)
def sort_keys(name: str) -> tuple[str, str, str]:
    """(pinyin_key, stroke_key, search_key)."""
    return name_keys(name)
