"""The one translation table of the web pages (Spanish and English).

The language comes from the ``lang`` cookie (set by the switch) or the browser's
``Accept-Language``; Spanish is the default for Spanish-speaking browsers.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

LANGUAGES = ("es", "en")

LABELS: dict[str, dict[str, str]] = {
    "app": {"en": "MILMA Match", "es": "MILMA Match"},
    "skip": {"en": "Skip to content", "es": "Saltar al contenido"},
    "sign_in": {"en": "Sign in", "es": "Entrar"},
    "sign_out": {"en": "Sign out", "es": "Salir"},
    "api_key": {"en": "Your access key", "es": "Su clave de acceso"},
    "api_key_help": {
        "en": "The key you received from the programme team.",
        "es": "La clave que le dio el equipo del programa.",
    },
    "bad_key": {
        "en": "This key is not valid or has been withdrawn.",
        "es": "Esta clave no es válida o ha sido retirada.",
    },
    "language": {"en": "Language", "es": "Idioma"},
    "editions": {"en": "Editions", "es": "Ediciones"},
    "edition": {"en": "Edition", "es": "Edición"},
    "challenges": {"en": "Business Challenges", "es": "Retos empresariales"},
    "challenge": {"en": "Challenge", "es": "Reto"},
    "company": {"en": "Company", "es": "Empresa"},
    "niche": {"en": "Niche", "es": "Nicho"},
    "seats": {"en": "Seats", "es": "Plazas"},
    "participants": {"en": "Participants", "es": "Participantes"},
    "teams": {"en": "Teams", "es": "Equipos"},
    "team": {"en": "Team", "es": "Equipo"},
    "confirmed": {"en": "confirmed", "es": "confirmado"},
    "not_confirmed": {"en": "not confirmed yet", "es": "sin confirmar"},
    "dates": {"en": "Dates", "es": "Fechas"},
    "remote": {"en": "Online training", "es": "Formación en línea"},
    "yes": {"en": "yes", "es": "sí"},
    "no": {"en": "no", "es": "no"},
    "open": {"en": "Open", "es": "Abrir"},
    "shortlist": {"en": "Shortlist", "es": "Preselección"},
    "rank": {"en": "Rank", "es": "Puesto"},
    "participant": {"en": "Participant", "es": "Participante"},
    "score": {"en": "Fit", "es": "Ajuste"},
    "p_complete": {"en": "Chance to complete", "es": "Prob. de terminar"},
    "p_hire": {"en": "Chance of a job", "es": "Prob. de empleo"},
    "matched": {"en": "Has", "es": "Tiene"},
    "missing_taught": {
        "en": "Missing, taught in training",
        "es": "Le falta, lo enseña la formación",
    },
    "missing_untaught": {"en": "Missing, not taught", "es": "Le falta, no se enseña"},
    "reasons": {"en": "Why", "es": "Por qué"},
    "filters": {"en": "Filters", "es": "Filtros"},
    "how_many": {"en": "How many candidates", "es": "Cuántos candidatos"},
    "consent_only": {
        "en": "Only people who agreed to share with companies",
        "es": "Solo quienes aceptan compartir con empresas",
    },
    "fairness": {
        "en": "Balance locals and migrants in the list",
        "es": "Equilibrar locales y migrantes en la lista",
    },
    "apply": {"en": "Apply", "es": "Aplicar"},
    "scoring": {"en": "How the list was made", "es": "Cómo se hizo la lista"},
    "not_enough": {"en": "Not enough information to score", "es": "Sin datos suficientes"},
    "missing_info": {"en": "Missing", "es": "Falta"},
    "record_outcome": {"en": "Record an outcome", "es": "Registrar un resultado"},
    "event": {"en": "What happened", "es": "Qué pasó"},
    "reason": {"en": "Reason (optional)", "es": "Motivo (opcional)"},
    "save": {"en": "Save", "es": "Guardar"},
    "saved": {"en": "Saved.", "es": "Guardado."},
    "history": {"en": "History", "es": "Historial"},
    "when": {"en": "When", "es": "Cuándo"},
    "no_history": {"en": "Nothing recorded yet.", "es": "Aún no hay nada registrado."},
    "profile": {"en": "Profile", "es": "Perfil"},
    "skills": {"en": "Skills", "es": "Habilidades"},
    "experience": {"en": "Experience", "es": "Experiencia"},
    "years": {"en": "years", "es": "años"},
    "spanish": {"en": "Spanish", "es": "Español"},
    "languages": {"en": "Languages", "es": "Idiomas"},
    "availability": {"en": "Availability", "es": "Disponibilidad"},
    "commute": {"en": "Commute", "es": "Trayecto"},
    "minutes": {"en": "min", "es": "min"},
    "consent": {"en": "Shares with companies", "es": "Comparte con empresas"},
    "niche_suggestions": {"en": "Suggested niches", "es": "Nichos sugeridos"},
    "planner": {"en": "Team planner", "es": "Planificador de equipos"},
    "plan": {"en": "Make a plan", "es": "Hacer un plan"},
    "min_share": {
        "en": "Minimum share of migrants per team",
        "es": "Mínimo de migrantes por equipo",
    },
    "replan": {"en": "Plan again with these locks", "es": "Volver a planificar con estos bloqueos"},
    "confirm_plan": {"en": "Confirm these teams", "es": "Confirmar estos equipos"},
    "lock": {"en": "Keep in this team", "es": "Fijar en este equipo"},
    "composition": {"en": "Composition", "es": "Composición"},
    "migrants": {"en": "migrants", "es": "migrantes"},
    "rule": {"en": "rule: at least", "es": "regla: al menos"},
    "objective": {"en": "Total fit", "es": "Ajuste total"},
    "greedy": {"en": "simple first-come plan", "es": "plan simple por orden"},
    "given_up": {
        "en": "given up so nobody is in two teams",
        "es": "cedido para que nadie esté en dos equipos",
    },
    "unassigned": {"en": "Without a team", "es": "Sin equipo"},
    "plan_error": {"en": "No plan is possible", "es": "No hay plan posible"},
    "your_challenges": {"en": "Your challenges", "es": "Sus retos"},
    "other_challenges": {"en": "Your other challenges", "es": "Sus otros retos"},
    "trainee": {"en": "Trainee", "es": "Participante"},
    "in_team": {"en": "in the team", "es": "en el equipo"},
    "blind": {
        "en": "Names are hidden until the training centre arranges an interview.",
        "es": "Los nombres se ocultan hasta que el centro organice una entrevista.",
    },
    "feedback": {"en": "Feedback", "es": "Valoración"},
    "interview": {"en": "Interview", "es": "Entrevista"},
    "hired": {"en": "Hired", "es": "Contratado"},
    "not_suitable": {"en": "Not suitable", "es": "No encaja"},
    "no_matches": {"en": "No matched trainees yet.", "es": "Aún no hay participantes."},
    "report": {"en": "Evaluation report", "es": "Informe de evaluación"},
    "no_report": {
        "en": "No evaluation has been run yet (`milma evaluate`).",
        "es": "Aún no hay evaluación (`milma evaluate`).",
    },
    "admin": {"en": "Administration", "es": "Administración"},
    "status": {"en": "Engine status", "es": "Estado del motor"},
    "keys": {"en": "Access keys", "es": "Claves de acceso"},
    "role": {"en": "Role", "es": "Rol"},
    "not_found": {"en": "Page not found", "es": "Página no encontrada"},
    "not_found_text": {
        "en": "This page does not exist, or it is not yours to see.",
        "es": "Esta página no existe o no tiene acceso a ella.",
    },
    "paused": {"en": "Recommendations paused", "es": "Recomendaciones en pausa"},
    "paused_text": {
        "en": "An administrator has paused recommendations. Reason:",
        "es": "Un administrador ha puesto en pausa las recomendaciones. Motivo:",
    },
    "cv_title": {"en": "CV file", "es": "Currículum en archivo"},
    "cv_help": {
        "en": "PDF or DOCX. Its text joins the profile text and is read like it; the file "
        "itself is not kept.",
        "es": "PDF o DOCX. Su texto se añade al del perfil y se lee igual; el archivo no se "
        "guarda.",
    },
    "cv_file": {"en": "CV (PDF or DOCX)", "es": "Currículum (PDF o DOCX)"},
    "cv_replace": {
        "en": "Replace the profile text instead of adding to it",
        "es": "Sustituir el texto del perfil en lugar de añadir",
    },
    "cv_read_button": {"en": "Read the CV", "es": "Leer el currículum"},
    "cv_read": {
        "en": "The CV was read into the profile text.",
        "es": "El currículum se ha leído en el texto del perfil.",
    },
    "correct": {"en": "Correct this place", "es": "Corregir este puesto"},
    "correction": {"en": "Correction", "es": "Corrección"},
    "corrections": {"en": "Corrections in force", "es": "Correcciones vigentes"},
    "new_rank": {"en": "New rank (for a move)", "es": "Nuevo puesto (al mover)"},
    "why": {"en": "Why", "es": "Motivo"},
    "note": {"en": "Note", "es": "Nota"},
    "save_correction": {"en": "Save the correction", "es": "Guardar la corrección"},
    "withdraw": {"en": "Withdraw", "es": "Retirar"},
    "model_rank": {"en": "engine's rank", "es": "puesto según el motor"},
    "not_candidate": {
        "en": "not among this challenge's candidates",
        "es": "no está entre los candidatos de este reto",
    },
    "ov_pin": {"en": "Pinned to the top", "es": "Fijado arriba"},
    "ov_move": {"en": "Moved to rank", "es": "Movido al puesto"},
    "ov_exclude": {"en": "Excluded", "es": "Excluido"},
    "or_knows_the_person": {
        "en": "Caseworker knows the person",
        "es": "La técnica conoce a la persona",
    },
    "or_circumstances_changed": {
        "en": "Circumstances changed",
        "es": "Han cambiado sus circunstancias",
    },
    "or_not_interested": {"en": "Not interested", "es": "No le interesa"},
    "or_not_a_fit": {"en": "Not a fit for this challenge", "es": "No encaja en este reto"},
    "or_already_placed": {"en": "Already placed", "es": "Ya tiene empleo o plaza"},
    "or_other": {"en": "Other (see note)", "es": "Otro (ver nota)"},
    "planning": {
        "en": "Planning the teams… this can take a moment.",
        "es": "Planificando los equipos… puede tardar un momento.",
    },
    "retrain": {"en": "Retrain the models", "es": "Reentrenar los modelos"},
    "retrain_help": {
        "en": "Trains the ranker and the niche model on every recorded outcome and the "
        "caseworkers' exclusions, then switches to them (audited).",
        "es": "Entrena el ordenador y el modelo de nichos con todos los resultados y las "
        "exclusiones de las técnicas, y pasa a usarlos (queda registrado).",
    },
    "retraining": {
        "en": "Retraining… this takes a minute or two.",
        "es": "Reentrenando… tarda uno o dos minutos.",
    },
    "retrained": {"en": "Now using ranker", "es": "Ahora se usa el modelo"},
    "controls": {"en": "Stop switch", "es": "Interruptor de parada"},
    "controls_help": {
        "en": "Applies to every worker at once and is audited.",
        "es": "Se aplica a la vez en todos los procesos y queda registrado.",
    },
    "mode_learned": {"en": "Learned ranker on", "es": "Modelo aprendido activado"},
    "mode_rules": {
        "en": "Learned ranker off: fallback rules",
        "es": "Modelo aprendido desactivado: reglas de respaldo",
    },
    "mode_paused": {"en": "Recommendations paused", "es": "Recomendaciones en pausa"},
    "switch": {"en": "Switch", "es": "Cambiar"},
    "controls_reason": {"en": "Reason (shown to every user)", "es": "Motivo (lo verán todos)"},
    "forbidden": {"en": "Not allowed", "es": "Sin permiso"},
    "forbidden_text": {
        "en": "Your role cannot open this page.",
        "es": "Su rol no puede abrir esta página.",
    },
    "bad_request": {
        "en": "Something in the request is not right",
        "es": "Algo en la petición no es correcto",
    },
    "server_error": {"en": "Something went wrong on our side", "es": "Algo falló en el servidor"},
    "back_home": {"en": "Back to the start", "es": "Volver al inicio"},
    "ev_shortlisted": {"en": "Shortlisted", "es": "Preseleccionado"},
    "ev_declined": {"en": "Declined", "es": "Rechazó la oferta"},
    "ev_joined": {"en": "Joined the team", "es": "Se unió al equipo"},
    "ev_dropped_out": {"en": "Dropped out", "es": "Abandonó"},
    "ev_completed": {"en": "Completed training", "es": "Terminó la formación"},
    "ev_interviewed": {"en": "Interviewed", "es": "Entrevistado"},
    "ev_hired": {"en": "Hired", "es": "Contratado"},
    "ev_rejected": {"en": "Not hired", "es": "No contratado"},
    "suggest_title": {
        "en": "Niche and skills from the description",
        "es": "Nicho y habilidades a partir de la descripción",
    },
    "suggest_help": {
        "en": "Paste or edit the company's description (Spanish or English); the service "
        "suggests a niche and ESCO skills for you to confirm.",
        "es": "Pegue o corrija la descripción de la empresa (en español o inglés); el servicio "
        "sugiere un nicho y habilidades ESCO para que las confirme.",
    },
    "title": {"en": "Title", "es": "Título"},
    "description": {"en": "Description", "es": "Descripción"},
    "suggest": {"en": "Suggest", "es": "Sugerir"},
    "suggestion_for": {"en": "Suggestion for", "es": "Sugerencia para"},
    "skills_choice": {
        "en": "Choose for each skill whether the challenge needs it.",
        "es": "Elija para cada habilidad si el reto la necesita.",
    },
    "source": {"en": "From", "es": "Origen"},
    "essential": {"en": "Essential", "es": "Esencial"},
    "optional": {"en": "Optional", "es": "Opcional"},
    "leave_out": {"en": "Leave out", "es": "Quitar"},
    "source_text": {"en": "named in the text", "es": "mencionada en el texto"},
    "source_occupation": {
        "en": "needed by the job the text names",
        "es": "la necesita el puesto que menciona el texto",
    },
    "source_niche": {"en": "a core skill of the niche", "es": "habilidad clave del nicho"},
    "source_current": {"en": "already in the challenge", "es": "ya está en el reto"},
    "save_challenge": {"en": "Save the challenge", "es": "Guardar el reto"},
    "cancel": {"en": "Cancel", "es": "Cancelar"},
    "read_from_text": {"en": "Read from the text", "es": "Leído en el texto"},
    "text_language": {"en": "Language", "es": "Idioma"},
    "lang_es": {"en": "Spanish", "es": "español"},
    "lang_en": {"en": "English", "es": "inglés"},
    "lang_fr": {"en": "French", "es": "francés"},
    "lang_ar": {"en": "Arabic", "es": "árabe"},
    "lang_ro": {"en": "Romanian", "es": "rumano"},
    "lang_zh": {"en": "Chinese", "es": "chino"},
    "lang_none": {"en": "not known", "es": "desconocido"},
    "text_not_read": {
        "en": "the service reads Spanish and English only",
        "es": "el servicio solo lee español e inglés",
    },
    "jobs_named": {"en": "Jobs named", "es": "Trabajos mencionados"},
    "skills_named": {"en": "Skills named", "es": "Habilidades mencionadas"},
    "nothing_read": {
        "en": "No skill or job the catalogue knows was found in the text.",
        "es": "No se encontró en el texto ninguna habilidad ni trabajo del catálogo.",
    },
    "implied": {"en": "implied by their experience", "es": "deducida de su experiencia"},
    "av_morning": {"en": "mornings", "es": "mañanas"},
    "av_afternoon": {"en": "afternoons", "es": "tardes"},
    "av_full_day": {"en": "full days", "es": "jornada completa"},
    "av_flexible": {"en": "any time", "es": "cualquier horario"},
}


def pick_language(request: Request) -> str:
    """The switch's cookie first, then the browser's preference."""
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "es"


def translator(language: str) -> Callable[[str], str]:
    def translate(key: str) -> str:
        entry = LABELS.get(key)
        return entry[language] if entry else key

    return translate
