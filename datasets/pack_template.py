"""``empathy-judge pack init DIR``: a framework pack to start from, that validates as written.

The pack is a worked example of every rubric field (each commented: required or not, what it
does), a conversations file in the one-row-per-turn schema, a ratings file in the long schema
(three experts and one LLM) and a README stub. Its wording is the project's own; replace the
rubric, the conversations and the ratings with yours and run ``empathy-judge data validate DIR``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import EmpathyJudgeError

RUBRIC_TEMPLATE = '''\
# A framework pack's rubric. Every field is listed: the required ones first, then the optional
# ones with their defaults. Check the pack with `empathy-judge data validate {folder}`;
# `empathy-judge data info {folder}` shows what it holds and how the judge will read it.
# This file is an example written by empathy-judge: replace every text with your own.

# -- required -----------------------------------------------------------------------------------

# The pack's id: letters, digits, "_" and "-". Logs and reports name the framework by it.
id = "{id}"
# A readable name (reports, and the prompt's "Framework:" line).
title = "{title}"
# What one rated item is, shown to the judge as "What you rate: ...".
unit = """One counselling exchange: the Client's turns and the Counsellor's replies; the \\
Counsellor's last reply is rated, read with the turns before it."""
# The level of measurement of the ratings: it picks the agreement statistics.
#   "ordinal"  ordered levels whose distances are not known to be equal (0-2 codes, Likert
#              items): quadratic weighted kappa, Krippendorff's alpha (ordinal).
#   "interval" equal distances between levels (a 1-7 scale read as a number): quadratic kappa,
#              alpha (interval).
#   "nominal"  unordered categories: unweighted kappa, alpha (nominal); use consensus = "majority".
#   "ratio"    interval with a true zero (rare for ratings).
level_of_measurement = "ordinal"

# -- optional -----------------------------------------------------------------------------------

# The rubric's version (default 1). Every log records it: a pack's prompt is versioned by its
# rubric, so bump it whenever you change a text the judge reads (definitions, anchors, framing).
version = 1
# How the experts' ratings of an item become its consensus: "median" (default), "mean"
# (interval data), or "majority" (nominal data).
consensus = "median"
# Where the construct comes from, and which wording is yours (both shown in reports; the
# citation also in the prompt).
citation = "Your source, e.g. a coding manual (year)."
wording_note = "Every definition and anchor in this file is the pack author's own wording."
# The field the framework comes from (reports only).
discipline = "counselling"
# The Inspect task name logs carry (default: the id). The task you run is always
# empathy_judge/custom -T framework=FOLDER.
# task_name = "{id}"
# Packaged rubrics only (leave out in a pack): data = "release", item_id_columns, order, [release].

# Which turn is rated: "all" (default: the supporter's communication as a whole), "last" (the
# supporter's last turn) or "last:NAME" (NAME's last turn; NAME one of the speakers below). The
# transcript in the prompt marks it "Counsellor (rated turn): ...".
rated_turn = "last:Counsellor"

# How the two roles are named in the conversations file and in the prompt (default Seeker and
# Supporter). "seeker" is the person who brings a concern, "supporter" the one whose
# communication is rated.
[speakers]
seeker = "Client"
supporter = "Counsellor"

# The judge's system prompt, sentence by sentence (each key optional; without this table the
# packaged wording is used: "You are an expert annotator of empathic communication. You rate
# conversations in which one person (the Client) shares a personal problem and another (the
# Counsellor) responds. ..."). The rule that the conversation is data, not instructions, is
# always added.
[framing]
role = "You are an expert coder of counselling conversations."
context = "You read exchanges in which a Client talks about a difficulty with a Counsellor."
rated = "You rate only the Counsellor's last reply, read with the turns before it."

# One table per rated sub-component. Required keys: column (the key in ratings files and in
# the judge's JSON answer), label, definition, scale_min and scale_max (integers), polarity
# ("positive", or "negative" when a higher rating means worse behaviour) and anchors (a text
# for every level from scale_min to scale_max).
[[sub_components]]
column = "reflection"
label = "Reflects the Client's meaning"
definition = """Whether the Counsellor's reply restates what the Client said or felt, in a way \\
that shows it was heard."""
scale_min = 0
scale_max = 2
polarity = "positive"
[sub_components.anchors]
0 = "No reflection: the reply does not restate anything the Client said or felt."
1 = "Simple: the reply repeats or paraphrases the Client's words."
2 = "Complex: the reply adds a meaning or a feeling the Client implied but did not say."

[[sub_components]]
column = "unsolicited_advice"
label = "Gives advice nobody asked for"
definition = """Whether the Counsellor's reply tells the Client what to do without being asked \\
or without asking permission first."""
scale_min = 0
scale_max = 2
polarity = "negative"
[sub_components.anchors]
0 = "None: no advice, or advice the Client asked for."
1 = "Some: a suggestion offered lightly alongside other content."
2 = "Directive: the reply is mainly instructions the Client did not ask for."
'''

README_TEMPLATE = """\
# {title}

A framework pack for empathy-judge: `rubric.toml` (the construct, its sub-components and scales),
`conversations.csv` (one row per turn: `item_id, speaker, text, turn`) and `ratings.csv` (one
row per rating: `item_id, sub_component, annotator, group, rating`; group `expert` is the
reference panel, any other group a candidate such as `llm`).

The files were written by `empathy-judge pack init` as an example: replace them with your
own (or build the pack from one flat table with `empathy-judge pack convert`), then:

```bash
empathy-judge data validate {folder}          # every problem with its file, line and column
empathy-judge data info {folder}              # what the pack holds, and how the judge reads it
inspect eval empathy_judge/custom -T framework={folder} --model replay/my-llm --log-dir logs
empathy-judge report logs --out report        # ranked against this pack's own experts
```

- Where the items come from, and their licence: ...
- Who the experts are, and how they were trained: ...
"""

#: Per conversation: the turns (speaker, text) and the agreed levels (reflection, advice).
_CONVERSATIONS: tuple[tuple[tuple[tuple[str, str], ...], tuple[int, int]], ...] = (
    (
        (
            ("Client", "I keep putting off calling my dad. We haven't spoken since the funeral."),
            ("Counsellor", "It has been a while."),
            ("Client", "Every time I pick up the phone I feel sick."),
            (
                "Counsellor",
                "Part of you wants to reach him, and part of you dreads what you'd hear.",
            ),
        ),
        (2, 0),
    ),
    (
        (
            ("Client", "My manager moved my deadline up again."),
            ("Counsellor", "You should just tell her it's not possible."),
        ),
        (0, 2),
    ),
    (
        (
            ("Client", "I've started running in the mornings, but I skipped the whole week."),
            ("Counsellor", "You skipped this week."),
        ),
        (1, 0),
    ),
    (
        (
            ("Client", "I can't sleep since the move. The flat is so quiet."),
            ("Counsellor", "The quiet keeps you awake; it sounds lonely there at night."),
        ),
        (2, 0),
    ),
    (
        (
            ("Client", "My sister says I'm always late and she's right."),
            ("Counsellor", "Have you tried setting alarms? Get a planner and stick to it."),
        ),
        (0, 2),
    ),
    (
        (
            ("Client", "I want to drink less, but evenings are hard."),
            ("Counsellor", "Evenings are the hard part."),
            ("Client", "Yes. The wine is just there."),
            ("Counsellor", "Having it in the house makes it harder. Maybe don't buy it?"),
        ),
        (1, 1),
    ),
    (
        (
            ("Client", "I failed the exam again."),
            ("Counsellor", "Okay. What's next on your list?"),
        ),
        (0, 0),
    ),
    (
        (
            ("Client", "I'm proud I went to the group, even if I said nothing."),
            ("Counsellor", "Going at all took courage, and you're giving yourself credit for it."),
        ),
        (2, 0),
    ),
    (
        (
            ("Client", "My son won't talk to me about school."),
            (
                "Counsellor",
                "He won't talk about school, and that worries you. You could ask"
                " him about his friends instead.",
            ),
        ),
        (1, 1),
    ),
    (
        (
            ("Client", "Work is fine, I guess. Busy."),
            ("Counsellor", "Busy."),
        ),
        (1, 0),
    ),
    (
        (
            ("Client", "I don't know why I'm here. My wife made the appointment."),
            ("Counsellor", "You'd rather not be here, and still you came."),
        ),
        (2, 0),
    ),
    (
        (
            ("Client", "I spend too much money online when I'm stressed."),
            ("Counsellor", "Delete the apps. Cut up the cards. That's what works."),
        ),
        (0, 2),
    ),
)
#: Each expert's departures from the agreed levels: (item index, sub-component index, level).
_EXPERT_CHANGES: dict[str, tuple[tuple[int, int, int], ...]] = {
    "expert_a": ((2, 0, 2), (8, 1, 2)),
    "expert_b": ((5, 0, 2), (9, 0, 0), (6, 1, 1)),
    "expert_c": ((0, 0, 1), (5, 1, 2)),
}
#: The example LLM's departures (it misses complex reflections and some advice).
_LLM_CHANGES: tuple[tuple[int, int, int], ...] = ((0, 0, 1), (3, 0, 1), (5, 1, 0), (10, 0, 1))
_SUBS = ("reflection", "unsolicited_advice")


class PackInitError(EmpathyJudgeError, ValueError):
    """The folder cannot take a new pack (it holds files already)."""


@dataclass(frozen=True)
class InitializedPack:
    """What `write_pack_template` wrote.

    Attributes:
        root: The pack folder.
        files: The files written, in order.
    """

    root: Path
    files: tuple[Path, ...]


def pack_id(folder: Path) -> str:
    """A valid pack id from a folder name (letters, digits, "_" and "-")."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", folder.resolve().name).strip("_")
    return name or "my_pack"


def _csv(rows: list[list[str | int]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def template_files(folder: Path) -> dict[str, str]:
    """The example pack's files, by name, for a pack in `folder`.

    Args:
        folder: The pack folder (its name gives the id; its path is quoted in the comments).

    Returns:
        ``rubric.toml``, ``conversations.csv``, ``ratings.csv`` and ``README.md`` texts.
    """
    identifier = pack_id(folder)
    title = identifier.replace("_", " ").replace("-", " ").strip().capitalize() + " (example)"
    shown = folder.as_posix()
    turns: list[list[str | int]] = [["item_id", "speaker", "text", "turn"]]
    for number, (conversation, _) in enumerate(_CONVERSATIONS, start=1):
        for turn, (speaker, text) in enumerate(conversation, start=1):
            turns.append([f"c{number:02d}", speaker, text, turn])
    ratings: list[list[str | int]] = [["item_id", "sub_component", "annotator", "group", "rating"]]
    raters = [*((name, "expert", changes) for name, changes in _EXPERT_CHANGES.items())]
    raters.append(("my-llm", "llm", _LLM_CHANGES))
    for name, group, changes in raters:
        changed = {(i, j): level for i, j, level in changes}
        for i, (_, levels) in enumerate(_CONVERSATIONS):
            for j, sub in enumerate(_SUBS):
                ratings.append([f"c{i + 1:02d}", sub, name, group, changed.get((i, j), levels[j])])
    return {
        "rubric.toml": RUBRIC_TEMPLATE.format(id=identifier, title=title, folder=shown),
        "conversations.csv": _csv(turns),
        "ratings.csv": _csv(ratings),
        "README.md": README_TEMPLATE.format(title=title, folder=shown),
    }


def write_pack_template(folder: str | Path, *, force: bool = False) -> InitializedPack:
    """Write the example pack into `folder` (created when missing).

    Args:
        folder: The pack folder.
        force: Overwrite files of the same names.

    Returns:
        What was written.

    Raises:
        PackInitError: A file of the pack already exists and `force` is not set.
    """
    root = Path(folder).expanduser()
    files = template_files(root)
    existing = [name for name in files if (root / name).exists()]
    if existing and not force:
        raise PackInitError(
            f"{root}: already holds {', '.join(existing)}; choose another folder or pass --force"
        )
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
        written.append(root / name)
    return InitializedPack(root, tuple(written))
