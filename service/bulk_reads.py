"""Whole tables read at start-up, without SQLAlchemy's conversion of each value.

At a million participants, turning rows into Python values one by one (a ``json.loads``
per JSON cell, a parse per timestamp, a Row object per row) took longer than the rest
of a start together. Here JSON and timestamp columns come back as the driver gives
them and are converted a batch at a time: JSON text with one ``json.loads`` per batch,
timestamps by pandas. PostgreSQL's driver decodes both itself; those values pass as
they are.
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import JSON, DateTime, String, TypeDecorator, select, type_coerce
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import ColumnElement

BATCH = 100_000


def read_frame(
    session: Session,
    columns: tuple[InstrumentedAttribute, ...],
    where: ColumnElement[bool] | None = None,
    order_by: InstrumentedAttribute | None = None,
) -> pd.DataFrame:
    """Every selected row, one frame column per column (named by its key): JSON cells
    as Python values, timestamps as datetime64."""
    query = select(
        *(type_coerce(c, String) if _raw(c) or isinstance(c.type, JSON) else c for c in columns)
    )
    if where is not None:
        query = query.where(where)
    if order_by is not None:
        query = query.order_by(order_by)
    values: dict[str, list] = {c.key: [] for c in columns}
    result = session.execute(query.execution_options(yield_per=BATCH))
    for part in result.partitions():
        for column, batch in zip(columns, zip(*part, strict=True), strict=True):
            values[column.key].extend(_decoded(column, batch))
    frame = pd.DataFrame(values, columns=[c.key for c in columns])
    for column in columns:
        if (stamp := _raw(column)) is not None:
            # stored in UTC; a zone-aware column is read back aware, as its type does
            frame[column.key] = pd.to_datetime(
                frame[column.key], format="ISO8601", utc=stamp.timezone
            )
    return frame


def _raw(column: InstrumentedAttribute) -> DateTime | None:
    """The timestamp type of a timestamp column (also under a TypeDecorator), else None."""
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    return kind if isinstance(kind, DateTime) else None


def _decoded(column: InstrumentedAttribute, batch: tuple) -> list | tuple:
    if not isinstance(column.type, JSON) or not any(isinstance(v, str) for v in batch):
        return batch
    return json.loads("[" + ",".join("null" if v is None else v for v in batch) + "]")
