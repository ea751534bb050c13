"""The committee tree of any depth (issue 14): a materialized path (django-treebeard's MP_Node,
steps of 4 characters from 0-9A-Z) instead of the ``parent`` foreign key.

Paths are computed from the old parent links: roots, then each node's children, ordered by
name then id. A committee caught in a loop of parents (never made by the application) becomes a
root. Reversible: the parent is the committee whose path is one step shorter. History rows get
the current path of their committee (none for a deleted one).
"""

from django.db import migrations, models

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def step(n: int) -> str:
    """treebeard's ``_get_path`` step: ``n`` in base 36, left-padded with zeros to 4 places."""
    digits = ""
    while n:
        n, rest = divmod(n, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, ALPHABET[0])


def paths_from_parents(rows: list[tuple[int, str, int | None]]) -> dict[int, str]:
    """``{id: path}`` for rows of ``(id, name, parent_id)``."""
    children: dict[int | None, list[tuple[str, int]]] = {}
    known = {pk for pk, _name, _parent in rows}
    for pk, name, parent_id in rows:
        children.setdefault(parent_id if parent_id in known else None, []).append((name, pk))
    paths: dict[int, str] = {}

    def place(parent_path: str, parent_id: int | None) -> None:
        pending = [(parent_path, parent_id)]
        while pending:
            base, node = pending.pop()
            for n, (_name, pk) in enumerate(sorted(children.get(node, [])), start=1):
                if pk not in paths:
                    paths[pk] = base + step(n)
                    pending.append((paths[pk], pk))

    place("", None)
    # A loop of parents never reaches a root: each of its committees starts a root of its own.
    roots = len(children.get(None, []))
    for _name, pk in sorted((name, pk) for pk, name, _parent in rows if pk not in paths):
        if pk in paths:
            continue
        roots += 1
        paths[pk] = step(roots)
        place(paths[pk], pk)
    return paths


def forwards(apps, schema_editor):
    Committee = apps.get_model("members", "Committee")
    Historical = apps.get_model("members", "HistoricalCommittee")
    rows = list(Committee.objects.values_list("pk", "name", "parent_id"))
    paths = paths_from_parents(rows)
    numchild: dict[str, int] = {}
    for path in paths.values():
        if len(path) > STEPLEN:
            numchild[path[:-STEPLEN]] = numchild.get(path[:-STEPLEN], 0) + 1
    for pk, path in paths.items():
        Committee.objects.filter(pk=pk).update(
            path=path, depth=len(path) // STEPLEN, numchild=numchild.get(path, 0)
        )
    for pk, path in paths.items():
        Historical.objects.filter(id=pk).update(path=path, depth=len(path) // STEPLEN)
    _checked_now(schema_editor)


def backwards(apps, schema_editor):
    Committee = apps.get_model("members", "Committee")
    by_path = dict(Committee.objects.values_list("path", "pk"))
    for path, pk in by_path.items():
        parent = by_path.get(path[:-STEPLEN]) if len(path) > STEPLEN else None
        Committee.objects.filter(pk=pk).update(parent_id=parent)
    _checked_now(schema_editor)


def _checked_now(schema_editor) -> None:
    # PostgreSQL refuses to alter a table with deferred checks pending in the same transaction.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_vietnamese_name_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="committee",
            name="path",
            field=models.CharField(max_length=255, null=True),
        ),
        migrations.AddField(
            model_name="committee",
            name="depth",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="committee",
            name="numchild",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="historicalcommittee",
            name="path",
            field=models.CharField(db_index=True, default="", max_length=255),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalcommittee",
            name="depth",
            field=models.PositiveIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalcommittee",
            name="numchild",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.AlterField(
            model_name="committee",
            name="path",
            field=models.CharField(max_length=255, unique=True),
        ),
        migrations.AlterField(
            model_name="committee",
            name="depth",
            field=models.PositiveIntegerField(),
        ),
        migrations.RemoveField(
            model_name="committee",
            name="parent",
        ),
        migrations.RemoveField(
            model_name="historicalcommittee",
            name="parent",
        ),
    ]
