"""The Alternative Annotator Test (Calderon, Reichart & Dror, ACL 2025; arXiv 2501.10970).

Can a candidate annotator (an LLM judge) replace the humans? Leave one human out at a time and
ask, item by item, who represents the *remaining* humans better: the candidate or the human
left out. For human j and item i, with R the other humans' ratings of i:

- s_llm = −RMSE(candidate_i, R) and s_h = −RMSE(human_j,i, R) on interval or ordinal scales
  (``metric="rmse"``; the RMSE runs over the other humans' ratings of that item), or the share
  of R equal to the label on nominal scales (``metric="accuracy"``);
- W_f = [s_llm ≥ s_h], W_h = [s_h ≥ s_llm] (a tie is a win for both); d_i = W_h − W_f;
- a one-sided one-sample t-test of H0: mean(d) ≥ ε against mean(d) < ε gives p_j;
- Benjamini–Yekutieli across the humans at level q; the winning rate ω is the share of humans
  whose null is rejected, and the candidate passes when ω ≥ 0.5;
- the advantage probability ρ is the mean over humans of mean_i W_f (for ranking candidates).

ε is the cost-benefit allowance granted to the candidate: the authors suggest 0.2 for expert
annotators, 0.15 for skilled ones and 0.1 for crowd workers, and at least 30 items per human
for the t-test's normal approximation. With three humans ω can only be 0, ⅓, ⅔ or 1.

Which items count: human j's test uses the items where the candidate, human j and at least one
other human rated (NaN is missing), as in the authors' notebook (``alt_test_example.ipynb`` in
github.com/nitaytech/AltTest), which drops items with fewer than two humans.

Where this differs from, or goes beyond, the notebook:

- **Zero variance.** When d is the same on every item the t statistic is undefined (0/0 or
  ±∞). The decision is then made by the mean: p = 0 (rejected) when mean(d) < ε, else p = 1,
  and ``zero_variance`` is set. scipy's ``ttest_1samp``, which the notebook calls, gives t = ±∞
  and so the same p of 0 or 1 when mean(d) ≠ ε, so the verdicts agree; the flag says that the
  p-value is a limit, not a t distribution tail.
- **Too few items.** A human with fewer than ``min_items`` usable items (default 2, the least a
  t-test needs; the notebook's default is 30) is not tested: p is NaN, not rejected, flagged
  ``too_few_items``, and left out of the Benjamini–Yekutieli family, of ω's denominator and of
  ρ — the notebook skips such a human in the same way. When no human can be tested ω and ρ are
  NaN and the candidate does not pass.
- **Ties in RMSE.** The comparison uses the squared-error sums (the same denominator on both
  sides) computed along the same arithmetic path for candidate and human, and differences
  within a relative 1e-9 count as ties, so that float rounding of fractional ratings (e.g. a
  crowd mean of 7/3) cannot turn a tie into a loss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from .arrays import BoolArray, FloatArray

Metric = Literal["rmse", "accuracy"]
METRICS: tuple[Metric, ...] = ("rmse", "accuracy")

#: Differences in squared-error sums within this relative tolerance are ties.
_TIE_RTOL = 1e-9


@dataclass(frozen=True)
class AltTestHuman:
    """One left-out human's test.

    Attributes:
        annotator: The human's name.
        n_items: Items where the candidate, this human and at least one other human rated.
        mean_d: Mean of d = W_h − W_f over those items (NaN without items).
        advantage: Mean of W_f over those items: how often the candidate represents the other
            humans at least as well as this human does (NaN without items).
        t_statistic: (mean_d − ε) / (sd_d / √n); NaN when not tested or d has zero variance.
        p_value: One-sided p of H0 mean(d) ≥ ε; 0 or 1 under zero variance; NaN when not tested.
        adjusted_p: Benjamini–Yekutieli adjusted p across the tested humans; NaN when not tested.
        rejected: Whether H0 is rejected at the test's q (the candidate wins against this human).
        zero_variance: d was constant, so p comes from comparing mean_d with ε.
        too_few_items: Fewer than ``min_items`` usable items: not tested.
    """

    annotator: str
    n_items: int
    mean_d: float
    advantage: float
    t_statistic: float
    p_value: float
    adjusted_p: float
    rejected: bool
    zero_variance: bool
    too_few_items: bool


@dataclass(frozen=True)
class AltTestResult:
    """The Alternative Annotator Test of one candidate on one sub-component.

    Attributes:
        epsilon: The allowance ε of the null hypothesis mean(d) ≥ ε.
        q: The Benjamini–Yekutieli false discovery rate.
        metric: ``"rmse"`` or ``"accuracy"``.
        omega: Winning rate: share of the tested humans whose null is rejected (NaN if none).
        rho: Advantage probability: mean over the tested humans of their ``advantage``.
        passes: ω ≥ 0.5.
        humans: Per left-out human, in the input's column order.
    """

    epsilon: float
    q: float
    metric: Metric
    omega: float
    rho: float
    passes: bool
    humans: tuple[AltTestHuman, ...]

    @property
    def n_tested(self) -> int:
        """Humans with enough items to be tested (the size of the correction's family)."""
        return sum(not h.too_few_items for h in self.humans)

    @property
    def p_values(self) -> FloatArray:
        """Per-human p-values (NaN when not tested)."""
        return np.array([h.p_value for h in self.humans], dtype=np.float64)

    @property
    def adjusted_p(self) -> FloatArray:
        """Per-human Benjamini–Yekutieli adjusted p-values (NaN when not tested)."""
        return np.array([h.adjusted_p for h in self.humans], dtype=np.float64)

    @property
    def rejected(self) -> BoolArray:
        """Per-human rejections."""
        return np.array([h.rejected for h in self.humans], dtype=bool)


def alt_test(
    candidate: ArrayLike,
    humans: ArrayLike,
    *,
    epsilon: float = 0.2,
    q: float = 0.05,
    metric: Metric = "rmse",
    min_items: int = 2,
    names: Sequence[str] | None = None,
) -> AltTestResult:
    """Run the Alternative Annotator Test for one candidate on one sub-component.

    Args:
        candidate: The candidate's ratings, shape (items,); NaN where missing.
        humans: The humans' ratings, shape (items, n_humans), n_humans ≥ 2; NaN where missing.
            For ``metric="accuracy"`` the values are label codes compared for equality.
        epsilon: The allowance ε (0.2 for experts, 0.15 skilled, 0.1 crowd, per the authors).
        q: Benjamini–Yekutieli false discovery rate.
        metric: ``"rmse"`` for interval/ordinal scales, ``"accuracy"`` for nominal ones.
        min_items: Fewest usable items for a human to be tested (≥ 2; the authors advise 30).
        names: The humans' names; ``human1``, ``human2``, … when None.

    Returns:
        The test's result, with one `AltTestHuman` per column of ``humans``.

    Raises:
        ValueError: Shapes that do not match, fewer than two humans, infinite ratings (naming
            the item row and human column), or an option out of range.
    """
    cand = _as_float(candidate, "candidate")
    hum = _as_float(humans, "humans")
    if cand.ndim != 1:
        raise ValueError(f"candidate must be 1-D (items,), got shape {cand.shape}")
    if hum.ndim != 2:
        raise ValueError(f"humans must be 2-D (items × humans), got shape {hum.shape}")
    _check_finite(cand, "candidate", ("item row",))
    _check_finite(hum, "humans", ("item row", "human column"))
    return alt_test_columns(
        cand[:, None],
        hum[:, None, :],
        epsilon=epsilon,
        q=q,
        metric=metric,
        min_items=min_items,
        names=names,
    )[0]


def alt_test_indicators(
    candidate: ArrayLike, humans: ArrayLike, *, metric: Metric = "rmse"
) -> tuple[BoolArray, BoolArray, BoolArray]:
    """The per-item win indicators behind the test, for one sub-component.

    Args:
        candidate: The candidate's ratings, shape (items,); NaN where missing.
        humans: The humans' ratings, shape (items, n_humans), n_humans ≥ 2; NaN where missing.
        metric: ``"rmse"`` or ``"accuracy"``.

    Returns:
        ``(w_f, w_h, usable)``, each items × humans: W_f (the candidate represents the other
        humans at least as well as human j), W_h (human j at least as well as the candidate),
        and which items enter human j's test. W_f and W_h are False where not usable;
        d = W_h − W_f on the usable items.

    Raises:
        ValueError: As for `alt_test`.
    """
    cand = _as_float(candidate, "candidate")
    hum = _as_float(humans, "humans")
    if cand.ndim != 1 or hum.ndim != 2 or hum.shape[0] != cand.shape[0]:
        raise ValueError(
            f"candidate (items,) and humans (items × humans) do not fit: {cand.shape}, {hum.shape}"
        )
    _check_finite(cand, "candidate", ("item row",))
    _check_finite(hum, "humans", ("item row", "human column"))
    _check(cand[:, None], hum[:, None, :], epsilon=0.0, q=0.5, metric=metric, min_items=2)
    win_f, win_h, usable = _wins(cand[:, None], hum[:, None, :], metric)
    return win_f[:, 0, :], win_h[:, 0, :], usable[:, 0, :]


def alt_test_columns(
    candidate: ArrayLike,
    humans: ArrayLike,
    *,
    epsilon: float = 0.2,
    q: float = 0.05,
    metric: Metric = "rmse",
    min_items: int = 2,
    names: Sequence[str] | None = None,
) -> list[AltTestResult]:
    """Run the Alternative Annotator Test on many sub-components at once.

    Each sub-component is an independent test (its own Benjamini–Yekutieli family over the
    humans); the item scoring and t-tests are vectorised across sub-components and humans.

    Args:
        candidate: The candidate's ratings, shape (items, subs); NaN where missing.
        humans: The humans' ratings, shape (items, subs, n_humans); NaN where missing.
        epsilon: The allowance ε.
        q: Benjamini–Yekutieli false discovery rate.
        metric: ``"rmse"`` or ``"accuracy"`` (the same for every sub-component).
        min_items: Fewest usable items for a human to be tested (≥ 2).
        names: The humans' names; ``human1``, ``human2``, … when None.

    Returns:
        One `AltTestResult` per sub-component, in column order.

    Raises:
        ValueError: As for `alt_test`.
    """
    cand = _as_float(candidate, "candidate")
    hum = _as_float(humans, "humans")
    _check(cand, hum, epsilon=epsilon, q=q, metric=metric, min_items=min_items)
    n_humans = hum.shape[2]
    labels = _names(names, n_humans)

    win_f, win_h, usable = _wins(cand, hum, metric)
    n_items = usable.sum(axis=0)  # subs × humans
    d = np.where(usable, win_h.astype(np.float64) - win_f.astype(np.float64), np.nan)
    w_f = np.where(usable, win_f.astype(np.float64), np.nan)
    tested = n_items >= min_items
    with np.errstate(invalid="ignore", divide="ignore"):
        safe_n = np.maximum(n_items, 1)
        mean_d = np.where(n_items > 0, np.nansum(d, axis=0) / safe_n, np.nan)
        advantage = np.where(n_items > 0, np.nansum(w_f, axis=0) / safe_n, np.nan)
        constant = np.nanmax(np.where(usable, d, -np.inf), axis=0) == np.nanmin(
            np.where(usable, d, np.inf), axis=0
        )
        zero_variance = tested & constant
        ss = np.nansum((d - mean_d) ** 2, axis=0)
        sd = np.sqrt(ss / np.maximum(n_items - 1, 1))
        t_stat = (mean_d - epsilon) / (sd / np.sqrt(safe_n))
    t_stat = np.where(tested & ~zero_variance, t_stat, np.nan)
    p_value = np.where(tested, stats.t.cdf(t_stat, df=np.maximum(n_items - 1, 1)), np.nan)
    p_value = np.where(zero_variance, np.where(mean_d < epsilon, 0.0, 1.0), p_value)

    results: list[AltTestResult] = []
    for s in range(cand.shape[1]):
        adjusted = np.full(n_humans, np.nan)
        family = tested[s]
        if family.any():
            adjusted[family] = stats.false_discovery_control(p_value[s, family], method="by")
        rejected = family & (np.nan_to_num(adjusted, nan=np.inf) <= q)
        n_tested = int(family.sum())
        omega = float(rejected.sum() / n_tested) if n_tested else float("nan")
        rho = float(advantage[s, family].mean()) if n_tested else float("nan")
        results.append(
            AltTestResult(
                epsilon=float(epsilon),
                q=float(q),
                metric=metric,
                omega=omega,
                rho=rho,
                passes=bool(n_tested and omega >= 0.5),
                humans=tuple(
                    AltTestHuman(
                        annotator=labels[j],
                        n_items=int(n_items[s, j]),
                        mean_d=float(mean_d[s, j]),
                        advantage=float(advantage[s, j]),
                        t_statistic=float(t_stat[s, j]),
                        p_value=float(p_value[s, j]),
                        adjusted_p=float(adjusted[j]),
                        rejected=bool(rejected[j]),
                        zero_variance=bool(zero_variance[s, j]),
                        too_few_items=not bool(family[j]),
                    )
                    for j in range(n_humans)
                ),
            )
        )
    return results


def _wins(
    candidate: FloatArray, humans: FloatArray, metric: Metric
) -> tuple[BoolArray, BoolArray, BoolArray]:
    """W_f, W_h and the usable-item mask, each items × subs × humans.

    For human j the "others" of item i are the humans k ≠ j who rated i. Both scores are
    computed along the same path from an items × subs × j × k tensor, so that a candidate equal
    to the human gets exactly the human's score.
    """
    n_humans = humans.shape[2]
    rated = ~np.isnan(humans)  # i, s, k
    others = rated[:, :, None, :] & ~np.eye(n_humans, dtype=bool)  # i, s, j, k
    n_others = others.sum(axis=3)
    usable = ~np.isnan(candidate)[:, :, None] & rated & (n_others >= 1)
    reference = humans[:, :, None, :]  # i, s, 1, k

    def fit(values: FloatArray) -> FloatArray:
        """Squared-error sum (rmse) or agreement count (accuracy) against the others."""
        target = values[..., None]  # i, s, j, 1
        if metric == "rmse":
            per_other = np.where(others, (target - np.nan_to_num(reference)) ** 2, 0.0)
        else:
            per_other = np.where(others, target == reference, False).astype(np.float64)
        out: FloatArray = per_other.sum(axis=3)
        return out

    fit_f = fit(np.broadcast_to(candidate[:, :, None], humans.shape))
    fit_h = fit(humans)
    if metric == "rmse":
        tie = np.abs(fit_f - fit_h) <= _TIE_RTOL * np.maximum(1.0, np.maximum(fit_f, fit_h))
        win_f = (fit_f < fit_h) | tie
        win_h = (fit_h < fit_f) | tie
    else:
        win_f = fit_f >= fit_h
        win_h = fit_h >= fit_f
    return win_f & usable, win_h & usable, usable


def _as_float(values: ArrayLike, what: str) -> FloatArray:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what} must be numeric (NaN for missing): {error}") from error


def _check(
    candidate: FloatArray,
    humans: FloatArray,
    *,
    epsilon: float,
    q: float,
    metric: str,
    min_items: int,
) -> None:
    if candidate.ndim != 2:
        raise ValueError(f"candidate must be 2-D (items × subs), got shape {candidate.shape}")
    if humans.ndim != 3:
        raise ValueError(f"humans must be 3-D (items × subs × humans), got shape {humans.shape}")
    if humans.shape[:2] != candidate.shape:
        raise ValueError(
            f"humans' items × subs {humans.shape[:2]} do not match the candidate's "
            f"{candidate.shape}"
        )
    if humans.shape[2] < 2:
        raise ValueError(f"the test needs at least 2 humans, got {humans.shape[2]}")
    _check_finite(candidate, "candidate", ("item row", "sub-component column"))
    _check_finite(humans, "humans", ("item row", "sub-component column", "human column"))
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {METRICS}")
    if not np.isfinite(epsilon):
        raise ValueError(f"epsilon must be finite, got {epsilon}")
    if not 0.0 < q < 1.0:
        raise ValueError(f"q must lie in (0, 1), got {q}")
    if min_items < 2:
        raise ValueError(f"min_items must be at least 2 (a t-test needs 2 items), got {min_items}")


def _check_finite(values: FloatArray, what: str, axes: tuple[str, ...]) -> None:
    bad = np.argwhere(np.isinf(values))
    if bad.size:
        where = ", ".join(f"{axis} {int(index)}" for axis, index in zip(axes, bad[0], strict=True))
        raise ValueError(f"infinite rating in {what} at {where}")


def _names(names: Sequence[str] | None, n_humans: int) -> tuple[str, ...]:
    if names is None:
        return tuple(f"human{j + 1}" for j in range(n_humans))
    labels = tuple(str(name) for name in names)
    if len(labels) != n_humans:
        raise ValueError(f"{len(labels)} names for {n_humans} humans")
    return labels
