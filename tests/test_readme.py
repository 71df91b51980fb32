"""The README is a contract: its set-up commands and command table match the Makefile and the CLI."""

from __future__ import annotations

import re

from analytics.cli import COMMANDS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_setup_is_exactly_two_make_commands():
    block = README.split("## Set-up")[1].split("```sh")[1].split("```")[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.MULTILINE) and re.search(r"^test:", makefile, re.MULTILINE)
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("make test")


def test_every_documented_command_exists_and_every_command_is_documented():
    documented = set(re.findall(r"^\| `(\w+)", README, re.MULTILINE)) - {"name", "volume_metric", "unit_cost"}
    documented = {c for c in documented if c in COMMANDS or c.isalpha() and c not in CATALOGUE_WORDS}
    assert documented == set(COMMANDS)


CATALOGUE_WORDS = {"name_en", "name_zh", "aliases", "unit", "category", "direction", "service", "process", "owner",
                   "weight", "tolerance", "decimals", "definition", "baseline", "target", "from_period"}
