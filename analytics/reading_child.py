"""Imported only in the fork server that starts the reading children (analytics.isolation),
never in the dashboard or the command line.

multiprocessing makes each child it starts run the parent's __main__ script first. Under
Streamlit __main__ is the page being shown (pages/upload.py), so a reading child would run the
upload page. The children run a function of analytics and need nothing from any script: in
this server, and so in every child forked from it, that step does nothing. The readers are
imported here once, so that each child starts in milliseconds.
"""

import gc
from multiprocessing import spawn

from . import catalogue, parsing  # noqa: F401 - imported once, for every child


def _leave_main_alone(_main: str) -> None:
    """A reading child never runs the parent's script."""


spawn._fixup_main_from_path = _leave_main_alone
spawn._fixup_main_from_name = _leave_main_alone

gc.freeze()       # the imported modules' objects: a child's collections leave their pages shared with this server
