"""Start-up reads the database in bulk, and gets what row-by-row ORM reads give."""

import pandas as pd

from matching.settings import Settings
from service.db import (
    engine_participants,
    import_programme,
    make_engine,
    migrate,
    outcome_frame,
    participant_frame,
    session_factory,
)
from service.tables import OutcomeRow, ParticipantRow


def test_bulk_reads_equal_the_orm_rows(tmp_path, programme):
    settings = Settings(data_dir=tmp_path)
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        import_programme(session, programme)
    with sessions() as session:
        participants = engine_participants(session)
        people = session.query(ParticipantRow).order_by(ParticipantRow.id).all()
        pd.testing.assert_frame_equal(participants, participant_frame(people))
        assert participants["skills"].map(len).sum() > 0

        picked = [row.id for row in session.query(OutcomeRow).limit(5)]
        outcomes = outcome_frame(session, picked)
        rows = session.query(OutcomeRow).filter(OutcomeRow.id.in_(picked)).all()
        assert outcomes["at"].tolist() == [row.at for row in rows]
        assert str(outcomes["at"].dt.tz) == "UTC"
        assert len(outcome_frame(session)) == len(programme.outcomes)
    engine.dispose()
