"""The engine's domain knowledge: records, results, vocabularies, places and the
ESCO-grounded niche catalogue (with its data files)."""
