"""The Inspect scorer of the rating tasks, and the epoch reducer that suits ratings.

The scorer parses the model's answer into one rating per sub-component (NaN when missing or
invalid, never 0). A score without every rating says why, in Inspect's own fields, so that
``inspect view`` shows it beside the sample: `Score.reason` (``refusal``, ``no_response`` or
``invalid_response_format``, Inspect's standard reason codes) and, unless the model gave a
rationale (which stays the explanation), an explanation naming the missing and invalid
sub-components.

The reference ratings stay in the sample's metadata (``reference``), where
the metrics read them to compute agreement over the whole run: copying them into every score
would write them to the log twice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from inspect_ai.model import ModelOutput
from inspect_ai.scorer import (
    Score,
    Scorer,
    ScoreReducer,
    Target,
    score_reducer,
    scorer,
)
from inspect_ai.solver import TaskState

from ..datasets.pack import load_rubric
from .arrays import as_float, finite_median
from .log_contract import SCORER_NAME
from .metrics import agreement
from .parse import ParsedRatings, failed_parse, parse_ratings

#: The parse failure's reason for a sample scored without any model output.
NO_OUTPUT_REASON = "no model output: the sample errored before the model answered"


def _refused(output: ModelOutput | None) -> bool:
    if output is None or not output.choices:
        return False
    if output.stop_reason == "content_filter":
        return True
    content = output.message.content
    return not isinstance(content, str) and any(
        getattr(part, "refusal", None) is True for part in content
    )


def unrated_reason(
    completion: str, parsed: ParsedRatings, output: ModelOutput | None = None
) -> tuple[str | None, str]:
    """Why a score lacks ratings: an Inspect reason code and a sentence for the explanation.

    Args:
        completion: The model's answer.
        parsed: What the parser read from it.
        output: The model output (its stop reason and refusal flags), when there is one.

    Returns:
        (None, "") when every rating parsed; else (``refusal`` | ``no_response`` |
        ``invalid_response_format``, a sentence naming what is missing and why).
    """
    if parsed.status == "ok":
        return None, ""
    if _refused(output):
        code = "refusal"
    elif not completion.strip():
        code = "no_response"
    else:
        code = "invalid_response_format"
    parts: list[str] = []
    if parsed.missing:
        parts.append("no rating for " + ", ".join(parsed.missing))
    if parsed.invalid:
        parts.append(
            "not a level of the scale: "
            + ", ".join(f"{k}={v!r}" for k, v in sorted(parsed.invalid.items()))
        )
    if parsed.ambiguous:
        parts.append("several numbers given for " + ", ".join(sorted(parsed.ambiguous)))
    stop = output.stop_reason if output is not None and output.choices else None
    if stop in ("max_tokens", "model_length"):
        parts.append(f"the answer was cut off (stop reason {stop})")
    what = "no valid rating" if parsed.status == "failed" else "ratings missing"
    return code, f"{what} ({code}): " + "; ".join(parts or ["nothing parsed"])


@scorer(metrics=[agreement()], name=SCORER_NAME)
def empathy_ratings(framework: str, sub_components: Sequence[str] | None = None) -> Scorer:
    """Score a rating answer: parse it and attach the sample's expert reference ratings.

    Args:
        framework: A packaged framework id or task name, or a framework pack folder.
        sub_components: The sub-components asked for (all of the framework's by default).

    Returns:
        The scorer. Its value is a dict sub-component -> rating (NaN when missing or invalid).
    """
    rubric = load_rubric(framework)
    asked = list(sub_components) if sub_components else list(rubric.columns)

    async def score(state: TaskState, target: Target) -> Score:
        has_output = bool(state.output and state.output.choices)
        completion = state.output.completion if has_output else ""
        stop_reason = state.output.stop_reason if has_output else None
        if has_output:
            parsed = parse_ratings(completion, rubric, asked, stop_reason=stop_reason)
        else:
            # Scored after an error (Inspect's score_on_error): the sample counts as missing
            # ratings, like a parse failure, so that the run's parse rate covers every sample.
            parsed = failed_parse(rubric, asked, NO_OUTPUT_REASON)
        parse: dict[str, object] = {
            "status": parsed.status,
            "invalid": dict(parsed.invalid),
            "missing": list(parsed.missing),
        }
        # Only when they apply, so that ordinary scores stay small.
        if parsed.reason:
            parse["reason"] = parsed.reason
            parse["stop_reason"] = stop_reason
        if parsed.ambiguous:
            parse["ambiguous"] = dict(parsed.ambiguous)
        if parsed.rationale_truncated:
            parse["rationale_truncated"] = True
            parse["rationale_chars"] = parsed.rationale_chars
        reason, why = unrated_reason(completion, parsed, state.output)
        return Score(
            value={column: parsed.ratings[column] for column in asked},
            answer=completion,
            explanation=explanation(parsed.status, parsed.reason or why or None, parsed.rationale),
            reason=reason,
            metadata={"framework": rubric.id, "item_id": str(state.sample_id), "parse": parse},
        )

    return score


def explanation(status: str, reason: str | None, rationale: str | None) -> str | None:
    """The score's explanation: the parse failure's reason first (when any), then the rationale.

    Args:
        status: The parse status ("ok", "partial", "failed").
        reason: Why ratings are missing or invalid.
        rationale: The model's own justification.

    Returns:
        ``parse failed: <reason>`` (then a blank line and the rationale), or the rationale.
    """
    if not reason:
        return rationale
    head = f"parse {status}: {reason}"
    return f"{head}\n\n{rationale}" if rationale else head


@score_reducer(name="nan_median")
def nan_median() -> ScoreReducer:
    """Reduce epochs per sub-component by the median of the valid ratings.

    Inspect's default ``mean`` reducer turns a missing rating into 0; this one ignores missing
    ratings, gives NaN when no epoch produced a valid rating, and keeps every epoch's ratings in
    the metadata (``epoch_ratings``) for the self-consistency metric. With an even number of
    epochs the median can fall between two levels (e.g. 2.5).
    """

    def reduce(scores: list[Score]) -> Score:
        if len(scores) == 1:
            return scores[0]
        keys: list[str] = []
        for s in scores:
            if isinstance(s.value, dict):
                keys.extend(k for k in s.value if k not in keys)
        per_epoch = {
            key: [
                as_float(s.value.get(key)) if isinstance(s.value, dict) else math.nan
                for s in scores
            ]
            for key in keys
        }
        value = {key: finite_median(ratings) for key, ratings in per_epoch.items()}
        metadata = dict(scores[0].metadata or {})
        metadata["epoch_ratings"] = per_epoch
        metadata["epoch_parse_status"] = [
            (s.metadata or {}).get("parse", {}).get("status", "failed") for s in scores
        ]
        # As Inspect's reducers do: a reason survives only when every epoch gives the same one.
        reasons = {s.reason for s in scores}
        return Score(
            value=value,
            answer=scores[0].answer,
            explanation=scores[0].explanation,
            reason=reasons.pop() if len(reasons) == 1 else None,
            metadata=metadata,
        )

    return reduce
