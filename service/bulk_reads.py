"""Whole tables read at start-up straight from the database driver.

At a million participants, SQLAlchemy's rows (a Row object per row, a conversion per
value: a ``json.loads`` per JSON cell, a parse per timestamp) took longer than the rest
of a start together. Here the driver's own cursor is read in batches, and each column
is converted at once: JSON text with one ``json.loads`` per batch, timestamps by
pandas, SQLite's 0/1 to booleans. PostgreSQL's driver decodes JSON, timestamps and
booleans itself; its values pass as they are.
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import JSON, Boolean, DateTime, TypeDecorator, select
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
    as Python values, timestamps as datetime64, booleans as booleans."""
    query = select(*columns)
    if where is not None:
        query = query.where(where)
    if order_by is not None:
        query = query.order_by(order_by)
    values: dict[str, list] = {c.key: [] for c in columns}
    result = session.connection().execute(query)
    try:
        while batch := result.cursor.fetchmany(BATCH):  # the driver's tuples, unconverted
            for column, cells in zip(columns, zip(*batch, strict=True), strict=True):
                values[column.key].extend(_decoded(column, cells))
    finally:
        result.close()
    frame = pd.DataFrame(values, columns=[c.key for c in columns])
    for column in columns:
        kind = _kind(column)
        if isinstance(kind, DateTime):  # stored in UTC; a zone-aware type reads back aware
            frame[column.key] = pd.to_datetime(
                frame[column.key], format="ISO8601", utc=kind.timezone
            )
        elif isinstance(kind, Boolean) and len(frame):
            cells = frame[column.key]
            frame[column.key] = (
                cells.astype(bool)
                if cells.notna().all()
                else cells.map(lambda v: None if v is None else bool(v))
            )
    return frame


def _kind(column: InstrumentedAttribute):
    """The column's SQL type (under a TypeDecorator, the type it decorates)."""
    return column.type.impl if isinstance(column.type, TypeDecorator) else column.type


def _decoded(column: InstrumentedAttribute, cells: tuple) -> list | tuple:
    if not isinstance(column.type, JSON) or not any(isinstance(v, str) for v in cells):
        return cells
    return json.loads("[" + ",".join("null" if v is None else v for v in cells) + "]")
