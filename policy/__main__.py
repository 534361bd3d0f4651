"""`python -m policy ask …` (see policy/cli.py)."""

import sys

from policy.cli import main

sys.exit(main())
