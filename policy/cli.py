"""Command line: `python -m policy ask [--json] [--lang sv|en] [--date YYYY-MM-DD] [--eur-sek-rate R] QUESTION`,
and `python -m policy train [--cv K]` (retrains the topic classifier, see policy/train.py).

With QUESTION "-" the questions are read from stdin, one a line, and answered in order (with
--json: one JSON object a line). Bad input gives a message and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from typing import Any, TextIO

from policy.answering import answer
from policy.errors import InvalidInputError, PolicyError
from policy.loader import load_policy
from policy.model import Answer, Lang
from policy.rules import missing_fact_question
from policy.texts import LANGS

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _rate(value: str) -> float:
    try:
        rate = float(value)
    except ValueError:
        rate = float("nan")
    if not rate > 0:
        raise argparse.ArgumentTypeError(f"not a positive number: {value!r}")
    return rate


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m policy", description="Lotsen: Malmö stads policy för internationellt arbete.")
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="answer a question (or '-' for one question a line on stdin)")
    ask.add_argument("question", help="the question, or '-' to read questions from stdin")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument("--lang", choices=LANGS, help="answer in this language (default: the question's)")
    ask.add_argument("--date", type=_date, help="the policy in force on this date (default: today)")
    ask.add_argument("--eur-sek-rate", type=_rate, help="SEK per EUR (default: $EUR_SEK_RATE, else the configured default)")
    train = commands.add_parser("train", help="retrain the topic classifier from policy/data/corpus (needs requirements-dev)")
    train.add_argument("--cv", type=int, metavar="K", help="only report K-fold cross-validated accuracy on the corpus")
    return parser


def _train(args: argparse.Namespace, out: TextIO) -> int:
    from policy import train  # scikit-learn: only when training

    if args.cv:
        out.write(f"{args.cv}-fold cross-validation on the corpus: {train.cross_validate(args.cv):.1%} right\n")
        return 0
    out.write(f"wrote {train.train()}\n")
    return 0


def to_json(a: Answer) -> dict[str, Any]:
    """The CLI's JSON shape: exactly these keys, in this order."""
    return {
        "question": a.question,
        "answer": a.answer,
        "citations": [{"section": c.section, "title": c.title, "quote": c.quote} for c in a.citations],
        "verdict": a.verdict.model_dump() if a.verdict else None,
        "missing_facts": list(a.missing_facts),
        "out_of_scope": a.out_of_scope,
    }


def _readable(a: Answer) -> str:
    texts = load_policy().texts

    def t(key: str) -> str:
        return texts.text(f"cli.{key}", a.lang)

    def word(value: bool | None) -> str:
        return t("yes") if value else (t("no") if value is False else t("unknown"))

    lines = [a.answer]
    if a.citations:
        lines += ["", f"{t('sources')}:"]
        for c in a.citations:
            lines.append(f"  {c.section} {c.title}")
            lines += [f"    > {line}" for line in c.quote.splitlines() if line]
    if a.verdict:
        lines += ["", f"{t('verdict')}:"] + [f"  {t(name)}: {word(getattr(a.verdict, name))}"
                                              for name in ("routine_applies", "inform_ks_administration", "information_item_to_ks")]
    if a.missing_facts:
        lines += ["", f"{t('missing')}:"] + [f"  - {missing_fact_question(k, a.lang)}" for k in a.missing_facts]
    if a.options:
        lines += ["", f"{t('options')}:"] + [f"  - {o.title}" for o in a.options]
    if a.suggestions:
        lines += ["", f"{t('suggestions')}:"] + [f"  - {s}" for s in a.suggestions]
    return "\n".join(lines)


def _env_rate() -> float | None:
    raw = os.environ.get("EUR_SEK_RATE")
    if raw is None or raw.strip() == "":
        return None
    try:
        return _rate(raw)
    except argparse.ArgumentTypeError:
        raise InvalidInputError("bad_rate", value=raw) from None


def _answer_one(question: str, args: argparse.Namespace, rate: float | None, out: TextIO) -> None:
    a = answer(question, lang=args.lang, on=args.date, eur_sek_rate=rate)
    out.write((json.dumps(to_json(a), ensure_ascii=False) if args.json else _readable(a) + "\n") + "\n")
    out.flush()


def main(argv: list[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    args = _parser().parse_args(argv)
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    if args.command == "train":
        return _train(args, stdout)
    lang: Lang = args.lang or "sv"
    try:
        rate = args.eur_sek_rate if args.eur_sek_rate is not None else _env_rate()
        if args.question != "-":
            _answer_one(args.question, args, rate, stdout)
            return 0
        for number, line in enumerate(stdin, start=1):
            question = line.rstrip("\r\n")
            if not question.strip():
                raise InvalidInputError("empty_line", line=number)
            _answer_one(question, args, rate, stdout)
        return 0
    except PolicyError as e:
        print(e.message(lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as e:  # the CLI promises a message, never a traceback
        print(_internal_error(e, lang), file=sys.stderr)
        return EXIT_INTERNAL


def _internal_error(error: Exception, lang: Lang) -> str:
    detail = f"{type(error).__name__}: {error}"
    try:
        return load_policy().texts.text("errors.internal", lang, error=detail)
    except Exception:  # the data itself may be what failed to load
        return detail
