"""The one YAML reader of scenario files, uploads, ``--set`` values and sweep grids.

``read_document(text, source)`` parses YAML with PyYAML's safe loader and three
doors more:

- **bounded aliases**: an alias (``*name``) inside the value it names
  (``a: &a [*a]``) is refused, and every alias counts the values of what it names,
  so nested aliases that would expand a few hundred bytes into 10⁹ items
  ("billion laughs") are refused as soon as the count passes ``MAX_NODES``, before
  anything is expanded. Aliases that merely repeat a block (the bundled scenarios
  share attribute blocks so) are read as before;
- **a size limit** on the text (``MAX_DOCUMENT_BYTES``) and on the values it holds
  with its aliases expanded (``MAX_NODES``);
- **a depth limit** (``MAX_DEPTH``), so deep nesting cannot exhaust the stack of the
  recursive composer, of the copy, or of validation.

Every refusal is a ``ScenarioError`` naming the source and the line, never a traceback.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent

from sim.problems import Problem, ScenarioError

# The largest bundled scenario is 11 kB and the dashboard takes uploads of 256 kB; a
# megabyte leaves room for a long waiting list while keeping a parse under a second.
MAX_DOCUMENT_BYTES = 1_000_000
# Values (scalars, lists, mappings) with every alias expanded: the bundled scenarios
# hold at most a few thousand; 100 000 keeps validation and the copies it makes to
# tens of megabytes, and refuses nested aliases long before they multiply.
MAX_NODES = 100_000
# The deepest path of the scenario format is about 8 levels (protocols.p.steps.0.
# duration.values.0); 64 is generous and far from Python's recursion limit of 1000.
MAX_DEPTH = 64


class _Refused(yaml.YAMLError):
    """A document the reader will not build, with the mark of where it says so."""

    def __init__(self, problem: str, mark: yaml.Mark | None):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader counting, as it composes, the values of the document with every
    alias expanded (an alias counts the values of what it names), and the nesting."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._expanded = 0
        self._depth = 0
        self._sizes: dict[str, int] = {}  # expanded values of each anchored node composed
        self._open: set[str] = set()  # anchors of the nodes being composed

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            self._count_alias(self.peek_event())
            return super().compose_node(parent, index)
        event = self.peek_event()
        self._count(1, event.start_mark)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        anchor, before = event.anchor, self._expanded - 1
        if anchor is not None:
            self._open.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            if anchor is not None:
                self._open.discard(anchor)
                self._sizes[anchor] = self._expanded - before

    def _count_alias(self, event: AliasEvent) -> None:
        if event.anchor in self._open:
            message = (
                f"the alias *{event.anchor} is inside the value it names (a cycle); "
                "a scenario file needs no such reference"
            )
            raise _Refused(message, event.start_mark)
        # an undefined alias is reported by the composer itself
        self._count(self._sizes.get(event.anchor, 0), event.start_mark)

    def _count(self, values: int, mark: yaml.Mark) -> None:
        self._expanded += values
        if self._expanded > MAX_NODES:
            message = (
                f"the document holds more than {_spaced(MAX_NODES)} values with its "
                "aliases (*name) expanded; a scenario file needs far fewer"
            )
            raise _Refused(message, mark)


def _spaced(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def read_document(text: str, source: str, where: str = "") -> Any:
    """The value of one YAML document, or a ``ScenarioError`` naming ``source``, the
    line and what is wrong; ``where`` is the dotted path reported (an override's key)."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_DOCUMENT_BYTES:
        message = (
            f"the document is {_spaced(size)} bytes; at most {_spaced(MAX_DOCUMENT_BYTES)} are read"
        )
        raise ScenarioError(source, [Problem(where, message)])
    loader: _BoundedLoader | None = None
    try:
        loader = _BoundedLoader(text)  # the reader checks every character here
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ScenarioError(source, [Problem(where, _yaml_message(exc))]) from None
    except (ValueError, OverflowError) as exc:  # an int of more than 4300 digits, say
        message = f"invalid YAML: {' '.join(str(exc).split())[:200]}"
        raise ScenarioError(source, [Problem(where, message)]) from None
    finally:
        if loader is not None:
            loader.dispose()


def _yaml_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    place = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    if isinstance(exc, yaml.reader.ReaderError):
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        where = f"character {exc.position + 1}"
        return f"{where}: invalid YAML: unacceptable character #x{code:04x} (a control character)"
    if isinstance(exc, _Refused):
        return f"{place}{exc.problem}"
    problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
    return f"{place}invalid YAML: {problem}"
