"""The event loop answers a shortlist itself only when it need not wait: while another
thread holds the engine, another worker's change waits for the busy change feed, or
another connection holds the database's write lock, the shortlist waits on the thread
pool, every other request is still served, and the answer, once free, is the usual
one, audited once."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager

import pytest
from sqlalchemy import func, select

from service.change_feed import CONTROLS, record_change
from service.tables import AuditRow
from tests.integration.api.conftest import Service, open_service

URL = "/challenges/22/shortlist?k=10"


@pytest.fixture(scope="module")
def svc(service_template, tmp_path_factory) -> Iterator[Service]:
    service = open_service(service_template, tmp_path_factory.mktemp("loop") / "var")
    with service.client:  # one event loop serves every request, as in `milma serve`
        yield service
    service.runtime.close()


def _engine_busy(svc: Service) -> AbstractContextManager:
    return svc.runtime.matcher.lock


@contextmanager
def _feed_busy(svc: Service) -> Iterator[None]:
    """Another worker's change is committed, to be applied, while a write of this
    worker holds the feed."""
    with svc.runtime.sessions() as session:
        record_change(session, CONTROLS)
        session.commit()
    with svc.runtime.sessions() as session, svc.runtime.feed.local_change(session, CONTROLS, []):
        yield


@contextmanager
def _database_busy(svc: Service) -> Iterator[None]:
    """Another connection (say, `milma import` in another process) holds the write lock."""
    other = sqlite3.connect(svc.settings.data_dir / "milma.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def _shortlist_audits(svc: Service) -> int:
    with svc.runtime.sessions() as session:
        return session.scalar(
            select(func.count()).select_from(AuditRow).where(AuditRow.action == "shortlist")
        )


@pytest.mark.parametrize(
    "busy", [_engine_busy, _feed_busy, _database_busy], ids=["engine", "feed", "database"]
)
def test_a_shortlist_that_must_wait_waits_off_the_event_loop(
    svc: Service, busy: Callable[[Service], AbstractContextManager]
):
    headers = svc.as_("caseworker")
    usual = svc.client.get(URL, headers=headers)
    assert usual.status_code == 200
    audits = _shortlist_audits(svc)

    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with busy(svc):
            held.set()
            release.wait(30)

    with ThreadPoolExecutor(2) as pool:
        holder = pool.submit(hold)
        assert held.wait(10)
        try:
            waiting = pool.submit(svc.client.get, URL, headers=headers)
            time.sleep(0.5)
            start = time.perf_counter()
            other = svc.client.get("/health")
            answered_in = time.perf_counter() - start
            assert not waiting.done(), "the shortlist was answered while its inputs were held"
        finally:
            release.set()
        holder.result(10)
        answer = waiting.result(30)

    assert other.status_code == 200
    assert answered_in < 1.0, f"the event loop was stopped for {answered_in:.1f} s"
    assert answer.status_code == 200
    assert answer.content == usual.content
    assert _shortlist_audits(svc) == audits + 1
