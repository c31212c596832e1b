#!/usr/bin/env python3
"""Build a small, committable real-data span corpus from crates.io sources.

The text comes from the crate sources cargo unpacks under
`~/.cargo/registry/src/index.crates.io-*/<name>-<version>/`, exactly as they
are in the `.crate` archives on crates.io.  Only crates whose Cargo.toml
`license` is an SPDX expression made of MIT, Apache-2.0, BSD-2-Clause,
BSD-3-Clause, 0BSD, Zlib and Unlicense (joined by OR / AND / "/") and that ship
a licence file are used; each distinct licence file is stored once, verbatim,
as `licenses/<first 12 hex of its sha256>.txt`, and `licenses/INDEX.md` maps
every used crate version (and its SPDX expression and licence file names) to
those texts.

Every answer (`if_ok`) is copied byte for byte from the crate files (tabs,
trailing whitespace, CRLF, missing final newline: nothing is normalised).
Only the lead-in sentences of fenced answers and the requests (`this`) come
from templates.  The five shapes are those of `bench/corpus/real/build.py`:

  raw_diff     a unified diff (`--- a/path` / `+++ b/path`, 3 lines of
               context, `\\ No newline at end of file` where due) of one file
               between two versions of a crate that is in the registry twice;
               every diff is checked by applying it (GNU patch and git apply)
               to a copy of the older file and comparing with the newer one
  fenced_diff  one sentence, then such a diff in a ```diff fence
  whole_file   one sentence + a whole short source file in a labelled fence
  config       Cargo.toml.orig (the manifest as the authors wrote it; cargo
               rewrites Cargo.toml) or a YAML / JSON / TOML file, bare or fenced
  prose        one section (heading + body) of a README / CHANGELOG / docs
               Markdown or reStructuredText file

Standard library only.  Same registry contents + same --seed => same bytes.

    python3 bench/corpus/registry/build.py --seed 7

`--verify` re-reads an existing output and checks every answer against the
registry sources (and re-applies every diff), and checks `licenses/`: every
text linked from INDEX.md exists and its sha256 matches its name.
"""

import argparse
import difflib
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

try:
    import tomllib
except ImportError:  # Python < 3.11: fall back to regular expressions
    tomllib = None

HERE = os.path.dirname(os.path.abspath(__file__))

# bench/corpus/spancorpus.py: the span format, validator and helpers shared with
# bench/corpus/real/build.py.
sys.path.insert(0, os.path.dirname(HERE))
import spancorpus  # noqa: E402
from spancorpus import (  # noqa: E402
    EXCLUDE_COMMON, MAX_LINE, QUALITY, SHAPES, FileKinds, binary_ext_pattern, diff_has, features_of,
    fenced, file_lead_in, h, interleave, is_hard_break, md_headings, pick, rst_headings, sha256, span_stats, unfence,
    write_spans, MD_ATX, RST_UNDER,
)

# --------------------------------------------------------------------------
# Limits and knobs (MAX_LINE, QUALITY and SHAPES come from spancorpus)

MAX_FILE = 6_000            # bytes of a whole file (whole_file / config)
MIN_FILE = 120
MIN_CONFIG = 40
MAX_SECTION = 4_000         # bytes of a prose section
MIN_SECTION = 160
MIN_DIFF_LINES = 5          # lines of diff text (headers included)
MAX_DIFF_LINES = 200
MAX_DIFF = 12_000           # bytes of diff text
MAX_FIXTURE = 20_000        # data files under tests/ larger than this are never used
MAX_CODE_LINE = 400         # a code/config line longer than this looks minified or generated
MAX_PROSE_LINE = 3_000
PER_CRATE = 4               # whole_file + config + prose spans of one crate (all versions)
PER_CRATE_SHAPE = 2         # ... of one shape
PER_CRATE_DIFFS = 10        # raw_diff + fenced_diff spans of one crate (all version pairs)
PER_FILE_SECTIONS = 2       # prose sections taken from one file
# Share of the spans each shape aims for (round-robin by virtual time).
SHAPE_TARGET = {"raw_diff": 0.15, "fenced_diff": 0.15, "whole_file": 0.25, "config": 0.18, "prose": 0.27}
BASE_TIME = datetime(2024, 1, 1, tzinfo=timezone.utc)

ALLOWED_LICENCES = {"MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "0BSD", "Zlib", "Unlicense"}
LICENCE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|UNLICENSE|NOTICE|COPYRIGHT)([-._].*)?$", re.I)

BINARY_EXTS = spancorpus.BINARY_EXTS + ["bin", "wasm", "blb", "fst", "mca", "data", "max", "std", "der",
                                        "pem", "crt", "key", "p12", "pfx"]
EXCLUDE_ALWAYS = EXCLUDE_COMMON + [
    r"(^|/)(LICEN[CS]E|COPYING|UNLICENSE|NOTICE|COPYRIGHT)[^/]*$",
    binary_ext_pattern(BINARY_EXTS),
    # written by cargo when packaging / unpacking, not by the crate's authors
    r"^\.cargo_vcs_info\.json$", r"^Cargo\.toml$", r"^\.cargo-ok$",
    # generated code and tables
    r"(^|/)(gen|generated|_generated|unicode_tables|unicode-tables)/", r"_generated\.rs$",
    r"(^|/)src/(parser\.c|grammar\.json|node-types\.json)$", r"(^|/)src/tree_sitter/",
    r"(^|/)src/schema\.[a-z]+\.c$",    # tree-sitter-yaml's generated schema scanners
    r"\.snap$", r"(^|/)\.git(ignore|attributes|modules|keep)$",
]
EXCLUDE_RE = [re.compile(x) for x in EXCLUDE_ALWAYS]
GENERATED_RE = re.compile(r"DO NOT EDIT|@generated|auto-?generated|automatically generated|generated by|"
                          r"this file is generated|code generated|generated file", re.I)
SECRET_RE = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36}\b|"
    r"\bxox[abprs]-[A-Za-z0-9-]{10,}|\bsk-[A-Za-z0-9]{32,}|\bAIza[0-9A-Za-z_-]{35}\b|"
    r"\b(?:password|passwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token)\s*[:=]\s*[\"'][^\"'\s]{12,}[\"']",
    re.I)

# --------------------------------------------------------------------------
# File kinds (spancorpus's tables plus a few registry extras)

EXT_LANG = {**spancorpus.EXT_LANG,
            ".hxx": "cpp", ".wit": "wit", ".wat": "wat", ".scm": "scheme", ".json5": "json5"}
NAME_LANG = {**spancorpus.NAME_LANG, "cargo.toml.orig": "toml", "justfile": "just"}
CODE = spancorpus.CODE | {"scheme"}
DOCS = spancorpus.DOCS
CONFIG = spancorpus.CONFIG
FENCE_LABEL = {"conf": "conf", "scheme": "scheme"}
# Relative weight of a language when interleaving candidates of a shape (1 if absent).
LANG_WEIGHT = {
    "whole_file": {"rust": 3.0, "c": 1.5, "bash": 0.6, "html": 0.3, "css": 0.3, "scss": 0.3,
                   "scheme": 0.4, "batch": 0.3},
    "config": {"toml": 2.0, "yaml": 1.2, "json": 0.8},
    "raw_diff": {"rust": 2.0, "text": 0.4},
    "fenced_diff": {"rust": 2.0, "text": 0.4},
    "prose": {"markdown": 2.0},
}
TEST_RE = re.compile(r"(^|/)(tests?|testing|testdata|test-data|test_data|fixtures?|ui)/|_tests?\.rs$")
BENCH_RE = re.compile(r"(^|/)benches/")
EXAMPLE_RE = re.compile(r"(^|/)examples?/")


# No dotenv files here; cargo-make's Makefile.toml (and .json / .yml / .yaml) is not a Makefile.
KINDS = FileKinds(EXT_LANG, NAME_LANG, CODE, DOCS, CONFIG, dotenv_names=False,
                  makefile_not_exts=(".toml", ".json", ".yml", ".yaml"))
lang_of = KINDS.lang_of
kind_of = KINDS.kind_of


def vkey(version):
    """A sort key for a semver string."""
    core, _, pre = version.partition("-")
    nums = []
    for p in core.split("+", 1)[0].split("."):
        nums.append(int(p) if p.isdigit() else 0)
    return (nums, 0 if pre else 1, pre)


# --------------------------------------------------------------------------
# Licences

SPDX_TOKEN = re.compile(r"\s*(\(|\)|/|[A-Za-z0-9.+-]+)")


def licence_expr(field):
    """The normalised SPDX expression if it only uses allowed licences, else None."""
    if not field or not field.strip():
        return None
    toks, pos = [], 0
    while pos < len(field):
        m = SPDX_TOKEN.match(field, pos)
        if not m:
            if field[pos:].strip():
                return None
            break
        toks.append(m.group(1))
        pos = m.end()
    ids = 0
    for t in toks:
        if t in ("(", ")", "/", "OR", "AND"):
            continue
        if t not in ALLOWED_LICENCES:
            return None
        ids += 1
    if not ids:
        return None
    out = " ".join("OR" if t == "/" else t for t in toks)
    return out.replace("( ", "(").replace(" )", ")")


def licence_ok(expr):
    return isinstance(expr, str) and licence_expr(expr) == expr


# --------------------------------------------------------------------------
# Crates


class Crate:
    def __init__(self, root, folder):
        self.dir = os.path.join(root, folder)
        self.folder = folder
        self.name = self.version = self.licence_field = self.description = None
        self._text = {}
        self.files = []          # usable relative paths, sorted
        self.licence_files = []  # relative paths at the crate root
        self.excluded_dirs = []

    def read_manifest(self):
        path = os.path.join(self.dir, "Cargo.toml")
        try:
            raw = open(path, "rb").read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        pkg = {}
        if tomllib is not None:
            try:
                pkg = tomllib.loads(raw).get("package", {})
            except tomllib.TOMLDecodeError:
                return False
        else:
            sec = re.search(r"^\[package\]\s*$(.*?)(?=^\[|\Z)", raw, re.M | re.S)
            for k in ("name", "version", "license", "license-file", "description"):
                m = re.search(rf'^{re.escape(k)}\s*=\s*"((?:[^"\\]|\\.)*)"', sec.group(1) if sec else "", re.M)
                if m:
                    pkg[k] = m.group(1)
        self.name, self.version = pkg.get("name"), pkg.get("version")
        self.licence_field = pkg.get("license")
        self.licence_file_key = pkg.get("license-file")
        desc = pkg.get("description")
        self.description = " ".join(desc.split()) if isinstance(desc, str) else None
        return isinstance(self.name, str) and isinstance(self.version, str)

    def scan(self):
        for dirpath, dirnames, filenames in os.walk(self.dir):
            dirnames.sort()
            rel_dir = os.path.relpath(dirpath, self.dir)
            rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/")
            if rel_dir and any(LICENCE_FILE.match(f) for f in filenames):
                # a folder with its own licence file holds third-party code
                self.excluded_dirs.append(rel_dir)
                dirnames[:] = []
                continue
            dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
            for f in sorted(filenames):
                full = os.path.join(dirpath, f)
                if os.path.islink(full) or not os.path.isfile(full):
                    continue
                rel = f"{rel_dir}/{f}" if rel_dir else f
                if not rel_dir and LICENCE_FILE.match(f):
                    self.licence_files.append(rel)
                    continue
                if re.search(r"\s", rel) or any(r.search(rel) for r in EXCLUDE_RE):
                    continue
                self.files.append(rel)
        lf = self.licence_file_key
        if isinstance(lf, str) and "/" not in lf and lf not in self.licence_files \
                and os.path.isfile(os.path.join(self.dir, lf)):
            self.licence_files.append(lf)
        self.licence_files.sort()

    def size(self, rel):
        return os.path.getsize(os.path.join(self.dir, rel))

    def data(self, rel):
        with open(os.path.join(self.dir, rel), "rb") as f:
            return f.read()

    def text(self, rel):
        """The file as str, or None if binary / not UTF-8."""
        if rel not in self._text:
            data = self.data(rel)
            t = None
            if b"\0" not in data:
                try:
                    t = data.decode("utf-8")
                except UnicodeDecodeError:
                    t = None
            self._text[rel] = t
        return self._text[rel]


def find_registry_roots(args):
    roots = args or sorted(glob.glob(os.path.expanduser("~/.cargo/registry/src/index.crates.io-*")))
    return [os.path.abspath(r) for r in roots if os.path.isdir(r)]


def load_crates(roots, log):
    crates, skipped = [], []
    seen = set()
    for root in roots:
        for folder in sorted(os.listdir(root)):
            if not os.path.isdir(os.path.join(root, folder)):
                continue
            c = Crate(root, folder)
            if not c.read_manifest():
                skipped.append((folder, "Cargo.toml unreadable"))
                continue
            if (c.name, c.version) in seen:
                continue
            seen.add((c.name, c.version))
            expr = licence_expr(c.licence_field)
            if expr is None:
                why = f"licence {c.licence_field!r}" if c.licence_field else \
                    f"no SPDX licence field (license-file = {c.licence_file_key!r})"
                skipped.append((folder, why + " is not only MIT/Apache-2.0/BSD/0BSD/Zlib/Unlicense"))
                continue
            c.licence = expr
            c.scan()
            if not c.licence_files:
                skipped.append((folder, "ships no licence file"))
                continue
            crates.append(c)
    crates.sort(key=lambda c: (c.name, vkey(c.version)))
    for folder, why in skipped:
        log(f"skip {folder}: {why}")
    return crates, skipped


# --------------------------------------------------------------------------
# Text checks


def looks_generated(text, lang):
    head = text[:1500]
    if lang in DOCS:
        return bool(re.search(r"DO NOT EDIT|@generated", head))
    return bool(GENERATED_RE.search(head))


HEADER_LICENCES = [
    ("MIT", r"Permission is hereby granted, free of charge|\bMIT licen[cs]e|licen[cs]ed under the MIT\b"),
    ("Apache-2.0", r"Apache License,? Version 2\.0|Apache-2\.0"),
    ("BSD", r"Redistribution and use in source and binary forms"),
    ("ISC-like", r"Permission to use, copy, modify, and(/or)? distribute this software for any purpose"),
    ("Zlib", r"Altered source versions must be plainly marked"),
    ("Unlicense", r"free and unencumbered software released into the public domain"),
    ("GPL", r"GNU (Lesser |Library |Affero )?General Public License"),
    ("MPL", r"Mozilla Public License"),
    ("BSL", r"Boost Software License"),
    ("Unicode", r"Unicode, Inc\.|UNICODE LICENSE|Unicode Terms of Use|Unicode-3\.0|Unicode-DFS"),
    ("CC", r"Creative Commons|CC-BY"),
]
HEADER_RE = [(k, re.compile(rx, re.I)) for k, rx in HEADER_LICENCES]


def header_licence_mismatch(text, expr):
    """A licence named in the file's own header that the crate's expression lacks
    (a sign of third-party code), or None.  An SPDX-License-Identifier line
    decides alone: it must use only the allowed licences."""
    m = re.search(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+\-()/ ]+)", text[:3000])
    if m:
        spdx = m.group(1).strip()
        return None if licence_expr(spdx) else "SPDX " + spdx
    head = " ".join(re.sub(r"(?m)^\s*(//[/!]?|/?\*+/?|#|--|;+)", " ", text[:3000]).split())
    ids = set(re.findall(r"[A-Za-z0-9.+-]+", expr)) - {"OR", "AND"}
    have = {"BSD" if i.startswith("BSD") else i for i in ids}
    if "0BSD" in ids:
        have.add("ISC-like")
    for key, rx in HEADER_RE:
        if rx.search(head) and key not in have:
            return key
    return None


def max_line(text):
    return max((len(l) for l in text.split("\n")), default=0)


def has_secret(text):
    return bool(SECRET_RE.search(text))


# ---- unified diffs


def split_lines(text):
    """Lines with their endings, split at \\n only (a lone \\r stays in its line)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def unified_diff(old, new, path):
    out = []
    for line in difflib.unified_diff(split_lines(old), split_lines(new), f"a/{path}", f"b/{path}", n=3):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def diff_stats(diff):
    plus = minus = hunks = 0
    for line in diff.split("\n"):
        if line.startswith(("+++ ", "--- ")):
            continue
        if line.startswith("@@ "):
            hunks += 1
        elif line.startswith("+"):
            plus += 1
        elif line.startswith("-"):
            minus += 1
    return plus, minus, hunks


TOOLS = {"patch": shutil.which("patch"), "git": shutil.which("git")}


def diff_applies(path, old_bytes, new_bytes, diff):
    """Apply the diff to a copy of the old file with every available tool;
    True only if each one yields exactly the new bytes."""
    tools = [t for t in ("patch", "git") if TOOLS[t]]
    if not tools:
        return python_apply(old_bytes, diff) == new_bytes
    env = dict(os.environ, LC_ALL="C", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    for tool in tools:
        with tempfile.TemporaryDirectory(prefix="registry-diff-") as tmp:
            target = os.path.join(tmp, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(old_bytes)
            if tool == "patch":
                cmd = [TOOLS["patch"], "-p1", "--batch", "--silent", "--forward", "--no-backup-if-mismatch",
                       "--reject-file=-", "--fuzz=0"]
            else:
                cmd = [TOOLS["git"], "apply", "-p1", "--whitespace=nowarn", "-"]
            p = subprocess.run(cmd, cwd=tmp, input=diff.encode("utf-8"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env)
            if p.returncode != 0:
                return False
            with open(target, "rb") as f:
                if f.read() != new_bytes:
                    return False
    return True


def python_apply(old_bytes, diff):
    """A strict unified-diff applier (used only when neither patch nor git exists)."""
    old = split_lines(old_bytes.decode("utf-8"))
    lines = split_lines(diff)
    out, pos, i = [], 0, 0
    while i < len(lines) and not lines[i].startswith("@@ "):
        i += 1
    while i < len(lines):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", lines[i])
        if not m:
            return None
        start = int(m.group(1)) - (0 if m.group(2) == "0" else 1)
        out.extend(old[pos:start])
        pos = start
        i += 1
        while i < len(lines) and not lines[i].startswith("@@ "):
            l = lines[i]
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            nonl = nxt.startswith("\\ No newline")
            body = l[1:-1] if nonl else l[1:]
            if l[0] in " -":
                if pos >= len(old) or old[pos] != body:
                    return None
                pos += 1
            if l[0] in " +":
                out.append(body)
            i += 2 if nonl else 1
    out.extend(old[pos:])
    return "".join(out).encode("utf-8")


# ---- prose sections (headings: spancorpus.md_headings / rst_headings)


def sections(text, lang):
    """[(start, end, title)]: each heading with its body, 0-based [start, end)."""
    lines = split_lines(text)
    heads = md_headings(lines, setext_skips_table_html=True) if lang == "markdown" else rst_headings(lines)
    out = []
    for k, (start, level) in enumerate(heads):
        end = len(lines)
        for i, lv in heads[k + 1:]:
            if lv <= level:
                end = i
                break
        if len("".join(lines[start:end]).encode()) > MAX_SECTION:
            # too long with its subsections: stop at the next heading of any level
            end = heads[k + 1][0] if k + 1 < len(heads) else len(lines)
        while end > start and not lines[end - 1].strip():
            end -= 1
        title = heading_text(lines, start, lang)
        out.append((start, end, title))
    return out, lines


def heading_text(lines, start, lang):
    s = lines[start].strip()
    if lang == "markdown":
        if MD_ATX.match(lines[start]):
            s = re.sub(r"^#{1,6}\s*", "", s)
            s = re.sub(r"\s+#+\s*$", "", s)
    elif RST_UNDER.match(s) and start + 1 < len(lines):
        s = lines[start + 1].strip()
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", s)      # links -> their text
    s = re.sub(r"<[^>]+>", "", s).replace("`", "").replace("**", "").strip()
    return " ".join(s.split())[:90]


# --------------------------------------------------------------------------
# Requests, lead-ins and actions (templates)


def file_did(path, shape):
    if shape == "config":
        return "configure"
    if shape == "prose":
        return "write_docs"
    if TEST_RE.search(path) or BENCH_RE.search(path):
        return "write_tests"
    return "write_code"


COMMENT_RE = re.compile(r"^\s*(//|/\*|\*|#(?!\[)|--|;)")


def diff_did(path, diff, old_version, new_version):
    """The action of a version-to-version diff, from the file and the changed lines."""
    lang = lang_of(path)
    k = kind_of(lang)
    if k == "doc":
        return "write_docs"
    if k == "config":
        return "configure"
    if TEST_RE.search(path) or BENCH_RE.search(path):
        return "write_tests"
    minus = [l[1:] for l in diff.split("\n") if l.startswith("-") and not l.startswith("--- ")]
    plus = [l[1:] for l in diff.split("\n") if l.startswith("+") and not l.startswith("+++ ")]
    changed = [l for l in minus + plus if l.strip()]
    if changed and all(COMMENT_RE.match(l) for l in changed):
        return "write_docs"
    squash = lambda ls: sorted("".join(l.split()) for l in ls if l.strip())
    if squash(minus) == squash(plus) or Counter(minus) == Counter(plus):
        return "refactor_code"   # only layout or order changed
    if k == "code" and vkey(old_version)[0][:2] == vkey(new_version)[0][:2] \
            and (vkey(old_version)[0][0] > 0 or vkey(new_version)[0][1] > 0) \
            and vkey(old_version)[0] != vkey(new_version)[0] and len(changed) <= 12:
        return "fix_bug"         # a small code change in a patch release
    return "write_code"


def diff_request(seed, crate, path, v1, v2, did):
    options = [
        f"Update `{path}` in {crate} from {v1} to {v2}.",
        f"Show the changes to `{path}` between {crate} {v1} and {v2} as a unified diff.",
        f"Write the patch that takes `{path}` of the {crate} crate from version {v1} to {v2}.",
        f"What changed in `{path}` from {crate} {v1} to {v2}? Give me the diff.",
    ]
    if did == "fix_bug":
        options.append(f"Backport the {crate} {v2} fix in `{path}` onto {v1}.")
    if did == "write_docs":
        options.append(f"Bring the documentation in `{path}` of {crate} {v1} up to date with {v2}.")
    if did == "refactor_code":
        options.append(f"Apply the {v2} clean-up of `{path}` to {crate} {v1}.")
    return pick(seed, options, crate, path, v1, v2, "req")


def diff_sentence(seed, crate, path, v1, v2, plus, minus, hunks):
    options = [
        f"The patch below takes `{path}` from {crate} {v1} to {v2} (+{plus}/-{minus} lines):",
        f"Here is the diff for `{path}` between {v1} and {v2}:",
        f"This change touches 1 file in {hunks} hunk{'s' if hunks != 1 else ''} (+{plus}/-{minus}); "
        f"apply it with `patch -p1` or `git apply`:",
        f"Apply this diff to `{path}` in the {v1} sources:",
    ]
    return pick(seed, options, crate, path, v1, v2, "sent")


def file_request(seed, c, path, did, kind):
    d = f" ({c.description.rstrip('.')})" if c.description and len(c.description) <= 120 else ""
    base = path.rsplit("/", 1)[-1]
    if did == "write_tests":
        options = [f"Write the tests in `{path}` for the {c.name} crate{d}.",
                   f"Show the complete test file `{path}` of {c.name} {c.version}.",
                   f"How does {c.name} {c.version} test this? Give me `{path}` in full."]
    elif kind == "config" and base == "Cargo.toml.orig":
        options = [f"Write the Cargo.toml manifest of {c.name} {c.version}{d}, as its authors keep it "
                   f"(crates.io ships it as `Cargo.toml.orig`).",
                   f"Show the original `Cargo.toml` of the {c.name} crate, version {c.version}.",
                   f"What does the hand-written manifest (`Cargo.toml.orig`) of {c.name} {c.version} look like?"]
    elif kind == "config":
        options = [f"Show the `{path}` configuration of {c.name} {c.version}.",
                   f"Write `{path}` for the {c.name} crate{d}.",
                   f"What is in `{path}` in {c.name} {c.version}?"]
    else:
        options = [f"Write `{path}` for the {c.name} crate{d}.",
                   f"Show the complete source of `{path}` in {c.name} {c.version}.",
                   f"Implement `{base}` of {c.name} {c.version} (the file `{path}`).",
                   f"Give me the full contents of `{path}` from the {c.name} crate."]
    return pick(seed, options, c.name, c.version, path, "req")


FILE_LEAD_INS = [     # spancorpus.file_lead_in() templates: a file of one crate version
    "Here is the full `{path}` from {crate} {version}:",
    "`{base}` ({n} lines) reads:",
    "In {crate} {version}, `{path}` looks like this:",
    "This is the complete {kind} in `{path}`:",
]


def file_sentence(seed, c, path, text, kind):
    return file_lead_in(seed, FILE_LEAD_INS, (c.name, c.version, path, "fsent"), path, text, kind,
                        crate=c.name, version=c.version)


def prose_request(seed, c, path, title):
    base = path.rsplit("/", 1)[-1].lower()
    if re.match(r"(changelog|changes|releases?|release-notes|history|news)", base):
        options = [f"Write the {c.name} release notes for \"{title}\".",
                   f"What does the {c.name} changelog say under \"{title}\"?",
                   f"Draft the `{path}` entry \"{title}\" for the {c.name} crate."]
    elif base.startswith("readme") and "/" not in path:
        options = [f"Write the \"{title}\" section of the {c.name} README.",
                   f"Document \"{title}\" for the {c.name} crate's README ({c.version}).",
                   f"What does the {c.name} README say about \"{title}\"?"]
    else:
        options = [f"Document \"{title}\" in `{path}` for {c.name} {c.version}.",
                   f"Write the \"{title}\" section of `{path}` in the {c.name} crate."]
    return pick(seed, options, c.name, c.version, path, title, "req")


# --------------------------------------------------------------------------
# Candidates


class Cand:
    __slots__ = ("shape", "crate", "path", "lang", "old", "weight", "special", "extra")

    def __init__(self, shape, crate, path, lang, old=None, extra=None):
        self.shape, self.crate, self.path, self.lang, self.old = shape, crate, path, lang, old
        self.extra = extra
        self.weight = 1.0    # scales the hashed order key (smaller goes earlier)
        self.special = 0     # rank of the bytes of interest it holds (higher goes earlier)


def file_candidates(c):
    """whole_file / config / prose candidates of one crate version."""
    out = []
    for rel in c.files:
        lang = lang_of(rel)
        k = kind_of(lang)
        size = c.size(rel)
        is_manifest = rel == "Cargo.toml.orig"
        x = None
        if k == "code" and MIN_FILE <= size <= MAX_FILE:
            x = Cand("whole_file", c, rel, lang)
        elif (k == "config" or is_manifest) and MIN_CONFIG <= size <= MAX_FILE:
            if TEST_RE.search(rel) and lang == "json":
                continue    # test data, not configuration
            x = Cand("config", c, rel, "toml" if is_manifest else lang)
        elif k == "doc" and size >= MIN_SECTION and not TEST_RE.search(rel):
            out.append(Cand("prose", c, rel, lang))
        if x is not None:
            # shorter files and files with tabs / trailing blanks / CRLF / no final newline go first
            x.weight = 0.25 + size / MAX_FILE
            text = c.text(rel)
            x.special = len(features_of(text)) if text is not None else 0
            out.append(x)
    return out


def diff_candidates(old, new, log):
    """raw_diff / fenced_diff candidates between two versions of a crate."""
    out = []
    common = sorted(set(old.files) & set(new.files))
    for rel in common:
        lang = lang_of(rel)
        if rel == "Cargo.toml.orig":
            lang = "toml"
        k = kind_of(lang)
        if k == "other" and lang != "text":
            continue
        if lang == "text" and not TEST_RE.search(rel):
            continue
        if TEST_RE.search(rel) and k not in ("code",) and max(old.size(rel), new.size(rel)) > MAX_FIXTURE:
            continue
        a, b = old.data(rel), new.data(rel)
        if a == b:
            continue
        ta, tb = old.text(rel), new.text(rel)
        if ta is None or tb is None:
            continue
        if looks_generated(ta, lang) or looks_generated(tb, lang):
            continue
        if header_licence_mismatch(ta, old.licence) or header_licence_mismatch(tb, new.licence):
            log(f"diff {new.name} {rel}: file header names another licence; not used")
            continue
        n = unified_diff(ta, tb, rel).count("\n")
        if not MIN_DIFF_LINES <= n <= MAX_DIFF_LINES:
            continue
        x = Cand("diff", new, rel, lang, old=old)
        x.weight = 0.3 + n / MAX_DIFF_LINES     # shorter diffs go first
        out.append(x)
    return out


# --------------------------------------------------------------------------
# Span construction


def base_span(seed, shape, c, path, did, this, lang, answer_key):
    ident = sha256("\x1f".join([seed, shape, c.name, c.version, path, answer_key]))[:12]
    return {
        "id": f"{c.name}-{c.version}-{ident}-{shape}",
        "who": f"crate:{c.name}",
        "did": did,
        "this": this,
        "when": None,            # set once the crate's spans are known
        "status": "completed",
        "if_ok": None,
        "context": {"environment": lang, "thread_id": f"crates.io:{c.name}", "previous_spans": []},
        "metadata": {
            "quality_score": QUALITY,
            "source": "crates.io",
            "crate": c.name,
            "version": c.version,
            "file": path,
            "shape": shape,
            "licence": c.licence,
            "language": lang,
        },
    }


def make_diff(seed, cand, shape):
    old, new, rel = cand.old, cand.crate, cand.path
    diff = unified_diff(old.text(rel), new.text(rel), rel)
    n = diff.count("\n")
    if not (MIN_DIFF_LINES <= n <= MAX_DIFF_LINES) or len(diff.encode()) > MAX_DIFF:
        return None, "size"
    if max_line(diff) > (MAX_PROSE_LINE if kind_of(cand.lang) == "doc" else MAX_CODE_LINE) + 1:
        return None, "long line"
    if has_secret(diff):
        return None, "secret-like"
    if not diff_applies(rel, old.data(rel), new.data(rel), diff):
        return None, "does not apply"
    plus, minus, hunks = diff_stats(diff)
    did = diff_did(rel, diff, old.version, new.version)
    this = diff_request(seed, new.name, rel, old.version, new.version, did)
    s = base_span(seed, shape, new, rel, did, this, cand.lang, "from " + old.version)
    md = s["metadata"]
    md["from_version"] = old.version
    if old.licence != new.licence:
        md["from_licence"] = old.licence
    if shape == "raw_diff":
        s["if_ok"] = diff
        md["fenced"] = False
    else:
        s["if_ok"] = diff_sentence(seed, new.name, rel, old.version, new.version, plus, minus, hunks) \
            + "\n\n" + fenced("diff", diff)
        md["fenced"] = True
    md["diff_stat"] = {"files": 1, "hunks": hunks, "insertions": plus, "deletions": minus}
    md["from_sha256"] = sha256(old.data(rel))
    md["sha256"] = sha256(new.data(rel))
    feats = [f for f in ("no_newline_eof", "trailing_ws", "crlf", "tabs")
             if diff_has(diff, f, trailing_ws_before_cr=True)]
    if feats:
        md["features"] = feats
    return s, None


def make_file(seed, cand):
    c, rel, lang, shape = cand.crate, cand.path, cand.lang, cand.shape
    text = c.text(rel)
    if text is None or not text.strip():
        return None, "binary / not UTF-8"
    if looks_generated(text, lang):
        return None, "generated"
    if max_line(text) > MAX_CODE_LINE:
        return None, "long line"
    if has_secret(text):
        return None, "secret-like"
    other = header_licence_mismatch(text, c.licence)
    if other:
        return None, f"file header names another licence ({other})"
    did = file_did(rel, shape)
    kind = "configuration" if shape == "config" else "source"
    this = file_request(seed, c, rel, did, "config" if shape == "config" else "code")
    s = base_span(seed, shape, c, rel, did, this, lang, "")
    md = s["metadata"]
    fence_it = shape == "whole_file" or h(seed, c.name, c.version, rel, "fence") < 0.5
    if fence_it:
        label = FENCE_LABEL.get(lang, lang)
        s["if_ok"] = file_sentence(seed, c, rel, text, kind) + "\n\n" + fenced(label, text)
    else:
        s["if_ok"] = text
    md["fenced"] = fence_it
    md["eof_newline"] = text.endswith("\n")
    md["sha256"] = sha256(c.data(rel))
    feats = features_of(text)
    if feats:
        md["features"] = feats
    return s, None


def make_prose(seed, cand):
    c, rel, lang = cand.crate, cand.path, cand.lang
    start, end, title, lines = cand.extra
    section = "".join(lines[start:end])
    if has_secret(section):
        return None, "secret-like"
    if max_line(section) > MAX_PROSE_LINE:
        return None, "long line"
    this = prose_request(seed, c, rel, title or rel)
    s = base_span(seed, "prose", c, rel, "write_docs", this, lang, f"{start}:{end}")
    md = s["metadata"]
    s["if_ok"] = section
    md["section_lines"] = [start + 1, end]
    md["fenced"] = False
    md["sha256"] = sha256(c.data(rel))
    hb = sum(1 for l in lines[start:end] if is_hard_break(l))
    if hb:
        md["hard_line_breaks"] = hb
    feats = [f for f in features_of(section) if f != "no_newline_eof"]
    if not section.endswith("\n"):
        feats.append("no_newline_eof")
    if feats:
        md["features"] = feats
    return s, None


def prose_candidates(seed, cands):
    """Expand each doc file into its sections (at most PER_FILE_SECTIONS used per file)."""
    out = []
    for cand in cands:
        c, rel, lang = cand.crate, cand.path, cand.lang
        text = c.text(rel)
        if text is None or looks_generated(text, lang):
            continue
        secs, lines = sections(text, lang)
        for start, end, title in secs:
            body = "".join(lines[start:end])
            n = len(body.encode())
            if n < MIN_SECTION or n > MAX_SECTION or end - start < 3:
                continue
            x = Cand("prose", c, rel, lang, extra=(start, end, title, lines))
            x.special = 2 * any(is_hard_break(l) for l in lines[start:end]) + 2 * ("\r\n" in body) \
                + ("\t" in body) + bool(re.search(r"^\s*\|.*\|\s*$", body, re.M))
            out.append(x)
    return out


# --------------------------------------------------------------------------
# Ordering and selection


def order(seed, shape, cands):
    """Spread a shape's candidates over crates and languages: within a language,
    one candidate per crate per round (crates in hashed order; candidates with
    interesting bytes first); languages interleaved by weight * sqrt(count)."""
    by_lang = defaultdict(lambda: defaultdict(list))
    for x in cands:
        by_lang[x.lang][x.crate.name].append(x)
    streams = {}
    for lang, per_crate in by_lang.items():
        rounds = []
        # crates holding candidates with special bytes come earlier
        for name in sorted(per_crate, key=lambda n: (h(seed, shape, lang, n) * (0.3 if any(
                x.special for x in per_crate[n]) else 1.0), n)):
            lst = sorted(per_crate[name], key=lambda x: (-x.special, x.weight * h(seed, shape, x.crate.version, x.path,
                                                                                   x.extra and x.extra[0]),
                                                         x.path, x.crate.version))
            rounds.append(lst)
        stream = []
        depth = max(len(r) for r in rounds)
        for i in range(depth):
            stream.extend(r[i] for r in rounds if i < len(r))
        streams[lang] = stream
    return interleave(seed, shape, streams, LANG_WEIGHT.get(shape, {}))


def select(seed, queues, max_spans, budget, log):
    spans, total = [], 0
    seen_answers = set()
    per_crate = Counter()
    per_thread = Counter()
    per_crate_shape = Counter()
    per_crate_diffs = Counter()
    per_file_sections = Counter()
    used_sections = defaultdict(list)
    used_diff_files = set()
    rejects = Counter()
    pos = {s: 0 for s in SHAPES}
    count = Counter()
    active = [s for s in SHAPES if queues.get(s)]

    def line_size(s, prev):
        # `when` (null now) and the previous_spans ids are filled in later: a thread
        # of k spans holds sum(min(i, 3) for i < k) ids, so the k+1-th adds min(k, 3)
        n = len(json.dumps(s, ensure_ascii=False, separators=(",", ":")).encode()) + 1
        return n + len('"2024-01-01T00:00:00Z"') - len("null") + prev * (len(s["id"]) + 3)

    while active and len(spans) < max_spans:
        shape = min(active, key=lambda s: ((count[s] + 1) / SHAPE_TARGET[s], SHAPES.index(s)))
        q = queues[shape]
        got = False
        while pos[shape] < len(q):
            x = q[pos[shape]]
            pos[shape] += 1
            name = x.crate.name
            if shape in ("raw_diff", "fenced_diff"):
                fkey = (name, x.old.version, x.crate.version, x.path)
                if fkey in used_diff_files or per_crate_diffs[name] >= PER_CRATE_DIFFS:
                    continue
            else:
                if per_crate[name] >= PER_CRATE or per_crate_shape[(name, shape)] >= PER_CRATE_SHAPE:
                    continue
            if shape == "prose":
                fk = (name, x.crate.version, x.path)
                start, end = x.extra[0], x.extra[1]
                if per_file_sections[fk] >= PER_FILE_SECTIONS or \
                        any(start < e and s < end for s, e in used_sections[fk]):
                    continue
            if shape in ("raw_diff", "fenced_diff"):
                s, why = make_diff(seed, x, shape)
            elif shape == "prose":
                s, why = make_prose(seed, x)
            else:
                s, why = make_file(seed, x)
            if s is None:
                rejects[f"{shape}: {why}"] += 1
                if shape in ("raw_diff", "fenced_diff") and why in ("size", "long line", "does not apply",
                                                                   "secret-like"):
                    used_diff_files.add((name, x.old.version, x.crate.version, x.path))
                continue
            body = s["if_ok"] if not s["metadata"].get("fenced") else unfence(s["if_ok"])[1]
            akey = sha256(body)
            if akey in seen_answers:
                rejects[f"{shape}: duplicate answer"] += 1
                continue
            n = line_size(s, min(per_thread[name], 3))
            if n > MAX_LINE or total + n > budget:
                rejects[f"{shape}: over budget"] += 1
                continue
            seen_answers.add(akey)
            per_thread[name] += 1
            spans.append(s)
            total += n
            count[shape] += 1
            if shape in ("raw_diff", "fenced_diff"):
                per_crate_diffs[name] += 1
                used_diff_files.add((name, x.old.version, x.crate.version, x.path))
            else:
                per_crate[name] += 1
                per_crate_shape[(name, shape)] += 1
            if shape == "prose":
                per_file_sections[fk] += 1
                used_sections[fk].append((start, end))
            got = True
            break
        if not got:
            active.remove(shape)
    return spans, rejects


# --------------------------------------------------------------------------
# Threads, times, validation


def assign_times_and_threads(spans, seed):
    """`when`: 2024-01-01 + a hashed day/hour per crate + 17 minutes per span of
    the crate (ordered by version, shape, file); previous_spans: the up-to-3
    earlier spans of the crate's thread."""
    threads = defaultdict(list)
    for s in spans:
        threads[s["context"]["thread_id"]].append(s)
    for tid, lst in threads.items():
        lst.sort(key=lambda s: (vkey(s["metadata"]["version"]), SHAPES.index(s["metadata"]["shape"]),
                                s["metadata"]["file"], s["id"]))
        start = BASE_TIME + timedelta(days=int(h(seed, "day", tid) * 360),
                                      hours=int(h(seed, "hour", tid) * 10) + 8,
                                      minutes=int(h(seed, "minute", tid) * 60))
        for i, s in enumerate(lst):
            s["when"] = (start + timedelta(minutes=17 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            prev = [x["id"] for x in lst[max(0, i - 3):i]]
            if prev:
                s["context"]["previous_spans"] = prev
            else:
                del s["context"]["previous_spans"]


def validate(line, seen):
    """Raise ValueError if the line is not a valid span: spancorpus.validate() with this
    corpus's rules (ids `<crate>-<version>-<hash12>-<shape>`; licences as in licence_ok(),
    which allows more licences than real/build.py and AND / parentheses; the crate
    metadata keys required)."""
    return spancorpus.validate(
        line, seen, licence_ok=licence_ok, id_form="<crate>-<version>-<hash12>-<shape>",
        id_ok=lambda sid, md: sid.startswith(f"{md['crate']}-{md['version']}-"),
        required_metadata=("source", "crate", "version", "file", "language"))


# --------------------------------------------------------------------------
# Verify an existing corpus against the registry


def verify(path, crates, licenses_dir):
    by = {(c.name, c.version): c for c in crates}
    bad, checked, seen, used = 0, Counter(), set(), set()
    for n, line in enumerate(open(path, encoding="utf-8", newline="\n"), 1):
        s = validate(line.rstrip("\n"), seen)
        md = s["metadata"]
        used.update((md["crate"], v) for v in (md["version"], md.get("from_version")) if v)
        c = by.get((md["crate"], md["version"]))
        if c is None:
            checked["crate not in registry"] += 1
            continue
        shape, ans, rel = md["shape"], s["if_ok"], md["file"]
        got = unfence(ans)[1] if md.get("fenced") else ans
        data = c.data(rel)
        ok = sha256(data) == md.get("sha256")
        text = data.decode("utf-8")
        if shape in ("raw_diff", "fenced_diff"):
            old = by.get((md["crate"], md["from_version"]))
            ok = ok and old is not None and got == unified_diff(old.text(rel), text, rel) \
                and diff_applies(rel, old.data(rel), data, got)
        elif shape in ("whole_file", "config"):
            ok = ok and got == (text if not md.get("fenced") or text.endswith("\n") else text + "\n")
        else:
            a, b = md["section_lines"]
            ok = ok and ans == "".join(split_lines(text)[a - 1:b])
        if not ok:
            bad += 1
            print(f"line {n}: {s['id']} does not match the registry", file=sys.stderr)
        checked[shape] += 1
    lic_ok, lic = verify_licences(licenses_dir, crates, used)
    print(json.dumps({"checked": checked, "mismatches": bad, "licences": lic}, indent=1, sort_keys=True))
    return bad == 0 and lic_ok


# --------------------------------------------------------------------------
# Output


LICENCE_INDEX = "INDEX.md"
LICENCE_TEXT_RE = re.compile(r"^[0-9a-f]{12}\.txt$")


def licence_text_name(data):
    """The file name under licenses/ of one licence file's bytes: the first 12 hex of its sha256."""
    return sha256(data)[:12] + ".txt"


def md_cell(s):
    return s.replace("\\", "\\\\").replace("|", "\\|")


def write_licences(dirpath, crates_used):
    """Store each distinct licence file content once, as licenses/<sha256[:12]>.txt (verbatim), and
    write licenses/INDEX.md mapping every used crate version's licence files to those texts.
    Removes the builder's stale files there (*.txt, INDEX.md). Returns
    ({(crate, version): [(file name in the crate, text file name), ...]}, summary dict)."""
    texts, refs, mapping = {}, Counter(), {}
    for c in crates_used:
        rows = []
        for rel in c.licence_files:
            data = c.data(rel)
            name = licence_text_name(data)
            if texts.setdefault(name, data) != data:
                sys.exit(f"licence text name clash: {name} for {c.folder}/{rel}")
            refs[name] += 1
            rows.append((rel, name))
        mapping[(c.name, c.version)] = rows
    os.makedirs(dirpath, exist_ok=True)
    for f in sorted(os.listdir(dirpath)):
        full = os.path.join(dirpath, f)
        if (f.endswith(".txt") and f not in texts or f == LICENCE_INDEX) and os.path.isfile(full):
            os.remove(full)
    for name, data in sorted(texts.items()):
        with open(os.path.join(dirpath, name), "wb") as f:
            f.write(data)
    lines = [
        "# Licence texts of the crates used by `spans.ndjson`",
        "",
        "Each distinct licence file found at the root of a used crate version (`LICENSE*`, `COPYING*`,",
        "`NOTICE*`, `COPYRIGHT*`, `UNLICENSE`, or the manifest's `license-file`) is stored once in this",
        "folder as `<first 12 hex digits of its sha256>.txt`, byte for byte as published in the crate's",
        "`.crate` archive on crates.io (so `sha256sum` of a file starts with its name). The table below",
        "lists, for every crate version used, its SPDX expression, its licence files' names inside the",
        "crate, and the stored text of each file (same order). Written by `../build.py`; do not edit.",
        "",
        "| crate | version | licence (SPDX) | licence files in the crate | texts |",
        "|---|---|---|---|---|",
    ]
    for c in sorted(crates_used, key=lambda c: (c.name, vkey(c.version))):
        rows = mapping[(c.name, c.version)]
        lines.append(f"| {md_cell(c.name)} | {md_cell(c.version)} | {md_cell(c.licence)} | "
                     + ", ".join(f"`{md_cell(rel)}`" for rel, _ in rows) + " | "
                     + ", ".join(f"[{name}]({name})" for _, name in rows) + " |")
    lines += ["", "## Texts", "",
              f"{len(texts)} distinct texts, {sum(len(d) for d in texts.values()):,} bytes.", "",
              "| text | bytes | sha256 | crate files with this text |", "|---|---:|---|---:|"]
    for name, data in sorted(texts.items()):
        lines.append(f"| [{name}]({name}) | {len(data)} | `{sha256(data)}` | {refs[name]} |")
    index = ("\n".join(lines) + "\n").encode()
    with open(os.path.join(dirpath, LICENCE_INDEX), "wb") as f:
        f.write(index)
    summary = {"texts": len(texts), "files": len(texts) + 1,
               "text_bytes": sum(len(d) for d in texts.values()), "index_bytes": len(index),
               "bytes": sum(len(d) for d in texts.values()) + len(index),
               "crate_licence_files": sum(refs.values())}
    return mapping, summary


INDEX_ROW = re.compile(r"^\| (?P<crate>[^|]+) \| (?P<version>[^|]+) \| (?P<spdx>(?:[^|\\]|\\.)+) \| "
                       r"(?P<files>.*) \| (?P<links>(?:\[[0-9a-f]{12}\.txt\]\([0-9a-f]{12}\.txt\)(?:, )?)+) \|$")


def verify_licences(dirpath, crates, used):
    """Check licenses/: INDEX.md names a row for every crate version in `used`, every text it links
    exists and its sha256 starts with its name, the rows match the registry's licence files where
    the crate is there, and no other *.txt lies in the folder. Returns (ok, summary)."""
    by = {(c.name, c.version): c for c in crates}
    problems = []
    index_path = os.path.join(dirpath, LICENCE_INDEX)
    if not os.path.isfile(index_path):
        print(f"{index_path} is missing", file=sys.stderr)
        return False, {"problems": 1}
    rows, linked = {}, set()
    for line in open(index_path, encoding="utf-8", newline="\n"):
        m = INDEX_ROW.match(line.rstrip("\n"))
        if not m or m["crate"] == "crate":
            continue
        names = re.findall(r"`((?:[^`\\]|\\.)+)`", m["files"])
        names = [re.sub(r"\\(.)", r"\1", n) for n in names]
        links = re.findall(r"\]\(([0-9a-f]{12}\.txt)\)", m["links"])
        key = (m["crate"], m["version"])
        if key in rows:
            problems.append(f"INDEX.md: {key[0]} {key[1]} listed twice")
        if len(names) != len(links):
            problems.append(f"INDEX.md: {key[0]} {key[1]}: {len(names)} file names but {len(links)} links")
        rows[key] = list(zip(names, links))
        linked.update(links)
        c = by.get(key)
        if c is not None:
            want = [(rel, licence_text_name(c.data(rel))) for rel in c.licence_files]
            if rows[key] != want:
                problems.append(f"INDEX.md: {key[0]} {key[1]} does not match the crate's licence files")
            if re.sub(r"\\(.)", r"\1", m["spdx"]) != c.licence:
                problems.append(f"INDEX.md: {key[0]} {key[1]}: SPDX {m['spdx']!r} != {c.licence!r}")
    for key in sorted(used - set(rows)):
        problems.append(f"INDEX.md: no row for {key[0]} {key[1]}, used by spans")
    bad_texts = 0
    for name in sorted(linked):
        path = os.path.join(dirpath, name)
        if not os.path.isfile(path):
            problems.append(f"{name}: linked from INDEX.md but missing")
            bad_texts += 1
        elif licence_text_name(open(path, "rb").read()) != name:
            problems.append(f"{name}: sha256 does not match its name")
            bad_texts += 1
    for f in sorted(os.listdir(dirpath)):
        if f.endswith(".txt") and f not in linked:
            problems.append(f"{f}: stale, not linked from INDEX.md")
    for p in problems:
        print(p, file=sys.stderr)
    return not problems, {"index_rows": len(rows), "texts": len(linked), "bad_texts": bad_texts,
                          "problems": len(problems)}


def md_table(counter, head):
    rows = [f"| {head} | spans |", "|---|---:|"]
    for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
        rows.append(f"| {k} | {v} |")
    return "\n".join(rows)


def write_readme(path, stats, crates_used, skipped, cmd, lic_map):
    crate_rows = ["| crate | versions | licence (SPDX) | spans | licence files (linked to their texts) |", "|---|---|---|---:|---|"]
    by_name = defaultdict(list)
    for c in crates_used:
        by_name[c.name].append(c)
    for name in sorted(by_name):
        cs = by_name[name]
        lic = sorted({c.licence for c in cs})
        crate_rows.append(f"| {name} | {', '.join(c.version for c in cs)} | {' / '.join(lic)} | "
                          f"{stats['by_crate'].get(name, 0)} | "
                          + ", ".join(f"[{md_cell(rel)}](licenses/{n})" for rel, n in dict.fromkeys(
                              x for c in cs for x in lic_map[(c.name, c.version)])) + " |")
    skip_rows = ["| crate folder | why |", "|---|---|"] + [f"| {f} | {w} |" for f, w in skipped]
    excluded_dirs = ", ".join(f"`{c.folder}/{d}/`" for c in crates_used for d in c.excluded_dirs) or "none"
    secret_rejects = sum(v for k, v in stats["rejected_candidates"].items() if "secret" in k)
    lic = stats["licences"]
    text = f"""# Registry span corpus (`bench/corpus/registry/`)

`spans.ndjson` holds **{stats['spans']} spans ({stats['bytes']:,} bytes; longest line {stats['max_line']:,} bytes)**
built from the sources of **{stats['crates']} crates** ({stats['crate_versions']} crate versions) that cargo
downloaded from crates.io into `~/.cargo/registry/src/index.crates.io-*/`. It is small enough to be
committed, so CI can run LogLine's do-no-harm checks (no edit inside a unified diff, whitespace-
significant text byte-identical, code still parses, ...) on real text offline.

Every answer (`if_ok`) is copied **byte for byte** from the crate files as published on crates.io:
tabs, trailing whitespace, CRLF line ends, missing final newlines and Markdown hard line breaks are
kept; nothing is reformatted or normalised. Only the requests (`this`) and the one-sentence lead-ins
of fenced answers come from templates. The text is unchanged from the crates.io sources.

| file | what |
|---|---|
| `build.py` | the builder (python3 standard library only, deterministic) |
| `spans.ndjson` | the corpus, one span per line |
| `stats.json` | counts written by the build |
| `licenses/<sha12>.txt` | each distinct licence file of the used crate versions, stored once, verbatim; `<sha12>` = first 12 hex digits of its sha256 |
| `licenses/INDEX.md` | for every used crate version: crate, version, SPDX expression, its licence files' names and links to their texts |

## How it was built

```sh
{cmd}
```

`build.py` reads every crate folder under `~/.cargo/registry/src/index.crates.io-*/` (or the
folders given with `--registry`). Same folders and same `--seed` give byte-identical output.
`python3 bench/corpus/registry/build.py --verify` re-reads `spans.ndjson` and checks every answer
against the registry sources (sha256 of each file, the exact bytes, and every diff re-applied), and
checks `licenses/`: a row in `INDEX.md` for every crate version the spans use, every linked text
present with a sha256 that starts with its name, rows that match the crates' licence files, and no
stray `.txt` file.

## Shapes

| shape | answer |
|---|---|
| `raw_diff` | a unified diff of one file between two versions of a crate that is in the registry twice (`--- a/<path>` / `+++ b/<path>`, hunks with 3 lines of context, `\\ No newline at end of file` where due), 5-200 lines |
| `fenced_diff` | one sentence, then such a diff in a ```` ```diff ```` fence |
| `whole_file` | one sentence, then a whole source file under 6 KB in a fence labelled with its language |
| `config` | `Cargo.toml.orig` (the manifest as its authors wrote it; cargo rewrites `Cargo.toml`, which is never used) or a TOML / YAML / JSON file, bare or after one sentence in a fence |
| `prose` | one section of a README / CHANGELOG / docs file: the heading and its body, verbatim (code fences, tables, hard line breaks) |

The diffs are computed with Python's `difflib.unified_diff` over lines kept with their endings.
Each one is applied with GNU `patch -p1 --fuzz=0` and with `git apply` to a copy of the older file,
and kept only if both give the newer file byte for byte.

## Span layout

```json
{{"id":"<crate>-<version>-<hash12>-<shape>","who":"crate:<crate>","did":"write_code",
 "this":"<request>","when":"2024-..T..:..:..Z","status":"completed","if_ok":"<answer>",
 "context":{{"environment":"<language>","thread_id":"crates.io:<crate>","previous_spans":["..."]}},
 "metadata":{{"quality_score":90,"source":"crates.io","crate":"<crate>","version":"<version>",
             "file":"<path in the crate>","shape":"<shape>","licence":"<SPDX>","language":"<language>",
             "fenced":true,"sha256":"<sha256 of the file>", "...":"..."}}}}
```

* `when` = 2024-01-01 plus a per-crate day/hour offset hashed from the seed, plus 17 minutes per
  span of the crate (ordered by version, shape, file). The file is sorted by `when`, then `id`.
* `context.thread_id` = `crates.io:<crate>`: the spans of one crate (all its versions) form a
  thread; `previous_spans` names up to 3 earlier spans of it.
* `context.environment` and `metadata.language` = the language of the file (`rust`, `markdown`,
  `toml`, `yaml`, `json`, `c`, `bash`, `javascript`, ...).
* diffs: `metadata.version` is the newer version, `from_version` the older one; `diff_stat`,
  `from_sha256` and `sha256` (of the two files) are given.
* prose: `section_lines` = `[first, last]` 1-based lines of the section in the file;
  `hard_line_breaks` counts lines ending in two spaces.
* `features`: `tabs`, `trailing_ws`, `crlf`, `no_newline_eof` where the answer holds them.
* `did`: `prose` -> `write_docs`, `config` -> `configure`; files under `tests/` or `benches/` ->
  `write_tests`; other source files -> `write_code`. A diff of a Markdown file -> `write_docs`,
  of a config file -> `configure`; of code: `write_docs` if only comments change, `refactor_code`
  if only layout or line order changes, `fix_bug` for a small change (≤ 12 lines) in a patch
  release (same `major.minor`), `write_code` otherwise.
* `status` is always `completed`.

## Counts

{md_table(Counter(stats['by_shape']), 'shape')}

{md_table(Counter(stats['by_did']), 'did')}

{md_table(Counter(stats['by_language']), 'language')}

Features: {', '.join(f"{k} {v}" for k, v in sorted(stats['features'].items()))}; prose spans with hard line breaks: {stats['hard_line_break_spans']}; spans with `previous_spans`: {stats['threaded']}.

## Licences

Only crates whose Cargo.toml `license` field is an SPDX expression made solely of MIT, Apache-2.0,
BSD-2-Clause, BSD-3-Clause, 0BSD, Zlib and Unlicense (joined by `OR`, `AND` or the old-style `/`)
are used, and only if the crate ships a licence file. Each used crate version's `LICENSE*`,
`COPYING*`, `NOTICE*`, `COPYRIGHT*` and `UNLICENSE` files at the crate root (and its manifest's
`license-file`) are reproduced verbatim, each distinct text once: `licenses/<sha12>.txt` holds the
file's exact bytes, named by the first 12 hex digits of their sha256, and `licenses/INDEX.md` lists,
sorted by crate then version, each crate version's SPDX expression, the names of its licence files
inside the crate (`LICENSE-MIT`, `LICENSE-APACHE`, `COPYRIGHT`, ...) and the text of each. The
{lic['crate_licence_files']} licence files of the {stats['crate_versions']} crate versions come down to {lic['texts']} distinct texts:
**`licenses/` holds {lic['files']} files ({lic['texts']} texts + `INDEX.md`), {lic['bytes']:,} bytes** ({lic['text_bytes']:,} bytes
of texts, {lic['index_bytes']:,} of index).
Every span names its `metadata.crate`, `metadata.version` and `metadata.licence`. The text in the
spans is unchanged from the crates.io sources and remains under its authors' licences.

Never used:

* a folder inside a crate that has its own licence file, which marks third-party code
  ({excluded_dirs});
* a file whose own header names a licence the crate's expression lacks, or an SPDX identifier
  outside the list above (third-party code such as esaxx-rs's C++ sources (MIT in an Apache-2.0
  crate), libm's FreeBSD-derived `exp2*.rs`, futures-channel's BSD `mpsc/queue.rs`);
* cargo's own files (`Cargo.toml` as rewritten, `.cargo_vcs_info.json`, `Cargo.lock`);
* generated code (`gen/` folders, tree-sitter parser tables and schema scanners, files whose
  first lines say generated / DO NOT EDIT), files with lines over {MAX_CODE_LINE} characters (minified),
  binary or non-UTF-8 files, test data over 20 KB;
* anything that matches a secret pattern (private keys, cloud / GitHub / Slack tokens,
  `password = "..."`): {secret_rejects} candidate(s) rejected for that in this build.

### Crates used

{stats['crates']} crates ({stats['crate_versions']} crate versions); the span count is per crate, all
versions together; `licenses/INDEX.md` has the licence files of each version. Eligible crates that
are not listed had no candidate left under the caps (at most {PER_CRATE} whole_file/config/prose spans and {PER_CRATE_DIFFS} diff spans per crate) or the size budget.

{chr(10).join(crate_rows)}

### Crate folders skipped

{len(skipped)} of the registry's crate folders are not used at all:

{chr(10).join(skip_rows)}
"""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--registry", action="append", default=[],
                    help="a registry source folder (default: ~/.cargo/registry/src/index.crates.io-*)")
    ap.add_argument("--out", default=os.path.join(HERE, "spans.ndjson"))
    ap.add_argument("--licenses-dir", default=os.path.join(HERE, "licenses"))
    ap.add_argument("--stats", default=os.path.join(HERE, "stats.json"))
    ap.add_argument("--readme", default=os.path.join(HERE, "README.md"))
    ap.add_argument("--seed", default="7")
    ap.add_argument("--spans", type=int, default=2400, help="number of spans to aim for")
    ap.add_argument("--budget", type=int, default=6_000_000, help="target size of the output in bytes")
    ap.add_argument("--max-bytes", type=int, default=6_300_000, help="hard cap on the output size")
    ap.add_argument("--verify", action="store_true", help="check --out against the registry instead of building")
    a = ap.parse_args()

    def log(msg):
        print(msg, file=sys.stderr)

    roots = find_registry_roots(a.registry)
    if not roots:
        sys.exit("no registry source folder found")
    crates, skipped = load_crates(roots, log)
    if a.verify:
        sys.exit(0 if verify(a.out, crates, a.licenses_dir) else 1)

    by_name = defaultdict(list)
    for c in crates:
        by_name[c.name].append(c)
    cands = defaultdict(list)
    for c in crates:
        for x in file_candidates(c):
            cands[x.shape].append(x)
    cands["prose"] = prose_candidates(a.seed, cands["prose"])
    diffs = []
    for name, cs in sorted(by_name.items()):
        for old, new in zip(cs, cs[1:]):
            diffs.extend(diff_candidates(old, new, log))
    # each version-to-version file diff goes to one of the two diff shapes
    for x in diffs:
        shape = "raw_diff" if h(a.seed, x.crate.name, x.old.version, x.crate.version, x.path, "dshape") < 0.5 \
            else "fenced_diff"
        y = Cand(shape, x.crate, x.path, x.lang, old=x.old)
        y.weight = x.weight
        y.special = int(kind_of(x.lang) in ("doc", "config"))   # a few Markdown / TOML / YAML diffs first
        cands[shape].append(y)
    queues = {s: order(a.seed, s, cands.get(s, [])) for s in SHAPES}
    log("candidates: " + json.dumps({s: len(q) for s, q in queues.items()}))

    spans, rejects = select(a.seed, queues, a.spans, a.budget, log)
    assign_times_and_threads(spans, a.seed)
    spans.sort(key=lambda s: (s["when"], s["id"]))
    lines, _ = write_spans(a.out, spans, a.max_bytes, validate)

    used = {(s["metadata"]["crate"], v) for s in spans
            for v in (s["metadata"]["version"], s["metadata"].get("from_version")) if v}
    crates_used = [c for c in crates if (c.name, c.version) in used]
    lic_map, lic_summary = write_licences(a.licenses_dir, crates_used)

    stats = {
        **span_stats(spans, lines),
        "seed": a.seed,
        "crates": len({c.name for c in crates_used}), "crate_versions": len(crates_used),
        "by_shape_language": Counter(f"{s['metadata']['shape']} {s['metadata']['language']}" for s in spans),
        "by_crate": Counter(s["metadata"]["crate"] for s in spans),
        "skipped_crate_folders": len(skipped),
        "rejected_candidates": rejects,
        "licences": lic_summary,
    }
    text = json.dumps(stats, indent=1, sort_keys=True)
    with open(a.stats, "w", encoding="utf-8", newline="\n") as f:
        f.write(text + "\n")
    cmd = "python3 bench/corpus/registry/build.py --seed " + a.seed
    if a.spans != 2400:
        cmd += f" --spans {a.spans}"
    if a.budget != 6_000_000:
        cmd += f" --budget {a.budget}"
    write_readme(a.readme, json.loads(text), crates_used, skipped, cmd, lic_map)
    print(json.dumps({k: stats[k] for k in ("spans", "bytes", "max_line", "crates", "crate_versions",
                                            "by_shape", "by_did", "by_language")}, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
