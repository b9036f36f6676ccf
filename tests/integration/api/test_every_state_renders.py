"""Every state of the programme renders: a stateful property test over the real app.

Hypothesis drives the service through random sequences of what its users do (new
editions, companies, challenges and people; outcomes, company feedback, consent turned
on and off, erasures, the stop switch) starting from the demo programme, and after every
step reads everything a user can read, through the API and the pages, in both
languages: no answer may be a server error. The default suite runs a few short
sequences; ``-m slow`` (CI) runs many more, longer ones.
"""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from matching.domain.catalogue import NICHE_CODES
from matching.domain.vocabulary import EVENTS
from tests.integration.api.conftest import open_service

TEXTS = (
    "",
    "Camarera con cinco años de experiencia en bares y restaurantes.",
    "Trabajé dos años de mozo de almacén con carretilla elevadora en Fuenlabrada.",
    "Cuidadora de personas mayores, tres años a domicilio.",
    "I worked as a gardener for four years, pruning trees and mowing lawns.",
    "Je suis cuisinier depuis six ans dans un restaurant à Lyon.",
    "hola",
)
counter = itertools.count(1)


def page_client(app, key: str, language: str) -> TestClient:
    client = TestClient(app)
    client.cookies.set("lang", language)
    response = client.post("/app/login", data={"api_key": key}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


class ProgrammeInUse(RuleBasedStateMachine):
    """Random days of a programme; the service must answer every read below 500."""

    editions = Bundle("editions")
    companies = Bundle("companies")
    challenges = Bundle("challenges")
    participants = Bundle("participants")

    def __init__(self) -> None:
        super().__init__()
        self.svc = SERVICE
        self.api = self.svc.client
        self.company_keys: dict[int, str] = {}
        self.pages = {
            (role, language): page_client(self.api.app, self.svc.keys[role], language)
            for role in ("caseworker", "admin", "company")
            for language in ("es", "en")
        }
        self.recent: dict[str, list[int]] = {"challenge": [], "participant": [], "edition": []}
        # the service outlives an example: each starts with recommendations on
        self.paused = False
        self.call("PUT", "/admin/controls", "admin", json={"mode": "learned", "reason": "inicio"})

    def call(self, method: str, path: str, role: str = "caseworker", **kwargs):
        """An API call; a server error fails the test. The one 5xx the API means is the
        stop switch's documented 503 while recommendations are paused (the pages then
        answer 200 with the reason)."""
        response = self.api.request(method, path, headers=self.svc.as_(role), **kwargs)
        paused = response.status_code == 503 and "paused" in response.text
        assert response.status_code < 500 or (paused and self.paused), (method, path, response.text)
        return response

    def remember(self, kind: str, value: int) -> int:
        self.recent[kind] = [*self.recent[kind][-2:], value]
        return value

    # ------------------------------------------------------------------ writes
    @initialize(target=challenges)
    def a_new_edition_with_a_challenge_and_nobody_yet(self) -> int:
        """The usual start of an edition: its challenge exists before anyone joins."""
        edition = self.new_edition(remote=False)
        company = self.new_company(sector="logistics")
        return self.new_challenge(edition, company, "logistics", TEXTS[2], 10)

    @rule(target=editions, remote=st.booleans())
    def new_edition(self, remote: bool) -> int:
        body = {
            "name": f"BC Lab {100 + next(counter)}",
            "start_date": "2027-01-11",
            "end_date": "2027-06-30",
            "remote": remote,
        }
        return self.remember(
            "edition", self.call("POST", "/editions", json=body).json()["edition_id"]
        )

    @rule(target=companies, sector=st.sampled_from(NICHE_CODES))
    def new_company(self, sector: str) -> int:
        body = {"name": f"Empresa {next(counter)} S.L.", "sector": sector}
        company = self.call("POST", "/companies", json=body).json()["company_id"]
        key = self.call(
            "POST", "/admin/keys", "admin", json={"role": "company", "company_id": company}
        )
        self.company_keys[company] = key.json()["key"]
        return company

    @rule(
        target=challenges,
        edition=editions,
        company=companies,
        niche=st.sampled_from(NICHE_CODES),
        text=st.sampled_from(TEXTS),
        seats=st.integers(1, 20),
    )
    def new_challenge(self, edition, company, niche, text, seats) -> int:
        body = {
            "edition_id": edition,
            "company_id": company,
            "niche": niche,
            "title": f"Reto {next(counter)}",
            "description": text,
            "seats": seats,
        }
        return self.remember(
            "challenge", self.call("POST", "/challenges", json=body).json()["challenge_id"]
        )

    @rule(
        target=participants,
        edition=editions,
        text=st.sampled_from(TEXTS),
        consent=st.booleans(),
        migrant=st.booleans(),
        available=st.booleans(),
    )
    def new_participant(self, edition, text, consent, migrant, available) -> int:
        body = {
            "edition_id": edition,
            "display_name": f"Persona {next(counter)} Prueba",
            "profile_text": text,
            "consent_share": consent,
            "consent_version": "test-v1" if consent else "",
            "available": available,
            "sensitive": {"migrant": migrant},
        }
        response = self.call("POST", "/participants", json=body)
        return self.remember("participant", response.json()["participant_id"])

    @rule(participant=participants, challenge=challenges, event=st.sampled_from(EVENTS))
    def outcome(self, participant, challenge, event) -> None:
        body = {"participant_id": participant, "challenge_id": challenge, "event": event}
        self.call("POST", "/outcomes", json=body)

    @rule(challenge=challenges, event=st.sampled_from(("interviewed", "hired", "rejected")))
    def company_feedback_on_its_first_trainee(self, challenge, event) -> None:
        owner = self.call("GET", f"/challenges/{challenge}").json().get("company_id")
        key = self.company_keys.get(owner)
        if key is None:
            return
        matches = self.api.get(f"/companies/{owner}/matches", headers={"X-API-Key": key})
        assert matches.status_code < 500 or self.paused, matches.text
        for block in matches.json().get("challenges", []) if matches.status_code == 200 else []:
            for match in block["matches"][:1]:
                body = {
                    "challenge_id": block["challenge"]["challenge_id"],
                    "trainee_id": match["trainee"]["trainee_id"],
                    "event": event,
                }
                answer = self.api.post("/outcomes", json=body, headers={"X-API-Key": key})
                assert answer.status_code < 500, answer.text

    @rule(participant=st.one_of(participants, st.integers(1, 40)), granted=st.booleans())
    def consent(self, participant, granted) -> None:
        body = {"granted": granted, "text_version": "test-v1"}
        self.call("PUT", f"/participants/{participant}/consent", json=body)

    @rule(participant=participants)
    def erase(self, participant) -> None:
        self.call("DELETE", f"/participants/{participant}")

    @rule(mode=st.sampled_from(("learned", "rules", "paused", "learned")))
    def switch(self, mode) -> None:
        self.call("PUT", "/admin/controls", "admin", json={"mode": mode, "reason": "prueba"})
        self.paused = mode == "paused"

    # ------------------------------------------------------------------ reads
    @invariant()
    def every_read_answers(self) -> None:
        challenges = [*self.recent["challenge"], 1]
        people = [*self.recent["participant"], 2]
        editions = [*self.recent["edition"], 1]
        for cid in challenges:
            self.call("GET", f"/challenges/{cid}/shortlist?k=5")
            self.call("GET", f"/challenges/{cid}")
        for pid in people:
            self.call("GET", f"/participants/{pid}")
            self.call("GET", f"/participants/{pid}/niches")
            for language in ("en", "es"):
                self.call("GET", f"/participants/{pid}/placements?k=5&language={language}")
        for eid in editions:
            self.call("GET", f"/editions/{eid}")
        for company, key in list(self.company_keys.items())[-2:]:
            answer = self.api.get(f"/companies/{company}/matches", headers={"X-API-Key": key})
            assert answer.status_code < 500 or self.paused, answer.text
        paths = [
            "/app/editions",
            "/app/participants",
            "/app/challenges",
            "/app/outcomes",
            "/app/companies",
            *(f"/app/challenges/{c}" for c in challenges),
            *(f"/app/participants/{p}" for p in people),
            *(f"/app/editions/{e}" for e in editions),
            *(f"/app/editions/{e}/planner" for e in editions[:1]),
        ]
        for (role, _language), client in self.pages.items():
            for path in (
                paths if role == "caseworker" else ["/app/admin", "/app/admin/keys", "/app"]
            ):
                answer = client.get(path)
                assert answer.status_code < 500, (role, path, answer.text[-2000:])
        for key in list(self.company_keys.values())[-1:]:
            client = page_client(self.api.app, key, "es")
            answer = client.get("/app/company")
            assert answer.status_code < 500, answer.text[-2000:]


SERVICE = None


def run_machine(service, examples: int, steps: int) -> None:
    global SERVICE
    SERVICE = service
    machine = ProgrammeInUse.TestCase
    machine.settings = settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=examples <= 5,
        # the service lives on across examples (a fresh one per example would cost
        # seconds each), so a failure is reported as found, not shrunk by replaying
        phases=(Phase.explicit, Phase.generate),
        database=None,
    )
    try:
        machine().runTest()
    finally:
        service.client.put(
            "/admin/controls",
            json={"mode": "learned", "reason": "fin"},
            headers=service.as_("admin"),
        )


def test_every_state_renders(service_template, tmp_path):
    svc = open_service(service_template, tmp_path / "var")
    try:
        run_machine(svc, examples=3, steps=12)
    finally:
        svc.runtime.close()


@pytest.mark.slow
def test_every_state_renders_over_long_runs(service_template, tmp_path):
    svc = open_service(service_template, tmp_path / "var")
    try:
        run_machine(svc, examples=12, steps=25)
    finally:
        svc.runtime.close()
