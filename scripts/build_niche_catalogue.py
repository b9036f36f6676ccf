"""Derive the project's niche catalogue, skill and occupation tables from ESCO.

Run once when the curated niche definitions (``niche_definitions.py``) change::

    python scripts/build_niche_catalogue.py --esco ../shared/esco

It reads the official ESCO v1.1.1 export (English) and the official Spanish and French
labels in ``<esco>/es`` and ``<esco>/fr`` (same concept URIs) and writes, into
``matching/domain/data/``:

- ``niches.json``: the 13 niches, their occupations, core and other skills, and the
  ISCO unit groups whose work they are, with the groups' labels in the three languages
  and English descriptions;
- ``skills.csv``: every skill the niches use, with English, Spanish and French preferred
  and alternative labels (and, for core and transversal skills, the colloquial Spanish
  phrasing the catalogue curates);
- ``occupations.csv``: every ESCO occupation with its labels in the three languages (the
  official preferred label, "camarero/camarera", and every form and alternative), the
  niche its ISCO group belongs to (empty when outside the 13), the niche an outside
  group is related to (its managers, supervisors and specialists) and, for niche
  occupations, its essential and optional skills among those in ``skills.csv`` and
  its (English) description. Job titles in free text are read against it.

So the service never needs the ESCO export at run time. The curated part is small (see
``niche_definitions.py``); everything else is read from ESCO and checked against it: a
curated label that ESCO does not know stops the script.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile
from pathlib import Path

import pandas as pd
from niche_definitions import NICHES, TRANSVERSAL

OUT_DIR = Path(__file__).resolve().parents[1] / "matching" / "domain" / "data"
LANGUAGES = ("en", "es", "fr")
TRANSLATED = ("es", "fr")  # languages whose labels come from their own ESCO export


def _read_zip_csv(archive: Path, member: str) -> pd.DataFrame:
    with zipfile.ZipFile(archive) as zf:
        return pd.read_csv(io.BytesIO(zf.read(member)), dtype=str, keep_default_na=False)


def _alt_labels(raw: str) -> list[str]:
    return [label.strip() for label in raw.split("\n") if label.strip()]


def _joined(labels: list[str]) -> str:
    """Labels as one ``|``-separated cell, without repeats."""
    return "|".join(dict.fromkeys(label for label in labels if label))


def _gender_forms(label: str) -> list[str]:
    """ESCO writes Spanish and French occupations as "camarero/camarera",
    "serveur/serveuse": both forms are labels."""
    return [form.strip() for form in label.split("/") if form.strip()]


def _official(esco_dir: Path, language: str, name: str) -> pd.DataFrame:
    """The official labels in ``language`` of ``skills``, ``occupations`` or
    ``ISCOGroups``, by concept URI."""
    path = esco_dir / language / f"{name}_{language}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).set_index("conceptUri")
    # the translated exports lost some commas, leaving two spaces ("salud  seguridad  higiene")
    for column in ("preferredLabel", "altLabels"):
        if column in frame:
            frame[column] = frame[column].str.replace(r"(?<=\w)  (?=\w)", ", ", regex=True)
    return frame


def _translated_labels(official: pd.DataFrame, uri: str) -> tuple[str, str]:
    """(preferred label, ``|``-joined forms and alternatives) of a concept in one
    translated export; empty where it has no row."""
    if uri not in official.index:
        return "", ""
    row = official.loc[uri]
    preferred = row.preferredLabel.strip()
    return preferred, _joined([*_gender_forms(preferred), *_alt_labels(row.altLabels)])


def occupation_table(
    occupations: pd.DataFrame,
    translated: dict[str, pd.DataFrame],
    occ_skill: pd.DataFrame,
    skill_uris: set[str],
    niche_of_occupation: dict[str, str],
    related_of_group: dict[str, str],
) -> pd.DataFrame:
    """Every ESCO occupation in the three languages, with its niche (or, outside the 13,
    the niche its ISCO group is related to); a niche occupation also lists its essential
    and optional skills among the catalogue's (to suggest a challenge's)."""
    relations = occ_skill[
        occ_skill.skillUri.isin(skill_uris) & occ_skill.occupationUri.isin(niche_of_occupation)
    ]
    by_type = {
        kind: rel.groupby("occupationUri").skillUri.agg(lambda uris: "|".join(sorted(uris)))
        for kind, rel in relations.groupby("relationType")
    }
    rows = []
    for occ in occupations.itertuples():
        row = {
            "uri": occ.conceptUri,
            "isco": occ.iscoGroup,
            "niche": niche_of_occupation.get(occ.conceptUri, ""),
            "related": ""
            if occ.conceptUri in niche_of_occupation
            else related_of_group.get(occ.iscoGroup, ""),
            "label_en": occ.preferredLabel.strip(),
            "alt_labels_en": _joined(_alt_labels(occ.altLabels)),
        }
        for language in TRANSLATED:
            label, alternatives = _translated_labels(translated[language], occ.conceptUri)
            row[f"label_{language}"], row[f"alt_labels_{language}"] = label, alternatives
        row["essential"] = by_type.get("essential", {}).get(occ.conceptUri, "")
        row["optional"] = by_type.get("optional", {}).get(occ.conceptUri, "")
        # ESCO describes occupations in English only; kept for the niches' own work
        row["description"] = (
            _one_line(occ.description) if occ.conceptUri in niche_of_occupation else ""
        )
        rows.append(row)
    return pd.DataFrame(rows).sort_values("uri")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def isco_group_labels(esco_dir: Path, classification: Path) -> dict[str, dict[str, str]]:
    """ISCO-08 group code -> its label in each of :data:`LANGUAGES`, and its English
    description (ESCO has none in the other two)."""
    english = _read_zip_csv(classification, "ISCOGroups_en.csv")
    labels = {
        code: {"en": label.strip(), "description_en": _one_line(description)}
        for code, label, description in zip(
            english.code, english.preferredLabel, english.description, strict=True
        )
    }
    for language in TRANSLATED:
        frame = _official(esco_dir, language, "ISCOGroups")
        for code, label in zip(frame.code, frame.preferredLabel, strict=True):
            labels.setdefault(code, {})[language] = label.strip()
    return labels


def occupation_niches(occupations: pd.DataFrame, problems: list[str]) -> dict[str, str]:
    """Occupation URI -> niche code. Occupations a niche names (``occupations`` and
    ``extra_occupations``) are its own; the rest of a niche's ISCO groups fill in, so a
    named occupation may sit in another niche than its ISCO group's."""
    uri_of = dict(zip(occupations.preferredLabel, occupations.conceptUri, strict=True))
    niche_of: dict[str, str] = {}
    for code, spec in NICHES.items():
        for label in [*spec["occupations"], *spec.get("extra_occupations", [])]:
            if label not in uri_of:
                problems.append(f"unknown ESCO occupation: {label!r}")
            elif niche_of.setdefault(uri_of[label], code) != code:
                problems.append(f"occupation {label!r} is named by two niches")
    for code, spec in NICHES.items():
        for uri in occupations.conceptUri[occupations.iscoGroup.isin(spec["isco"])]:
            niche_of.setdefault(uri, code)
    return niche_of


def build(esco_dir: Path, out_dir: Path) -> tuple[int, int, int]:
    """Write niches.json, skills.csv and occupations.csv; return their row counts."""
    classification = esco_dir / "esco_v1.1.1_classification_en_csv.zip"
    relations = esco_dir / "esco_v1.1.1_relations_csv.zip"
    skills = _read_zip_csv(classification, "skills_en.csv")
    occupations = _read_zip_csv(classification, "occupations_en.csv")
    occ_skill = _read_zip_csv(relations, "occupationSkillRelations.csv")

    groups = isco_group_labels(esco_dir, classification)
    skill_by_label = {row.preferredLabel: row for row in skills.itertuples()}
    occ_by_label = {row.preferredLabel: row for row in occupations.itertuples()}
    problems: list[str] = []
    niche_of_occupation = occupation_niches(occupations, problems)

    def skill_uri(label: str) -> str:
        if label not in skill_by_label:
            problems.append(f"unknown ESCO skill label: {label!r}")
            return ""
        return skill_by_label[label].conceptUri

    spanish: dict[str, str] = {}
    niche_records = []
    skill_niches: dict[str, set[str]] = {}
    skill_relation: dict[str, str] = {}
    for code, spec in NICHES.items():
        occ_rows = []
        for label in spec["occupations"]:
            if label not in occ_by_label:
                problems.append(f"unknown ESCO occupation: {label!r}")
                continue
            occ_rows.append(occ_by_label[label])
        occ_uris = {row.conceptUri for row in occ_rows}
        rel = occ_skill[occ_skill.occupationUri.isin(occ_uris)]
        essential_counts = rel[rel.relationType == "essential"].skillUri.value_counts()
        niche_skill_uris = set(rel.skillUri)
        core_uris = []
        for en_label, es_label in spec["core"].items():
            uri = skill_uri(en_label)
            if not uri:
                continue
            if uri not in niche_skill_uris:
                problems.append(f"{code}: core skill {en_label!r} is not linked to its occupations")
            core_uris.append(uri)
            spanish[uri] = es_label
        for uri in niche_skill_uris | set(core_uris):
            skill_niches.setdefault(uri, set()).add(code)
        for row in rel.itertuples():
            if row.relationType == "essential" or row.skillUri not in skill_relation:
                skill_relation[row.skillUri] = row.relationType
        niche_records.append(
            {
                "code": code,
                "name": dict(zip(LANGUAGES, spec["name"], strict=True)),
                "description": dict(zip(LANGUAGES, spec["description"], strict=True)),
                "isco_groups": [
                    {
                        "code": code,
                        **{lang: groups[code].get(lang, "") for lang in LANGUAGES},
                        "description_en": groups[code]["description_en"],
                    }
                    for code in spec["isco"]
                ],
                "occupations": [
                    {"uri": row.conceptUri, "label": row.preferredLabel, "isco": row.iscoGroup}
                    for row in occ_rows
                ],
                "core_skills": core_uris,
                "skills": [
                    {
                        "uri": uri,
                        "essential_in": int(essential_counts.get(uri, 0)),
                    }
                    for uri in sorted(niche_skill_uris)
                ],
            }
        )
    transversal_uris = []
    for en_label, es_label in TRANSVERSAL.items():
        uri = skill_uri(en_label)
        if uri:
            transversal_uris.append(uri)
            spanish[uri] = es_label
    if problems:
        raise SystemExit("catalogue spec does not match ESCO:\n  " + "\n  ".join(problems))

    core_all = {uri for rec in niche_records for uri in rec["core_skills"]}
    wanted = set(skill_niches) | set(transversal_uris)
    table = skills[skills.conceptUri.isin(wanted)].copy()
    official = _official(esco_dir, "es", "skills")
    official_es = table.conceptUri.map(official.preferredLabel).fillna("")
    official_alt = table.conceptUri.map(official.altLabels).fillna("")
    french = _official(esco_dir, "fr", "skills")
    french_labels = [_translated_labels(french, uri) for uri in table.conceptUri]
    table = pd.DataFrame(
        {
            "uri": table.conceptUri,
            "label_en": table.preferredLabel.str.strip(),
            "alt_labels_en": table.altLabels.map(lambda raw: "|".join(_alt_labels(raw))),
            # the official Spanish label; a curated phrasing only where ESCO has none
            "label_es": [
                off.strip() or spanish.get(uri, "")
                for off, uri in zip(official_es, table.conceptUri, strict=True)
            ],
            "alt_labels_es": [
                _joined([*_alt_labels(alt), spanish.get(uri, "")])
                for alt, uri in zip(official_alt, table.conceptUri, strict=True)
            ],
            "label_fr": [label for label, _ in french_labels],
            "alt_labels_fr": [alternatives for _, alternatives in french_labels],
            # how people say it, where the catalogue curated a phrasing
            "phrase_es": table.conceptUri.map(spanish).fillna(""),
            "skill_type": table.skillType,
            "reuse_level": table.reuseLevel,
            "group": [
                "transversal" if uri in transversal_uris else "core" if uri in core_all else "niche"
                for uri in table.conceptUri
            ],
            "niches": table.conceptUri.map(lambda uri: "|".join(sorted(skill_niches.get(uri, ())))),
            "description": table.description.str.replace(r"\s+", " ", regex=True).str.strip(),
        }
    ).sort_values("uri")
    out_dir.mkdir(parents=True, exist_ok=True)
    catalogue = {
        "source": "ESCO v1.1.1 (European Commission); niche definitions by MILMA Match",
        "attribution": "This service uses the ESCO classification of the European Commission.",
        "transversal_skills": transversal_uris,
        "niches": niche_records,
    }
    (out_dir / "niches.json").write_text(
        json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    table.to_csv(out_dir / "skills.csv", index=False)
    occupation_rows = occupation_table(
        occupations,
        {language: _official(esco_dir, language, "occupations") for language in TRANSLATED},
        occ_skill,
        set(table.uri),
        niche_of_occupation,
        {group: code for code, spec in NICHES.items() for group in spec.get("related_isco", [])},
    )
    occupation_rows.to_csv(out_dir / "occupations.csv", index=False)
    return len(niche_records), len(table), len(occupation_rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--esco", type=Path, required=True, help="folder with the ESCO zips")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    n_niches, n_skills, n_occupations = build(args.esco, args.out)
    print(
        f"wrote {n_niches} niches, {n_skills} skills and {n_occupations} occupations to {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
