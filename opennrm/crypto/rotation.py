"""Re-encryption of every encrypted column under the primary key of the ring."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models, transaction

from .fields import EncryptedTextField
from .keyring import keyring


def encrypted_columns() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every (model, field) pair holding ciphertext."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def column_of(field: models.Field | None) -> str:
    """The database column of a concrete field (a model's key included)."""
    if field is None or field.column is None:
        raise ValueError("not a concrete field")
    return field.column


def rotate_keys(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt values not under the primary key; returns the count per table.column.

    Works on raw ciphertext so values are decrypted once and never pass through model save().
    """
    ring = keyring()
    primary = ring.primary_id
    counts: dict[str, int] = {}
    qn = connection.ops.quote_name
    for model, field in encrypted_columns():
        table, column, pk = model._meta.db_table, column_of(field), column_of(model._meta.pk)
        done = 0
        last_pk = None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                # Identifiers come from model metadata, quoted; values are parameters.
                sql = f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)} WHERE {qn(column)} <> ''"  # noqa: S608
                params: list = []
                if last_pk is not None:
                    sql += f" AND {qn(pk)} > %s"
                    params.append(last_pk)
                sql += f" ORDER BY {qn(pk)} LIMIT {int(batch_size)}"
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                for row_pk, token in rows:
                    if token is None or ring.key_id_of(token) == primary:
                        continue
                    plain = ring.decrypt(token, context=field.context)
                    cursor.execute(
                        f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE {qn(pk)} = %s",  # noqa: S608
                        [ring.encrypt(plain, context=field.context), row_pk],
                    )
                    done += 1
            if len(rows) < batch_size:
                break
            last_pk = rows[-1][0]
        counts[f"{table}.{column}"] = done
    return counts
