"""A framework pack the project has never seen, generated for the tests.

Two 0–2 ordinal sub-components; the unit is a therapist's turn with the turns before it
(speakers Client/Therapist); 220 items; a panel of nine experts; two LLM annotators, one close
to the experts and one far from them. Ratings come from a latent level per item plus each
rater's noise, cut to the scale, so the experts agree with each other well but not perfectly.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

RUBRIC = """\
id = "therapist_turns"
title = "Therapist turns (test pack)"
unit = "One therapist's turn, read with the client's and therapist's turns before it."
level_of_measurement = "ordinal"
consensus = "median"

[speakers]
seeker = "Client"
supporter = "Therapist"

[[sub_components]]
column = "warmth"
label = "Warmth"
definition = "How warmly the therapist's last turn responds to the client."
scale_min = 0
scale_max = 2
polarity = "positive"
[sub_components.anchors]
0 = "Cold or dismissive."
1 = "Polite but neutral."
2 = "Clearly warm and caring."

[[sub_components]]
column = "focus"
label = "Focus on the client"
definition = "How much the therapist's last turn stays with what the client said."
scale_min = 0
scale_max = 2
polarity = "positive"
[sub_components.anchors]
0 = "Changes the subject."
1 = "Partly on the client's concern."
2 = "Entirely on the client's concern."
"""

SUB_COMPONENTS = ("warmth", "focus")
EXPERTS = tuple(f"clinician{k}" for k in range(1, 10))
LLMS = ("llm-close", "llm-far")
N_ITEMS = 220

_CLIENT = (
    "I keep arguing with my brother about our mother's care.",
    "Work has been so stressful I can't switch off at night.",
    "I don't feel like going out with friends any more.",
    "Since the move I feel like I don't belong anywhere.",
)
_THERAPIST_EARLY = (
    "What happens when the arguments start?",
    "Tell me more about the evenings.",
    "When did you notice that change?",
)
_THERAPIST_LAST = (
    "That sounds exhausting, and it makes sense you feel worn down.",
    "Let's talk about your diet instead.",
    "Mm. Go on.",
    "It sounds lonely; what do you miss most?",
)


def _cut(values: np.ndarray) -> np.ndarray:
    return np.clip(np.round(values), 0, 2)


def write_pack(root: Path, *, seed: int = 7) -> dict[str, np.ndarray]:
    """Write the pack into `root` and return every rater's ratings (items × 2).

    Returns:
        Ratings by annotator name, rows in item order ``t000``..``t219``.
    """
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "rubric.toml").write_text(RUBRIC, encoding="utf-8")
    latent = rng.normal(1.0, 0.75, size=(N_ITEMS, 1)) + rng.normal(0, 0.35, size=(N_ITEMS, 2))
    ratings = {name: _cut(latent + rng.normal(0, 0.45, latent.shape)) for name in EXPERTS}
    ratings["llm-close"] = _cut(latent + rng.normal(0, 0.4, latent.shape))
    ratings["llm-far"] = _cut(rng.permutation(latent) + rng.normal(0, 0.6, latent.shape))
    ids = [f"t{i:03d}" for i in range(N_ITEMS)]
    with (root / "conversations.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item_id", "transcript"])
        for i, item in enumerate(ids):
            lines = [
                f"Client: {_CLIENT[i % len(_CLIENT)]} (session {i})",
                f"Therapist: {_THERAPIST_EARLY[i % len(_THERAPIST_EARLY)]}",
                "Client: It's hard to explain.",
                f"Therapist: {_THERAPIST_LAST[i % len(_THERAPIST_LAST)]}",
            ]
            writer.writerow([item, "\n".join(lines)])
    with (root / "ratings.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item_id", "sub_component", "annotator", "group", "rating"])
        for name, values in ratings.items():
            group = "expert" if name in EXPERTS else "llm"
            for i, item in enumerate(ids):
                for j, sub in enumerate(SUB_COMPONENTS):
                    writer.writerow([item, sub, name, group, int(values[i, j])])
    return ratings
