"""What a page must not show: the ids of a scenario's labelled things and of its policies.

``hidden_ids`` lists, for a bundled scenario, every id that has words to be shown
instead: its labelled steps, resources, patient classes, booking channels and
protocols (a unit's studies and classes; not those whose Spanish label is the id
itself, as ``obstetricia``), the names of the policies of its
model's registry (each has a title) with the values their variants and booking
modes take (each has its words), and the bundled scenarios' file stems (each
scenario has a name). ``ids_in`` finds them as whole words in a text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from policies.base import BOOKING_MODE_TEXTS
from scenarios import bundled_names
from sim.labels import display_name
from sim.models import model_of_scenario

KINDS = ("step", "resource", "class", "channel", "protocol", "study")
# an id is a whole word: not inside a longer word, an id or a hyphenated label (Eco-doppler)
EDGE = r"[\w-]"


def hidden_ids(scenario: Any) -> set[str]:
    """The ids a page about ``scenario`` must show by their words, never as they are."""
    things = {
        key
        for kind in KINDS
        for key, thing in scenario.named(kind).items()
        if getattr(thing, "label", None) is not None and not _own_word(scenario, kind, key)
    }
    registry = model_of_scenario(scenario).registry
    variants = {value for cls in registry.values() for value in cls.variant_texts}
    return things | set(registry) | variants | set(BOOKING_MODE_TEXTS) | set(bundled_names())


def _own_word(scenario: Any, kind: str, key: str) -> bool:
    """Whether an id is its Spanish label itself (``obstetricia``, labelled ``Obstetricia``):
    a Spanish page may then write the word, in the scenario's description for one."""
    return display_name(scenario, kind, key, "es").casefold() == key.casefold()


def ids_in(text: str, ids: Iterable[str]) -> dict[str, list[str]]:
    """Each id found as a whole word in ``text`` (case matters: ``GRASP`` is a title's
    word, ``grasp`` an id), with the lines it is on."""
    found: dict[str, list[str]] = {}
    lines = text.splitlines()
    for key in sorted(ids):
        pattern = re.compile(rf"(?<!{EDGE}){re.escape(key)}(?!{EDGE})")
        hits = [line.strip() for line in lines if pattern.search(line)]
        if hits:
            found[key] = hits[:3]
    return found
