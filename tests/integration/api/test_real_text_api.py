"""Free text through the API: a participant registered with only a Spanish text, the
concepts route, and a challenge drafted from its description."""

CAMARERO = (
    "Camarero con cinco años de experiencia en bares y restaurantes, servicio de mesas y barra."
)


def test_a_text_only_participant_is_read_in_spanish(service):
    cw = service.as_("caseworker")
    made = service.client.post(
        "/participants",
        json={
            "edition_id": 4,
            "display_name": "Solo texto",
            "profile_text": CAMARERO,
            "spanish_level": "C2",
        },
        headers=cw,
    )
    assert made.status_code == 201, made.text
    person = made.json()
    assert person["text_language"] == "es"
    pid = person["participant_id"]

    ranking = service.client.get(f"/participants/{pid}/niches?language=es", headers=cw).json()
    top = ranking["suggestions"][0]
    assert top["niche"] == "hospitality"
    assert any("'Camarero'" in r for r in top["reasons"])
    assert any("5 años" in r and "texto" in r for r in top["reasons"])
    assert ranking["text_language"] == "es" and not ranking["outside_catalogue"]

    concepts = service.client.get(f"/participants/{pid}/concepts", headers=cw).json()
    assert [o["quote"] for o in concepts["occupations"]] == ["Camarero"]
    assert concepts["years"] == {"hospitality": 5.0}
    assert concepts["niches"][0]["niche"] == "hospitality"

    changed = service.client.patch(
        f"/participants/{pid}",
        json={"profile_text": "I worked three years as a waiter in a hotel restaurant."},
        headers=cw,
    ).json()
    assert changed["text_language"] == "en"
    french = service.client.patch(
        f"/participants/{pid}",
        json={"profile_text": "J'ai travaillé comme serveur pendant trois ans."},
        headers=cw,
    ).json()
    assert french["text_language"] == "fr"
    ranking = service.client.get(f"/participants/{pid}/niches", headers=cw).json()
    assert ranking["text_language"] == "fr" and "French" not in ranking["note"]
    assert ranking["suggestions"][0]["niche"] == "hospitality"
    assert any("'serveur'" in r for r in ranking["suggestions"][0]["reasons"])
    kept = service.client.patch(
        f"/participants/{pid}",
        json={"profile_text": "Am lucrat ca ospătar trei ani.", "text_language": "ro"},
        headers=cw,
    ).json()
    assert kept["text_language"] == "ro"
    ranking = service.client.get(f"/participants/{pid}/niches", headers=cw).json()
    assert "Romanian" in ranking["note"]


def test_text_concepts_route_reads_and_stores_nothing(service):
    cw = service.as_("caseworker")
    before = service.client.get("/participants?limit=1", headers=cw).json()["total"]
    got = service.client.post(
        "/texts/concepts?language=es",
        json={"text": "Mozo de almacén con carnet de carretillero, 2 años de experiencia."},
        headers=cw,
    )
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["language"] == "es" and body["read"] is True
    assert body["niches"][0]["niche"] == "logistics"
    assert body["years"] == {"logistics": 2.0}
    assert service.client.get("/participants?limit=1", headers=cw).json()["total"] == before
    for bad in ({}, {"text": ""}, {"text": "x" * 20_001}, {"text": "ok", "extra": 1}):
        refused = service.client.post("/texts/concepts", json=bad, headers=cw)
        assert refused.status_code == 422, bad
        assert refused.json()["detail"][0]["loc"][0] == "body"
    assert service.client.post("/texts/concepts", json={"text": "x"}).status_code == 401
    company = service.as_("company")
    assert (
        service.client.post("/texts/concepts", json={"text": "x"}, headers=company).status_code
        == 403
    )


def test_a_challenge_is_drafted_from_spanish_text_and_confirmed(service):
    cw = service.as_("caseworker")
    draft = service.client.post(
        "/challenges/suggestions?language=es",
        json={
            "title": "Mozos/as de almacén",
            "description": "Empresa logística de Fuenlabrada busca mozos de almacén para "
            "preparación de pedidos, carga y descarga y manejo de carretilla elevadora.",
        },
        headers=cw,
    )
    assert draft.status_code == 200, draft.text
    suggestion = draft.json()
    assert suggestion["niche"] == "logistics"
    essential = [s["uri"] for s in suggestion["essential_skills"]]
    assert essential and any(s["source"] == "text" for s in suggestion["essential_skills"])
    challenge = service.client.get("/challenges?edition_id=4", headers=cw).json()["items"][0]
    saved = service.client.patch(
        f"/challenges/{challenge['challenge_id']}",
        json={"niche": suggestion["niche"], "essential_skills": essential},
        headers=cw,
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["essential_skills"] == essential
    missing = service.client.post("/challenges/suggestions", json={"title": ""}, headers=cw)
    assert missing.status_code == 422
