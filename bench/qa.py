"""How right and how fast the policy module answers: `python bench/qa.py [--cv K] [--wrong] [--no-unseen]` from the root.

`--unseen-dir unseen-next` measures sets written for a next round (kept apart until then) instead.

Three figures of rightness, kept apart on purpose:
- unseen: tests/policy/data/unseen/*.yaml (sets 7 to 10), written from the policy text alone by people
  (helpers) who never saw the topics, the corpus or the code; frozen (a test checks their hashes), run
  only as a whole, never read while tuning: only their figures are printed. This is the figure that
  says how Lotsen does on the next official's words.
- dev: tests/policy/data/dev/*.yaml (sets 1-6), written the same way, which were the unseen sets of
  earlier measurements (1-2, then 3-4, then 5-6) and whose misses were then read to find what to improve (frozen
  too). `--wrong` lists the misses of the dev sets and of the tuning set, never of the unseen sets.
- tuning: tests/policy/data/questions.yaml, the questions the module was developed against.
- corpus cross-validation (--cv K): each fold of the training corpus answered by a model trained on
  the other folds (needs requirements-dev).

A question is right when the answer's first cited section (or a lettered point of it: section 2's focus areas
are cited as 2a, 2b, 2c, and the writers, who could name only the policy's numbered sections, wrote "2"; the
report says how many were right only that way), its verdict (none where none was asked
for) and out_of_scope are as expected, and for a request for a feature, when it leads to that
feature. "Unsure" answers ("Menar du …?") are not counted right; the report says how many offered
the right topic. Contradicting verdicts (the rules say yes where the policy says no, or the reverse)
and citations on out-of-scope questions are counted separately: both must be zero.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script from the repository root

from policy import Answer, answer, load_policy  # noqa: E402

DATA = REPO / "tests" / "policy" / "data"
TUNING = DATA / "questions.yaml"
DEV = sorted((DATA / "dev").glob("*.yaml"))
ANSWER_DAY = date(2025, 6, 1)  # the day the question sets are written for
VERDICT_FIELDS = ("routine_applies", "inform_ks_administration", "information_item_to_ks")


@dataclass
class Tally:
    total: int = 0
    right: int = 0
    right_by_point: int = 0  # right because the cited section is a lettered point of the expected one
    unsure_right_offered: int = 0
    unsure_other: int = 0
    wrong: int = 0
    contradictions: int = 0
    cited_out_of_scope: int = 0
    by_kind: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    wrong_cases: list[str] = field(default_factory=list)

    def add(self, case: dict[str, Any], a: Answer) -> None:
        self.total += 1
        kind = case.get("kind", "-")
        outcome = judge(case, a)
        self.by_kind[kind][outcome] += 1
        if outcome in ("right", "right by point"):
            self.right += 1
            self.right_by_point += outcome == "right by point"
        elif outcome == "unsure, right offered":
            self.unsure_right_offered += 1
            self.wrong_cases.append(f"[unsure, right offered] {case['q']}  → offered {[o.topic for o in a.options]} "
                                    f"(expected §{case.get('section')})")
        elif outcome == "unsure":
            self.unsure_other += 1
            self.wrong_cases.append(f"[unsure] {case['q']}  → offered {[o.topic for o in a.options]} "
                                    f"(expected §{case.get('section')})")
        else:
            self.wrong += 1
            first = a.citations[0].section if a.citations else None
            self.wrong_cases.append(f"[{kind}] {case['q']}  → {a.kind} {a.topic} §{first} verdict={_verdict(a)} "
                                    f"(expected §{case.get('section')} verdict={case.get('verdict')} "
                                    f"feature={case.get('feature')})")
        if contradicts(case, a):
            self.contradictions += 1
        if case.get("section") is None and not case.get("feature") and a.citations:
            self.cited_out_of_scope += 1

    def merge(self, other: "Tally") -> None:
        for name in ("total", "right", "right_by_point", "unsure_right_offered", "unsure_other", "wrong", "contradictions",
                     "cited_out_of_scope"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind, counts in other.by_kind.items():
            self.by_kind[kind].update(counts)

    def report(self, name: str, show_kinds: bool) -> None:
        print(f"{name}: {self.right}/{self.total} = {self.right / self.total:.1%} right "
              f"({self.right_by_point} of them by a lettered point of the section); "
              f"unsure {self.unsure_right_offered + self.unsure_other} "
              f"({self.unsure_right_offered} offering the right topic); wrong {self.wrong}; "
              f"contradicting verdicts {self.contradictions}; citations out of scope {self.cited_out_of_scope}")
        if show_kinds:
            for kind, counts in sorted(self.by_kind.items()):
                n = sum(counts.values())
                print(f"    {kind:<14} {counts['right'] + counts['right by point']}/{n} right")


def _verdict(a: Answer) -> dict[str, Any] | None:
    return a.verdict.model_dump() if a.verdict else None


def judge(case: dict[str, Any], a: Answer) -> str:
    expected_section = case.get("section")
    feature = case.get("feature")
    if a.kind == "clarify":
        offered = {o.topic for o in a.options}
        sections = {load_policy().topics[t].sections[0] for t in offered if t in load_policy().topics}
        return "unsure, right offered" if expected_section in sections else "unsure"
    if feature:
        return "right" if a.feature == feature else "wrong"
    first = a.citations[0].section if a.citations else None
    if expected_section is None:
        return "right" if a.out_of_scope and not a.citations else "wrong"
    if _verdict(a) != case.get("verdict") or a.out_of_scope:
        return "wrong"
    if first == expected_section:
        return "right"
    return "right by point" if first and re.fullmatch(rf"{re.escape(expected_section)}[a-z]", first) else "wrong"


def contradicts(case: dict[str, Any], a: Answer) -> bool:
    expected, got = case.get("verdict"), _verdict(a)
    if not expected or not got:
        return False
    return any(expected[f] is not None and got[f] is not None and expected[f] != got[f] for f in VERDICT_FIELDS)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def load_cases(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def measure(cases: list[dict[str, Any]]) -> tuple[Tally, list[float]]:
    tally, timings = Tally(), []
    for case in cases:
        t0 = time.perf_counter()
        a = answer(case["q"], lang=case.get("ask_lang"), on=ANSWER_DAY)
        timings.append(time.perf_counter() - t0)
        tally.add(case, a)
    return tally, timings


def start_up_seconds() -> float:
    """Loading the module and answering one question, in a fresh process (as a starting bot does)."""
    code = ("import time; t=time.perf_counter(); from policy import answer; "
            "answer('Måste vi informera KS?'); print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=int, metavar="K", help="also K-fold cross-validate the classifier on the corpus")
    parser.add_argument("--wrong", action="store_true",
                        help="list the questions answered wrongly in the dev sets and the tuning set (never unseen)")
    parser.add_argument("--wrong-unseen", action="store_true",
                        help="also list the unseen sets' misses: this spends them (they must become dev sets after)")
    parser.add_argument("--unseen-dir", default="unseen", metavar="DIR",
                        help="the folder of tests/policy/data whose sets are measured as unseen (unseen-next: the sets "
                             "written for the next round, measured once for the figure of the module as it is)")
    parser.add_argument("--no-unseen", action="store_true",
                        help="leave the unseen sets out (for runs while tuning, so their figure is not watched)")
    args = parser.parse_args()

    print(f"start-up:       {start_up_seconds() * 1000:.0f} ms (fresh process: load data and model, first answer)")
    timings: list[float] = []
    unseen_all = Tally()
    unseen = sorted((DATA / args.unseen_dir).glob("*.yaml"))
    for path in [] if args.no_unseen else unseen:
        tally, t = measure(load_cases(path))
        timings += t
        tally.report(f"unseen {path.stem}", show_kinds=False)
        unseen_all.merge(tally)
        if args.wrong_unseen:
            for line in tally.wrong_cases:
                print(f"  wrong (unseen {path.stem}): {line}")
    if unseen and not args.no_unseen:
        unseen_all.report("unseen, all", show_kinds=True)
    dev = Tally()
    dev_wrong: list[str] = []
    for path in DEV:
        tally, t = measure(load_cases(path))
        timings += t
        dev.merge(tally)
        dev_wrong += [f"(dev {path.stem}) {line}" for line in tally.wrong_cases]
    if DEV:
        dev.report("dev (read after measuring)", show_kinds=False)
    tuning, t = measure(load_cases(TUNING))
    timings += t
    tuning.report("tuning", show_kinds=False)
    if args.wrong:
        for line in dev_wrong:
            print(f"  wrong: {line}")
        for line in tuning.wrong_cases:
            print(f"  wrong: {line}")
    if args.cv:
        from policy.train import cross_validate

        print(f"corpus {args.cv}-fold cross-validation: {cross_validate(args.cv):.1%} of labels right")
    ms = [x * 1000 for x in timings]
    print(f"answer time:    median {statistics.median(ms):.2f} ms, p99 {percentile(ms, 0.99):.2f} ms "
          f"({len(ms)} answers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
