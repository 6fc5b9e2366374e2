"""Read YAML the safe way, keeping line numbers, and refusing what PyYAML lets through.

PyYAML's `safe_load` silently keeps the last of two duplicate keys, expands aliases
without limit (a "billion laughs" file is a few hundred bytes) and turns unquoted
`yes`/`no`/`on`/`off` into booleans (YAML 1.1). We compose the node tree with libyaml
(CSafeLoader is ~9x faster than the pure-Python loader) and build the Python objects
ourselves, so that we can:

* refuse duplicate keys and aliases, naming the line;
* keep `yes`/`no`/`on`/`off`/`y`/`n` as the strings they look like (the contract's values
  are the strings `yes`/`no`), and report where they stood unquoted so `rules check` can lint;
* return a map from each value's path to its line, so validation errors name the line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from coachmentor.errors import CoachmentorError

MAX_YAML_BYTES = 2 * 1024 * 1024  # a rule base is tens of KB; an answers file a few hundred bytes
MAX_NODES = 100_000
MAX_DEPTH = 50  # collections inside collections; a rule base needs 6, an answers file 1
_TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels)"
# libyaml composes the node tree recursively in C: a few tens of thousands of `[` crash the
# process. Every collection starts at one of these characters, so text with fewer of them
# cannot nest that deep; text with more is first walked event by event (no recursion).
_NESTING_CHARS = "[{-?:"
_SAFE_NESTING = 2000
MAX_NUMBER_CHARS = 100
_ALIAS_MESSAGE = "YAML aliases (*name) are not allowed; write the value out"

Path_ = tuple[str | int, ...]


@dataclass
class YamlDocument:
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)  # 1-based line of each value
    key_lines: dict[Path_, int] = field(default_factory=dict)  # 1-based line of each key
    yaml11_booleans: list[tuple[int, str]] = field(default_factory=list)  # (line, text)
    # the text as written of each number or boolean (`00123`, `1:30`: 83 and 90 once built)
    texts: dict[Path_, str] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.key_lines:
                return self.key_lines[p]
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), None)


_YAML11_BOOL_WORDS = {"yes", "no", "on", "off", "y", "n"}
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")
}


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


def _loader_class() -> Any:  # imported lazily: yaml is not needed for --help/--version
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_bounded(path: Path, what: str, limit: int, error_cls: type[CoachmentorError], *,
                 folder_hint: str = "") -> bytes:
    """The bytes of a small file (a rule file, an answers file, a suite), or one error naming
    it: missing, a folder, unreadable, or larger than `limit` (a regular file by its size,
    before reading; anything else by reading at most limit + 1 bytes: a device or a pipe
    reports size 0)."""
    name = str(path)
    try:
        if not path.exists():
            raise error_cls(f"{name}: no such {what}")
        if path.is_dir():
            raise error_cls(f"{name}: is a folder; give the path of a {what}{folder_hint}")
        size = os.path.getsize(path)
        if size > limit:
            raise error_cls(f"{name}: {what} is too large ({size} bytes; at most {limit})")
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:  # also from exists(): a name too long, a folder we may not enter
        raise error_cls(f"{name}: cannot read {what}: {exc.strerror or exc}") from None
    return within_limit(raw, name, what, limit, error_cls)


def within_limit(raw: bytes, name: str, what: str, limit: int,
                 error_cls: type[CoachmentorError]) -> bytes:
    """`raw`, read as at most limit + 1 bytes, unless it ran past `limit`."""
    if len(raw) > limit:
        raise error_cls(f"{name}: {what} is too large (more than {limit} bytes)")
    return raw


def decode_text(raw: bytes, filename: str, error_cls: type[CoachmentorError]) -> str:
    """Decode UTF-8 (with or without BOM); name the line of the first bad byte."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error_cls(
            f"{filename}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
            "save the file as UTF-8"
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise error_cls(f"{filename}:{line}: contains a NUL byte; this is not a text file")
    return text


def parse_yaml(
    text: str, filename: str, error_cls: type[CoachmentorError] = CoachmentorError
) -> YamlDocument:
    """Parse one YAML document into plain Python data plus line information."""
    import yaml

    if len(text) > MAX_YAML_BYTES:
        raise error_cls(
            f"{filename}: file is too large ({len(text)} characters; at most {MAX_YAML_BYTES})"
        )
    if sum(map(text.count, _NESTING_CHARS)) > _SAFE_NESTING:
        _scan(text, filename, error_cls)
    loader = _loader_class()(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as exc:
            raise _syntax_error(exc, text, filename, error_cls) from None
        doc = YamlDocument(data=None)
        if node is None:
            return doc
        builder = _Builder(loader, doc, filename, error_cls, text)
        doc.data = builder.build(node, ())
        return doc
    finally:
        loader.dispose()


def _syntax_error(exc: Exception, text: str, filename: str, error_cls: type[CoachmentorError],
                  ) -> CoachmentorError:
    import yaml

    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        if "nest" in problem.lower():
            # Newer libyaml refuses deep nesting itself (while looking ahead, before our own
            # event walk reaches MAX_DEPTH); say it in our words, whatever the library's are.
            return error_cls(f"{filename}:{line}: {_TOO_DEEP}")
        return error_cls(f"{filename}:{line}: YAML syntax error: {problem}")
    if isinstance(exc, yaml.reader.ReaderError):  # a control character; position in UTF-8 bytes
        line = text.encode("utf-8", "surrogatepass")[: exc.position].count(b"\n") + 1
        return error_cls(f"{filename}:{line}: {exc.reason} (character #x{exc.character:04x})")
    return error_cls(f"{filename}: YAML error: {str(exc).splitlines()[0]}")


def _scan(text: str, filename: str, error_cls: type[CoachmentorError]) -> None:
    """Walk the parser's events: refuse an alias or too deep nesting, naming its line."""
    import yaml

    loader = _loader_class()(text)
    depth = 0
    try:
        while True:
            try:
                event = loader.get_event()
            except yaml.YAMLError as exc:
                raise _syntax_error(exc, text, filename, error_cls) from None
            if event is None:
                return
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent):
                raise error_cls(f"{filename}:{line}: {_ALIAS_MESSAGE}")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise error_cls(
                        f"{filename}:{line}: {_TOO_DEEP}"
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    finally:
        loader.dispose()


def dotted(path: Path_) -> str:
    """`questions[0].id`, or '' at the top level."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _dotted(path: Path_) -> str:
    """`questions[0].id: ` to start a message, or nothing at the top level."""
    text = dotted(path)
    return f"{text}: " if text else ""


class _Builder:
    def __init__(self, loader: Any, doc: YamlDocument, filename: str,
                 error_cls: type[CoachmentorError], text: str) -> None:
        self.loader = loader
        self.text = text
        self.doc = doc
        self.filename = filename
        self.error_cls = error_cls
        self.seen: set[int] = set()
        self.count = 0

    def fail(self, node: Any, message: str) -> NoReturn:
        raise self.error_cls(f"{self.filename}:{node.start_mark.line + 1}: {message}")

    def build(self, node: Any, path: Path_) -> Any:
        import yaml

        # The composer hands back the *same* node object for every alias of an anchor;
        # seeing a node twice means an alias, which we refuse (alias bombs, and confusion).
        if id(node) in self.seen:
            _scan(self.text, self.filename, self.error_cls)  # names the line of the alias
            self.fail(node, _ALIAS_MESSAGE)
        self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_NODES:
            self.fail(node, f"too many values (more than {MAX_NODES})")
        self.doc.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.CollectionNode) and len(path) >= MAX_DEPTH:
            self.fail(node, _TOO_DEEP)
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":  # !!python/object:..., !!set, !!omap, !custom
                self.fail(node, f"unsupported YAML tag {_shown_tag(node.tag)}")
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.fail(key_node, "a mapping key must be plain text")
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.fail(key_node, "YAML merge keys (<<) are not allowed")
                if key_node.tag not in _PLAIN_TAGS:
                    self.fail(key_node, f"unsupported YAML tag {_shown_tag(key_node.tag)}")
                key = key_node.value
                if key in result:
                    first = self.doc.key_lines.get(path + (key,), "?")
                    self.fail(
                        key_node,
                        f"duplicate key '{key}' (first given on line {first}); "
                        "YAML would silently keep only the last one",
                    )
                self.doc.key_lines[path + (key,)] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self.fail(node, f"unsupported YAML tag {_shown_tag(node.tag)}")
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def scalar(self, node: Any, path: Path_ = ()) -> Any:
        tag = node.tag
        value = node.value
        if tag in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            self.doc.texts[path] = value
        if tag == "tag:yaml.org,2002:bool":
            if value.lower() in _YAML11_BOOL_WORDS:
                # YAML 1.1 would make this a boolean; we keep the word, and remember it.
                self.doc.yaml11_booleans.append((node.start_mark.line + 1, value))
                return value
            if value.lower() not in ("true", "false"):  # only an explicit !!bool gets here
                self.fail(node, f"{_dotted(path)}not a valid boolean (true or false)")
            return value.lower() == "true"
        if tag == "tag:yaml.org,2002:str":
            return value
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            if len(value) > MAX_NUMBER_CHARS:
                # No setting needs such a number; converting one can be slow (1:1:1:... is
                # base 60) or fail (more than 4300 digits). Keep the text: validation decides.
                return value
            try:
                return self.loader.construct_object(node, deep=True)
            except (ValueError, IndexError, OverflowError):  # e.g. `!!int ten`
                kind = "an integer" if tag.endswith("int") else "a number"
                self.fail(node, f"{_dotted(path)}not {kind}")
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:timestamp":
            return value  # dates stay text ("2026-11-23"); we never need datetime objects
        self.fail(node, f"unsupported YAML tag {_shown_tag(tag)}")
