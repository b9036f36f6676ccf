"""CVs read as a caseworker reads them, on the real reader (packaged catalogue, lingua,
simplemma, PyStemmer, pyahocorasick): sections by their headings, dated jobs, a text
added twice, office titles against office work, French, and the reading fixes."""

import numpy as np
import pandas as pd
import pytest

from evaluation.real_text import text_only_records
from matching.domain.catalogue import NICHE_CODES, load_catalogue
from matching.engine import Matcher
from matching.text import layout
from matching.text.reader import SECTION_WEIGHTS, office_work_checked, text_reader
from matching.text.summaries import describe
from matching.text.words import read_words
from tests.french_cvs import FRENCH_CVS

N = len(NICHE_CODES)


@pytest.fixture(scope="module")
def reader():
    return text_reader()


def _first(reading) -> str:
    return NICHE_CODES[int(reading.niche_evidence().argmax())]


def _years(reading, niche: str) -> float:
    return float(reading.years[NICHE_CODES.index(niche)])


CHEF_CV = """JOHN SMITH
Professional Summary
Organised and reliable professional with strong customer service, scheduling, reporting,
data entry and office administration skills. Managed budgets and answered phones.
Skills
Microsoft Office, Excel, scheduling, customer service, filing, reports
Work Experience
Sous Chef
Jan 2015 to Current
The Grill House - Boston
Prepared sauces, soups and main dishes, supervised the line cooks, ordered produce.
Line Cook
03/2011 - 12/2014
Harbour Restaurant - Boston
Cooked grill and fry stations, kept the kitchen clean.
Education
High School Diploma, 2010
Food Hygiene Certificate, 2019
Hobbies
Football, music
"""


def test_dated_jobs_outweigh_summary_and_skills_words(reader):
    """A CV whose summary and skills are office words, and whose jobs were in a kitchen,
    points to the kitchen; the jobs are listed with their own dates and lengths."""
    reading = reader.read(CHEF_CV)
    assert _first(reading) == "hospitality"
    jobs = {job.title.quote: job for job in reading.jobs}
    assert set(jobs) == {"Sous Chef", "Line Cook"}
    assert jobs["Sous Chef"].when == "Jan 2015 to Current"
    assert jobs["Line Cook"].years == pytest.approx(3.75)
    assert reading.jobs[0].title.quote == "Sous Chef"  # recent and long weighs most
    # the years are the months the kitchen jobs cover: Mar 2011 .. Dec 2014, then
    # Jan 2015 .. mid 2019 (the latest year the CV names stands for "current")
    assert _years(reading, "hospitality") == pytest.approx(99 / 12, abs=0.01)


RECENT_COOK_CV = """ANNA KOWALSKI
Summary
Hard-working cook with a background in office administration.
Work Experience
Cook
Mar 2016 to Dec 2021
Casa Pepe Restaurant - Madrid
Prepared starters, grilled meat and fish, cooked paella for the lunch service.
Office Clerk
Jan 2000 to Dec 2012
Santos Insurance - Madrid
Filed invoices, typed letters, data entry, answered phones and kept the accounts.
"""


def test_recent_work_counts_more_in_the_years(reader):
    """Thirteen years in an office, left nine years before the CV's latest date, then
    almost six as a cook up to it: in full the office years are more; weighted by
    recency (half for every five years since a job ended) the kitchen's are, and so
    when the office job's line states its years too."""
    reading = reader.read(RECENT_COOK_CV)
    cook, office = NICHE_CODES.index("hospitality"), NICHE_CODES.index("administration")
    assert reading.years[office] == pytest.approx(155 / 12, abs=0.01)
    assert reading.years[cook] == pytest.approx(69 / 12, abs=0.01)
    assert reading.recent_years[cook] == pytest.approx(69 / 12, abs=0.01)
    assert reading.recent_years[office] == pytest.approx(155 / 12 * 0.5 ** (9 / 5), abs=0.01)
    assert [job.title.quote for job in reading.jobs] == ["Cook", "Office Clerk"]
    stated = reader.read(RECENT_COOK_CV.replace("Office Clerk\n", "Office Clerk for 13 years\n"))
    assert stated.years[office] == pytest.approx(13.0)  # the duration it states, in full
    assert stated.recent_years[office] == pytest.approx(13.0 * 0.5 ** (9 / 5), abs=0.01)


def test_a_recent_long_job_comes_first_and_the_reasons_quote_the_job_lines(embedder):
    """The same CV as a caseworker's text-only record: cooking comes first although the
    office years are more (with them in full, office work would), and each niche's
    reasons quote its job line with its dates and tell the years in full, and what the
    older ones were counted as."""
    engine = Matcher(embedder)
    records = text_only_records([RECENT_COOK_CV])
    engine.load_programme(records, pd.DataFrame(columns=["challenge_id"]), persist=False)
    ranking = engine.niches(1, profile_text=RECENT_COOK_CV)
    first, second = ranking.suggestions[:2]
    assert (first.niche, second.niche) == ("hospitality", "administration")
    assert "'Cook (Mar 2016 to Dec 2021)'" in first.reasons[0]
    assert first.reasons[1] == "5.8 years of experience in this niche, read from the text"
    assert "'Office Clerk (Jan 2000 to Dec 2012)'" in second.reasons[0]
    assert second.reasons[1].startswith("12.9 years of experience in this niche")
    assert "(counted as 3.7: the longer ago a job ended, the less it counts)" in second.reasons[1]
    spanish = engine.niches(1, "es", profile_text=RECENT_COOK_CV).suggestions[1].reasons[1]
    assert "(cuentan como 3,7: cuanto más antiguo es un trabajo, menos cuenta)" in spanish


OFFICE_SUMMARY_CV = """MARIA LOPEZ
Summary
Former office manager, administrative assistant and receptionist, data entry clerk.
Work Experience
Cook
Jan 2016 to Dec 2020
Restaurant El Sol
Line Cook
2012 - 2015
Cafe Luna
"""


def test_the_jobs_held_make_up_most_of_the_title_evidence(reader):
    """Four office titles in a summary and two dated kitchen jobs: the jobs make up
    three quarters of the job-title evidence."""
    reading = reader.read(OFFICE_SUMMARY_CV)
    titles = reading.title_evidence
    assert titles[NICHE_CODES.index("hospitality")] / titles.sum() >= 0.75
    assert _first(reading) == "hospitality"


def test_hobbies_count_for_little(reader):
    text = (
        "Camarero\nExperiencia\nCamarero en un bar de Fuenlabrada, servicio de mesas.\n"
        "Aficiones\nJardinería: podar árboles y setos, plantar flores, cortar el césped, "
        "regar el jardín, cuidar plantas del huerto.\n"
    )
    evidence = reader.read(text).niche_evidence()
    assert evidence[NICHE_CODES.index("gardening")] < 0.15
    as_work = reader.read(text.replace("Aficiones", "Experiencia")).niche_evidence()
    assert as_work[NICHE_CODES.index("gardening")] > 0.25


@pytest.mark.parametrize(
    ("heading", "role"),
    [
        ("Work Experience", layout.EXPERIENCE),
        ("EXPERIENCIA LABORAL", layout.EXPERIENCE),
        ("Expérience professionnelle", layout.EXPERIENCE),
        ("Formación:", layout.EDUCATION),
        ("Formation", layout.EDUCATION),
        ("Skill Highlights", layout.SKILLS),
        ("Compétences", layout.SKILLS),
        ("Centres d'intérêt", layout.INTERESTS),
        ("Aficiones", layout.INTERESTS),
        ("Perfil profesional", layout.SUMMARY),
        ("REQUISITOS: carnet B", layout.REQUIREMENTS),
        ("Datos de contacto: 600 000 000", layout.CONTACT),
    ],
)
def test_section_headings_are_known_in_three_languages(heading, role):
    parts = layout.sections(f"Camarero\n{heading}\nmás texto aquí")
    assert [p.role for p in parts] == [layout.HEADER, role]


def test_a_heading_may_open_a_sentence_with_a_colon():
    """A posting typed in one paragraph reads as the same posting laid out in a file."""
    text = "Camarero para bar en Getafe. Datos de contacto: 600 000 000. Más texto."
    roles = [(p.role, text[p.start : p.end]) for p in layout.sections(text)]
    assert roles == [
        (layout.HEADER, "Camarero para bar en Getafe. "),
        (layout.CONTACT, "Datos de contacto: 600 000 000. Más texto."),
    ]


def test_a_sentence_is_no_heading():
    text = "Camarero\nI gained experience in a busy bar.\nSkills and more words here"
    assert [p.role for p in layout.sections(text)] == [layout.HEADER]


@pytest.mark.parametrize(
    ("text", "first", "years"),
    [
        ("Jan 2013\n\nto\nJan 2014", (2013, 1), 1.0),
        ("08/2005 - 03/2006", (2005, 8), 7 / 12),
        ("de marzo de 2015 a junio de 2017", (2015, 3), 2.25),
        ("2010 - 2012", (2010, 7), 2.0),
        ("janv. 2016 – juil. 2018", (2016, 1), 2.5),
        ("Desde 2019 hasta 2021", (2019, 7), 2.0),
    ],
)
def test_periods_are_read_in_three_languages(text, first, years):
    (period,) = layout.periods(text)
    assert divmod(period.first, 12) == (first[0], first[1] - 1)
    assert period.years == pytest.approx(years)


def test_an_open_period_ends_at_the_latest_year_the_text_names():
    (open_ended, closed) = layout.periods("2019 - actualidad. 2015 - 2021")
    assert open_ended.last == closed.last == 2021 * 12 + layout.MID_YEAR


def test_a_text_added_twice_counts_its_years_and_mentions_once(reader):
    once = "Camarero con 5 años de experiencia en bares y restaurantes."
    twice = reader.read(f"{once}\n\n{once}")
    assert _years(twice, "hospitality") == 5.0
    assert [c.quote for c in twice.occupations] == ["Camarero"]
    assert len(describe(twice, load_catalogue(), "es").occupations) == 1
    # two different jobs of the same kind still add up
    two_jobs = reader.read("Camarero 3 años en un bar. Después, camarero 2 años en un hotel.")
    assert _years(two_jobs, "hospitality") == 5.0
    # a CV that dates a job twice (added twice) counts its months once
    cv = "Cocinero\nenero 2015 - enero 2018\nRestaurante El Sol"
    assert _years(reader.read(f"{cv}\n\n{cv}"), "hospitality") == pytest.approx(3.0)


@pytest.mark.parametrize("word", ["camarera", "Camarera", "camareros", "CAMARERO"])
def test_camarera_is_the_esco_waiter_not_a_barman(reader, word):
    catalogue = load_catalogue()
    (job,) = reader.read(f"Trabajé de {word} en un bar").occupations
    assert catalogue.occupation_label(job.row, "es") == "camarero/camarera"
    assert catalogue.occupation_label(job.row, "en") == "waiter/waitress"


def test_years_of_experience_are_not_an_age(reader):
    assert _years(reader.read("Tengo 5 años de experiencia como camarero."), "hospitality") == 5
    assert reader.read("Tengo 35 años y busco trabajo de camarero.").years.sum() == 0
    french = reader.read("J'ai 5 ans d'expérience comme serveuse.")
    assert _years(french, "hospitality") == 5
    assert reader.read("J'ai 40 ans et je cherche un emploi de serveur.").years.sum() == 0


def test_office_titles_count_as_office_work_only_as_far_as_the_words_say():
    office = NICHE_CODES.index("administration")
    retail = NICHE_CODES.index("retail")
    titles = np.zeros(N + 1)
    titles[office] = 2.0
    shop_words = np.zeros(N)
    shop_words[retail], shop_words[office] = 3.0, 1.0
    checked = office_work_checked(titles, shop_words)
    assert checked[office] == pytest.approx(2.0 / 3.0)
    assert checked[retail] == pytest.approx(4.0 / 3.0)
    assert checked.sum() == pytest.approx(titles.sum())
    office_words = np.zeros(N)
    office_words[office], office_words[retail] = 3.0, 1.0
    np.testing.assert_allclose(office_work_checked(titles, office_words), titles)


def test_a_shop_job_with_an_office_title_reads_as_shop_work(reader):
    """ESCO files "sales associate" under clerks; a caseworker reads the job's duties."""
    cv = (
        "SALES ASSOCIATE\nExperience\nSales Associate\n03/2016 to 10/2019\nCompany Name\n"
        "Operated the cash register, restocked shelves, arranged merchandise displays in "
        "the store, helped customers choose products and processed refunds.\n"
    )
    reading = reader.read(cv)
    assert _first(reading) == "retail"
    assert reading.jobs[0].title.quote == "Sales Associate"


def test_a_qualification_is_not_a_job_held(reader):
    """A job title named as a qualification weighs as education does."""
    held = reader.read("Cuidadora a domicilio. Trabajé de auxiliar de enfermería.")
    titled = reader.read("Cuidadora a domicilio. Tengo el título de auxiliar de enfermería.")
    weight = {c.quote: c.weight for c in held.occupations}["auxiliar de enfermería"]
    named = {c.quote: c.weight for c in titled.occupations}["auxiliar de enfermería"]
    assert named == pytest.approx(weight * SECTION_WEIGHTS[layout.EDUCATION], rel=0.05)
    evidence = titled.niche_evidence()
    gap = (
        evidence[NICHE_CODES.index("elderly_care")]
        - evidence[NICHE_CODES.index("hospital_orderly")]
    )
    held_evidence = held.niche_evidence()
    held_gap = (
        held_evidence[NICHE_CODES.index("elderly_care")]
        - held_evidence[NICHE_CODES.index("hospital_orderly")]
    )
    assert gap > held_gap > 0


def test_one_word_labels_are_read_in_the_texts_own_language(reader):
    """'commercial' is a French salesman and 'general' a Spanish adjective: neither is a
    job in an English text; multi-word labels are read in every language."""
    english = reader.read("Managed commercial and general construction projects for clients.")
    assert not [c for c in english.occupations if c.quote.lower() in ("commercial", "general")]
    mixed = reader.read("Trabajé como camarero y también de personal shopper.")
    assert "camarero" in {c.quote for c in mixed.occupations}


@pytest.mark.parametrize("niche", list(FRENCH_CVS))
def test_french_cvs_are_read_as_spanish_ones_are(reader, niche):
    reading = reader.read(FRENCH_CVS[niche])
    assert reading.language == "fr"
    assert _first(reading) == niche
    assert reading.jobs, "the French dates are read"
    assert _years(reading, niche) > 4


def test_a_french_text_gets_the_same_concepts_as_a_spanish_one(reader):
    catalogue = load_catalogue()
    french = describe(
        reader.read("Serveuse pendant cinq ans, je sais servir des boissons."), catalogue
    )
    spanish = describe(reader.read("Camarera durante cinco años, sé servir bebidas."), catalogue)
    assert [o.uri for o in french.occupations] == [o.uri for o in spanish.occupations]
    assert {s.uri for s in french.skills} == {s.uri for s in spanish.skills}
    assert french.years == spanish.years == {"hospitality": 5.0}
    assert (french.language, spanish.language) == ("fr", "es")


GENERIC_LINES = (
    "Greeted every customer, answered questions, worked as part of a team and kept my "
    "area tidy; praised for communication and punctuality.\n"
)


def _cv(title: str) -> str:
    return (
        f"Experience\n{title}\n03/2016 to 10/2019\nCompany Name\n{GENERIC_LINES}"
        "Skills\nCommunication, teamwork, punctuality\n"
    )


def test_an_office_title_whose_own_words_name_selling_is_shop_work(reader):
    """ESCO files "sales associate" under clerks; its own word "sales" says what the
    work was even where the job's lines say little, and the months worked go to shop
    work, while an administrative assistant's stay office work."""
    retail, office = NICHE_CODES.index("retail"), NICHE_CODES.index("administration")
    sales = reader.read(_cv("Sales Associate"))
    job = sales.jobs[0]
    assert job.title.quote == "Sales Associate"
    assert int(job.niches.argmax()) == retail
    assert _first(sales) == "retail"
    assert sales.years[retail] > sales.years[office]
    clerk = reader.read(_cv("Administrative Assistant"))
    assert int(clerk.jobs[0].niches.argmax()) == office
    assert _first(clerk) == "administration"


def test_a_managers_months_count_as_far_as_the_title_points_to_the_niche(reader):
    """A restaurant manager runs a kitchen's kind of work without being a cook (ESCO's
    related group): the months count half in hospitality; a cook's count whole."""
    manager = reader.read("Experience\nRestaurant Manager\n01/2010 to 01/2016\nCompany Name\n")
    cook = reader.read("Experience\nCook\n01/2010 to 01/2016\nCompany Name\n")
    assert _years(cook, "hospitality") == pytest.approx(6.0)
    assert _years(manager, "hospitality") == pytest.approx(3.0)


def test_durations_in_a_skills_list_are_no_time_worked(reader):
    """ "Windows 7 (Intermediate, 10 years' experience)" rates a skill; "10 years of
    experience as a cook" in a summary is time worked."""
    skills = reader.read(
        "Summary\nCook looking for work.\nSkills\nWindows 7 (Intermediate, 10 years' "
        "experience), Excel (Advanced, 8 years' experience)\n"
    )
    assert skills.years.sum() == 0
    summary = reader.read("Summary\nCook with 10 years of experience in busy kitchens.\n")
    assert _years(summary, "hospitality") == 10


def test_niche_words_vote_in_the_texts_own_language(reader):
    """ "red" is a Spanish network, not an English colour."""
    ict = NICHE_CODES.index("ict_support")
    vocabulary = reader.vocabulary
    red = read_words("red")
    assert vocabulary.votes(red, np.ones(1), "es")[ict] > 0
    assert vocabulary.votes(red, np.ones(1), "en")[ict] == 0
    shop = "Summary\nI painted the {} doors of the shop and served the customers of the store.\n"
    red_doors, pan_doors = reader.read(shop.format("red")), reader.read(shop.format("pan"))
    assert red_doors.language == "en"
    assert red_doors.word_evidence[ict] == pytest.approx(pan_doors.word_evidence[ict])
