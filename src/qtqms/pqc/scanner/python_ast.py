"""Python crypto use read through the syntax tree: imports and aliases resolved, simple constants followed."""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from qtqms.pqc.scanner.algorithms import (
    MODES,
    Algorithm,
    AssetType,
    Confidence,
    Finding,
    Primitive,
    classify,
    hash_name,
    unknown,
)
from qtqms.pqc.scanner.names import parse_jose, parse_name
from qtqms.pqc.scanner.python_statements import Statements, Unsplittable
from qtqms.pqc.scanner.suites import cipher_list, tls_group

RULES_FILE = Path(__file__).with_name("rules") / "python.toml"
_MAX_DEPTH = 6
_KEY_SOURCES = {
    "os.urandom": ("n", 0, 8),
    "secrets.token_bytes": ("nbytes", 0, 8),
    "Crypto.Random.get_random_bytes": ("n", 0, 8),
}
_KEY_GENERATORS = ("AESGCM.generate_key", "AESCCM.generate_key", "AESOCB3.generate_key", "AESSIV.generate_key")
_METHOD_PRIMITIVE = {
    "sign": Primitive.SIGNATURE,
    "verify": Primitive.SIGNATURE,
    "encrypt": Primitive.PKE,
    "decrypt": Primitive.PKE,
    "exchange": Primitive.KEY_AGREE,
    "encapsulate": Primitive.KEM,
    "decapsulate": Primitive.KEM,
}


@dataclass(frozen=True)
class Spec:
    """One API entry of rules/python.toml."""

    names: tuple[str, ...]
    raw: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)


@dataclass
class PythonRules:
    anchors: tuple[str, ...]
    calls: dict[str, Spec] = field(default_factory=dict)
    call_patterns: list[tuple[re.Pattern[str], Spec]] = field(default_factory=list)
    attributes: dict[str, Spec] = field(default_factory=dict)
    attribute_patterns: list[tuple[re.Pattern[str], Spec]] = field(default_factory=list)
    methods: dict[str, Spec] = field(default_factory=dict)
    modules: set[str] = field(default_factory=set)  # top-level modules the call and attribute names are in

    @cached_property
    def crypto_import(self) -> re.Pattern[str]:
        """An import of a module the rules know (`from cryptography.hazmat...`, `import os, hashlib as h`).
        Without one no name in the file resolves to a crypto API, so there is nothing to parse."""
        modules = "|".join(map(re.escape, sorted(self.modules | {"Cryptodome"})))
        listed = r"(?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*"
        return re.compile(rf"(?:from[ \t]+|import[ \t]+{listed})(?:{modules})(?![\w])")

    @cached_property
    def method_call(self) -> re.Pattern[str]:
        """A call of a method a rule reads (`.sign(`, `.set_ciphers(`), whatever the receiver."""
        return re.compile(rf"\.[\s\\]*(?:{'|'.join(map(re.escape, sorted(self.methods)))})\b")

    def call(self, qualified: str) -> tuple[Spec, str] | None:
        return _lookup(qualified, self.calls, self.call_patterns)

    def attribute(self, qualified: str) -> tuple[Spec, str] | None:
        return _lookup(qualified, self.attributes, self.attribute_patterns)


def _lookup(
    qualified: str, exact: dict[str, Spec], patterns: list[tuple[re.Pattern[str], Spec]]
) -> tuple[Spec, str] | None:
    if qualified in exact:
        return exact[qualified], ""
    for pattern, spec in patterns:
        match = pattern.fullmatch(qualified)
        if match:
            return spec, match.group(1)
    return None


def load_rules(path: Path = RULES_FILE) -> PythonRules:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rules = PythonRules(anchors=tuple(data["anchors"]))
    for kind, exact, patterns in (
        ("call", rules.calls, rules.call_patterns),
        ("attribute", rules.attributes, rules.attribute_patterns),
    ):
        for entry in data.get(kind, []):
            spec = Spec(tuple(entry["names"]), entry)
            rules.modules.update(name.split(".", 1)[0] for name in spec.names)
            for name in spec.names:
                if "*" in name:
                    patterns.append((re.compile(re.escape(name).replace(r"\*", r"([A-Za-z0-9_]+)")), spec))
                else:
                    exact[name] = spec
    for entry in data.get("method", []):
        for method in entry["methods"]:
            rules.methods[method] = Spec(tuple(entry["receivers"]), entry)
    return rules


@dataclass(frozen=True)
class _Ref:
    """A resolved reference to an imported name that was not called (`hashlib.sha256`, `AES.MODE_GCM`)."""

    qualified: str

    @property
    def last(self) -> str:
        return self.qualified.rsplit(".", 1)[-1]


# Source characters parsed into syntax trees at a time. A tree takes about a hundred bytes of memory per
# character of source (a 4 MB module parses into 400 MB): larger files are analysed a batch of statements at a
# time, and a single statement (or an unsplittable file) larger than this is not analysed but reported.
MAX_PARSE_CHARS = 256 * 1024


def analyse(
    text: str, path: str, rules: PythonRules, unanalysed: list[int] | None = None, budget: int = MAX_PARSE_CHARS
) -> list[Finding] | None:
    """Findings in one Python source; None when it does not parse (the caller reports it). The first lines
    of statements too large to parse within `budget` are added to `unanalysed`.

    Only the statements that can matter are parsed (`_analyse_relevant`); when one of them does not parse on
    its own, or line breaks are lone carriage returns (line numbers would differ), the whole file is parsed.
    """
    if not rules.crypto_import.search(text):
        return []
    skipped = unanalysed if unanalysed is not None else []
    if text.count("\r") == text.count("\r\n"):
        try:
            return _analyse_relevant(text, path, rules, budget, skipped)
        except Unsplittable:
            pass
    if len(text) > budget:
        skipped.append(1)
        return []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return None
    return _Module(tree, text, path, rules).findings()


# The tail of `NAME = …`, `NAME: T = …`, `(NAME) = …` (and of some things that assign nothing, which is harmless).
_ASSIGNMENT_TAIL = re.compile(r"(?:[\s)\\]|#[^\n]*)*(?::|=(?!=))")


def _analyse_relevant(text: str, path: str, rules: PythonRules, budget: int, skipped: list[int]) -> list[Finding]:
    """The findings of the whole module, from the top-level statements that can hold or feed them.

    Those are: every statement with an import (aliases are file-wide); every statement naming an alias of
    a module the rules know, or calling a method they read (`.sign(`, `.set_ciphers(`); and every statement
    that may assign a name that the others look up at module level (`KEY_BITS = 2048`), until none is new.
    Statements are parsed in file order into one module, so what the analysis sees of them is unchanged.
    """
    statements = Statements(text)
    # Aliases are file-wide: every top-level import statement, and every statement (a def, a class, a try)
    # that holds an import of a crypto module. A def or class whose imports are all of other modules is not
    # parsed for them: that is most of the work in a large module that merely imports `ssl` somewhere.
    imports = {statements.at(match.start()) for match in rules.crypto_import.finditer(text)}
    imports |= {
        start
        for start in _holding(statements, ["import"], after_dot=True)
        if text.startswith(("import", "from"), start)
    }
    body = [node for start in sorted(imports) for node in statements.parse(start)]
    indexed, _ = _breadth_first(ast.Module(body=body, type_ignores=[]), {})
    aliases = {
        name
        for node in indexed
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name, target in _bound_by(node)
        if target.split(".", 1)[0] in rules.modules
    }
    chosen = _holding(statements, aliases)
    chosen |= {statements.at(match.start()) for match in rules.method_call.finditer(text)}
    chosen -= imports
    findings: dict[tuple[int, int, str], Finding] = {}
    for batch in _batches(statements, sorted(chosen), budget - sum(map(statements.size, imports)), skipped):
        for finding in _analyse_statements(statements, imports | batch, path, rules):
            findings.setdefault((finding.line, finding.column, finding.label), finding)
        statements.forget(set(batch) - imports)
    return sorted(findings.values(), key=lambda f: (f.line, f.column))


def _batches(statements: Statements, starts: list[int], budget: int, skipped: list[int]) -> Iterator[set[int]]:
    """The statements in file order, in groups of at most `budget` characters; one larger than that alone
    is left out and its line noted in `skipped`. A file with no statement to read still gives its imports
    one pass (an import line can hold a use: `import hashlib; hashlib.md5()`)."""
    batch: set[int] = set()
    size = 0
    for start in starts:
        length = statements.size(start)
        if length > budget:
            skipped.append(statements.line(start))
            continue
        if batch and size + length > budget:
            yield batch
            batch, size = set(), 0
        batch.add(start)
        size += length
    yield batch


def _analyse_statements(statements: Statements, chosen: set[int], path: str, rules: PythonRules) -> list[Finding]:
    """Findings of these statements, with every statement that may assign a name they look up at module level
    (`KEY_BITS = 2048`) added until none is new."""
    searched: set[str] = set()
    chosen = set(chosen)
    while True:
        body = [node for start in sorted(chosen) for node in statements.parse(start)]
        module = _Module(ast.Module(body=body, type_ignores=[]), statements.text, path, rules)
        findings = module.findings()
        assigners = _holding(statements, module.module_lookups - searched, tail=_ASSIGNMENT_TAIL) - chosen
        searched |= module.module_lookups
        if not assigners:
            return findings
        chosen |= assigners


def _holding(
    statements: Statements, names: Iterable[str], after_dot: bool = False, tail: re.Pattern[str] | None = None
) -> set[int]:
    """Starts of the statements where one of `names` occurs as a whole name (not as `x.name` unless
    `after_dot`), followed by `tail` if given. One search per name that begins with the name itself, so that
    `re` uses its fast literal search; the character before is checked here (an assertion in front of the
    name makes `re` try every position: thirty times slower on a 70 KB file)."""
    text = statements.text
    found = set()
    for name in names:
        for match in re.finditer(rf"{re.escape(name)}(?!\w){tail.pattern if tail else ''}", text):
            before = text[match.start() - 1] if match.start() else " "
            if not _identifier_char(before) and (after_dot or before != "."):
                found.add(statements.at(match.start()))
    return found


def _identifier_char(char: str) -> bool:
    return char.isalnum() or char == "_"


class _Module:
    def __init__(self, tree: ast.Module, text: str, path: str, rules: PythonRules) -> None:
        self.tree = tree
        self.text = text
        self.path = path
        self.rules = rules
        self.aliases: dict[str, str] = {}
        self.parents: dict[int, ast.AST] = {}
        self.assignments: dict[int, dict[str, list[tuple[int, ast.expr]]]] = {}
        self.consumed: set[int] = set()
        self.module_lookups: set[str] = set()  # names whose value was looked for among module-level assignments
        self._index()

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    # ---- indexing: imports, parents, assignments per scope ----
    def _index(self) -> None:
        indexed, self.searched = _breadth_first(self.tree, self.parents)
        for node in indexed:
            if isinstance(node, ast.Import | ast.ImportFrom):
                self.aliases.update(_bound_by(node))
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self._assign(node, target.id, node.value)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self._assign_defaults(node)

    def _assign(self, node: ast.AST, name: str, value: ast.expr, scope: ast.AST | None = None) -> None:
        scope = scope or self._scope(node)
        self.assignments.setdefault(id(scope), {}).setdefault(name, []).append((node.lineno, value))

    def _assign_defaults(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        positional = [*func.args.posonlyargs, *func.args.args]
        for arg, default in zip(
            positional[len(positional) - len(func.args.defaults) :], func.args.defaults, strict=True
        ):
            self._assign(func, arg.arg, default, scope=func)
        for arg, kw_default in zip(func.args.kwonlyargs, func.args.kw_defaults, strict=True):
            if kw_default is not None:
                self._assign(func, arg.arg, kw_default, scope=func)

    def _scope(self, node: ast.AST) -> ast.AST:
        current = self.parents.get(id(node))
        while current is not None:
            if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                return current
            current = self.parents.get(id(current))
        return self.tree

    # ---- resolution ----
    def qualified(self, node: ast.expr) -> str | None:
        """Dotted name of an imported module member, through aliases (`h.sha256` → `hashlib.sha256`)."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def value(self, node: ast.expr | None, depth: int = 0) -> Any:
        """What an expression evaluates to as far as a reader of this function can tell without running it:
        a constant, a list of constants, a Call node, a _Ref, or None."""
        if node is None or depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return [self.value(element, depth + 1) for element in node.elts]
        if isinstance(node, ast.Dict):
            return {
                key.value: value
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            }
        if isinstance(node, ast.Call):
            return node
        if isinstance(node, ast.BinOp):
            return _arithmetic(node.op, self.value(node.left, depth + 1), self.value(node.right, depth + 1))
        qualified = self.qualified(node)
        if qualified:
            return _Ref(qualified)
        if isinstance(node, ast.Name):
            assigned = self._assigned(node)
            return self.value(assigned, depth + 1) if assigned is not None else None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}:
            return self.value(self._class_attribute(node), depth + 1)
        return None

    def _class_attribute(self, node: ast.Attribute) -> ast.expr | None:
        """`self.KEY_BITS` inside a method: the value the enclosing class body assigns to KEY_BITS."""
        current = self.parents.get(id(node))
        while current is not None and not isinstance(current, ast.ClassDef):
            current = self.parents.get(id(current))
        if current is None:
            return None
        for statement in current.body:
            if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                if any(isinstance(t, ast.Name) and t.id == node.attr for t in targets):
                    return statement.value
        return None

    def _assigned(self, name: ast.Name) -> ast.expr | None:
        scope: ast.AST | None = self._scope(name)
        while scope is not None:
            if scope is self.tree:
                self.module_lookups.add(name.id)
            entries = self.assignments.get(id(scope), {}).get(name.id, [])
            before = [value for line, value in entries if line <= name.lineno]
            if before or entries:
                return (before or entries)[-1]
            scope = None if scope is self.tree else self._scope(scope)
        return None

    def call_spec(self, call: ast.Call) -> tuple[Spec, str] | None:
        qualified = self.qualified(call.func)
        return self.rules.call(qualified) if qualified else None

    # ---- findings ----
    def findings(self) -> list[Finding]:
        candidates: list[tuple[ast.AST, Algorithm, AssetType, Confidence]] = []
        for node in self.searched:
            if isinstance(node, ast.Call):
                if not self._in_table(node):
                    candidates.extend(self._from_call(node))
            elif isinstance(node, ast.Attribute | ast.Name) and not self._is_called(node):
                found = list(self._from_reference(node))
                if found and not self._only_referred_to(node):  # asked only of the few that name an algorithm
                    candidates.extend(found)
        seen: set[tuple[int, str]] = set()
        out = []
        for node, algorithm, asset, confidence in sorted(candidates, key=lambda c: (c[0].lineno, c[0].col_offset)):
            if id(node) in self.consumed:
                continue
            finding = self._finding(node, algorithm, asset, confidence)
            if (finding.line, finding.label) not in seen:
                seen.add((finding.line, finding.label))
                out.append(finding)
        return out

    def _finding(self, node: ast.AST, algorithm: Algorithm, asset: AssetType, confidence: Confidence) -> Finding:
        line = node.lineno
        evidence = self.lines[line - 1].strip()[:160] if line <= len(self.lines) else ""
        return Finding(
            asset_type=asset,
            algorithm=algorithm,
            path=self.path,
            line=line,
            column=node.col_offset + 1,
            evidence=evidence,
            confidence=confidence,
            rule_id="python.ast",
            language="python",
        )

    def _is_called(self, node: ast.AST) -> bool:
        parent = self.parents.get(id(node))
        if isinstance(parent, ast.Call) and parent.func is node:
            return True
        return isinstance(parent, ast.Attribute)  # only the outermost attribute of a chain counts

    def _from_reference(self, node: ast.Attribute | ast.Name) -> Iterator[tuple]:
        qualified = self.qualified(node)
        if not qualified:
            return
        attribute = self.rules.attribute(qualified)
        if attribute:
            spec, wildcard = attribute
            algorithm = _attribute_algorithm(spec, wildcard)
            if algorithm:
                yield node, algorithm, _asset(spec), Confidence.HIGH
            return
        called = self.rules.call(qualified)
        if called and _is_algorithm_reference(called[0]) and not self._in_annotation(node):
            for algorithm, _ in self._spec_algorithms(called[0], called[1], None):
                yield node, algorithm, _asset(called[0]), Confidence.MEDIUM

    def _container_context(self, node: ast.AST) -> tuple[bool, ast.AST, ast.AST | None]:
        """Whether `node` stands in a collection literal, the outermost such literal (or the node), and what
        holds that."""
        child, parent = node, self.parents.get(id(node))
        in_collection = False
        while isinstance(parent, ast.Tuple | ast.List | ast.Set | ast.Dict | ast.Starred):
            in_collection = True
            child, parent = parent, self.parents.get(id(parent))
        return in_collection, child, parent

    def _in_table(self, node: ast.Call) -> bool:
        """A call without arguments in a mapping literal (`{"sha256": hashes.SHA256()}`) is a table entry, not a
        use: the use is where the table is read. A call with arguments there (`{"sig": key.sign(data, ...)}`)
        does the work."""
        if node.args or node.keywords:
            return False
        parent = self.parents.get(id(node))
        while isinstance(parent, ast.Tuple | ast.List | ast.Set | ast.Starred):
            parent = self.parents.get(id(parent))
        return isinstance(parent, ast.Dict) or _fills_a_table(parent)

    def _only_referred_to(self, node: ast.AST) -> bool:
        """A name that is checked against (`isinstance(k, rsa.RSAPublicKey)`, `alg is hashes.SHA1`, `except`),
        listed (`ALLOWED = (hashes.SHA256, hashes.SHA384)`), tabled or annotated refers to an algorithm without
        using it. Passing it to a call (`digestmod=hashlib.sha256`) or binding it to a name is a use."""
        in_collection, child, parent = self._container_context(node)
        if in_collection or isinstance(parent, ast.Compare | ast.ExceptHandler) or _fills_a_table(parent):
            return True
        if isinstance(parent, ast.Subscript) and child is parent.slice:  # a key to look up, `table[ssl.PROTOCOL_TLS]`
            return True
        if isinstance(parent, ast.Call) and child is not parent.func:
            called = parent.func
            return isinstance(called, ast.Name) and called.id in {"isinstance", "issubclass"}
        return self._in_annotation(node)

    def _in_annotation(self, node: ast.AST) -> bool:
        """Type annotations name classes; they do not use cryptography."""
        child, parent = node, self.parents.get(id(node))
        while parent is not None and not isinstance(parent, ast.stmt | ast.arg):
            child, parent = parent, self.parents.get(id(parent))
        if isinstance(parent, ast.arg | ast.AnnAssign):
            return child is parent.annotation
        return isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef) and child is parent.returns

    def _from_call(self, call: ast.Call) -> Iterator[tuple]:
        found = self.call_spec(call)
        if found:
            spec, wildcard = found
            for algorithm, resolved in self._spec_algorithms(spec, wildcard, call):
                yield call, algorithm, _asset(spec), Confidence.HIGH if resolved else Confidence.MEDIUM
            return
        if isinstance(call.func, ast.Attribute) and call.func.attr in self.rules.methods:
            yield from self._from_method(call, self.rules.methods[call.func.attr])

    def _spec_algorithms(self, spec: Spec, wildcard: str, call: ast.Call | None) -> list[tuple[Algorithm, bool]]:
        """The algorithms a spec'd call stands for, each with whether every parameter asked for was resolved."""
        if spec.get("emits"):
            return [(a, True) for a in map(parse_name, spec.get("emits")) if a]
        if spec.get("jwk") and call is not None:
            return self._jwk(call)
        if spec.get("header_arg") and call is not None:
            header = self.value(_argument(call, spec.get("header_arg")))
            return [(a, True) for a in _header_algorithms(header)]
        if spec.get("combine") and call is not None:
            return self._combined(spec, call)
        if spec.get("protocol_arg") and call is not None:
            specific = self._protocol_version(_argument(call, spec.get("protocol_arg")))
            if specific:
                return [(specific, True)]
        names = self._names(spec, wildcard, call)
        if names is not None:
            return [self._refine(spec, base, call) for base in names if base]
        return [self._refine(spec, classify(spec.get("family", "unknown")), call)]

    def _names(self, spec: Spec, wildcard: str, call: ast.Call | None) -> list[Algorithm | None] | None:
        parse = parse_jose if spec.get("names_kind") == "jose" else parse_name
        if spec.get("name"):
            return [parse(spec.get("name").replace("{1}", wildcard))]
        where = spec.get("name_args") or ([spec.get("name_arg")] if spec.get("name_arg") else None)
        if not where:
            return None
        nodes = [_argument(call, place) for place in where] if call else []
        texts = []
        for node in nodes:
            if node is not None:
                self._consume(node)
            values = self.value(node)
            texts += [v for v in (values if isinstance(values, list) else [values]) if v is not None]
        texts = [v.last if isinstance(v, _Ref) else v for v in texts]
        node = next((n for n in nodes if n is not None), None)
        if not texts and node is None and spec.get("name_default"):
            texts = [spec.get("name_default")]
        if not texts or not all(isinstance(t, str) for t in texts):
            return [unknown("unknown")]
        return [parse(t) for t in texts]

    def _refine(self, spec: Spec, base: Algorithm, call: ast.Call | None) -> tuple[Algorithm, bool]:
        """Apply the parameter, key size, mode, hash and key origin a spec asks for."""
        resolved = True
        family, param, mode = base.family, base.parameter, base.mode
        primitive = _primitive(spec.get("primitive")) or (base.primitive if base.known else None)
        padding = spec.get("padding") or base.padding
        param = spec.get("param_value", param)
        for key, reader in (("param", self._param), ("key", self._key_bits), ("hash", self._hash)):
            if spec.get(key) and call is not None:
                value = reader(_argument(call, spec.get(key)), spec)
                param, resolved = (value, resolved) if value is not None else (param, False)
        if spec.get("param") and param is None:
            param = spec.get("param_default")
        family = spec.get("param_family", {}).get(param, family)
        mode = spec.get("mode_value", mode)
        if spec.get("mode") and call is not None:
            mode = self._mode(_argument(call, spec.get("mode")), spec.get("mode_map")) or mode
        if spec.get("key_arg") and call is not None:
            origin = self.key_origin(_argument(call, spec.get("key_arg")))
            if origin:
                family = spec.get("family_from_key", {}).get(origin.family, family)
                param = origin.parameter
            else:
                resolved = False
        algorithm = classify(family, param, mode=mode, padding=padding, primitive=primitive)
        if not algorithm.known and base.known:
            return base, resolved
        return algorithm, resolved

    def _param(self, node: ast.expr | None, spec: Spec) -> str | None:
        value = self.value(node)
        if isinstance(value, ast.Call):
            qualified = self.qualified(value.func)
            value = qualified.rsplit(".", 1)[-1] if qualified else None
        elif isinstance(value, _Ref):
            value = value.last
        if isinstance(value, bool) or value is None:
            return None
        text = str(value)
        return spec.get("param_map", {}).get(text, text)

    def _key_bits(self, node: ast.expr | None, _spec: Spec) -> str | None:
        value = self.value(node)
        if isinstance(value, bytes):
            return str(len(value) * 8)
        if isinstance(value, ast.Call):
            qualified = self.qualified(value.func) or ""
            source = _KEY_SOURCES.get(qualified)
            if source:
                count = self.value(_argument(value, list(source[:2])))
                return str(count * source[2]) if isinstance(count, int) else None
            if qualified.endswith(_KEY_GENERATORS):
                bits = self.value(_argument(value, ["bit_length", 0]))
                return str(bits) if isinstance(bits, int) else None
        return None

    def _hash(self, node: ast.expr | None, spec: Spec) -> str | None:
        if node is None:
            return spec.get("hash_default")
        self._consume(node)
        value = self.value(node)
        if isinstance(value, ast.Call):
            qualified = self.qualified(value.func) or ""
            parts = qualified.split(".")
            value = parts[-2] if parts[-1] == "new" and len(parts) > 1 else parts[-1]
        elif isinstance(value, _Ref):
            value = value.last
        return hash_name(value) if isinstance(value, str) else None

    def _mode(self, node: ast.expr | None, numbered: dict[str, str] | None = None) -> str | None:
        value = self.value(node)
        if isinstance(value, int) and numbered:
            return numbered.get(str(value))
        if isinstance(value, ast.Call):
            value = (self.qualified(value.func) or "").rsplit(".", 1)[-1]
        elif isinstance(value, _Ref):
            value = value.last
        if not isinstance(value, str):
            return None
        mode = value.lower().removeprefix("mode_")
        if mode in {"kw", "kwp"}:  # PyCryptodome's key wrap modes (RFC 3394, RFC 5649)
            return "wrap"
        return mode if mode in MODES or mode in {"siv", "ocb", "eax", "xts"} else None

    def _protocol_version(self, node: ast.expr | None) -> Algorithm | None:
        """The protocol a constant argument names (`ssl.SSLContext(ssl.PROTOCOL_TLSv1)` is TLS 1.0)."""
        value = self.value(node)
        attribute = self.rules.attribute(value.qualified) if isinstance(value, _Ref) else None
        algorithm = _attribute_algorithm(*attribute) if attribute else None
        if algorithm is not None and node is not None:
            self._consume(node)
        return algorithm

    def _combined(self, spec: Spec, call: ast.Call) -> list[tuple[Algorithm, bool]]:
        """A construction whose algorithm is another spec'd call (`Cipher(algorithms.AES(key), modes.GCM(iv))`)."""
        inner_node = _argument(call, spec.get("combine"))
        inner = self.value(inner_node)
        if not isinstance(inner, ast.Call) or not self.call_spec(inner):
            return []
        if inner_node is inner:
            self._consume(inner)
        inner_spec, wildcard = self.call_spec(inner)  # type: ignore[misc]
        results = []
        for algorithm, resolved in self._spec_algorithms(inner_spec, wildcard, inner):
            mode = self._mode(_argument(call, spec.get("mode")))
            results.append((classify(algorithm.family, algorithm.parameter, mode=mode), resolved and bool(mode)))
        return results

    def key_origin(self, node: ast.expr | None, depth: int = 0) -> Algorithm | None:
        """The algorithm of the key object an expression holds, when a tracked constructor made it."""
        value = self.value(node)
        if not isinstance(value, ast.Call) or depth > _MAX_DEPTH:
            return None
        found = self.call_spec(value)
        if found and found[0].get("track") and _asset(found[0]) is AssetType.ALGORITHM:
            algorithms = self._spec_algorithms(found[0], found[1], value)
            return algorithms[0][0] if algorithms else None
        if isinstance(value.func, ast.Attribute) and value.func.attr in {"public_key", "private_key"}:
            return self.key_origin(value.func.value, depth + 1)
        return None

    def _from_method(self, call: ast.Call, spec: Spec) -> Iterator[tuple]:
        receiver = call.func.value  # type: ignore[union-attr]
        kind = spec.get("kind")
        if kind == "key-use":
            yield from self._key_use(call, receiver)
            return
        if kind == "pkey-generate":
            yield from self._pkey_generate(call, spec)
            return
        if kind == "jose-alg":
            named = self.value(_argument(call, spec.get("arg")))
            header = self.value(_argument(call, spec.get("header")))
            if isinstance(header, ast.Call) and header.args:  # json_encode({"alg": ...})
                header = self.value(header.args[0])
            algorithms = [parse_jose(named)] if isinstance(named, str) else _header_algorithms(header)
            for algorithm in algorithms:
                if algorithm:
                    yield call, algorithm, AssetType.ALGORITHM, Confidence.HIGH
            return
        text = self.value(_argument(call, spec.get("arg")))
        if isinstance(text, bytes):  # pyOpenSSL takes its cipher list as bytes
            text = text.decode("ascii", errors="replace")
        if not isinstance(text, str):
            return
        if kind == "cipher-list":
            for _offset, algorithm in cipher_list(text):
                yield call, algorithm, AssetType.ALGORITHM, Confidence.HIGH
        elif kind == "tls-group":
            group = tls_group(text)
            if group:
                yield call, group, AssetType.ALGORITHM, Confidence.HIGH

    def _key_use(self, call: ast.Call, receiver: ast.expr) -> Iterator[tuple]:
        origin = self.key_origin(receiver)
        if origin is None:
            return
        family, padding = origin.family, origin.padding
        for argument in call.args:
            value = self.value(argument)  # the scheme object may be built first and passed by name
            found = self.call_spec(value) if isinstance(value, ast.Call) else None
            if found and found[0].get("scheme"):
                self._consume(value)
                family = _scheme_family(found[0].get("family"), family)
                padding = found[0].get("padding", padding)
        primitive = _METHOD_PRIMITIVE[call.func.attr]  # type: ignore[union-attr]
        algorithm = classify(family, origin.parameter, padding=padding, primitive=primitive)
        yield call, algorithm, AssetType.ALGORITHM, Confidence.HIGH

    def _pkey_generate(self, call: ast.Call, spec: Spec) -> Iterator[tuple]:
        """pyOpenSSL's `PKey().generate_key(crypto.TYPE_RSA, 2048)`: the type constant names the algorithm."""
        kind = self.value(_argument(call, spec.get("arg")))
        if not isinstance(kind, _Ref) or kind.last not in spec.get("types", {}):
            return
        bits = self.value(_argument(call, spec.get("bits")))
        size = bits if isinstance(bits, int) and not isinstance(bits, bool) else None
        yield call, classify(spec.get("types")[kind.last], size), AssetType.ALGORITHM, Confidence.HIGH

    def _jwk(self, call: ast.Call) -> list[tuple[Algorithm, bool]]:
        """jwcrypto's `JWK.generate(kty="EC", crv="P-256")`: the key type and its size or curve."""
        options = {kw.arg: self.value(kw.value) for kw in call.keywords if kw.arg}
        kty, size, curve = options.get("kty"), options.get("size"), options.get("crv")
        if not isinstance(kty, str):
            return [(unknown("unknown"), False)]
        if kty == "RSA":
            return [(classify("RSA", size if isinstance(size, int) else None), isinstance(size, int))]
        if kty in {"EC", "OKP"} and isinstance(curve, str):
            named = parse_name(curve) if kty == "OKP" else classify("EC", curve)
            return [(named, True)] if named else []
        if kty == "oct":
            return [(classify("HMAC"), True)]
        return [(unknown("unknown"), False)]

    def _consume(self, node: ast.AST) -> None:
        self.consumed.add(id(node))


_INDEXED = frozenset({ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.FunctionDef, ast.AsyncFunctionDef})
_SEARCHED = frozenset({ast.Call, ast.Attribute, ast.Name})


def _breadth_first(tree: ast.AST, parents: dict[int, ast.AST]) -> tuple[list[ast.AST], list[ast.AST]]:
    """The nodes that bind names and the nodes that may use crypto, each in `ast.walk` order (which decides
    which of two imports of a name wins), noting every node's parent. Three to four times faster than
    `ast.walk` with `ast.iter_child_nodes` and `isinstance` on every node; load/store markers are left out."""
    indexed: list[ast.AST] = []
    searched: list[ast.AST] = []
    queue = [tree]
    for node in queue:  # grows while it is read
        kind = type(node)
        if kind in _SEARCHED:
            searched.append(node)
        elif kind in _INDEXED:
            indexed.append(node)
        for name in node._fields:
            if name == "ctx":
                continue
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        parents[id(item)] = node
                        queue.append(item)
            elif isinstance(value, ast.AST):
                parents[id(value)] = node
                queue.append(value)
    return indexed, searched


def _bound_by(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str]]:
    """(name, qualified module or member) for each name an import binds."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                yield alias.asname, _canonical_module(alias.name)
            else:
                top = alias.name.split(".", 1)[0]
                yield top, _canonical_module(top)
    elif node.module and not node.level:
        for alias in node.names:
            if alias.name != "*":
                yield alias.asname or alias.name, _canonical_module(f"{node.module}.{alias.name}")


def _fills_a_table(node: ast.AST | None) -> bool:
    """`versions[ssl.PROTOCOL_TLSv1_2] = SSL.TLSv1_2_METHOD`: an entry of a mapping, filled one key at a time."""
    return isinstance(node, ast.Assign) and all(isinstance(target, ast.Subscript) for target in node.targets)


def _header_algorithms(header: Any) -> list[Algorithm]:
    """The algorithms a JOSE header names: `alg`, and `enc` for an encrypted token."""
    if not isinstance(header, dict):
        return []
    found = []
    for key in ("alg", "enc"):
        value = header.get(key)
        named = value if isinstance(value, ast.Constant) else None
        if named is not None and isinstance(named.value, str):
            algorithm = parse_jose(named.value)
            if algorithm:
                found.append(algorithm)
    return found


def _scheme_family(scheme: str | None, key_family: str) -> str:
    if key_family == "EC" and scheme in {"ECDSA", "ECDH"}:
        return scheme
    return key_family


def _attribute_algorithm(spec: Spec, wildcard: str) -> Algorithm | None:
    if spec.get("names_kind") == "jose":
        return parse_jose(wildcard)
    mapped = spec.get("param_map", {}).get(wildcard)
    if mapped is None:
        return None
    family, _, version = mapped.partition(":")
    return classify(family, version or None)


def _is_algorithm_reference(spec: Spec) -> bool:
    """Whether naming the callable without calling it (`digestmod=hashlib.sha256`) identifies an algorithm."""
    needs_arguments = any(spec.get(k) for k in ("param", "key", "hash", "name_arg", "combine", "key_arg", "mode"))
    return not needs_arguments and not spec.get("track") and _asset(spec) is AssetType.ALGORITHM


def _asset(spec: Spec) -> AssetType:
    return AssetType(spec.get("asset", "algorithm"))


def _primitive(value: str | None) -> Primitive | None:
    return Primitive(value) if value else None


def _argument(call: ast.Call | None, where: list[Any] | None) -> ast.expr | None:
    """The argument given by keyword `where[0]` or at position `where[1]` (-1: keyword only)."""
    if call is None or not where:
        return None
    keyword, position = where
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if 0 <= position < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return call.args[position]
    return None


def _arithmetic(op: ast.operator, left: Any, right: Any) -> Any:
    if isinstance(op, ast.Mult) and isinstance(left, bytes) and isinstance(right, int) and 0 <= right <= 1024:
        return left * right  # `b"k" * 32`: a key of known length
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right)):
        return None
    operations = {ast.Mult: lambda: left * right, ast.Add: lambda: left + right, ast.FloorDiv: lambda: left // right}
    compute = operations.get(type(op))
    return compute() if compute and right != 0 else None


def _canonical_module(name: str) -> str:
    """pycryptodomex (`Cryptodome`) has the same API as pycryptodome (`Crypto`)."""
    return "Crypto" + name[len("Cryptodome") :] if name.split(".", 1)[0] == "Cryptodome" else name
