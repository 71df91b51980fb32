"""`python -m analytics`: see analytics/cli.py."""

import sys

from .cli import main

sys.exit(main())
