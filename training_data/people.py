"""Names, origins and nationalities for synthetic participants.

Origin groups follow the programme: about a third migrants, with Maghrebi participants
recruited by a partner, and Latin American, sub-Saharan, Eastern European and Asian
residents of Fuenlabrada.
"""

from __future__ import annotations

ORIGIN_GROUPS: dict[str, dict] = {
    "spain": {
        "weight_among_migrants": 0.0,
        "nationalities": ("Spain",),
        "first": ("Lucía", "María", "Carmen", "Laura", "Ana", "Sara", "Paula", "Elena", "Marta",
                  "Cristina", "Javier", "Daniel", "Carlos", "David", "Sergio", "Alberto",
                  "Pablo", "Jorge", "Raúl", "Iván", "Rubén", "Álvaro"),
        "last": ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
                 "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno",
                 "Muñoz", "Álvarez", "Romero", "Navarro", "Torres"),
    },
    "maghreb": {
        "weight_among_migrants": 0.34,
        "nationalities": ("Morocco", "Morocco", "Morocco", "Algeria"),
        "first": ("Fatima", "Khadija", "Salma", "Nadia", "Houda", "Samira", "Mohamed",
                  "Youssef", "Hamza", "Karim", "Said", "Rachid", "Omar", "Bilal"),
        "last": ("El Amrani", "Benali", "Bouzid", "El Idrissi", "Haddad", "Ouali", "Tazi",
                 "Mansouri", "Belkacem", "Chaoui"),
    },
    "latin_america": {
        "weight_among_migrants": 0.30,
        "nationalities": ("Colombia", "Venezuela", "Peru", "Ecuador", "Dominican Republic",
                          "Paraguay"),
        "first": ("Valentina", "Daniela", "Gabriela", "Yesenia", "Luz", "Andrés", "Luis",
                  "Jhon", "Wilmer", "Kevin", "Mariela", "Esteban"),
        "last": ("Rojas", "Vargas", "Castillo", "Quispe", "Mendoza", "Guerrero", "Paredes",
                 "Cárdenas", "Salazar", "Ortiz"),
    },
    "sub_saharan_africa": {
        "weight_among_migrants": 0.12,
        "nationalities": ("Senegal", "Nigeria", "Guinea", "Mali", "Cameroon"),
        "first": ("Aminata", "Fatou", "Awa", "Mariama", "Moussa", "Ibrahima", "Mamadou",
                  "Chinedu", "Abdoulaye", "Ousmane"),
        "last": ("Diallo", "Ndiaye", "Traoré", "Sow", "Camara", "Okafor", "Keita", "Fofana"),
    },
    "eastern_europe": {
        "weight_among_migrants": 0.14,
        "nationalities": ("Romania", "Romania", "Ukraine", "Bulgaria"),
        "first": ("Ioana", "Elena", "Mihaela", "Olena", "Iryna", "Andrei", "Ionuț", "Mihai",
                  "Oleksandr", "Dimitar"),
        "last": ("Popescu", "Ionescu", "Stan", "Dumitru", "Shevchenko", "Kovalenko",
                 "Petrov", "Georgiev"),
    },
    "asia": {
        "weight_among_migrants": 0.10,
        "nationalities": ("China", "Pakistan", "Bangladesh", "Philippines"),
        "first": ("Li", "Mei", "Wei", "Ayesha", "Imran", "Rahim", "Nasrin", "Jose", "Maricel",
                  "Hao"),
        "last": ("Wang", "Chen", "Zhang", "Khan", "Ahmed", "Hossain", "Santos", "Reyes"),
    },
}

MIGRANT_GROUPS: tuple[str, ...] = tuple(g for g in ORIGIN_GROUPS if g != "spain")

# Native-level Spanish speakers among migrants.
SPANISH_NATIVE_GROUPS = frozenset({"spain", "latin_america"})

# Other language a group typically speaks natively (ISO 639-1).
MOTHER_TONGUE: dict[str, str] = {
    "maghreb": "ar",
    "sub_saharan_africa": "fr",
    "eastern_europe": "ro",
    "asia": "zh",
}
