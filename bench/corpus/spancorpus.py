"""Code shared by the span corpus builders under bench/corpus/.

`real/build.py` (spans from git histories) and `registry/build.py` (spans from
crates.io sources in ~/.cargo/registry) write the same span format with the
same five answer shapes.  This module holds what they have in common: the
span format rules and validator, deterministic hashing, file-kind tables,
answer fences and byte-level features, Markdown / reST headings, candidate
interleaving and the NDJSON writer.

Where the two builders differ on purpose, the difference is a parameter that
each builder passes explicitly (see `FileKinds`, `md_headings`, `diff_has`
and `validate`).

Standard library only.  Both builders are run as scripts, so they import this
module by putting bench/corpus/ on sys.path.
"""

import hashlib
import json
import os
import re
import sys
from collections import Counter
from datetime import datetime

# --------------------------------------------------------------------------
# The span format

SHAPES = ["raw_diff", "fenced_diff", "whole_file", "prose", "config"]
MAX_LINE = 60_000           # bytes of one NDJSON line (the corpus rule is < 64 KiB)
QUALITY = 90                # metadata.quality_score of every span
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# Keys LogLine computes itself; a corpus span must not bring them.
RESERVED_KEYS = ("embeddings", "query_embedding", "response_embedding", "combined_embedding", "embedding_row",
                 "semantic_tags", "complexity_score", "transformation_log")


def validate(line, seen, *, licence_ok, id_form, id_ok, required_metadata=()):
    """Raise ValueError if the line is not a valid span; else add its id to `seen`
    and return the span.

    What differs between the corpora is passed in:
      licence_ok(expr)   whether an SPDX expression (metadata.licence, and
                         metadata.from_licence where present) is allowed
      id_form            the id layout, for the error message
      id_ok(id, md)      the corpus-specific id rule (beyond the common
                         "ends in -<shape>")
      required_metadata  metadata keys that must be non-empty strings
    """
    if len(line.encode()) >= MAX_LINE:
        raise ValueError("line too long")
    s = json.loads(line)
    if not isinstance(s, dict):
        raise ValueError("not an object")
    for k in ("id", "who", "did", "this", "when", "status"):
        if not isinstance(s.get(k), str) or not s[k].strip():
            raise ValueError(f"missing/empty {k}")
    if s["id"] in seen:
        raise ValueError(f"duplicate id {s['id']}")
    if not RFC3339.match(s["when"]):
        raise ValueError(f"bad when {s['when']}")
    datetime.fromisoformat(s["when"].replace("Z", "+00:00"))
    if s["status"] not in ("completed", "failed", "pending"):
        raise ValueError("bad status")
    if s["status"] == "completed" and not (isinstance(s.get("if_ok"), str) and s["if_ok"].strip()):
        raise ValueError("completed without if_ok")
    if s["status"] == "failed" and not (isinstance(s.get("if_not"), str) and s["if_not"].strip()):
        raise ValueError("failed without if_not")
    if s["status"] == "pending" and "if_ok" in s:
        raise ValueError("pending with if_ok")
    for k in ("if_ok", "if_not", "confirmed_by"):
        if k in s and not isinstance(s[k], str):
            raise ValueError(f"{k} not a string")
    ctx, md = s.get("context"), s.get("metadata")
    if not isinstance(ctx, dict) or not isinstance(ctx.get("environment"), str) or not isinstance(ctx.get("thread_id"), str):
        raise ValueError("bad context")
    prev = ctx.get("previous_spans", [])
    if not isinstance(prev, list) or not all(isinstance(p, str) and p in seen for p in prev):
        raise ValueError("previous_spans must name earlier spans")
    q = md.get("quality_score") if isinstance(md, dict) else None
    if isinstance(q, bool) or not isinstance(q, (int, float)) or not 0 <= q <= 100:
        raise ValueError("bad quality_score")
    if md.get("shape") not in SHAPES or md.get("licence") is None:
        raise ValueError("bad metadata")
    if not licence_ok(md["licence"]) or ("from_licence" in md and not licence_ok(md["from_licence"])):
        raise ValueError("licence not allowed")
    for k in required_metadata:
        if not isinstance(md.get(k), str) or not md[k]:
            raise ValueError(f"metadata.{k} missing")
    if not s["id"].endswith("-" + md["shape"]) or not id_ok(s["id"], md):
        raise ValueError(f"id does not follow {id_form}")
    for k in RESERVED_KEYS:
        if k in s:
            raise ValueError(f"reserved key {k}")
    seen.add(s["id"])
    return s


def write_spans(path, spans, max_bytes, validate_line):
    """Serialise the spans one per line, check the size cap and every line with
    validate_line(line, seen), and write them to `path` (via a temporary file).
    Exits with a message on failure.  Returns (lines, total bytes)."""
    lines = [json.dumps(s, ensure_ascii=False, separators=(",", ":")) for s in spans]
    total = sum(len(l.encode()) + 1 for l in lines)
    if total > max_bytes:
        sys.exit(f"output would be {total} bytes, over --max-bytes {max_bytes}; lower --budget")
    seen = set()
    for i, l in enumerate(lines, 1):
        try:
            validate_line(l, seen)
        except ValueError as e:
            sys.exit(f"invalid span on line {i}: {e}")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for l in lines:
            f.write(l + "\n")
    os.replace(tmp, path)
    return lines, total


def span_stats(spans, lines):
    """The counts both corpora's stats.json share."""
    return {
        "spans": len(spans), "bytes": sum(len(l.encode()) + 1 for l in lines),
        "max_line": max(len(l.encode()) for l in lines),
        "by_shape": Counter(s["metadata"]["shape"] for s in spans),
        "by_did": Counter(s["did"] for s in spans),
        "by_language": Counter(s["metadata"]["language"] for s in spans),
        "features": Counter(f for s in spans for f in s["metadata"].get("features", [])),
        "hard_line_break_spans": sum(1 for s in spans if s["metadata"].get("hard_line_breaks")),
        "threaded": sum(1 for s in spans if s["context"].get("previous_spans")),
    }


# --------------------------------------------------------------------------
# Deterministic hashing


def h(*parts):
    """A float in [0, 1) from the parts (stable across runs and platforms)."""
    d = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(d[:8], "big") / 2.0 ** 64


def pick(seed, options, *key):
    """One of the options, chosen by hashing the seed and the key."""
    return options[int(h(seed, *key) * len(options))]


def file_lead_in(seed, templates, key, path, text, kind, **fields):
    """The lead-in sentence of a fenced whole file: one of `templates`, picked by
    hashing the seed and `key`, formatted with {path}, {base} (its file name),
    {n} (its line count), {kind} ("source" / "configuration") and `fields`."""
    n = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    base = path.rsplit("/", 1)[-1]
    return pick(seed, templates, *key).format(path=path, base=base, n=n, kind=kind, **fields)


def sha256(data):
    return hashlib.sha256(data if isinstance(data, bytes) else data.encode()).hexdigest()


def interleave(seed, shape, streams, weight):
    """Merge per-language candidate streams ({lang: [candidate, ...]}) by a
    weighted round-robin in virtual time: a language's rate is its weight
    (1 if absent; 0 drops it) times the square root of its stream's length."""
    streams = {l: st for l, st in streams.items() if weight.get(l, 1) > 0}
    rate = {l: weight.get(l, 1) * len(st) ** 0.5 for l, st in streams.items()}
    out, pos = [], {l: 0 for l in streams}
    clock = {l: h(seed, shape, l) / rate[l] for l in streams}
    while clock:
        lang = min(clock, key=lambda l: (clock[l], l))
        out.append(streams[lang][pos[lang]])
        pos[lang] += 1
        if pos[lang] >= len(streams[lang]):
            del clock[lang]
        else:
            clock[lang] += 1.0 / rate[lang]
    return out


# --------------------------------------------------------------------------
# Paths never used

BINARY_EXTS = ["png", "jpg", "jpeg", "gif", "ico", "svg", "pdf", "doc", "docx", "xls", "xlsx", "ppt",
               "pptx", "zip", "gz", "tgz", "bz2", "xz", "tar", "jar", "war", "class", "so", "a", "o",
               "dll", "exe", "dylib", "woff", "woff2", "ttf", "eot", "otf", "mp3", "mp4", "webm",
               "webp", "bmp", "psd", "ai", "eps", "pyc", "dot"]
# Vendored code, lock files, minified and generated files.  Each builder adds its
# licence-file pattern and binary_ext_pattern() of its binary extensions.
EXCLUDE_COMMON = [
    r"(^|/)(vendor|vendored|third_party|third-party|node_modules|bower_components|\.yarn)/",
    r"(^|/)(Cargo\.lock|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|"
    r"go\.sum|poetry\.lock|Pipfile\.lock|composer\.lock|Gemfile\.lock|uv\.lock)$",
    r"\.lock$", r"\.min\.(js|css)$", r"\.map$", r"\.pb\.go$", r"_pb2\.py$",
    r"(^|/)zz_generated", r"\.generated\.",
]


def binary_ext_pattern(exts):
    return r"\.(" + "|".join(exts) + r")$"


# --------------------------------------------------------------------------
# File kinds.  Each builder extends these tables with its own entries.

EXT_LANG = {
    ".rs": "rust", ".py": "python", ".pyi": "python", ".js": "javascript",
    ".mjs": "javascript", ".cjs": "javascript", ".ts": "typescript",
    ".go": "go", ".java": "java", ".kt": "kotlin", ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".sh": "bash", ".bash": "bash",
    ".rb": "ruby", ".html": "html", ".css": "css", ".y": "yacc", ".l": "lex",
    ".sql": "sql", ".proto": "protobuf", ".php": "php",
    ".md": "markdown", ".markdown": "markdown", ".rst": "rst", ".txt": "text",
    ".stderr": "text", ".stdout": "text",
    ".yml": "yaml", ".yaml": "yaml", ".json": "json", ".toml": "toml",
    ".ini": "ini", ".cfg": "ini", ".conf": "conf", ".properties": "properties",
    ".xml": "xml", ".mk": "makefile", ".dockerfile": "dockerfile", ".editorconfig": "ini",
    ".scss": "scss", ".ps1": "powershell", ".bat": "batch", ".zsh": "bash",
}
NAME_LANG = {
    "makefile": "makefile", "gnumakefile": "makefile", "dockerfile": "dockerfile",
    ".editorconfig": "ini",
    "readme": "text", "changes": "text", "authors": "text", "news": "text",
}
CODE = {"rust", "python", "javascript", "typescript", "go", "java", "kotlin", "c", "cpp", "bash",
        "ruby", "html", "css", "yacc", "lex", "sql", "protobuf", "php", "scss", "powershell", "batch"}
DOCS = {"markdown", "rst"}
CONFIG = {"yaml", "json", "toml", "ini", "conf", "properties", "xml", "makefile", "dockerfile"}


class FileKinds:
    """A path's language and a language's kind ("code", "doc", "config" or
    "other"), with one builder's tables.

    dotenv_names:       `.env` and `.env.<anything>` are "dotenv" files
    makefile_not_exts:  a `makefile*` name ending in one of these suffixes is
                        not a Makefile (e.g. cargo-make's Makefile.toml)
    """

    def __init__(self, ext_lang, name_lang, code, docs, config, *, dotenv_names, makefile_not_exts):
        self.ext_lang, self.name_lang = ext_lang, name_lang
        self.code, self.docs, self.config = code, docs, config
        self.dotenv_names = dotenv_names
        self.makefile_not_exts = tuple(makefile_not_exts)

    def lang_of(self, path):
        base = path.rsplit("/", 1)[-1]
        low = base.lower()
        if low in self.name_lang:
            return self.name_lang[low]
        if low.startswith("dockerfile") or low.endswith(".dockerfile"):
            return "dockerfile"
        if low.startswith("makefile") and not low.endswith(self.makefile_not_exts):
            return "makefile"
        if self.dotenv_names and (low == ".env" or low.startswith(".env.")):
            return "dotenv"
        dot = low.rfind(".")
        if dot > 0 or (dot == 0 and low in self.ext_lang):
            return self.ext_lang.get(low[dot:], "other")
        return "other"

    def kind_of(self, lang):
        if lang in self.code:
            return "code"
        if lang in self.docs:
            return "doc"
        if lang in self.config:
            return "config"
        return "other"


# --------------------------------------------------------------------------
# Answers: fences and byte-level features


def fence_for(text):
    """A backtick fence one longer than the longest backtick run in the text (at least 3)."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def fenced(label, body):
    f = fence_for(body)
    if not body.endswith("\n"):
        body += "\n"
    return f"{f}{label}\n{body}{f}"


def unfence(text):
    """(label, body) of the fenced block that ends an answer."""
    m = re.search(r"^(`{3,})([^\n`]*)\n", text, re.M)
    if not m or not text.endswith(m.group(1)):
        return None, None
    return m.group(2), text[m.end():len(text) - len(m.group(1))]


def features_of(text):
    """The byte-level traits of a file's text: tabs, trailing_ws, crlf, no_newline_eof."""
    feats = []
    if "\t" in text:
        feats.append("tabs")
    if re.search(r"[ \t]\r?$", text, re.M):
        feats.append("trailing_ws")
    if "\r\n" in text:
        feats.append("crlf")
    if text and not text.endswith("\n"):
        feats.append("no_newline_eof")
    return feats


def diff_has(diff, feat, *, trailing_ws_before_cr):
    """Whether a unified diff shows a byte-level trait.  trailing_ws_before_cr:
    a blank before a CRLF line end counts as trailing whitespace (otherwise
    only a blank right before the LF does)."""
    if feat == "no_newline_eof":
        return "\n\\ No newline at end of file" in diff
    if feat == "crlf":
        return "\r\n" in diff
    if feat == "tabs":
        return bool(re.search(r"^[+\- ]\t", diff, re.M))
    if feat == "trailing_ws":
        rx = r"^[+\- ].*[ \t]\r?$" if trailing_ws_before_cr else r"^[+\- ].*[ \t]$"
        return bool(re.search(rx, diff, re.M))
    return False


# --------------------------------------------------------------------------
# Prose: Markdown / reStructuredText headings

MD_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
MD_ATX = re.compile(r"^ {0,3}(#{1,6})(\s|$)")
RST_UNDER = re.compile(r"^([=\-~^\"'`*+#:.])\1{2,}\s*$")


def md_headings(lines, *, setext_skips_table_html):
    """[(line index, level)] for ATX and setext headings outside code fences.
    setext_skips_table_html: a line starting with `|` or `<` is never a setext
    heading's title (a table row or HTML followed by a `---` line)."""
    out, fence = [], None
    for i, ln in enumerate(lines):
        s = ln.rstrip("\r\n")
        m = MD_FENCE.match(s)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and not s.strip()[len(m.group(1)):].strip():
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        m = MD_ATX.match(s)
        if m:
            out.append((i, len(m.group(1))))
            continue
        if i > 0 and re.match(r"^ {0,3}(=+|-+)\s*$", s):
            prev = lines[i - 1].rstrip("\r\n")
            if prev.strip() and not MD_ATX.match(prev) and not re.match(r"^\s*([-*+]|\d+\.)\s", prev) \
                    and not (out and out[-1][0] == i - 1) \
                    and not (setext_skips_table_html and prev.lstrip().startswith(("|", "<"))):
                out.append((i - 1, 1 if s.strip()[0] == "=" else 2))
    return out


def rst_headings(lines):
    """[(line index, level)] for reST section titles (underlined, optionally overlined)."""
    out, styles = [], []
    i = 0
    while i + 1 < len(lines):
        title = lines[i].rstrip("\r\n")
        under = lines[i + 1].rstrip("\r\n")
        if title.strip() and not RST_UNDER.match(title) and RST_UNDER.match(under) \
                and len(under.rstrip()) >= len(title.rstrip()):
            over = i > 0 and lines[i - 1].rstrip("\r\n") == under
            style = (under[0], over)
            if style not in styles:
                styles.append(style)
            out.append((i - 1 if over else i, styles.index(style) + 1))
            i += 2
            continue
        i += 1
    return out


def is_hard_break(line):
    """A Markdown hard line break: a non-blank line ending in two spaces."""
    body = line.rstrip("\r\n")
    return body.endswith("  ") and bool(body.strip())
