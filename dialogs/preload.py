"""The data files the turns read, loaded once at start-up in a worker thread.

Each is read on first use and kept for the process. Left to the first turn that needs it, the read (the policy
data alone takes about half a second: YAML, the classifier's weights) would run on the event loop and hold up
every other conversation's turn meanwhile.
"""

from __future__ import annotations

from dialogs.annual_report.parsing import is_known_organisation
from dialogs.common.input_parsing import parse_yes_no
from dialogs.applications.programmes import load_programmes
from policy import load_policy, parse_amount
from reminders.rules import load_rules
from texts import LANGUAGES, catalog


def load_data_files() -> None:
    """Reads every catalog and data file a turn may need; blocking, so call it off the event loop."""
    for lang in LANGUAGES:
        catalog(lang)
    load_policy()
    parse_amount("12 miljoner kr")  # the policy's reply reading, as the dialogs use it
    parse_yes_no("ja")  # dialogs/common/data/input_words.yaml
    load_programmes()
    is_known_organisation("Miljönämnden")  # storage/data/organisations.yaml
    load_rules()
