"""The curated part of the niche catalogue, read by ``build_niche_catalogue.py``.

For each of the 13 MILMA niches: English, Spanish and French names and descriptions, the ESCO
occupations (English preferred labels) that define its skills, the niche's core skills
with a colloquial Spanish phrasing (kept as an extra synonym; pages show the official
ESCO label), and the ISCO-08 unit groups whose ESCO occupations count as work in the
niche when a job title is read from free text. ``extra_occupations`` names occupations
that belong to the niche although their ISCO group is shared with other work (the
residential care workers of ISCO 3412, whose group also holds social work assistants
and legal guardians; the companion of ISCO 5162, "cuidador/cuidadora" in Spanish and
"aide à domicile" in French, whose group also holds butlers and valets).
``related_isco`` names the unit groups of the people who run, supervise or specialise
in a niche's kind of work (restaurant managers, construction supervisors, commercial
sales representatives, system administrators): their work lies outside the niche (a
site manager is no labourer) but nearer it than any other, so their job titles point
half to it and half outside the 13.
"""

from __future__ import annotations

# code -> names, descriptions, ESCO occupations (preferred labels) and the niche's core
# skills as {ESCO preferred label: Spanish label}.
NICHES: dict[str, dict] = {
    "gardening": {
        "isco": ["6113", "9214"],
        "name": (
            "Gardening and green areas",
            "Jardinería y zonas verdes",
            "Jardinage et espaces verts",
        ),
        "description": (
            "Planting, pruning, irrigation and upkeep of parks, gardens and municipal green areas.",
            "Plantación, poda, riego y mantenimiento de parques, jardines y zonas verdes "
            "municipales.",
            "Plantation, taille, arrosage et entretien des parcs, jardins et espaces verts "
            "municipaux.",
        ),
        "occupations": ["landscape gardener", "groundsman/groundswoman", "horticulture worker"],
        "core": {
            "use gardening equipment": "usar herramientas de jardinería",
            "prune plants": "podar plantas",
            "grow plants": "cultivar plantas",
            "prepare planting area": "preparar el terreno para plantar",
            "plant species": "conocer especies de plantas",
            "perform pest control": "control de plagas",
            "perform weed control operations": "eliminar malas hierbas",
            "maintain landscape site": "mantenimiento de zonas verdes",
            "maintain irrigation systems": "mantener sistemas de riego",
            "maintain turf and grass": "cuidado del césped",
            "prune hedges and trees": "podar setos y árboles",
            "operate landscaping equipment": "manejar maquinaria de jardinería",
        },
    },
    "installation": {
        "isco": ["7126", "7127", "7411", "7413"],
        "related_isco": ["3113", "7412"],
        "name": (
            "Installations: electrical, plumbing, HVAC, solar",
            "Instalaciones: electricidad, fontanería, climatización y solar",
            "Installations : électricité, plomberie, climatisation, solaire",
        ),
        "description": (
            "Fitting and maintaining electrical wiring, water pipes, heating and air "
            "conditioning, heat pumps and photovoltaic panels in homes and businesses.",
            "Montaje y mantenimiento de instalaciones eléctricas, tuberías de agua, "
            "calefacción y aire acondicionado, bombas de calor y placas fotovoltaicas.",
            "Pose et entretien d'installations électriques, de canalisations d'eau, du chauffage "
            "et de la climatisation, de pompes à chaleur et de panneaux photovoltaïques.",
        ),
        "occupations": [
            "domestic electrician",
            "plumber",
            "heating technician",
            "solar energy technician",
            "refrigeration air condition and heat pump technician",
        ],
        "core": {
            "electricity": "electricidad",
            "install electrical and electronic equipment": "instalar equipos eléctricos",
            "electrical wiring plans": "leer esquemas eléctricos",
            "use measurement instruments": "usar instrumentos de medida",
            "resolve equipment malfunctions": "reparar averías",
            "follow health and safety procedures in construction": (
                "prevención de riesgos laborales"
            ),
            "interpret 2D plans": "interpretar planos",
            "operate soldering equipment": "soldar",
            "install PVC piping": "instalar tuberías de PVC",
            "install heat pump": "instalar bombas de calor",
            "install photovoltaic systems": "instalar placas solares",
            "install electricity sockets": "instalar enchufes",
            "perform maintenance on installed equipment": "mantenimiento de instalaciones",
        },
    },
    "hospital_orderly": {
        "isco": ["5321", "5329", "3256"],
        "related_isco": ["2221", "3221"],
        "name": (
            "Hospital orderlies and patient support",
            "Celadores y apoyo al paciente",
            "Brancardiers et aide aux patients",
        ),
        "description": (
            "Moving patients and material inside hospitals, supporting nursing staff and "
            "keeping care areas safe and clean.",
            "Traslado de pacientes y material en hospitales, apoyo al personal de enfermería "
            "y seguridad e higiene en las zonas de atención.",
            "Transport des patients et du matériel à l'hôpital, aide au personnel infirmier, "
            "sécurité et hygiène des zones de soins.",
        ),
        "occupations": ["hospital porter", "nurse assistant", "healthcare assistant"],
        "core": {
            "transfer patients": "trasladar pacientes",
            "provide basic support to patients": "apoyo básico a pacientes",
            "follow clinical guidelines": "seguir protocolos clínicos",
            "ensure safety of healthcare users": "velar por la seguridad del paciente",
            "interact with healthcare users": "trato con pacientes",
            "hygiene in a health care setting": "higiene en el entorno sanitario",
            "first aid": "primeros auxilios",
            "support nurses": "apoyar al personal de enfermería",
            "empathise with the healthcare user": "empatía con el paciente",
            "monitor basic patients signs": "vigilar constantes básicas",
            "work in multidisciplinary health teams": "trabajar en equipos sanitarios",
            "observe confidentiality": "confidencialidad",
        },
    },
    "hotel_reception": {
        "isco": ["4224"],
        "related_isco": ["1411"],
        "extra_occupations": ["hotel concierge", "hotel porter"],
        "name": ("Hotel reception", "Recepción de hotel", "Réception d'hôtel"),
        "description": (
            "Front desk work in hotels and hostels: check-in and check-out, bookings, "
            "payments, guest information and complaints.",
            "Recepción en hoteles y hostales: entradas y salidas, reservas, cobros, "
            "información al huésped y reclamaciones.",
            "Accueil dans les hôtels et auberges : arrivées et départs, réservations, "
            "encaissements, information des clients et réclamations.",
        ),
        "occupations": [
            "hospitality establishment receptionist",
            "hotel concierge",
            "night auditor",
        ],
        "core": {
            "greet guests": "recibir a los huéspedes",
            "deal with arrivals in accommodation": "gestionar el check-in",
            "deal with departures in accommodation": "gestionar el check-out",
            "process reservations": "gestionar reservas",
            "handle customer complaints": "atender reclamaciones",
            "maintain customer service": "atención al cliente",
            "process payments": "cobrar pagos",
            "provide tourism related information": "dar información turística",
            "maintain customer records": "mantener registros de clientes",
            "carry out end of day accounts": "hacer el cierre de caja",
            "assist clients with special needs": "atender a clientes con necesidades especiales",
            "identify customer's needs": "detectar las necesidades del cliente",
        },
    },
    "cleaning": {
        "isco": ["9111", "9112", "9121", "9122", "9123", "9129", "5151", "8157"],
        "name": ("Cleaning services", "Limpieza", "Nettoyage"),
        "description": (
            "Cleaning of offices, homes, shops and public buildings, including machines, "
            "chemical products and waste separation.",
            "Limpieza de oficinas, viviendas, comercios y edificios públicos, con maquinaria, "
            "productos químicos y separación de residuos.",
            "Nettoyage de bureaux, logements, commerces et bâtiments publics, avec machines, "
            "produits chimiques et tri des déchets.",
        ),
        "occupations": ["building cleaner", "domestic cleaner", "window cleaner"],
        "core": {
            "clean surfaces": "limpiar superficies",
            "clean glass surfaces": "limpiar cristales",
            "clean building floors": "limpiar suelos",
            "remove dust": "quitar el polvo",
            "handle chemical cleaning agents": "manejar productos de limpieza",
            "maintain cleaning equipment": "mantener el equipo de limpieza",
            "operate floor cleaning equipment": "usar máquinas fregadoras",
            "maintain inventory of cleaning supplies": "controlar el material de limpieza",
            "restock toilet facilities' supplies": "reponer material en los aseos",
            "sort waste": "separar residuos",
            "cleaning industry health and safety measures": "seguridad en limpieza",
            "clean rooms": "limpiar habitaciones",
        },
    },
    "hospitality": {
        "isco": ["5120", "5131", "5132", "9411", "9412", "3434", "5246"],
        "related_isco": ["1412"],
        "name": (
            "Hospitality: kitchen and restaurant service",
            "Hostelería: cocina y sala",
            "Hôtellerie-restauration : cuisine et salle",
        ),
        "description": (
            "Kitchen assistance, cooking, bar and table service in restaurants, cafés and "
            "catering.",
            "Ayudante de cocina, cocina, barra y servicio de mesas en restaurantes, "
            "cafeterías y catering.",
            "Aide en cuisine, cuisine, bar et service en salle dans les restaurants, cafés et "
            "traiteurs.",
        ),
        "occupations": ["kitchen assistant", "waiter/waitress", "cook", "bartender"],
        "core": {
            "comply with food safety and hygiene": "manipulación de alimentos",
            "take food and beverage orders from customers": "tomar comandas",
            "serve beverages": "servir bebidas",
            "prepare hot drinks": "preparar cafés",
            "use food preparation techniques": "técnicas de cocina",
            "use food cutting tools": "usar cuchillos de cocina",
            "ensure cleanliness of food preparation area": "limpieza de la cocina",
            "work in a hospitality team": "trabajar en equipo en hostelería",
            "take payments for bills": "cobrar las cuentas",
            "receive kitchen supplies": "recibir mercancía de cocina",
            "handle glassware": "manejar cristalería",
            "prepare ready-made dishes": "preparar platos sencillos",
        },
    },
    "retail": {
        "isco": ["5221", "5222", "5223", "5230", "5242", "5249", "9334"],
        "related_isco": ["1420", "1221", "3322", "5243"],
        "name": ("Retail and shop work", "Comercio y dependiente", "Commerce et vente en magasin"),
        "description": (
            "Shop floor work in supermarkets and stores: restocking, tills, customer advice, "
            "returns and product displays.",
            "Trabajo en supermercados y tiendas: reposición, caja, asesoramiento, "
            "devoluciones y escaparates.",
            "Travail en supermarché et en magasin : mise en rayon, caisse, conseil aux clients, "
            "retours et vitrines.",
        ),
        "occupations": ["sales assistant", "cashier", "shop assistant", "shelf filler"],
        "core": {
            "stock shelves": "reponer estanterías",
            "operate cash register": "manejar la caja registradora",
            "process refunds": "gestionar devoluciones",
            "examine merchandise": "revisar la mercancía",
            "organise product display": "montar expositores",
            "provide customer guidance on product selection": "asesorar al cliente",
            "monitor stock level": "controlar el stock",
            "put up price tags": "etiquetar precios",
            "package purchases in bags": "empaquetar compras",
            "maintain store cleanliness": "mantener la tienda limpia",
            "prevent shoplifting": "prevenir hurtos",
            "carry out active selling": "venta activa",
        },
    },
    "logistics": {
        "isco": ["9333", "8344", "4321", "9321"],
        "related_isco": ["1324"],
        "name": ("Logistics and warehouse", "Logística y almacén", "Logistique et entrepôt"),
        "description": (
            "Warehouse work in the logistics parks around Fuenlabrada: picking, packing, "
            "stock control and forklift driving.",
            "Trabajo de almacén en los polígonos logísticos de Fuenlabrada: preparación de "
            "pedidos, embalaje, control de stock y carretilla elevadora.",
            "Travail d'entrepôt dans les zones logistiques de Fuenlabrada : préparation de "
            "commandes, emballage, gestion des stocks et chariot élévateur.",
        ),
        "occupations": [
            "warehouse worker",
            "warehouse order picker",
            "forklift operator",
            "hand packer",
        ],
        "core": {
            "pick orders for dispatching": "preparar pedidos",
            "lift heavy weights": "levantar cargas pesadas",
            "secure goods ": "asegurar la mercancía",
            "store warehouse goods": "almacenar mercancía",
            "operate warehouse record systems": "usar el sistema de gestión de almacén",
            "manage warehouse inventory": "hacer inventario",
            "use packaging equipment": "usar máquinas de embalaje",
            "follow stock control instructions": "seguir el control de stock",
            "apply techniques for stacking goods into containers": "apilar mercancía",
            "use warehouse marking tools": "usar etiquetadoras",
            "operate forklift": "manejar carretilla elevadora",
            "stay alert": "mantener la atención",
        },
    },
    "elderly_care": {
        "isco": ["5322"],
        "related_isco": ["1343"],
        "extra_occupations": [
            "social care worker",
            "residential home older adult care worker",
            "residential home adult care worker",
            "residential care home worker",
            "disability support worker",
            "companion",
        ],
        "name": (
            "Elderly and dependent-person care",
            "Atención a personas mayores y dependientes",
            "Aide aux personnes âgées et dépendantes",
        ),
        "description": (
            "Care at home and in residences for older and dependent people: personal care, "
            "daily tasks, company and keeping an eye on their health.",
            "Atención en domicilios y residencias a personas mayores y dependientes: aseo, "
            "tareas diarias, compañía y vigilancia de su salud.",
            "Aide à domicile et en établissement aux personnes âgées et dépendantes : toilette, "
            "tâches quotidiennes, compagnie et suivi de leur santé.",
        ),
        "occupations": ["home care aide", "care at home worker", "social care worker"],
        "core": {
            "tend to elderly people": "cuidar a personas mayores",
            "older adults' needs": "necesidades de las personas mayores",
            "support social service users to live at home": "apoyo para vivir en casa",
            "assist social service users with physical disabilities": (
                "asistir a personas con discapacidad física"
            ),
            "provide in-home support for disabled individuals": "atención domiciliaria",
            "apply person-centred care": "atención centrada en la persona",
            "monitor service users' health": "vigilar la salud del usuario",
            "maintain privacy of service users": "respetar la intimidad",
            "relate empathetically": "trato empático",
            "wash the laundry": "lavar la ropa",
            "apply first response": "primera respuesta ante emergencias",
            "encourage social service users to preserve their independence in their daily "
            "activities": "fomentar la autonomía",
        },
    },
    "ict_support": {
        "isco": ["3511", "3512", "3513", "3514", "7422"],
        "related_isco": [
            "1330",
            "2511",
            "2512",
            "2513",
            "2514",
            "2519",
            "2521",
            "2522",
            "2523",
            "2529",
        ],
        "name": ("ICT support", "Soporte informático", "Support informatique"),
        "description": (
            "Help desk and field support: fixing computers and networks, installing software, "
            "backups and helping users.",
            "Soporte y microinformática: reparar ordenadores y redes, instalar programas, "
            "copias de seguridad y ayuda a usuarios.",
            "Assistance et maintenance informatique : réparer ordinateurs et réseaux, installer "
            "des logiciels, sauvegardes et aide aux utilisateurs.",
        ),
        "occupations": ["ICT help desk agent", "ICT network technician", "ICT technician"],
        "core": {
            "perform ICT troubleshooting": "resolver incidencias informáticas",
            "provide ICT support": "dar soporte informático",
            "use ICT ticketing system": "gestionar tickets",
            "support ICT system users": "atención a usuarios",
            "repair ICT devices": "reparar equipos informáticos",
            "perform backups": "hacer copias de seguridad",
            "implement anti-virus software": "instalar antivirus",
            "ICT networking hardware": "hardware de redes",
            "maintain internet protocol configuration": "configurar redes IP",
            "solve ICT system problems": "solucionar problemas de sistemas",
            "prioritise requests": "priorizar peticiones",
            "install electronic communication equipment": "instalar equipos de comunicaciones",
        },
    },
    "construction": {
        "isco": [
            "7111",
            "7112",
            "7113",
            "7114",
            "7115",
            "7119",
            "7121",
            "7122",
            "7123",
            "7124",
            "7131",
            "9312",
            "9313",
        ],
        "related_isco": ["1323", "3112", "3123"],
        "name": (
            "Construction and renovation",
            "Construcción y reformas",
            "Bâtiment et rénovation",
        ),
        "description": (
            "Building and renovation work: bricklaying, plasterboard, tiling, painting and "
            "site safety.",
            "Obra y reformas: albañilería, pladur, alicatado, pintura y seguridad en obra.",
            "Travaux de construction et de rénovation : maçonnerie, plaques de plâtre, carrelage, "
            "peinture et sécurité sur chantier.",
        ),
        "occupations": [
            "building construction worker",
            "bricklayer",
            "construction painter",
            "plasterer",
            "tile fitter",
        ],
        "core": {
            "transport construction supplies": "transportar material de obra",
            "follow health and safety procedures in construction": (
                "prevención de riesgos laborales"
            ),
            "use safety equipment in construction": "usar EPIs en obra",
            "follow safety procedures when working at heights": "trabajo en altura",
            "mix construction grouts": "mezclar morteros",
            "place drywall": "colocar pladur",
            "prepare surface for painting": "preparar superficies para pintar",
            "lay tiles": "alicatar",
            "lay bricks": "colocar ladrillos",
            "interpret 2D plans": "interpretar planos",
            "use measurement instruments": "usar instrumentos de medida",
            "inspect construction supplies": "revisar el material de obra",
        },
    },
    "beauty": {
        "isco": ["5141", "5142"],
        "name": ("Hairdressing and beauty", "Peluquería y estética", "Coiffure et esthétique"),
        "description": (
            "Hairdressing and beauty salons: washing, cutting, dyeing and styling hair, "
            "manicure and skin care.",
            "Peluquerías y centros de estética: lavar, cortar, teñir y peinar, manicura y "
            "cuidado de la piel.",
            "Salons de coiffure et instituts de beauté : laver, couper, colorer et coiffer les "
            "cheveux, manucure et soins de la peau.",
        ),
        "occupations": [
            "hairdresser",
            "hairdresser assistant",
            "beauty salon attendant",
            "manicurist",
        ],
        "core": {
            "wash hair": "lavar el pelo",
            "dye hair": "teñir el pelo",
            "style hair": "peinar",
            "apply hair cutting techniques": "cortar el pelo",
            "hair colouring": "coloración",
            "use equipment for hair care": "usar secador y planchas",
            "cosmetic manicure": "manicura",
            "advise on hair style": "asesorar sobre peinados",
            "hair products": "productos capilares",
            "maintain customer service": "atención al cliente",
            "work safely with chemicals": "trabajar con productos químicos de forma segura",
            "cosmetics": "cosmética",
        },
    },
    "administration": {
        "isco": [
            "4110",
            "4120",
            "4131",
            "4132",
            "4222",
            "4223",
            "4225",
            "4226",
            "4311",
            "4312",
            "4313",
            "4415",
            "4416",
            "4419",
            "3341",
            "3342",
            "3343",
            "3344",
            "5244",
        ],
        "name": (
            "Administration and customer service",
            "Administración y atención al cliente",
            "Administration et service client",
        ),
        "description": (
            "Office support and customer service: filing, data entry, spreadsheets, email, "
            "phone and front office.",
            "Apoyo administrativo y atención al cliente: archivo, grabación de datos, hojas de "
            "cálculo, correo, teléfono y ventanilla.",
            "Travail de bureau et service client : classement, saisie de données, tableurs, "
            "courrier, téléphone et accueil.",
        ),
        "occupations": [
            "administrative assistant",
            "customer service representative",
            "office clerk",
            "data entry clerk",
        ],
        "core": {
            "use spreadsheets software": "manejar hojas de cálculo",
            "use microsoft office": "Microsoft Office",
            "file documents": "archivar documentos",
            "process data": "grabar datos",
            "handle mail": "gestionar el correo",
            "fill out forms": "rellenar formularios",
            "manage digital documents": "gestionar documentos digitales",
            "draft corporate emails": "redactar correos",
            "perform office routine activities": "tareas administrativas",
            "communicate with customers": "comunicarse con clientes",
            "use office systems": "usar sistemas de oficina",
            "keep task records": "registrar tareas",
        },
    },
}

# Transversal and employability skills that MILMA trained in every niche.
TRANSVERSAL: dict[str, str] = {
    "work in teams": "trabajo en equipo",
    "manage time": "gestión del tiempo",
    "solve problems": "resolver problemas",
    "adapt to change": "adaptarse a los cambios",
    "show empathy": "empatía",
    "cope with stress": "gestionar el estrés",
    "demonstrate intercultural competence": "competencia intercultural",
    "work independently": "trabajar de forma autónoma",
    "operate digital hardware": "manejar dispositivos digitales",
    "conduct web searches": "buscar información en internet",
    "apply hygiene standards": "normas de higiene",
    "attend to detail": "atención al detalle",
    "drive vehicles": "conducir vehículos",
    "communicate with customers": "comunicarse con clientes",
}
