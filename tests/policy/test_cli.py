"""The command line, run as a subprocess exactly as a tool would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KEYS = ["question", "answer", "citations", "verdict", "missing_facts", "out_of_scope"]


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "EUR_SEK_RATE"} | (env or {})
    return subprocess.run([sys.executable, "-m", "policy", "ask", *args], input=stdin, capture_output=True,
                          text=True, cwd=REPO, env=environment, timeout=60)


def test_json_lines_from_stdin_in_order() -> None:
    questions = ["Vem beslutar om nya partnerstäder?",
                 "Vi är projektägare i Interreg, totalbudget 11 999 999 kr. Informationsärende?",
                 "Do we have to inform KS about our application?",
                 "What is the capital of France?"]
    result = run("--json", "--date", "2025-06-01", "-", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(questions)
    objects = [json.loads(line) for line in lines]
    for question, obj in zip(questions, objects):
        assert list(obj) == KEYS and obj["question"] == question
        for citation in obj["citations"]:
            assert list(citation) == ["section", "title", "quote"]
    assert objects[0]["citations"][0]["section"] == "3.2" and objects[0]["verdict"] is None
    assert objects[1]["verdict"] == {"routine_applies": True, "inform_ks_administration": True,
                                     "information_item_to_ks": False}
    assert objects[2]["verdict"] == {"routine_applies": None, "inform_ks_administration": None,
                                     "information_item_to_ks": None}
    assert objects[2]["missing_facts"] == ["project_owner", "eu_funding", "total_budget"]
    assert objects[3]["out_of_scope"] is True and objects[3]["citations"] == []


def test_one_question_as_json() -> None:
    result = run("--json", "--lang", "en", "Vem beslutar om nya partnerstäder?")
    assert result.returncode == 0
    obj = json.loads(result.stdout)
    assert "City Executive Board" in obj["answer"]


def test_readable_answer_shows_sources_and_verdict() -> None:
    result = run("--date", "2025-06-01", "Vi är projektägare i Interreg, totalbudget 20 MSEK. Informationsärende?")
    assert result.returncode == 0
    assert "Källor:" in result.stdout and "4.1 Finansiering från EU:s program och fonder" in result.stdout
    assert "Informationsärende till kommunstyrelsen: ja" in result.stdout


def test_rate_from_the_environment_and_the_option() -> None:
    q = "Vi är projektägare i Interreg, totalbudget 1 050 000 euro. Informationsärende?"
    from_env = json.loads(run("--json", q, env={"EUR_SEK_RATE": "12"}).stdout)
    default = json.loads(run("--json", q).stdout)
    option = json.loads(run("--json", "--eur-sek-rate", "12", q, env={"EUR_SEK_RATE": "10"}).stdout)
    assert from_env["verdict"]["information_item_to_ks"] is True and "12,00 kr per euro" in from_env["answer"]
    assert default["verdict"]["information_item_to_ks"] is False and "11,00 kr per euro" in default["answer"]
    assert option["verdict"]["information_item_to_ks"] is True


def test_an_empty_line_stops_with_a_message() -> None:
    result = run("--json", "-", stdin="Vem beslutar om nya partnerstäder?\n\nVem antar policyn?\n")
    assert result.returncode != 0
    assert len(result.stdout.splitlines()) == 1
    assert "Rad 2 är tom" in result.stderr and "Traceback" not in result.stderr


def test_bad_input_gives_a_message_not_a_traceback() -> None:
    for args, env in [(("--lang", "de", "fråga"), None), (("",), None), (("--date", "igår", "fråga"), None),
                      (("--eur-sek-rate", "-1", "fråga"), None), (("fråga",), {"EUR_SEK_RATE": "elva"}),
                      (("--date", "1999-01-01", "Vem antar policyn?"), None)]:
        result = run(*args, env=env)
        assert result.returncode != 0, args
        assert result.stderr.strip() and "Traceback" not in result.stderr, args
