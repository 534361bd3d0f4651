"""How fast and how right the policy module answers: `python bench/qa.py` from the repository root.

Answers every question of tests/policy/data/questions.yaml (several rounds, after loading the
data once) and prints the median and p99 time per answer and the accuracy: the share of
questions whose first cited section, verdict and out_of_scope are all as expected.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script from the repository root

from policy import Answer, answer, load_policy  # noqa: E402

QUESTIONS = REPO / "tests" / "policy" / "data" / "questions.yaml"
ANSWER_DAY = date(2025, 6, 1)  # the day the question set is written for


def correct(case: dict[str, Any], a: Answer) -> bool:
    first = a.citations[0].section if a.citations else None
    verdict = a.verdict.model_dump() if a.verdict else None
    expected_verdict = case.get("verdict") if case["section"] is not None else None
    return first == case["section"] and verdict == expected_verdict and a.out_of_scope == (case["section"] is None)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="times to answer the whole set (default 5)")
    args = parser.parse_args()
    cases = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))

    started = time.perf_counter()
    load_policy()
    answer("Måste jag informera KS om vår ansökan?", on=ANSWER_DAY)  # builds the matcher and fact reader
    warm_up = time.perf_counter() - started

    timings: list[float] = []
    right = 0
    wrong: list[str] = []
    for round_number in range(args.rounds):
        for case in cases:
            t0 = time.perf_counter()
            a = answer(case["q"], lang=case.get("ask_lang"), on=ANSWER_DAY)
            timings.append(time.perf_counter() - t0)
            if round_number == 0:
                if correct(case, a):
                    right += 1
                else:
                    wrong.append(case["q"])

    ms = [t * 1000 for t in timings]
    print(f"questions:      {len(cases)} ({args.rounds} rounds, {len(ms)} answers)")
    print(f"loading once:   {warm_up * 1000:.0f} ms (data, matcher, first answer)")
    print(f"median:         {statistics.median(ms):.2f} ms per answer")
    print(f"p99:            {percentile(ms, 0.99):.2f} ms per answer")
    print(f"accuracy:       {right}/{len(cases)} = {right / len(cases):.1%} (first section, verdict, out_of_scope)")
    for question in wrong:
        print(f"  wrong: {question}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
