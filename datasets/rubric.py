"""Framework rubrics: one declarative TOML file per framework, loaded into immutable objects.

A rubric file describes what is rated (the unit), on which sub-components, on which scale and
with which anchor text for every level. Everything downstream — prompts, validation of ratings,
report labels, the expert panel's consensus and κ weights — reads the rubric, so adding a
framework means adding one file.

Fields (TOML, top level):

=====================  ========  =============================================================
field                  required  meaning
=====================  ========  =============================================================
id                     yes       the framework's id (a release folder name for packaged ones)
title                  yes       readable name
unit                   yes       what one rated item is (shown to the judge)
level_of_measurement   yes       nominal, ordinal, interval or ratio: κ weights (none for
                                 nominal, quadratic otherwise) and Krippendorff's α metric
sub_components         yes       the rated dimensions (array of tables, below)
task_name              no        Inspect task name (default: the id)
discipline             no        field the framework comes from
citation               no        source of the construct
wording_note           no        which wording in the file is the project's or the user's own
consensus              no        median (default), mean, or majority (nominal scales)
speakers               no        ``{seeker = "Client", supporter = "Therapist"}``: how the two
                                 roles are named in transcripts and prompts (default Seeker,
                                 Supporter)
item_id_columns        no        release columns that identify an item (packaged frameworks)
data                   no        "release" for the four packaged frameworks (data resolved from
                                 the authors' release); a pack's data sits beside its rubric
order                  no        position in reports (packaged frameworks: the paper's order)
version                no        the rubric's version (integer or text, default 1), recorded in
                                 every log: a pack's prompt is versioned by its rubric
rated_turn             no        "all" (default: the supporter's communication as a whole),
                                 "last" (the supporter's last turn) or "last:NAME" (NAME's
                                 last turn, NAME one of the speakers); the transcript in the
                                 prompt marks the rated turn
framing                no        ``{role = ..., context = ..., rated = ...}``: the system
                                 prompt's sentences saying who the judge is, what the
                                 conversations are and who speaks, and what is rated (each
                                 optional; without the table the packaged wording is used)
release                with      where the framework's files sit in the authors' release
                       data =    (annotations folder, conversations file and the reader that
                       release   parses it, crowd raters): see
                                 :mod:`empathy_judge.datasets.release_layout`
=====================  ========  =============================================================

``empathy-judge pack init DIR`` writes a commented rubric with every field.

Each ``[[sub_components]]`` table: ``column`` (the key ratings use), ``label``, ``definition``,
``scale_min``, ``scale_max`` (integers), ``polarity`` (positive, or negative when a higher rating
means worse behaviour) and ``anchors`` (a text for every level from scale_min to scale_max).

Packaged rubrics are discovered: every ``*.toml`` file in ``datasets/rubrics/`` is a framework,
so adding a fifth packaged framework needs no list to be edited, and its ``[release]`` table
tells the release loader where its files are, so it needs no loader code either (only its
files' checksums in :mod:`empathy_judge.datasets.checksums`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal, cast

from .conversation import SPEAKERS, Speaker
from .levels import LEVELS, POLARITIES, Level, Polarity
from .lookup import find
from .release_layout import ReleaseLayout
from .rubric_fields import RubricError as RubricError
from .rubric_fields import reject_unknown, require
from .rubric_release import DataSource as DataSource
from .rubric_release import release_layout

ConsensusRule = Literal["median", "mean", "majority"]

_CONSENSUS_RULES: tuple[ConsensusRule, ...] = ("median", "mean", "majority")
_DATA_SOURCES: tuple[DataSource, ...] = ("release", "pack")
#: The default names of the two roles in a conversation.
DEFAULT_SPEAKERS: tuple[str, str] = ("Seeker", "Supporter")


_FRAMEWORK_FIELDS = frozenset(
    {
        "id",
        "task_name",
        "title",
        "discipline",
        "citation",
        "unit",
        "level_of_measurement",
        "item_id_columns",
        "sub_components",
        "wording_note",
        "consensus",
        "speakers",
        "data",
        "order",
        "version",
        "rated_turn",
        "framing",
        "release",
    }
)
_FRAMING_FIELDS = frozenset({"role", "context", "rated"})
_SUB_COMPONENT_FIELDS = frozenset(
    {"column", "label", "definition", "scale_min", "scale_max", "polarity", "anchors"}
)


# What could open or close a transcript delimiter in a prompt (`evals.transcript_tag` escapes
# the same in conversation text): "<", then whitespace, "/" or invisible format characters,
# then "transcript". Rubric text goes into the prompt unescaped, so it must not hold one.
_DELIMITER_RE = re.compile(
    r"<[\s/\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]*transcript",
    re.IGNORECASE,
)


def _reject_delimiters(value: Any, where: str, file: str) -> None:
    """Refuse rubric text that could forge the prompt's transcript tags."""
    if isinstance(value, str):
        if _DELIMITER_RE.search(value):
            raise RubricError(
                file,
                f"field '{where}' holds a transcript delimiter ('<transcript' or "
                "'</transcript'): rubric text goes into the prompt and must not open or close "
                "the transcript",
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _reject_delimiters(key, f"{where}.{key}" if where else str(key), file)
            _reject_delimiters(item, f"{where}.{key}" if where else str(key), file)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _reject_delimiters(item, f"{where}[{index}]", file)


def _column_key(column: str) -> str:
    """A column name with case and separators folded, as the answer parser compares names."""
    return re.sub(r"[\s_\-]+", "_", column.strip().lower()).strip("_")


class _FrozenAnchors(Mapping[int, str]):
    """A read-only level -> anchor mapping.

    A plain dict inside a frozen dataclass could still be mutated in place; unlike
    ``types.MappingProxyType`` this stays picklable and deep-copyable (Inspect copies metadata).
    """

    def __init__(self, anchors: Mapping[int, str]) -> None:
        self._data = dict(sorted(anchors.items()))

    def __getitem__(self, level: int) -> str:
        return self._data[level]

    def __iter__(self) -> Iterator[int]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(tuple(self._data.items()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"


@dataclass(frozen=True)
class SubComponent:
    """One rated dimension of a framework.

    Attributes:
        column: The release's column name (also the key a model answers with).
        label: A readable label for reports.
        definition: What the sub-component measures.
        scale_min: Lowest level of the scale.
        scale_max: Highest level of the scale.
        polarity: "negative" when a higher rating means a worse behaviour.
        anchors: Anchor text per level, keyed by every integer from scale_min to scale_max.
    """

    column: str
    label: str
    definition: str
    scale_min: int
    scale_max: int
    polarity: Polarity
    anchors: Mapping[int, str]

    @property
    def levels(self) -> tuple[int, ...]:
        """Every level of the scale, in order."""
        return tuple(range(self.scale_min, self.scale_max + 1))

    def is_valid_rating(self, value: float) -> bool:
        """Whether a value is an integer level on this sub-component's scale."""
        return float(value).is_integer() and self.scale_min <= value <= self.scale_max


@dataclass(frozen=True)
class RatedTurn:
    """Which turn of a conversation is rated (``rated_turn = "last:Therapist"``).

    Attributes:
        role: The role whose turn is rated ("Seeker" or "Supporter").
        name: That role's name in the rubric (e.g. "Therapist").
    """

    role: Speaker
    name: str

    @property
    def spec(self) -> str:
        """The rubric's spelling, e.g. ``last:Therapist``."""
        return f"last:{self.name}"

    def index(self, speakers: Sequence[str]) -> int | None:
        """The position of the rated turn among a conversation's turns (their roles, in order).

        Args:
            speakers: Each turn's role ("Seeker" or "Supporter"), in order.

        Returns:
            The index of the role's last turn, or None when the role never speaks.
        """
        for position in range(len(speakers) - 1, -1, -1):
            if speakers[position] == self.role:
                return position
        return None


@dataclass(frozen=True)
class Framing:
    """How the judge's system prompt describes a pack's task (the ``[framing]`` table).

    Each part is a sentence or two of the system prompt; an empty part keeps the packaged
    prompt's wording (with the rubric's speaker names).

    Attributes:
        role: Who the judge is ("You are an expert coder of counselling sessions.").
        context: What the conversations are and who the speakers are.
        rated: What is rated (whose communication, which turn).
    """

    role: str = ""
    context: str = ""
    rated: str = ""


@dataclass(frozen=True)
class Framework:
    """A framework's rubric.

    Attributes:
        id: The release's folder name (e.g. "epitome").
        task_name: The Inspect task name (e.g. "empathetic_dialogues").
        title: Human-readable name.
        discipline: Field the framework comes from.
        citation: Source of the construct.
        unit: What one rated item is.
        level_of_measurement: Krippendorff level used for α.
        item_id_columns: Release columns that identify an item (the first is the item id).
        sub_components: The rated dimensions, in the rubric's order.
        wording_note: Which wording in the file is the project's own.
        source: Path of the file the rubric was read from.
        consensus: How the experts' ratings of an item become its consensus.
        speakers: Names of the (seeker, supporter) roles in transcripts and prompts.
        data: "release" (the authors' release) or "pack" (files beside the rubric).
        order: Position in reports.
        version: The rubric's version (recorded in every log: a pack's prompt is versioned by
            its rubric); bump it whenever an edit can move ratings.
        rated_turn: Which turn is rated (None: the supporter's communication as a whole).
        framing: How the system prompt describes the task (None: the packaged wording).
        release: Where the framework's files sit in the authors' release (packaged
            frameworks, ``data = "release"``; None for a pack).
    """

    id: str
    task_name: str
    title: str
    discipline: str
    citation: str
    unit: str
    level_of_measurement: Level
    item_id_columns: tuple[str, ...]
    sub_components: tuple[SubComponent, ...]
    wording_note: str
    source: str
    consensus: ConsensusRule = "median"
    speakers: tuple[str, str] = DEFAULT_SPEAKERS
    data: DataSource = "pack"
    order: int = 1000
    version: str = "1"
    rated_turn: RatedTurn | None = None
    framing: Framing | None = None
    release: ReleaseLayout | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The sub-components' column names, in order."""
        return tuple(s.column for s in self.sub_components)

    def sub_component(self, column: str) -> SubComponent:
        """Look a sub-component up by column name.

        Raises:
            KeyError: The framework has no such sub-component.
        """
        return find(
            self.sub_components,
            lambda sub: sub.column == column,
            lambda: f"{self.id} has no sub-component {column!r}; known: {list(self.columns)}",
        )


def _parse_sub_component(raw: Any, index: int, file: str) -> SubComponent:
    where = f"sub_components[{index}]."
    if not isinstance(raw, Mapping):
        raise RubricError(file, f"field 'sub_components[{index}]' must be a table")
    column = require(raw, "column", str, where, file)
    where = f"sub_components[{index}] ({column})."
    reject_unknown(raw, _SUB_COMPONENT_FIELDS, where, file)
    scale_min = require(raw, "scale_min", int, where, file)
    scale_max = require(raw, "scale_max", int, where, file)
    if scale_max <= scale_min:
        raise RubricError(file, f"field '{where}scale_max' must exceed scale_min")
    polarity = require(raw, "polarity", str, where, file)
    if polarity not in POLARITIES:
        raise RubricError(file, f"field '{where}polarity' must be one of {list(POLARITIES)}")
    raw_anchors = require(raw, "anchors", dict, where, file)
    anchors: dict[int, str] = {}
    for key, text in raw_anchors.items():
        try:
            level = int(key)
        except ValueError:
            raise RubricError(
                file, f"field '{where}anchors.{key}' is not an integer level"
            ) from None
        if not isinstance(text, str) or not text.strip():
            raise RubricError(file, f"field '{where}anchors.{key}' must be non-empty text")
        anchors[level] = text.strip()
    expected = set(range(scale_min, scale_max + 1))
    if set(anchors) != expected:
        missing = sorted(expected - set(anchors))
        extra = sorted(set(anchors) - expected)
        raise RubricError(
            file,
            f"field '{where}anchors' must cover every level {scale_min}..{scale_max}"
            f" (missing {missing}, outside the scale {extra})",
        )
    return SubComponent(
        column=column,
        label=require(raw, "label", str, where, file),
        definition=require(raw, "definition", str, where, file).strip(),
        scale_min=scale_min,
        scale_max=scale_max,
        polarity=cast(Polarity, polarity),
        anchors=_FrozenAnchors(anchors),
    )


def _optional(table: Mapping[str, Any], key: str, kind: type, default: Any, file: str) -> Any:
    if key not in table:
        return default
    return require(table, key, kind, "", file)


def _choice(
    table: Mapping[str, Any], key: str, choices: tuple[str, ...], default: str, file: str
) -> str:
    value = _optional(table, key, str, default, file)
    if value not in choices:
        raise RubricError(file, f"field '{key}' must be one of {list(choices)}, got {value!r}")
    return str(value)


def _speakers(data: Mapping[str, Any], file: str) -> tuple[str, str]:
    raw = data.get("speakers")
    if raw is None:
        return DEFAULT_SPEAKERS
    if not isinstance(raw, Mapping):
        raise RubricError(file, "field 'speakers' must be a table {seeker = ..., supporter = ...}")
    reject_unknown(raw, frozenset({"seeker", "supporter"}), "speakers.", file)
    seeker = require(raw, "seeker", str, "speakers.", file).strip()
    supporter = require(raw, "supporter", str, "speakers.", file).strip()
    for role, name in (("seeker", seeker), ("supporter", supporter)):
        if ":" in name or "\n" in name or "<" in name or ">" in name:
            raise RubricError(
                file, f"field 'speakers.{role}' must not contain ':', '<', '>' or a line break"
            )
    if seeker.lower() == supporter.lower():
        raise RubricError(file, "field 'speakers': the two roles need different names")
    return seeker, supporter


def _version(data: Mapping[str, Any], file: str) -> str:
    raw = data.get("version", 1)
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).strip():
        raise RubricError(file, "field 'version' must be an integer or a non-empty string")
    return str(raw).strip()


def _rated_turn(data: Mapping[str, Any], speakers: tuple[str, str], file: str) -> RatedTurn | None:
    raw = _optional(data, "rated_turn", str, "all", file).strip()
    if raw == "all":
        return None
    how, _, name = raw.partition(":")
    if how != "last":
        raise RubricError(
            file,
            f'field \'rated_turn\' must be "all", "last" (the {speakers[1]}\'s last turn) or'
            f' "last:NAME" with NAME one of {list(speakers)}, got {raw!r}',
        )
    if not name.strip():
        return RatedTurn(SPEAKERS[1], speakers[1])
    for role, known in zip(SPEAKERS, speakers, strict=True):
        if known.lower() == name.strip().lower():
            return RatedTurn(role, known)
    raise RubricError(
        file,
        f"field 'rated_turn': {name.strip()!r} is not a speaker of this rubric"
        f" ({list(speakers)}; set them in [speakers])",
    )


def _framing(data: Mapping[str, Any], file: str) -> Framing | None:
    raw = data.get("framing")
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise RubricError(
            file, "field 'framing' must be a table {role = ..., context = ..., rated = ...}"
        )
    reject_unknown(raw, _FRAMING_FIELDS, "framing.", file)
    parts = {key: require(raw, key, str, "framing.", file).strip() for key in raw}
    return Framing(**parts)


def parse_rubric(data: Mapping[str, Any], file: str) -> Framework:
    """Validate a parsed rubric document and build its :class:`Framework`.

    Args:
        data: The parsed TOML document.
        file: The file name, used in error messages.

    Returns:
        The framework.

    Raises:
        RubricError: A field is missing, of the wrong type or inconsistent.
    """
    reject_unknown(data, _FRAMEWORK_FIELDS, "", file)
    _reject_delimiters(dict(data), "", file)
    level = require(data, "level_of_measurement", str, "", file)
    if level not in LEVELS:
        raise RubricError(file, f"field 'level_of_measurement' must be one of {list(LEVELS)}")
    id_columns = _optional(data, "item_id_columns", list, [], file)
    if not all(isinstance(c, str) and c for c in id_columns):
        raise RubricError(file, "field 'item_id_columns' must be a list of names")
    source = _choice(data, "data", _DATA_SOURCES, "pack", file)
    if source == "release" and not id_columns:
        raise RubricError(file, "field 'item_id_columns' is needed when data = \"release\"")
    consensus = _choice(data, "consensus", _CONSENSUS_RULES, "median", file)
    if consensus == "mean" and level == "nominal":
        raise RubricError(
            file, "field 'consensus': the mean of nominal labels means nothing; use majority"
        )
    raw_subs = require(data, "sub_components", list, "", file)
    if not raw_subs:
        raise RubricError(file, "field 'sub_components' is empty")
    subs = tuple(_parse_sub_component(raw, i, file) for i, raw in enumerate(raw_subs))
    columns = [s.column for s in subs]
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise RubricError(file, f"field 'sub_components' repeats columns {duplicated}")
    folded: dict[str, str] = {}
    for column in columns:
        other = folded.setdefault(_column_key(column), column)
        if other != column:
            raise RubricError(
                file,
                f"field 'sub_components': columns {other!r} and {column!r} differ only "
                "in case or separators; a model's answer cannot tell them apart",
            )
    clashing = sorted(set(columns) & set(id_columns))
    if clashing:
        raise RubricError(
            file, f"field 'sub_components' uses item id columns {clashing} as sub-components"
        )
    framework_id = require(data, "id", str, "", file)
    if not framework_id.replace("_", "").replace("-", "").isalnum():
        raise RubricError(file, "field 'id' may hold only letters, digits, '_' and '-'")
    task_name = _optional(data, "task_name", str, framework_id.replace("-", "_"), file)
    speakers = _speakers(data, file)
    return Framework(
        id=framework_id,
        task_name=task_name,
        title=require(data, "title", str, "", file),
        discipline=_optional(data, "discipline", str, "", file),
        citation=_optional(data, "citation", str, "", file).strip(),
        unit=require(data, "unit", str, "", file).strip(),
        level_of_measurement=cast(Level, level),
        item_id_columns=tuple(id_columns),
        sub_components=subs,
        wording_note=_optional(data, "wording_note", str, "", file).strip(),
        source=file,
        consensus=cast(ConsensusRule, consensus),
        speakers=speakers,
        data=cast(DataSource, source),
        order=_optional(data, "order", int, 1000, file),
        version=_version(data, file),
        rated_turn=_rated_turn(data, speakers, file),
        framing=_framing(data, file),
        release=release_layout(data, cast(DataSource, source), file),
    )


def load_rubric_file(path: str | Path) -> Framework:
    """Read and validate one rubric file (a user's own framework, for instance).

    Args:
        path: Path to a TOML rubric file.

    Returns:
        The framework.

    Raises:
        RubricError: The file is not valid TOML or not a valid rubric.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(str(path), f"not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RubricError(str(path), f"not UTF-8 text: {exc}") from exc
    return parse_rubric(data, str(path))


def _rubrics_folder() -> Traversable:
    """The folder packaged rubrics are discovered in (a test points it at a copy)."""
    return resources.files("empathy_judge.datasets").joinpath("rubrics")


def _packaged_files() -> dict[str, Any]:
    folder = _rubrics_folder()
    return {
        entry.name[: -len(".toml")]: entry
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


@cache
def packaged_ids() -> tuple[str, ...]:
    """Ids of the packaged frameworks (every ``rubrics/*.toml`` file), in their `order`."""
    frameworks = [_load_packaged(name) for name in _packaged_files()]
    return tuple(f.id for f in sorted(frameworks, key=lambda f: (f.order, f.id)))


@cache
def load_framework(framework_id: str) -> Framework:
    """Load one of the packaged framework rubrics.

    Args:
        framework_id: A packaged id (e.g. "epitome"), or a task name such as
            "empathetic_dialogues" (case and hyphens versus underscores ignored).

    Returns:
        The framework.

    Raises:
        KeyError: No packaged rubric has that id.
    """
    wanted = framework_id.strip().lower().replace("-", "_")
    files = _packaged_files()
    # An id names its file directly: loading it must not depend on the other rubric files.
    if wanted in files:
        return _load_packaged(wanted)
    for candidate in files:
        framework = _load_packaged(candidate)
        if wanted in (framework.id, framework.task_name):
            return framework
    raise KeyError(f"unknown framework {framework_id!r}; known: {list(packaged_ids())}")


@cache
def _load_packaged(framework_id: str) -> Framework:
    resource = _packaged_files()[framework_id]
    with resources.as_file(resource) as path:
        framework = load_rubric_file(path)
    if framework.id != framework_id:
        raise RubricError(str(path), f"field 'id' is {framework.id!r}, expected {framework_id!r}")
    return framework


def all_frameworks() -> tuple[Framework, ...]:
    """The packaged frameworks, in their order (the paper's for the four of the study)."""
    return tuple(load_framework(f) for f in packaged_ids())


def __getattr__(name: str) -> Any:
    # FRAMEWORK_IDS is computed on first use: the packaged rubric files are discovered, not listed.
    if name == "FRAMEWORK_IDS":
        return packaged_ids()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
