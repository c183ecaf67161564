"""How long a rating answer is, in tokens: the basis of the per-style ``max_tokens`` defaults.

For every packaged framework (and the example pack), the longest answer each prompt style asks
for is built and counted with the bundled SmolLM2 tokenizer (llama.cpp, vocabulary only; with
``--chars`` or without the ``[local]`` extra: characters / 3.5, a conservative ratio for
English and JSON):

- ``zero_shot`` / ``few_shot``: the JSON object with every key at its scale's widest value,
  both compact and pretty-printed inside a Markdown code fence (what chat models often send);
- ``cot``: the same object with a ``"rationale"`` of ``--words`` words per sub-component
  (default 60: "reason briefly" is a sentence or three).

The caps (`empathy_judge.evals.prompts.DEFAULT_MAX_TOKENS`) are printed beside the largest
answer with their margin. A model that runs on past the cap (the issue: 3,325 tokens until the
context was full) is cut off and its answer counts as a parse failure.

Run (a few seconds)::

    .venv/bin/python benchmarks/bench_answer_sizes.py [--words 60] [--chars]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path

from empathy_judge.datasets.pack import load_rubric
from empathy_judge.datasets.rubric import Framework, all_frameworks
from empathy_judge.evals.catalogue import BUNDLED_MODELS
from empathy_judge.evals.prompts import DEFAULT_MAX_TOKENS

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "peer_listening"
FILLER = "the supporter names the feeling and asks an open question about it"


def _tokenizer(chars: bool) -> tuple[str, Callable[[str], int]]:
    if not chars:
        try:
            from llama_cpp import Llama

            module, name = BUNDLED_MODELS["smollm2"]
            spec = importlib.util.find_spec(module)
            if spec is not None and spec.origin is not None:
                path = Path(spec.origin).parent / name
                model = Llama(str(path), vocab_only=True, verbose=False)
                return "SmolLM2 tokens", lambda text: len(
                    model.tokenize(text.encode(), add_bos=False)
                )
        except ImportError:
            pass
    return "chars / 3.5", lambda text: int(len(text) / 3.5 + 0.999)


def answers(framework: Framework, words: int) -> dict[str, str]:
    """The longest answers of each style for a framework."""
    values = {s.column: max(s.levels, key=lambda v: len(str(v))) for s in framework.sub_components}
    fenced = "```json\n" + json.dumps(values, indent=2) + "\n```"
    words_text = " ".join((FILLER.split() * (words // len(FILLER.split()) + 1))[:words])
    rationale = " ".join(f"{s.label}: {words_text}." for s in framework.sub_components)
    cot = {"rationale": rationale, **values}
    return {
        "zero_shot": json.dumps(values),
        "zero_shot (fenced)": fenced,
        "cot": json.dumps(cot),
        "cot (fenced)": "```json\n" + json.dumps(cot, indent=2) + "\n```",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=60, help="rationale words per sub-component")
    parser.add_argument("--chars", action="store_true", help="count characters / 3.5")
    args = parser.parse_args()
    unit, count = _tokenizer(args.chars)
    frameworks = [*all_frameworks(), load_rubric(EXAMPLE)]
    largest: dict[str, int] = {}
    print(f"answer sizes in {unit} (rationale: {args.words} words per sub-component)")
    print(f"{'framework':22} {'subs':>4} {'zero_shot':>9} {'fenced':>7} {'cot':>6} {'fenced':>7}")
    for framework in frameworks:
        sizes = {style: count(text) for style, text in answers(framework, args.words).items()}
        for style, size in sizes.items():
            key = style.split()[0]
            largest[key] = max(largest.get(key, 0), size)
        print(
            f"{framework.id:22} {len(framework.sub_components):>4}"
            f" {sizes['zero_shot']:>9} {sizes['zero_shot (fenced)']:>7}"
            f" {sizes['cot']:>6} {sizes['cot (fenced)']:>7}"
        )
    for style, cap in DEFAULT_MAX_TOKENS.items():
        biggest = largest["cot" if style == "cot" else "zero_shot"]
        print(f"default max_tokens {style:9} {cap:5}  = {cap / biggest:4.1f} x the largest answer")


if __name__ == "__main__":
    main()
