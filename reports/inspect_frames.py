"""Our runs' figures from Inspect's own data frames (`inspect_ai.analysis.evals_df`).

`evals_df` reads any log folder Inspect can read (local or ``s3://...``) into one row per log,
with every metric of the run-level ``agreement`` metric as a column
``score_empathy_ratings_<key>`` and the task's metadata as JSON (where the model-independent
figures, the ceiling and the crowd's κ, are: `REFERENCE_FIGURES_KEY`). `sub_component_figures`
reshapes that into one row per run × sub-component, for notebooks::

    from inspect_ai.analysis import evals_df
    from empathy_judge.reports.inspect_frames import sub_component_figures

    figures = sub_component_figures(evals_df("logs/"))
    figures.pivot_table(index="sub_component", columns="model", values="kappa")

These are the in-run point estimates per sub-component; the report (`empathy-judge report`)
recomputes every figure, with its interval, from the samples.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from ..scorers.log_contract import REFERENCE_FIGURES_KEY, SCORER_NAME
from ..scorers.shown_statistics import shown_statistics

if TYPE_CHECKING:
    import pandas as pd

#: The model-independent figures the task writes into the log's metadata (`reference_figures`).
REFERENCE_FIGURES: tuple[str, ...] = ("ceiling", "crowd_kappa")
#: Where the first figures stand, for the readers of these frames: each reference figure after
#: the run's figure it was placed beside. Other logged statistics follow them.
_FIGURE_ORDER: tuple[str, ...] = ("kappa", "ceiling", "loo", "crowd_kappa")


def metric_figures() -> tuple[str, ...]:
    """The per-sub-component metrics of a run: the registry's log statistics, by column name.

    A statistic logged as ``<log_metric>_<sub>`` (`empathy_judge.scorers.shown_statistics`) is
    the column ``<log_metric>``.
    """
    return tuple(str(s.log_metric) for s in shown_statistics("log"))


def figures() -> tuple[str, ...]:
    """Every figure column of `sub_component_figures`, in order."""
    logged = metric_figures()
    known = tuple(f for f in _FIGURE_ORDER if f in logged or f in REFERENCE_FIGURES)
    return (*known, *(f for f in logged if f not in known))


def columns() -> tuple[str, ...]:
    """The columns of `sub_component_figures`, in order."""
    return ("log", "model", "framework", "probe", "sub_component", *figures(), "parse_rate")


def _metadata(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value:
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else {}
    return {}


def sub_component_figures(evals: pd.DataFrame) -> pd.DataFrame:
    """One row per rating run × sub-component from `inspect_ai.analysis.evals_df`'s frame.

    Args:
        evals: `evals_df(...)` with its default columns (at least ``log``, ``model``,
            ``metadata``, ``status`` and the ``score_*`` columns).

    Returns:
        Columns `columns()`: the log, model, framework, probe name ("" for a plain run), the
        sub-component, κ against the expert consensus (``kappa``), the median expert-pair κ
        (``ceiling``), candidate − experts like for like (``loo``), the crowd's κ
        (``crowd_kappa``, NaN without a crowd), any other statistic the registry logs, and the
        run's parse rate. Logs of other tasks and unsuccessful runs are left out.
    """
    import pandas as pd

    prefix = f"score_{SCORER_NAME}_"
    logged = metric_figures()
    rows: list[dict[str, Any]] = []
    for record in evals.to_dict("records"):
        metadata = _metadata(record.get("metadata"))
        subs = metadata.get("sub_components")
        if record.get("status") != "success" or not metadata.get("framework") or not subs:
            continue
        probe = metadata.get("probe") or {}
        reference = metadata.get(REFERENCE_FIGURES_KEY) or {}
        for sub in subs:
            row: dict[str, Any] = {
                "log": record.get("log"),
                "model": record.get("model"),
                "framework": metadata["framework"],
                "probe": probe.get("name", "") if isinstance(probe, dict) else "",
                "sub_component": sub,
            }
            for figure in logged:
                value = record.get(f"{prefix}{figure}_{sub}")
                row[figure] = math.nan if value is None or pd.isna(value) else float(value)
            for figure in REFERENCE_FIGURES:
                value = (reference.get(figure) or {}).get(sub)
                row[figure] = math.nan if value is None else float(value)
            rate = record.get(f"{prefix}parse_rate")
            row["parse_rate"] = math.nan if rate is None or pd.isna(rate) else float(rate)
            rows.append(row)
    return pd.DataFrame(rows, columns=list(columns()))
