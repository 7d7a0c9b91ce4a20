"""Indexes for the roster's keyword search on PostgreSQL (issue #19): the characters of 姓名 and 职务 as GIN
indexes over `string_to_array(text, NULL)`, and trigrams of the pinyin search key (pg_trgm).

A search `name LIKE '%王伟%'` is also asked as `string_to_array(name, NULL) @> '{王,伟}'` (cadre.filters): a
necessary condition the GIN index answers, which works for one- and two-character queries where trigrams
cannot. At 100 000 cadres a page of a name search took 440 ms (the planner walked the roster's sort index and
filtered every row); with these indexes about 1 ms. SQLite keeps the plain LIKE."""

from django.db import migrations

INDEXES = (
    ("cadre_name_chars", "USING gin (string_to_array(name::text, NULL))"),
    ("cadre_title_chars", "USING gin (string_to_array(position_title::text, NULL))"),
    ("cadre_search_key_trgm", "USING gin (search_key gin_trgm_ops)"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, spec in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON cadre_cadre {spec}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _spec in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [("cadre", "0011_import_fewer_indexes")]

    operations = [migrations.RunPython(create, drop)]
