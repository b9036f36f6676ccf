from matching.domain.catalogue import NICHE_CODES, load_catalogue


def test_thirteen_niches_grounded_in_esco():
    cat = load_catalogue()
    assert tuple(n.code for n in cat.niches) == NICHE_CODES
    for niche in cat.niches:
        assert niche.name["en"] and niche.name["es"] and niche.description["es"]
        assert len(niche.occupations) >= 3
        assert all(
            o["uri"].startswith("http://data.europa.eu/esco/occupation/") for o in niche.occupations
        )
        assert len(niche.core_skills) >= 12
        assert set(niche.core_skills) <= set(niche.skills)
        for uri in niche.core_skills:
            assert cat.label(uri, "es") != cat.label(uri, "en") or uri in cat.transversal_skills


def test_skill_table_has_labels_and_synonyms():
    cat = load_catalogue()
    assert cat.skills["uri"].is_unique
    assert (cat.skills["label_en"] != "").all()
    assert (cat.skills["alt_labels_en"].str.len() > 0).mean() > 0.9


def test_a_label_without_a_translation_says_it_is_english():
    catalogue = load_catalogue()
    skills = catalogue.skills
    untranslated = skills.loc[skills["label_es"] == "", "uri"].iloc[0]
    translated = skills.loc[skills["label_es"] != "", "uri"].iloc[0]
    assert catalogue.label_language(untranslated, "es") == "en"
    assert catalogue.label_language(translated, "es") == "es"
    assert catalogue.label(untranslated, "es") == catalogue.label(untranslated, "en")
