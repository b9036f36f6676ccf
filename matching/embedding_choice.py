"""Which embedding model a data dir's engine uses: the sentence model, or the static
model distilled from it for bulk work.

Profiles and challenges must be embedded by the same model as the index searched, so
the choice is the data dir's, not one command's: unless a command asks for a model
(``Settings.embedding``, ``milma import --embedding``, ``milma index --embedding``), the
engine takes the model that built the newest saved index, as each index version records
it (``model`` in its manifest). An index built with another model than the engine's
is not loaded: every profile is embedded again, so vectors of two models never share
an index.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from matching.settings import Settings
from models.artefacts import newest_manifest
from models.static_model import STATIC, TRANSFORMER, ensure_static_model

log = logging.getLogger(__name__)


def index_model_kind(settings: Settings) -> str:
    """The kind of model that built the data dir's newest index (``transformer`` when
    there is none, or it predates the record)."""
    root = settings.data_dir / ("index" if settings.vector_store == "faiss" else "index-milvus")
    return newest_manifest(root).get("model", {}).get("kind", TRANSFORMER)


def embedding_model_path(settings: Settings, say: Callable[[str], None] = log.info) -> str:
    """The folder of the model the engine embeds with (a static model is distilled
    into ``settings.bulk_model`` first when it is not there yet)."""
    kind = settings.embedding or index_model_kind(settings)
    if kind == STATIC:
        return str(ensure_static_model(settings.bulk_model, settings.model_path, say))
    return settings.model_path
