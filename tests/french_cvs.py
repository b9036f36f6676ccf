"""CVs in French, written for the tests: a cook, a cleaner, a warehouse worker and a
carer, laid out as people from French-speaking countries write them (a title, dated
jobs, training, languages). Latin-1 only, so a PDF's core fonts can show them."""

from __future__ import annotations

FRENCH_CVS: dict[str, str] = {
    "hospitality": """CUISINIER

Expérience professionnelle
Cuisinier - Restaurant Le Petit Zinc, Lyon
mars 2016 - août 2021
Préparation des entrées, des plats du jour et des desserts, mise en place, respect des
règles d'hygiène, commandes de marchandises.
Aide-cuisinier - Cantine scolaire, Dakar
2012 - 2016
Épluchage des légumes, plonge, nettoyage de la cuisine.

Formation
CAP Cuisine, 2012

Langues
Français, wolof, espagnol (A2)""",
    "cleaning": """AGENTE D'ENTRETIEN

Profil
Sérieuse et organisée, j'ai 6 ans d'expérience dans le nettoyage de bureaux et de
logements.

Expérience professionnelle
Agente d'entretien - Société de nettoyage Propreté Plus, Casablanca
janvier 2017 - décembre 2022
Nettoyage des bureaux, des sols et des vitres, vidage des poubelles, tri des déchets,
utilisation de l'autolaveuse et des produits d'entretien.
Femme de ménage chez des particuliers
2015 - 2017
Repassage, ménage, lavage du linge.

Centres d'intérêt
Cuisine, couture""",
    "logistics": """PRÉPARATEUR DE COMMANDES

Expériences
Préparateur de commandes - Entrepôt logistique, Marseille
2018 - 2023
Préparation des commandes avec scanner, chargement et déchargement des camions,
emballage des colis, inventaire des stocks.
Cariste
2016 - 2018
Conduite de chariot élévateur, rangement des palettes dans l'entrepôt.

Formation
CACES chariot élévateur

Compétences
Travail en équipe, port de charges lourdes""",
    "elderly_care": """AUXILIAIRE DE VIE

Expérience professionnelle
Aide à domicile auprès de personnes âgées - Association d'aide à domicile, Bamako
septembre 2015 - juin 2022
Aide à la toilette et à l'habillage, préparation des repas, courses, accompagnement des
personnes âgées dépendantes, aide à la prise des médicaments, compagnie.

Formation
Diplôme d'accompagnant éducatif et social, 2015

Langues
Français, bambara""",
}
