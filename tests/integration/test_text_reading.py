"""Free text -> ESCO concepts, niche evidence, years and language, on real components
(the packaged catalogue, lingua, simplemma, PyStemmer, pyahocorasick) and real text."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matching.domain.catalogue import NICHE_CODES, load_catalogue
from matching.text.language import language_by_dictionary
from matching.text.reader import text_reader
from matching.text.summaries import describe, suggest_challenge
from matching.text.words import read_words

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "eures_postings_sample.csv"
HOSPITALITY = NICHE_CODES.index("hospitality")


@pytest.fixture(scope="module")
def reader():
    return text_reader()


def _niche(reading) -> str:
    return NICHE_CODES[int(reading.niche_evidence().argmax())]


def test_the_camarero_profile_is_read_as_a_waiter_with_five_years(reader):
    text = "Camarero con cinco años de experiencia en bares y restaurantes, servicio de mesas."
    reading = reader.read(text)
    assert reading.language == "es"
    assert [c.quote for c in reading.occupations] == ["Camarero"]
    job = reading.occupations[0]
    assert text[job.start : job.end] == "Camarero"
    assert job.niche == HOSPITALITY
    assert reading.years[HOSPITALITY] == 5.0 and reading.years.sum() == 5.0
    assert reading.worked_as == (job.row,)
    assert _niche(reading) == "hospitality"


@pytest.mark.parametrize(
    ("text", "niche"),
    [
        ("Mozo de almacén, carga y descarga de camiones", "logistics"),
        ("MOZOS DE ALMACÉN PARA CAMPAÑA DE NAVIDAD", "logistics"),
        ("Busco trabajo de limpiadora de oficinas", "cleaning"),
        ("AUXILIARES DE ENFERMERÍA PARA HOSPITAL", "hospital_orderly"),
        ("Peluquera con experiencia en tintes y cortes", "beauty"),
        ("Albañil: alicatado, tabiquería y reformas", "construction"),
        ("I worked two years as a waiter in a hotel restaurant", "hospitality"),
        ("Electricista de mantenimiento, cuadros eléctricos y cableado", "installation"),
    ],
)
def test_job_titles_point_to_their_niche_in_spanish_and_english(reader, text, niche):
    assert _niche(reader.read(text)) == niche


def test_durations_go_to_the_job_of_their_sentence_and_ages_are_not_experience(reader):
    reading = reader.read(
        "Tengo 35 años. He trabajado 3 años de camarero. Después, 6 meses de limpiadora. "
        "Contrato de 12 meses."
    )
    years = dict(zip(NICHE_CODES, reading.years[: len(NICHE_CODES)], strict=True))
    assert years["hospitality"] == 3.0
    assert years["cleaning"] == pytest.approx(0.5)
    assert reading.years.sum() == pytest.approx(3.5)
    english = reader.read("I am 40 years old. I worked one year as a cleaner.")
    assert english.years.sum() == 1.0 and english.years[NICHE_CODES.index("cleaning")] == 1.0


def test_work_outside_the_niches_is_recognised_as_such(reader):
    reading = reader.read("Vigilante de seguridad y taxista durante diez años en Marruecos.")
    assert reading.outside_share == 1.0
    assert {c.quote for c in reading.occupations} == {"Vigilante de seguridad", "taxista"}
    assert reading.title_evidence[: len(NICHE_CODES)].sum() == 0


def test_a_job_title_used_as_an_adjective_weighs_less(reader):
    reading = reader.read("Cuidadora de personas mayores dependientes en su domicilio")
    assert _niche(reading) == "elderly_care"
    following = [c for c in reading.occupations if c.quote == "dependientes"]
    assert all(c.weight < 1.0 for c in following)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Trabajé de camarera en un bar de Fuenlabrada", "es"),
        ("I have worked in warehouses for three years", "en"),
        ("J'ai travaillé comme serveur pendant cinq ans", "fr"),
        ("Am lucrat ca ospătar trei ani", "ro"),
        ("عملت نادلا في مطعم", "ar"),
        # 120 characters or more: read by the low-accuracy models
        (
            "J'ai travaillé comme serveur pendant cinq ans dans un restaurant à Lyon, "
            "puis comme cuisinier dans une cantine scolaire pendant deux ans.",
            "fr",
        ),
        (
            "Am lucrat ca ospătar trei ani într-un restaurant din București și apoi ca "
            "bucătar la o cantină școlară timp de doi ani, cu program de noapte.",
            "ro",
        ),
        (
            "CAMARERO/A DE SALA PARA RESTAURANTE EN FUENLABRADA. IMPRESCINDIBLE EXPERIENCIA "
            "MÍNIMA DE DOS AÑOS EN PUESTO SIMILAR Y DISPONIBILIDAD HORARIA.",
            "es",
        ),
        # a title alone: lingua takes it for Romanian, but all its words are English
        ("IT SPECIALIST", "en"),
        ("", None),
        ("12 34", None),
    ],
)
def test_language_is_detected(reader, text, language):
    assert reader.read(text).language == language


def test_real_postings_get_their_niche(reader):
    """25 real EURES postings (tests/data): title and description only."""
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    texts = sample["titulo"] + ".\n" + sample["descripcion"]
    evidence = np.array([reader.read(t).niche_evidence() for t in texts])
    target = np.array([NICHE_CODES.index(n) for n in sample["niche"]])
    order = np.argsort(-evidence, axis=1)
    assert (order[:, 0] == target).mean() >= 0.8
    assert (order[:, :3] == target[:, None]).any(axis=1).mean() >= 0.9


def test_quotes_are_the_texts_own_words(reader):
    text = "COCINERO/A con experiencia en menú del día. Ayudante de cocina para hotel."
    reading = reader.read(text)
    for concept in (*reading.occupations, *reading.skills):
        assert text[concept.start : concept.end] == concept.quote


def test_concepts_carry_official_spanish_labels(reader):
    catalogue = load_catalogue()
    concepts = describe(
        reader.read("Sé podar plantas y manejar carretilla elevadora."), catalogue, "es"
    )
    labels = {c.label for c in concepts.skills}
    assert "podar plantas" in labels
    uri_of = dict(zip(catalogue.skills["uri"], catalogue.skills["label_es"], strict=True))
    assert all(uri_of[c.uri] == c.label for c in concepts.skills)


def test_a_challenge_described_in_spanish_gets_a_niche_and_skills(reader):
    catalogue = load_catalogue()
    suggestion = suggest_challenge(
        reader.read(
            "Camareros/as de sala y barra.\nRestaurante en Fuenlabrada busca camareros para "
            "servir bebidas, atender a los clientes y cobrar. Jornada de mañana."
        ),
        catalogue,
        "es",
    )
    assert suggestion.niche == "hospitality"
    assert 3 <= len(suggestion.essential_skills) <= 5 + 3
    assert {s.source for s in suggestion.essential_skills} <= {"text", "occupation", "niche"}
    assert all(s.uri in catalogue.skill_index for s in suggestion.essential_skills)
    from_text = [s for s in suggestion.essential_skills + suggestion.optional_skills if s.quote]
    assert from_text, "some skill is quoted from the text"
    nothing = suggest_challenge(reader.read("Reunión el martes a las diez."), catalogue, "es")
    assert nothing.niche is None and not nothing.essential_skills


@pytest.mark.parametrize(
    ("sample", "language"),
    [
        ("Busco trabajo de camarera, tengo experiencia en hostelería y limpieza.", "es"),
        ("I have worked in warehouses for three years as a forklift driver.", "en"),
        ("J'ai travaillé comme serveur pendant cinq ans dans un restaurant.", "fr"),
        ("Am lucrat ca ospătar trei ani într-un restaurant din centru.", None),
        ("Trabalhei como empregado de mesa durante cinco anos num restaurante.", None),
        ("Ho lavorato come cameriere per cinque anni in un ristorante.", None),
        ("Camarero con experiencia", "es"),  # few words, all of them Spanish
        ("Sous chef", None),  # few words that French and English both know: lingua decides
        ("Bucătar", None),
    ],
)
def test_plain_read_languages_are_told_by_their_dictionaries(sample, language):
    """The dictionary step answers only for the three read languages, and leaves every
    other language (and a few words more than one of them knows) to lingua."""
    assert language_by_dictionary(sample) == language


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Worked as an information technology technician for a bank", "ICT technician"),
        ("Técnico de tecnologías de la información en un colegio", "ICT technician"),
        ("Agent technique en technologies de l'information", "ICT technician"),
    ],
)
def test_it_and_information_technology_are_read_as_the_labels_ict(reader, text, label):
    """ESCO's labels say "ICT technician", "técnico de TIC", "agent technique en TIC":
    the text's words are read as those labels, not as a title of their own."""
    catalogue = load_catalogue()
    reading = reader.read(text)
    labels = catalogue.occupations["label_en"]
    assert label in {labels.iloc[c.row] for c in reading.occupations if not c.generic}


def test_only_it_in_capitals_is_the_abbreviation():
    assert read_words("IT support").stems["en"] == ("ict", "support")
    assert read_words("I fixed it").stems["en"][-1] == "it"


def test_a_job_title_esco_lacks_is_read_from_its_generic_head(reader):
    """ "Sales clerk" is no ESCO label: the clerk's work is what "sales" names, so the
    latest and longest job is shop work, not the office work of the older one."""
    cv = (
        "SALES CLERK\nExperience\n01/2016 to 12/2019\nSales Clerk\nShoe store, Springfield\n"
        "Helped customers choose shoes and kept the shelves in order.\n"
        "03/2012 to 12/2013\nOffice Assistant\nInsurance broker, Springfield\n"
        "Filed documents and answered the phone.\n"
    )
    reading = reader.read(cv)
    assert reading.jobs[0].title.quote == "Sales Clerk" and reading.jobs[0].title.generic
    assert NICHE_CODES[reading.jobs[0].title.niche] == "retail"
    assert _niche(reading) == "retail"
    spanish = reader.read("Técnico de soporte IT")
    assert [c.quote for c in spanish.occupations] == ["Técnico de soporte IT"]
    assert _niche(spanish) == "ict_support"


def test_a_generic_head_without_words_naming_the_work_is_no_title(reader):
    assert not reader.read("Senior manager, hard worker and team member").occupations
