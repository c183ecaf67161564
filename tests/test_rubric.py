"""The four packaged framework rubrics, and the validation of malformed rubric files."""

from __future__ import annotations

import copy
import csv
import dataclasses
import pickle
import re
from pathlib import Path

import pytest

from empathy_judge.datasets.rubric import (
    FRAMEWORK_IDS,
    Framework,
    RubricError,
    all_frameworks,
    load_framework,
    load_rubric_file,
)

# Expected values below come from ../shared/docs/paper-method.md (the paper's framework table),
# not from the rubric files. They pin the study's four frameworks by name: a fifth packaged
# framework adds a rubric file and leaves these alone.
STUDY = ("empatheticdialogues", "epitome", "perceived_empathy", "lend_an_ear")
EXPECTED_COUNTS = {
    "empatheticdialogues": 3,
    "epitome": 3,
    "perceived_empathy": 9,
    "lend_an_ear": 6,
}
EXPECTED_SCALES = {
    "empatheticdialogues": (1, 5),
    "epitome": (0, 2),
    "perceived_empathy": (1, 7),
    "lend_an_ear": (1, 5),
}
EXPECTED_TASK_NAMES = {
    "empatheticdialogues": "empathetic_dialogues",
    "epitome": "epitome",
    "perceived_empathy": "perceived_empathy",
    "lend_an_ear": "lend_an_ear",
}
NEGATIVE = {("lend_an_ear", "advice_giving"), ("lend_an_ear", "self_oriented"),
            ("lend_an_ear", "dismissing_emotions")}  # fmt: skip


def test_the_studys_four_frameworks_load_first_in_the_papers_order() -> None:
    frameworks = all_frameworks()
    assert [f.id for f in frameworks][: len(STUDY)] == list(STUDY)
    assert tuple(f.id for f in frameworks) == FRAMEWORK_IDS


def test_twenty_one_sub_components_split_3_3_9_6() -> None:
    counts = {name: len(load_framework(name).sub_components) for name in STUDY}
    assert counts == EXPECTED_COUNTS
    assert sum(counts.values()) == 21


@pytest.mark.parametrize("framework_id", STUDY)
def test_scales(framework_id: str) -> None:
    framework = load_framework(framework_id)
    scales = {(s.scale_min, s.scale_max) for s in framework.sub_components}
    assert scales == {EXPECTED_SCALES[framework_id]}


def test_negative_polarity_exactly_for_the_three_lend_an_ear_behaviours() -> None:
    negative = {
        (f.id, s.column)
        for f in all_frameworks()
        if f.id in STUDY
        for s in f.sub_components
        if s.polarity == "negative"
    }
    assert negative == NEGATIVE


@pytest.mark.parametrize("framework_id", FRAMEWORK_IDS)
def test_every_level_has_a_concrete_anchor(framework_id: str) -> None:
    framework = load_framework(framework_id)
    for sub in framework.sub_components:
        assert list(sub.anchors) == list(range(sub.scale_min, sub.scale_max + 1)), sub.column
        texts = list(sub.anchors.values())
        assert all(text.strip() for text in texts), sub.column
        # Distinct anchors per level, short enough to sit in a judge prompt.
        assert len(set(texts)) == len(texts), sub.column
        assert all(len(text) <= 200 for text in texts), sub.column
        assert sub.label.strip()
        assert sub.definition.strip()


@pytest.mark.parametrize("framework_id", STUDY)
def test_framework_metadata(framework_id: str) -> None:
    framework = load_framework(framework_id)
    assert framework.task_name == EXPECTED_TASK_NAMES[framework_id]
    # The paper computes Krippendorff's alpha at the interval level for every framework.
    assert framework.level_of_measurement == "interval"
    assert "project's own" in framework.wording_note
    for text in (framework.title, framework.discipline, framework.citation, framework.unit):
        assert text.strip()
    assert Path(framework.source).name == f"{framework_id}.toml"


def test_item_id_columns() -> None:
    ids = {name: load_framework(name).item_id_columns for name in STUDY}
    assert ids == {
        "empatheticdialogues": ("conv_id",),
        "epitome": ("sp_id", "rp_id"),
        "perceived_empathy": ("id",),
        "lend_an_ear": ("conversation_id",),
    }


def test_the_wording_of_each_file_is_marked() -> None:
    for framework in all_frameworks():
        header = Path(framework.source).read_text(encoding="utf-8").split("\nid =")[0]
        assert "project's" in header, framework.id
    ed = load_framework("empatheticdialogues")
    assert "Rashkin" in ed.wording_note
    # The original EmpatheticDialogues evaluation question, quoted.
    assert ed.sub_component("empathy").definition.startswith(
        "Did the responses show understanding of the feelings of the person talking about"
    )


@pytest.mark.release
@pytest.mark.parametrize("framework_id", FRAMEWORK_IDS)
def test_columns_match_the_release_headers(release_dir: Path, framework_id: str) -> None:
    framework = load_framework(framework_id)
    assert framework.release is not None
    path = release_dir / framework.release.annotations / "expert1_ratings.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[: len(framework.item_id_columns)] == list(framework.item_id_columns)
    assert list(framework.columns) == [c for c in header if c not in framework.item_id_columns]


@pytest.mark.parametrize(
    ("name", "expected_id"),
    [
        ("empathetic_dialogues", "empatheticdialogues"),
        ("empatheticdialogues", "empatheticdialogues"),
        ("empathetic-dialogues", "empatheticdialogues"),
        ("epitome", "epitome"),
        ("perceived_empathy", "perceived_empathy"),
        ("lend-an-ear", "lend_an_ear"),
        ("Lend_An_Ear", "lend_an_ear"),
    ],
)
def test_load_framework_accepts_ids_and_task_names(name: str, expected_id: str) -> None:
    assert load_framework(name).id == expected_id


def test_unknown_framework_is_a_key_error_listing_the_known_ones() -> None:
    with pytest.raises(KeyError, match="lend_an_ear"):
        load_framework("feeling_heard")


def test_sub_component_lookup() -> None:
    lae = load_framework("lend_an_ear")
    assert lae.sub_component("advice_giving").label == "Unsolicited advice"
    with pytest.raises(KeyError, match="empathy"):
        lae.sub_component("empathy")


def test_levels_and_valid_ratings() -> None:
    sub = load_framework("perceived_empathy").sub_component("m_practical")
    assert sub.levels == (1, 2, 3, 4, 5, 6, 7)
    assert sub.is_valid_rating(7.0)
    assert not sub.is_valid_rating(0)
    assert not sub.is_valid_rating(8)
    assert not sub.is_valid_rating(4.5)


def test_objects_are_immutable() -> None:
    framework = load_framework("epitome")
    sub = framework.sub_components[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        framework.title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        sub.scale_max = 9  # type: ignore[misc]
    with pytest.raises(TypeError):
        sub.anchors[0] = "changed"  # type: ignore[index]
    assert isinstance(framework.sub_components, tuple)
    assert isinstance(framework.item_id_columns, tuple)
    # The cached object is shared: nothing above may have changed it.
    assert load_framework("epitome").sub_components[0].anchors[0].startswith("None")


def test_frameworks_survive_pickle_and_deepcopy() -> None:
    # Inspect copies and serialises task state; the rubric must not break either.
    framework = load_framework("lend_an_ear")
    assert pickle.loads(pickle.dumps(framework)) == framework
    assert copy.deepcopy(framework) == framework
    assert hash(framework) == hash(copy.deepcopy(framework))


# --- malformed rubric files -------------------------------------------------------------------

VALID = """\
id = "toy"
task_name = "toy"
title = "Toy"
discipline = "testing"
citation = "Nobody (2025)."
unit = "One toy item."
level_of_measurement = "interval"
item_id_columns = ["item"]
wording_note = "All the project's own."

[[sub_components]]
column = "warmth"
label = "Warmth"
definition = "How warm the reply is."
scale_min = 1
scale_max = 3
polarity = "positive"
[sub_components.anchors]
1 = "Cold."
2 = "Neutral."
3 = "Warm."

[[sub_components]]
column = "blame"
label = "Blame"
definition = "How much the reply blames."
scale_min = 1
scale_max = 3
polarity = "negative"
[sub_components.anchors]
1 = "No blame."
2 = "Some blame."
3 = "Much blame."
"""


def _write(tmp_path: Path, text: str, name: str = "toy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_valid_toy_rubric_loads(tmp_path: Path) -> None:
    framework = load_rubric_file(_write(tmp_path, VALID))
    assert isinstance(framework, Framework)
    assert framework.columns == ("warmth", "blame")
    assert framework.sub_component("blame").polarity == "negative"
    assert dict(framework.sub_component("warmth").anchors) == {
        1: "Cold.",
        2: "Neutral.",
        3: "Warm.",
    }


@pytest.mark.parametrize(
    ("broken", "field"),
    [
        pytest.param(VALID.replace('title = "Toy"\n', ""), "title", id="missing-title"),
        pytest.param(
            VALID.replace('label = "Blame"\n', ""),
            "sub_components[1] (blame).label",
            id="missing-sub-component-label",
        ),
        pytest.param(
            VALID.replace('item_id_columns = ["item"]', 'item_id_columns = "item"'),
            "item_id_columns",
            id="id-columns-not-a-list",
        ),
        pytest.param(
            VALID.replace("scale_max = 3", 'scale_max = "3"', 1),
            "sub_components[0] (warmth).scale_max",
            id="scale-max-a-string",
        ),
        pytest.param(
            VALID.replace("scale_min = 1", "scale_min = true", 1),
            "sub_components[0] (warmth).scale_min",
            id="scale-min-a-bool",
        ),
        pytest.param(
            VALID.replace('3 = "Much blame."\n', ""),
            "sub_components[1] (blame).anchors",
            id="anchor-missing-for-a-level",
        ),
        pytest.param(
            VALID.replace('3 = "Warm."\n', '3 = "Warm."\n4 = "Hot."\n'),
            "sub_components[0] (warmth).anchors",
            id="anchor-outside-the-scale",
        ),
        pytest.param(
            VALID.replace('2 = "Neutral."', '2 = "  "'),
            "sub_components[0] (warmth).anchors.2",
            id="blank-anchor",
        ),
        pytest.param(
            VALID.replace('polarity = "negative"', 'polarity = "bad"'),
            "sub_components[1] (blame).polarity",
            id="bad-polarity",
        ),
        pytest.param(
            VALID.replace('"interval"', '"continuous"'),
            "level_of_measurement",
            id="bad-level-of-measurement",
        ),
        pytest.param(
            VALID.replace('column = "blame"', 'column = "warmth"'),
            "sub_components",
            id="duplicated-column",
        ),
        pytest.param(
            VALID.replace('column = "blame"', 'column = "item"'),
            "sub_components",
            id="id-column-as-sub-component",
        ),
        pytest.param(
            VALID.replace("scale_max = 3", "scale_max = 1", 1),
            "sub_components[0] (warmth).scale_max",
            id="empty-scale",
        ),
        pytest.param(
            VALID.replace('definition = "How warm', 'defintion = "How warm'),
            "sub_components[0] (warmth).defintion",
            id="misspelt-field",
        ),
        pytest.param(
            VALID.replace('title = "Toy"', 'title = ""'),
            "title",
            id="empty-title",
        ),
    ],
)
def test_malformed_rubric_names_file_and_field(tmp_path: Path, broken: str, field: str) -> None:
    assert broken != VALID, "the replacement did not apply"
    path = _write(tmp_path, broken)
    with pytest.raises(RubricError) as info:
        load_rubric_file(path)
    message = str(info.value)
    assert str(path) in message
    assert f"'{field}" in message


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID.replace('title = "Toy"', "title = Toy"))
    with pytest.raises(RubricError, match=re.escape(str(path)) + ".*not valid TOML"):
        load_rubric_file(path)


def test_non_utf8_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(VALID.replace("Toy", "Töy").encode("latin-1"))
    with pytest.raises(RubricError, match=re.escape(str(path))):
        load_rubric_file(path)


def test_rubric_error_is_a_value_error() -> None:
    assert issubclass(RubricError, ValueError)


# --- the [release] table of packaged rubrics --------------------------------------------------

VALID_RELEASE = VALID.replace(
    'item_id_columns = ["item"]', 'item_id_columns = ["item", "thread"]\ndata = "release"'
) + (
    """
[release]
annotations = "annotations/toy"
conversations = "original_data/toy.csv"
reader = "seeker_response"
columns = { seeker = "post", supporter = "reply" }
crowd_raters = "original_data/toy_raters.csv"
crowd_rater_column = "rater"
"""
)
NO_TEXTS = VALID_RELEASE.replace(
    'conversations = "original_data/toy.csv"\nreader = "seeker_response"\n'
    'columns = { seeker = "post", supporter = "reply" }\n',
    'no_conversations = "they are not public"\n',
)


def test_the_release_table_is_read_into_the_layout(tmp_path: Path) -> None:
    layout = load_rubric_file(_write(tmp_path, VALID_RELEASE)).release
    assert layout is not None
    assert layout.annotations == "annotations/toy"
    assert (layout.conversations, layout.reader) == ("original_data/toy.csv", "seeker_response")
    assert layout.columns == (("seeker", "post"), ("supporter", "reply"))
    assert layout.column("supporter") == "reply"
    assert (layout.crowd_raters, layout.crowd_rater_column) == (
        "original_data/toy_raters.csv",
        "rater",
    )
    assert layout.files(("expert1_ratings.csv",)) == (
        "annotations/toy/expert1_ratings.csv",
        "original_data/toy_raters.csv",
        "original_data/toy.csv",
    )
    without = load_rubric_file(_write(tmp_path, NO_TEXTS, "none.toml")).release
    assert without is not None
    assert (without.conversations, without.reader, without.columns) == (None, None, ())
    assert without.no_conversations == "they are not public"
    # A pack has no [release] table.
    assert load_rubric_file(_write(tmp_path, VALID, "pack.toml")).release is None


@pytest.mark.parametrize(
    ("broken", "field", "says"),
    [
        pytest.param(
            VALID_RELEASE.split("\n[release]")[0],
            "release",
            'needed when data = "release"',
            id="release-data-without-table",
        ),
        pytest.param(
            VALID_RELEASE.replace('data = "release"\n', ""),
            "release",
            "belongs to packaged rubrics",
            id="table-in-a-pack",
        ),
        pytest.param(
            VALID_RELEASE.replace('annotations = "annotations/toy"\n', ""),
            "release.annotations",
            "missing field",
            id="missing-annotations",
        ),
        pytest.param(
            VALID_RELEASE.replace('"annotations/toy"', '"../elsewhere/toy"'),
            "release.annotations",
            "inside the release folder",
            id="path-outside-the-release",
        ),
        pytest.param(
            VALID_RELEASE.replace('"original_data/toy.csv"', '"/data/toy.csv"'),
            "release.conversations",
            "inside the release folder",
            id="absolute-path",
        ),
        pytest.param(
            VALID_RELEASE.replace("[release]\n", '[release]\nno_conversations = "secret"\n'),
            "release.conversations",
            "not both",
            id="texts-and-no-texts",
        ),
        pytest.param(
            NO_TEXTS.replace('no_conversations = "they are not public"\n', ""),
            "release.conversations",
            "not neither",
            id="neither-texts-nor-a-reason",
        ),
        pytest.param(
            VALID_RELEASE.replace('reader = "seeker_response"', 'reader = "pairs"'),
            "release.reader",
            "must be one of ['utterance_rows', 'seeker_response', 'transcript'], got 'pairs'",
            id="unknown-reader",
        ),
        pytest.param(
            VALID_RELEASE.replace('reader = "seeker_response"\n', ""),
            "release.reader",
            "missing field",
            id="texts-without-a-reader",
        ),
        pytest.param(
            VALID_RELEASE.replace(', supporter = "reply"', ""),
            "release.columns.supporter",
            "missing field",
            id="reader-column-missing",
        ),
        pytest.param(
            VALID_RELEASE.replace('supporter = "reply"', 'supporter = "reply", speaker = "x"'),
            "release.columns.speaker",
            "reader 'seeker_response' has the column roles ['seeker', 'supporter']",
            id="column-role-the-reader-lacks",
        ),
        pytest.param(
            VALID_RELEASE.replace('supporter = "reply"', "supporter = 3"),
            "release.columns.supporter",
            "must be str, got int",
            id="column-not-text",
        ),
        pytest.param(
            NO_TEXTS.replace("[release]\n", '[release]\nreader = "transcript"\n'),
            "release.reader",
            "needs release.conversations",
            id="reader-without-texts",
        ),
        pytest.param(
            VALID_RELEASE.replace('crowd_rater_column = "rater"\n', ""),
            "release.crowd_rater_column",
            "missing field",
            id="raters-without-their-column",
        ),
        pytest.param(
            VALID_RELEASE.replace("crowd_raters = ", "crowd_raterz = "),
            "release.crowd_raterz",
            "unknown field",
            id="misspelt-key",
        ),
        pytest.param(
            VALID.replace(
                'item_id_columns = ["item"]',
                'item_id_columns = ["item"]\ndata = "release"\nrelease = "annotations/toy"',
            ),
            "release",
            "must be a table",
            id="not-a-table",
        ),
    ],
)
def test_malformed_release_table_names_file_and_key(
    tmp_path: Path, broken: str, field: str, says: str
) -> None:
    assert broken != VALID_RELEASE, "the replacement did not apply"
    path = _write(tmp_path, broken)
    with pytest.raises(RubricError) as info:
        load_rubric_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert f"'{field}'" in message
    assert says in message
