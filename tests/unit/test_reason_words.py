"""Reasons read as plain Spanish and English: real plurals, the language's decimal mark,
no bare scores."""

from matching.reason_texts import TEMPLATES, phrase


def test_counts_take_their_singular_and_plural():
    one = phrase("training", "es", -0.1, count=1, names="limpiar")
    two = phrase("training", "es", -0.1, count=2, names="limpiar, fregar")
    assert one == "Le falta una habilidad que enseña la formación: limpiar"
    assert two.startswith("Le faltan 2 habilidades")
    assert phrase("experience", "en", 0.2, years=1.0, niche="retail").startswith("1 year of")


def test_years_use_the_languages_decimal_mark():
    assert phrase("experience", "es", 0.2, years=0.4, niche="Limpieza").startswith("0,4 años")
    assert phrase("experience", "en", 0.2, years=5.0, niche="Cleaning").startswith("5 years")


def test_no_phrasing_hedges_a_plural_or_shows_a_bare_score():
    for _polarity, texts in TEMPLATES.values():
        for text in texts.values():
            for form in text[1:] if isinstance(text, tuple) else [text]:
                assert "(s)" not in form and "(es)" not in form and ":.2f" not in form, form


def test_a_neutral_phrasing_says_which_way_it_went():
    text = phrase("no_experience", "es", -0.05)
    assert text.endswith("(frente a las demás candidaturas, esto baja sus probabilidades)")
    assert phrase("no_experience", "es", 0.001) == "No consta experiencia laboral"
