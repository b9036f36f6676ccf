"""The catalogue's skills as the generator draws them: per niche, and how people say them."""

from __future__ import annotations

import numpy as np

from matching.domain.catalogue import Catalogue


class SkillPools:
    """Skill index arrays per niche and each skill's phrasings, prepared once."""

    def __init__(self, cat: Catalogue) -> None:
        idx = cat.skill_index
        self.count = len(cat.skills)
        self.core = [np.array([idx[u] for u in n.core_skills]) for n in cat.niches]
        self.pool = []
        self.pool_p = []
        for n, core in zip(cat.niches, self.core, strict=True):
            uris = [u for u in n.skills if idx[u] not in set(core.tolist())]
            weights = np.array(
                [w + 1.0 for u, w in zip(n.skills, n.essential_weight, strict=True) if u in uris]
            )
            self.pool.append(np.array([idx[u] for u in uris]))
            self.pool_p.append(weights / weights.sum())
        self.transversal = np.array([idx[u] for u in cat.transversal_skills])
        labels = cat.skills
        self.uri = labels["uri"].to_numpy(dtype=object)
        self.phrase_es = labels["phrase_es"].tolist()
        self.phrases = {
            language: [
                [lab, *[a for a in alts.split("|") if a and a != lab]] if lab else []
                for lab, alts in zip(
                    labels[f"label_{language}"], labels[f"alt_labels_{language}"], strict=True
                )
            ]
            for language in ("es", "en", "fr")
        }
