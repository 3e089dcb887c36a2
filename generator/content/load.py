"""Read YAML content files into plain data, remembering where every value came from.

YAML 1.1 as PyYAML reads it has traps for hand-edited content: ``no`` (the language code for
Norwegian) becomes ``False``, ``09:30`` becomes the integer 570, and a repeated key silently
keeps the last value. The loader below resolves only plain decimal integers, ``true``/``false``,
``null`` and ISO dates; everything else stays a string. Duplicate keys, anchors and aliases are
refused, so what the editor sees is what the build uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from generator.base.errors import Problem

Loc = tuple[str | int, ...]


# libyaml's parser (about ten times faster) when PyYAML was built with it; the safe constructor
# either way. Aliases are refused while the document is walked (a node met twice).
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ContentLoader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader with a small, predictable set of implicit types."""


_ContentLoader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?(?:0|[1-9][0-9]*))$", list("-+0123456789")),
    ("tag:yaml.org,2002:timestamp", r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2})$", list("0123456789")),
]:
    _ContentLoader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


@dataclass
class Document:
    """One content file: its data and the position of every value in it."""

    path: str
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    cuts: list[Loc] = field(default_factory=list)
    """Items left out of ``data`` since it was read, in order (content/salvage.py: a file with errors,
    read as far as it is right); positions and field names stay those of the file as written."""

    def original(self, loc: Loc) -> Loc:
        """Where the value at ``loc`` of ``data`` is in the file as written: an item after one
        left out of the same list is one place further down there."""
        for cut in reversed(self.cuts):
            head, gone = cut[:-1], cut[-1]
            n = len(head)
            if isinstance(gone, int) and len(loc) > n and loc[:n] == head and isinstance(loc[n], int) and loc[n] >= gone:  # type: ignore[operator]
                loc = (*head, loc[n] + 1, *loc[n + 1:])  # type: ignore[operator]
        return loc

    def where(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``loc``, or of the nearest parent."""
        loc = self.original(tuple(loc))
        while True:
            if key and loc in self.key_positions:
                return self.key_positions[loc]
            if loc in self.positions:
                return self.positions[loc]
            if not loc:
                return (1, 1)
            loc = loc[:-1]

    def problem(self, loc: Loc, message: str, *, key: bool = False, severity: str = "error", kind: str = "",
                detail: str = "") -> Problem:
        line, column = self.where(loc, key=key)
        return Problem(self.path, line, column, format_loc(self.original(loc)), message, severity, kind, detail)  # type: ignore[arg-type]


def format_loc(loc: Loc) -> str:
    """('phones', 0, 'number') -> 'phones[0].number'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class LoadError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


MAX_DEPTH = 20
"""Lists and mappings nested at most this deep (the content's deepest field is 4 levels): a value
nested hundreds deep would exhaust Python's recursion in every check that walks the data."""

_ALLOWED_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "int", "bool", "null", "timestamp")}


class _Builder:
    def __init__(self, path: str, loader: _ContentLoader):
        self.path = path
        self.loader = loader
        self.doc = Document(path, None)
        self.seen: set[int] = set()

    def fail(self, node_or_mark: Any, field_loc: Loc, message: str) -> None:
        mark = node_or_mark if isinstance(node_or_mark, tuple) else _mark(node_or_mark)
        raise LoadError(Problem(self.path, mark[0], mark[1], format_loc(field_loc), message))

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        if id(node) in self.seen:  # an alias: the same node a second time
            self.fail(node, loc, "YAML anchors (&) and aliases (*) are not allowed; expected each value written out")
        self.seen.add(id(node))
        self.doc.positions[loc] = _mark(node)
        if len(loc) > MAX_DEPTH and isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            self.fail(node, loc[:MAX_DEPTH], f"lists or fields nested more than {MAX_DEPTH} levels deep; expected the "
                                             "shape of the field (see docs/fields.md)")
        if node.tag not in _ALLOWED_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.fail(node, loc, f"YAML tag '{tag}' is not allowed; expected a plain value")
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.fail(key_node, loc, "YAML merge keys (<<) are not allowed; expected each value written out")
                if not isinstance(key_node, yaml.ScalarNode):
                    self.fail(key_node, loc, "a key must be a plain word; expected 'name: value'")
                key = key_node.value
                if key in result:
                    first = self.doc.key_positions[loc + (key,)]
                    self.fail(key_node, loc + (key,),
                              f"duplicate key '{key}' (first at line {first[0]}); expected each key once")
                self.doc.key_positions[loc + (key,)] = _mark(key_node)
                result[key] = self.build(value_node, loc + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, loc + (i,)) for i, item in enumerate(node.value)]
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError):
            if node.tag.endswith(":timestamp"):
                # '2026-11-31' looks like a date and is none: kept as it is written, so that the schema says where a
                # date was expected ("is not a date"), a text may hold it, and the rest of the file is still read
                return node.value
            self.fail(node, loc, f"'{node.value}' cannot be read; expected a plain value")
        if not isinstance(value, (str, int, bool, date, type(None))):
            self.fail(node, loc, f"unsupported YAML value of type {type(value).__name__}")
        return value


_SYNTAX_IN_WORDS = (
    ("expected '-' indicator", "this list item is not lined up with the items above it; expected each '- ' of a "
                               "list to start in the same column"),
    ("mapping values are not allowed", "a ': ' where none can be: a text that contains ': ' (put the whole text in "
                                       "quotes) or a line indented further than the field above it"),
    ("end of stream", "a quote (\" or ') is opened and not closed; expected the text to end with the same quote"),
    ("quoted scalar", "a quote (\" or ') is opened and not closed; expected the text to end with the same quote"),
    ("expected ':'", "this line has no ':' after its field name, or a text goes on to the next line; expected "
                     "'field: value', with a long text indented under it or put in quotes"),
    ("cannot start any token", "a value starts with a character YAML reserves (such as @ or `); expected the value "
                               "in quotes"),
    ("expected ',' or ']'", "a list in [ ] is not closed on its line, or an item in it contains ', ' or ': '; expected "
                            "[a, b] with such items in quotes"),
    ("expected ',' or '}'", "a mapping in { } is not closed, or a value in it needs quotes; expected such as "
                            "{days: mo-fr, from: \"09:00\", to: \"17:00\"}"),
    ("expected key", "this line is not lined up with the fields around it; expected the fields of one block to start "
                     "in the same column, and a '- ' item under a field that holds a list"),
    ("expected <block end>", "this line is indented differently from the lines around it; expected the lines of one "
                             "block to start in the same column"),
)
"""What the YAML reader's terse messages mean, in the words of someone editing the file."""


def parse(text: str, path: str) -> Document:
    """Parse YAML text; raises LoadError with the position of the first problem."""
    if "\t" in text:
        line_no = text[: text.index("\t")].count("\n") + 1
        col = text.index("\t") - (text.rfind("\n", 0, text.index("\t")) + 1) + 1
        raise LoadError(Problem(path, line_no, col, "", "tab character; expected spaces for indentation"))
    loader = _ContentLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            what = (exc.problem or exc.context or "invalid YAML").strip()
            # a missing ':' is found on the next line: point at the line that lacks it
            opening = "expected ':'" in what or "quoted scalar" in (exc.context or "")  # where the key or quote began
            mark = (exc.context_mark if opening else None) or exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            words = next((text for key, text in _SYNTAX_IN_WORDS if key in what or key in (exc.context or "")), "")
            message = f"{words} (YAML: {what})" if words else what
            raise LoadError(Problem(path, line, col, "", f"YAML syntax error: {message}")) from None
        except yaml.YAMLError as exc:
            raise LoadError(Problem(path, 1, 1, "", f"YAML syntax error: {exc}")) from None
        if node is None:
            raise LoadError(Problem(path, 1, 1, "", "file is empty; expected a mapping of fields"))
        builder = _Builder(path, loader)
        data = builder.build(node, ())
        if not isinstance(data, dict):
            raise LoadError(Problem(path, *_mark(node), "",
                                    f"file holds a {type(data).__name__}; expected a mapping of fields"))
        builder.doc.data = data
        return builder.doc
    finally:
        loader.dispose()


def read(file: Path, root: Path) -> Document:
    """Read and parse one content file; the document's path is relative to ``root``."""
    rel = file.relative_to(root).as_posix() if file.is_relative_to(root) else str(file)
    raw = file.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise LoadError(Problem(rel, 1, 1, "", "file starts with a byte-order mark; expected UTF-8 without BOM"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(Problem(rel, line, col, "",
                                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; expected a UTF-8 text file")) from None
    return parse(text, rel)
