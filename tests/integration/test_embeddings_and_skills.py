"""The real all-MiniLM-L6-v2 model and the skill normaliser built on the text reader."""

import numpy as np

from matching.domain.catalogue import load_catalogue
from matching.text.profiles import ProfileReader
from matching.text.reader import text_reader
from models.embedder import Embedder

GARDENER = (
    "I worked four years as a gardener for the council: pruning hedges and trees, "
    "planting flowers, mowing grass and fixing the irrigation."
)
GARDEN_BC = (
    "Green-area maintenance crew for municipal parks. You will prune plants, maintain "
    "irrigation systems and operate landscaping equipment."
)
HOTEL_BC = (
    "Hotel front desk team. You will greet guests, process reservations, handle check-in "
    "and check-out and answer customer complaints."
)


def test_vectors_are_unit_length_and_meaningful(embedder: Embedder):
    vectors = embedder.encode([GARDENER, GARDEN_BC, HOTEL_BC])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    garden, hotel = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert garden > hotel + 0.1


def test_cache_round_trip(tmp_path, embedder: Embedder):
    texts = ["cache me once", "and me too"]
    first = embedder.encode(texts)
    embedder.save_cache(tmp_path / "cache.npz")
    fresh = Embedder(embedder.model_path)
    assert fresh.load_cache(tmp_path / "cache.npz") >= 2
    np.testing.assert_array_equal(fresh.encode(texts), first)
    assert fresh._model is None  # answered from the cache, the model was never loaded
    fresh.forget([fresh.key("cache me once")])
    assert not fresh.holds(fresh.key("cache me once")) and fresh.holds(fresh.key("and me too"))
    fresh.save_cache(tmp_path / "after.npz")
    again = Embedder(embedder.model_path)
    again.load_cache(tmp_path / "after.npz")
    assert again.cached == fresh.cached


def test_labels_found_in_spanish_and_english_text(embedder):
    cat = load_catalogue()
    reader = ProfileReader(cat, text_reader(), embedder)
    found = {
        cat.labels_en[i]
        for i in reader.read(
            "Sé podar plantas y manejar carretilla elevadora. I can prune hedges and trees."
        ).skill_rows
    }
    assert {"prune plants", "operate forklift", "prune hedges and trees"} <= found


def test_free_text_skills_are_normalised_or_dropped(embedder):
    cat = load_catalogue()
    reader = ProfileReader(cat, text_reader(), embedder)
    placed = {
        m.phrase: cat.labels_en[m.skill]
        for m in reader.place_phrases(
            ["forklift driving", "cortar el pelo", "excel", "asdf qwer zxcv"]
        )
    }
    assert placed["forklift driving"] == "operate forklift"
    assert placed["cortar el pelo"] == "apply hair cutting techniques"
    assert placed["excel"] == "use spreadsheets software"
    assert "asdf qwer zxcv" not in placed


def test_cache_keeps_at_most_its_limit_and_answers_the_same(embedder: Embedder):
    texts = [f"Mozo de almacén número {i} con carretilla" for i in range(6)]
    limited = Embedder(embedder.model_path, cache_limit=2)
    first = limited.encode(texts)
    assert limited.cached == 2
    np.testing.assert_allclose(first, embedder.encode(texts), atol=1e-5)
    np.testing.assert_allclose(limited.encode(texts[::-1]), first[::-1], atol=1e-5)
