#!/usr/bin/env python3
"""Build a real-data span corpus from public git histories.

Every span is derived from one commit of a permissively licensed repository
(MIT / Apache-2.0 / BSD): the commit message is the query (`this`), the author
is `who`, and the answer (`if_ok`) is one of five shapes taken byte-for-byte
from git:

  raw_diff     the commit's unified diff, exactly as `git show` prints it
  fenced_diff  one prose sentence, then that diff inside a ```diff fence
  whole_file   one sentence + a post-commit source file in a labelled fence,
               or (some spans) the bare file
  prose        the post-commit Markdown / reStructuredText section that the
               commit changed (hard line breaks and all)
  config       a post-commit YAML / JSON / TOML / Makefile / Dockerfile / ...
               file, bare or fenced

Reverted commits become `failed` spans (`if_not` = the revert's message), the
newest span of some threads becomes `pending`, and commits with review
trailers or a merged pull request get `confirmed_by`.

Standard library only.  Same mirrors + same arguments => same bytes out.

    python3 build.py --out spans.ndjson --budget 2700000 --seed 7 \
        /work/.mirror/serde-rs+serde/repo /work/.mirror/pallets+flask/repo ...

A mirror argument is a bare git dir (`.../owner+name/repo`, the layout the
fetch tool produces), a directory holding such mirrors, or `owner/name=PATH`;
append `@REV` to pin the snapshot commit (default: the mirror's HEAD).
`--verify` re-reads an existing output and checks every answer against git.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import datetime

# bench/corpus/spancorpus.py: the span format, validator and helpers shared with
# bench/corpus/registry/build.py.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import spancorpus  # noqa: E402
from spancorpus import (  # noqa: E402
    BINARY_EXTS, EXCLUDE_COMMON, MAX_LINE, QUALITY, SHAPES, FileKinds, binary_ext_pattern, diff_has,
    features_of, fenced, file_lead_in, h, interleave, is_hard_break, md_headings, pick, rst_headings, sha256,
    span_stats, unfence, write_spans,
)

# --------------------------------------------------------------------------
# Limits and knobs (MAX_LINE, QUALITY and SHAPES come from spancorpus)

MAX_DIFF = 20_000          # bytes of diff text
MAX_FILE = 6_000           # bytes of a whole file (whole_file / config)
MIN_FILE = 120
MIN_CONFIG = 40
MAX_SECTION = 8_000        # bytes of a prose section
MIN_SECTION = 160
MAX_PATHS = 25             # files in one diff
MAX_PER_THREAD = 4         # spans sharing one thread_id
FRONT_SPECIAL = 4          # files per language tried first for their special bytes

GIT_ENV = dict(os.environ)
GIT_ENV.update({
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "LC_ALL": "C",
    "GIT_PAGER": "cat",
    "GIT_NO_REPLACE_OBJECTS": "1",
})
# The exact diff command; README documents it so the bytes can be checked.
DIFF_ARGS = ["show", "--format=", "--no-color", "--no-ext-diff", "--no-textconv", "-M"]

# Per-repository extras: `domain` (context.environment), `short` (id prefix),
# `exclude` (path regexes never used, e.g. parts under another licence).
REPO_CONF = {
    "serde-rs/serde": {"domain": "rust", "short": "serde"},
    "pallets/flask": {"domain": "python", "short": "flask"},
    "expressjs/express": {"domain": "javascript", "short": "express"},
    "spf13/cobra": {"domain": "go", "short": "cobra"},
    "google/gson": {"domain": "java", "short": "gson",
                     "exclude": [r"(^|/)javadocs?/", r"^docs/"]},
    "jqlang/jq": {"domain": "c", "short": "jq",
                  # docs/ is CC BY 3.0; the rest are third-party or generated.
                  "exclude": [r"^docs/", r"(^|/)decNumber/", r"^src/jv_dtoa",
                              r"^src/jv_thread\.h$", r"^modules/",
                              r"^src/(parser|lexer)\.[ch]$", r"\.prebuilt$",
                              r"^(configure|aclocal\.m4|ltmain\.sh|config/)",
                              r"^jq\.1$"]},
    "rust-lang/book": {"domain": "docs", "short": "rust-book",
                       "exclude": [r"^nostarch/", r"^tmp/"]},
    "kubernetes/examples": {"domain": "kubernetes", "short": "k8s-examples"},
}

EXCLUDE_ALWAYS = EXCLUDE_COMMON + [
    r"(^|/)(LICENSE|LICENCE|COPYING)[^/]*$",
    binary_ext_pattern(BINARY_EXTS),
]
BOT_RE = re.compile(r"\[bot\]|dependabot|renovate|github-actions|greenkeeper|snyk-bot", re.I)

# --------------------------------------------------------------------------
# File kinds (spancorpus's tables plus the languages of these repositories)

EXT_LANG = {
    **spancorpus.EXT_LANG,
    ".jq": "jq", ".gradle": "groovy", ".env": "dotenv", ".tf": "hcl", ".jade": "pug", ".pug": "pug",
    ".haml": "haml", ".ejs": "ejs", ".hbs": "handlebars", ".m4": "m4", ".golden": "text",
    ".styl": "stylus", ".sass": "sass", ".coffee": "coffeescript", ".jj": "javacc", ".fish": "fish",
}
NAME_LANG = {
    **spancorpus.NAME_LANG,
    ".gitignore": "gitignore", ".dockerignore": "gitignore", ".npmignore": "gitignore",
    ".gitattributes": "gitignore", "procfile": "conf",
    "build": "starlark", "build.bazel": "starlark", "workspace": "starlark", ".mailmap": "text",
    "go.mod": "gomod", "owners": "yaml", "owners_aliases": "yaml", "config": "other",
}
CODE = spancorpus.CODE | {"jq", "groovy", "pug", "haml", "ejs", "handlebars", "m4", "stylus", "sass",
                          "coffeescript", "javacc", "fish"}
DOCS = spancorpus.DOCS
CONFIG = spancorpus.CONFIG | {"dotenv", "gitignore", "starlark", "hcl", "gomod"}
FENCE_LABEL = {"gitignore": "gitignore", "starlark": "python", "conf": "conf", "gomod": "go.mod",
               "dotenv": "dotenv", "pug": "pug", "javacc": "java"}
# Relative weight of a language when interleaving candidates of a shape (1 if absent).
LANG_WEIGHT = {
    "config": {"dockerfile": 3, "makefile": 3, "dotenv": 4, "toml": 1.5, "json": 1.2,
               "gitignore": 0, "xml": 0.6, "ini": 0.8, "properties": 0.8, "gomod": 1},
    "whole_file": {"html": 0.4, "css": 0.5, "pug": 0.4, "haml": 0.3, "ejs": 0.4, "m4": 0.2,
                   "handlebars": 0.3, "c": 2, "go": 1.2, "java": 1.2},
    "raw_diff": {"gitignore": 0.3, "other": 0.4, "text": 0.5, "m4": 0.2},
    "fenced_diff": {"gitignore": 0.3, "other": 0.4, "text": 0.5, "m4": 0.2},
}
TEST_RE = re.compile(
    r"(^|/)(tests?|testing|spec|__tests__|test_suite|testdata|test-suite)/|_test\.(go|py|c)$|"
    r"(^|/)test_[^/]*\.py$|Test[^/]*\.java$|\.(test|spec)\.[jt]s$|\.(test|shtest)$")

# `.env` / `.env.*` are dotenv files here; every `makefile*` name is a Makefile.
KINDS = FileKinds(EXT_LANG, NAME_LANG, CODE, DOCS, CONFIG, dotenv_names=True, makefile_not_exts=())
lang_of = KINDS.lang_of
kind_of = KINDS.kind_of


# --------------------------------------------------------------------------
# Git access


class Repo:
    def __init__(self, name, gitdir, rev="HEAD"):
        self.name = name
        self.gitdir = gitdir
        self.rev = rev
        self._batch = None

    def git(self, *args, check=True):
        p = subprocess.run(["git", "--git-dir", self.gitdir, *args], env=GIT_ENV,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if check and p.returncode != 0:
            raise RuntimeError(f"git {' '.join(args[:3])}: {p.stderr.decode(errors='replace')[:300]}")
        return p.stdout if p.returncode == 0 else None

    def blob(self, sha):
        """Blob bytes by sha, or None if absent."""
        if self._batch is None:
            self._batch = subprocess.Popen(["git", "--git-dir", self.gitdir, "cat-file", "--batch"],
                                           env=GIT_ENV, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        b = self._batch
        b.stdin.write(sha.encode() + b"\n")
        b.stdin.flush()
        head = b.stdout.readline().split()
        if len(head) < 3 or head[1] != b"blob":
            return None
        n = int(head[2])
        data = b.stdout.read(n)
        b.stdout.read(1)
        return data

    def sizes(self, shas):
        if not shas:
            return {}
        p = subprocess.run(["git", "--git-dir", self.gitdir, "cat-file", "--batch-check"],
                           env=GIT_ENV, input=("\n".join(shas) + "\n").encode(),
                           stdout=subprocess.PIPE, check=True)
        out = {}
        for line in p.stdout.decode().splitlines():
            f = line.split()
            if len(f) == 3 and f[1] == "blob":
                out[f[0]] = int(f[2])
        return out

    def diff(self, sha, paths):
        out = self.git(*DIFF_ARGS, sha, "--", *paths, check=False)
        return out

    def close(self):
        if self._batch:
            self._batch.stdin.close()
            self._batch.wait()


def fix_text(s):
    """Text from git bytes decoded with surrogateescape, made valid UTF-8."""
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def find_mirrors(args):
    """[(owner/name, git dir, revision)] from the command-line arguments.

    An argument is PATH, owner/name=PATH, or either with @REV appended to pin
    the snapshot commit (default HEAD)."""
    out = []
    for a in args:
        name, rev = None, "HEAD"
        if "@" in a and not os.path.exists(a):
            a, rev = a.rsplit("@", 1)
        if "=" in a and not os.path.exists(a):
            name, a = a.split("=", 1)
        a = os.path.abspath(a)
        if os.path.isfile(os.path.join(a, "HEAD")) and os.path.isdir(os.path.join(a, "objects")):
            out.append((name or name_from_path(a), a, rev))
            continue
        if not os.path.isdir(a):
            sys.exit(f"not a git dir or directory: {a}")
        for sub in sorted(os.listdir(a)):
            for cand in (os.path.join(a, sub, "repo"), os.path.join(a, sub)):
                if os.path.isfile(os.path.join(cand, "HEAD")) and os.path.isdir(os.path.join(cand, "objects")):
                    out.append((name_from_path(cand), cand, rev))
                    break
    return out


def name_from_path(gitdir):
    parts = gitdir.rstrip("/").split("/")
    for p in reversed(parts):
        if "+" in p:
            return p.replace("+", "/", 1)
    p = parts[-1][:-4] if parts[-1].endswith(".git") else parts[-1]
    return p


# --------------------------------------------------------------------------
# Licences

LICENSE_FILES = re.compile(r"^(LICEN[CS]E|COPYING|UNLICENSE)([-._].*)?$", re.I)


def classify_licence(text):
    t = " ".join(text.split())
    if "Apache License" in t and "Version 2.0" in t:
        return "Apache-2.0"
    if "Permission is hereby granted, free of charge" in t:
        return "MIT"
    if "Redistribution and use in source and binary forms" in t:
        if "Neither the name" in t or "may be used to endorse" in t:
            return "BSD-3-Clause"
        return "BSD-2-Clause"
    return None


def repo_licence(repo):
    """(spdx expression or None, [(path, text)])."""
    names = repo.git("ls-tree", "--name-only", repo.rev).decode().splitlines()
    found, texts = [], []
    for n in sorted(names):
        if LICENSE_FILES.match(n):
            text = repo.git("show", f"{repo.rev}:{n}").decode("utf-8", "replace")
            kind = classify_licence(text)
            texts.append((n, text))
            if kind and kind not in found:
                found.append(kind)
    if not found:
        return None, texts
    return " OR ".join(found), texts


# --------------------------------------------------------------------------
# History


class Commit:
    __slots__ = ("sha", "parents", "author", "email", "when", "epoch", "committer",
                 "message", "files", "idx", "pr", "merger", "features")

    @property
    def subject(self):
        return self.message.split("\n", 1)[0].strip()


def read_history(repo):
    fmt = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%at%x1f%cn%x1f%B%x1f"
    raw = repo.git("log", "--no-merges", "--topo-order", "--reverse", "--raw", "--no-renames",
                   "--no-abbrev", "-z", f"--format={fmt}", repo.rev)
    text = raw.decode("utf-8", "surrogateescape")
    commits = []
    for rec in text.split("\x1e")[1:]:
        f = rec.split("\x1f")
        if len(f) < 9:
            continue
        c = Commit()
        c.sha, c.parents, c.author, c.email, c.when, epoch, c.committer, c.message = f[:8]
        c.parents = c.parents.split()
        c.epoch = int(epoch)
        c.message = fix_text(c.message).rstrip("\n")
        c.author = fix_text(c.author).strip()
        c.committer = fix_text(c.committer).strip()
        c.files = []
        toks = f[8].split("\0")
        i = 0
        while i < len(toks):
            t = toks[i].lstrip("\n")
            if t.startswith(":"):
                meta = t[1:].split(" ")
                path = toks[i + 1] if i + 1 < len(toks) else ""
                i += 2
                if len(meta) >= 5:
                    c.files.append((meta[4][0], path, meta[0], meta[1], meta[3]))
                continue
            i += 1
        c.idx = len(commits)
        c.pr = None
        c.merger = None
        c.features = set()
        commits.append(c)
    return commits


def pr_merges(repo, by_sha):
    """Map commits to the pull-request merge that brought them in."""
    out = repo.git("log", "--merges", "--topo-order", "--reverse", "--format=%H%x1f%P%x1f%an%x1f%s", repo.rev)
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        f = line.split("\x1f")
        if len(f) < 4:
            continue
        m = re.match(r"Merge pull request #(\d+)", f[3])
        parents = f[1].split()
        if not m or len(parents) != 2:
            continue
        revs = repo.git("rev-list", "--no-merges", parents[1], "^" + parents[0], check=False) or b""
        for s in revs.decode().split():
            c = by_sha.get(s)
            if c is not None and c.pr is None:
                c.pr = int(m.group(1))
                c.merger = fix_text(f[2]).strip()


def scan_features(repo, excluded):
    """Per-commit flags of byte-level interest, from one streamed `git log -p`.

    nonl: a "\\ No newline at end of file" marker; trailing_ws: a diff line
    ending in a space or tab; crlf: a line ending in CR; tabs: a tab-indented
    line; hardbreak: an added Markdown/rst line ending in two spaces.
    """
    feats = defaultdict(set)
    # Binary types are left out of the pathspec: a snapshot may lack big blobs,
    # and git log -p stops at the first one it cannot read.
    skip = [f":(exclude,glob)**/*.{e}" for e in BINARY_EXTS]
    p = subprocess.Popen(["git", "--git-dir", repo.gitdir, "log", "--no-merges", "-p", "--no-renames",
                          "--no-color", "--no-ext-diff", "--no-textconv", "--format=%x1eC%H", repo.rev,
                          "--", ".", *skip],
                         env=GIT_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    cur, doc = None, False
    for line in p.stdout:
        if line.startswith(b"\x1eC"):
            cur = line[2:].strip().decode()
            continue
        if cur is None:
            continue
        if line.startswith(b"diff --git "):
            m = re.search(rb" b/(.*)$", line.rstrip(b"\n"))
            path = m.group(1).decode("utf-8", "replace") if m else ""
            doc = lang_of(path) in DOCS and not any(r.search(path) for r in excluded)
            continue
        if line.startswith(b"\\ No newline"):
            feats[cur].add("no_newline_eof")
            continue
        body = line[:-1] if line.endswith(b"\n") else line
        if body[:1] not in (b"+", b"-", b" ") or body.startswith((b"+++", b"---")):
            continue
        if body.endswith(b"\r"):
            feats[cur].add("crlf")
        elif len(body) > 1 and body.endswith((b" ", b"\t")):
            feats[cur].add("trailing_ws")
            if doc and body.startswith(b"+") and body.endswith(b"  ") and body[1:].strip():
                feats[cur].add("hard_line_break")
        if body[1:2] == b"\t":
            feats[cur].add("tabs")
    err = p.stderr.read().decode("utf-8", "replace").strip()
    if p.wait() != 0:
        print(f"{repo.name}: feature scan stopped early ({err[:120]}); ordering only", file=sys.stderr)
    return feats


REVERT_SHA = re.compile(r"(?:This reverts|[Rr]evert(?:ed|s|ing)?(?: the)?) commit ([0-9a-f]{7,40})")
REVERT_SUBJ = re.compile(r'^Revert "(.+)"')


def find_reverts(commits):
    """{original sha: revert commit}; also the set of revert shas."""
    by_prefix = {}
    by_subject = defaultdict(list)
    for c in commits:
        by_subject[c.subject].append(c)
    shas = [c.sha for c in commits]
    index = {c.sha: c for c in commits}
    reverted, revert_shas = {}, set()
    for c in commits:
        m = REVERT_SHA.search(c.message)
        ms = REVERT_SUBJ.match(c.subject)
        if not (m or ms or c.subject.lower().startswith("revert")):
            continue
        revert_shas.add(c.sha)
        target = None
        if m:
            pre = m.group(1)
            if pre not in by_prefix:
                by_prefix[pre] = [s for s in shas if s.startswith(pre)]
            hits = by_prefix[pre]
            if len(hits) == 1:
                target = index[hits[0]]
        if target is None and ms:
            subj = re.sub(r"\s*\(#\d+\)$", "", ms.group(1))
            cands = [o for o in by_subject.get(ms.group(1), []) + by_subject.get(subj, [])
                     if o.idx < c.idx]
            if cands:
                target = max(cands, key=lambda o: o.idx)
        if target is not None and target.idx < c.idx and target.sha not in reverted \
                and not REVERT_SUBJ.match(target.subject):
            reverted[target.sha] = c
    return reverted, revert_shas


# --------------------------------------------------------------------------
# Span content

TRAILER = re.compile(r"^(Reviewed-by|Acked-by|Tested-by|Approved-by|Signed-off-by):\s*(.+?)\s*(<[^>]*>)?\s*$",
                     re.I | re.M)
PR_URL = re.compile(r"^PR-URL:\s*\S*/pull/(\d+)", re.I | re.M)
CLOSES = re.compile(r"^closes #(\d+)\s*$", re.I | re.M)
SQUASH = re.compile(r"\(#(\d+)\)\s*$")


def confirmation(repo, c):
    """(confirmed_by, how) or (None, None)."""
    best = None
    order = ["reviewed-by", "acked-by", "tested-by", "approved-by", "signed-off-by"]
    for m in TRAILER.finditer(c.message):
        kind, who = m.group(1).lower(), m.group(2).strip()
        if not who or BOT_RE.search(who):
            continue
        if kind == "signed-off-by" and who.lower() == c.author.lower():
            continue
        rank = order.index(kind)
        if best is None or rank < best[0]:
            best = (rank, who, m.group(1))
    if best:
        return f"git:{best[1]}", f"{best[2]} trailer"
    if c.pr is not None and c.merger and c.merger.lower() != c.author.lower() and not BOT_RE.search(c.merger):
        return f"git:{c.merger}", f"merge of pull request #{c.pr}"
    if c.pr is not None:
        return f"github:{repo.name}#{c.pr}", f"merged pull request #{c.pr}"
    for rx, how in ((SQUASH, "squash-merged pull request"), (PR_URL, "PR-URL trailer"),
                    (CLOSES, "closes trailer")):
        m = rx.search(c.subject if rx is SQUASH else c.message)
        if m:
            return f"github:{repo.name}#{m.group(1)}", f"{how} #{m.group(1)}"
    return None, None


SYMPTOM_RE = re.compile(r"\b(bug|bugs|crash\w*|panic\w*|segfault\w*|deadlock\w*|race|leak\w*|hang\w*|"
                        r"regression\w*|infinite loop|overflow\w*|assert\w*|error\w*|exception\w*|"
                        r"fail\w*|broken|memory|null pointer|npe)\b", re.I)
FIX_RE = re.compile(r"\b(fix|fixes|fixed|fixing|bugfix|hotfix|typo|typos|correct|corrects|repair\w*|"
                    r"workaround|resolve[sd]?)\b|\bbugs?\b", re.I)
REFACTOR_RE = re.compile(r"\b(refactor\w*|clean\w*|rename\w*|simplif\w*|tidy|reorgani[sz]\w*|restructur\w*|"
                         r"move[sd]?|extract\w*|lint\w*|reformat\w*|clippy|rustfmt|gofmt|style|dedup\w*|"
                         r"unused|dead code)\b", re.I)
PERF_RE = re.compile(r"\b(perf|performance|optimi[sz]\w*|faster|speed\w*|allocat\w*|fast path|"
                     r"benchmark\w*|quicker|slow)\b", re.I)
TESTW_RE = re.compile(r"\b(test|tests|testing|coverage|spec|specs)\b", re.I)
DOCW_RE = re.compile(r"^(docs?|readme|documentation)\b|\b(docs|documentation|readme|changelog)\b", re.I)
CONFW_RE = re.compile(r"\b(ci|workflow|docker\w*|makefile|config\w*|bump|deps|dependenc\w*|travis|appveyor|"
                      r"yaml|manifest|helm|deploy\w*)\b", re.I)


def classify_did(subject, paths, shape):
    """The action of a span, from the commit subject and the files shown."""
    kinds = [kind_of(lang_of(p)) for p in paths]
    tests = [bool(TEST_RE.search(p)) for p in paths]
    docs_only = bool(kinds) and all(k == "doc" for k in kinds)
    if shape == "prose" or docs_only:
        return "write_docs"
    if shape == "config":
        return "configure"
    if FIX_RE.search(subject):
        # a fix that names a failure symptom is debugging; a plain fix is a bug fix
        return "debug_code" if SYMPTOM_RE.search(subject) and not re.search(r"\btypos?\b", subject, re.I) \
            else "fix_bug"
    if kinds and all(k == "config" for k in kinds):
        return "configure"
    if REFACTOR_RE.search(subject):
        return "refactor_code"
    if PERF_RE.search(subject):
        return "optimize_code"
    if tests and all(tests) or TESTW_RE.search(subject) and any(tests):
        return "write_tests"
    if DOCW_RE.search(subject):
        return "write_docs"
    if CONFW_RE.search(subject) and any(k == "config" for k in kinds):
        return "configure"
    return "write_code"


def diff_stats(diff):
    files, plus, minus = [], 0, 0
    per = Counter()
    cur = None
    for line in diff.split("\n"):
        if line.startswith("diff --git "):
            m = re.match(r"diff --git a/(.*) b/(.*)$", line)
            cur = m.group(2) if m else line[11:]
            files.append(cur)
        elif line.startswith("+++ ") or line.startswith("--- "):
            continue
        elif line.startswith("+"):
            plus += 1
            per[cur] += 1
        elif line.startswith("-"):
            minus += 1
            per[cur] += 1
    return files, plus, minus, per


def verb_phrase(did):
    return {
        "fix_bug": "fixes the problem", "debug_code": "tracks down the failure",
        "refactor_code": "restructures the code", "write_docs": "updates the documentation",
        "configure": "adjusts the configuration", "write_tests": "adds test coverage",
        "optimize_code": "speeds things up", "write_code": "implements the change",
    }.get(did, "makes the change")


def diff_sentence(seed, c, main, nfiles, plus, minus, did):
    others = f" and {nfiles - 1} other file{'s' if nfiles > 2 else ''}" if nfiles > 1 else ""
    options = [
        f"The patch below {verb_phrase(did)} in `{main}`{others} (+{plus}/-{minus} lines):",
        f"Here is the diff for `{main}`{others}:",
        f"This change touches {nfiles} file{'s' if nfiles != 1 else ''} (+{plus}/-{minus}); apply it with `git apply`:",
        f"Apply this diff to `{main}`{others}:",
        f"The fix lives in `{main}`{others}. The full patch:",
    ]
    if did != "fix_bug":
        options.pop()
    return pick(seed, options, c.sha, "sent")


FILE_LEAD_INS = [     # spancorpus.file_lead_in() templates: a file as a commit left it
    "Here is the full `{path}` after this change:",
    "The updated `{base}` ({n} lines) now reads:",
    "After the commit, `{path}` looks like this:",
    "This is the complete {kind} in `{path}` once the change is applied:",
]


def file_sentence(seed, c, path, text, kind):
    return file_lead_in(seed, FILE_LEAD_INS, (c.sha, path, "fsent"), path, text, kind)


# ---- prose sections (headings: spancorpus.md_headings / rst_headings)


def section_of(text, lang, line_no):
    """(start, end) 0-based line range [start, end) of the section holding line_no."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return None
    heads = md_headings(lines, setext_skips_table_html=False) if lang == "markdown" else rst_headings(lines)
    line_no = min(max(line_no, 0), len(lines) - 1)
    start, level = 0, 0
    for i, lv in heads:
        if i <= line_no:
            start, level = i, lv
    end = len(lines)
    for i, lv in heads:
        if i > start and (level == 0 or lv <= level):
            end = i
            break
    if len("".join(lines[start:end]).encode()) > MAX_SECTION:
        # too long with its subsections: stop at the next heading of any level
        end = next((i for i, _ in heads if i > start), len(lines))
    while end > start and not lines[end - 1].strip():
        end -= 1
    return start, end


def changed_lines(diff_u0):
    """0-based post-image line numbers touched by a -U0 diff, in order."""
    out = []
    for m in re.finditer(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", diff_u0, re.M):
        start, n = int(m.group(1)), int(m.group(2) or "1")
        out.extend(range(start - 1, start - 1 + n) if n > 0 else [max(start - 1, 0)])
    return out


# --------------------------------------------------------------------------
# Candidate selection


class Builder:
    def __init__(self, repo, seed, licence, excluded, domain, short):
        self.repo = repo
        self.seed = seed
        self.licence = licence
        self.excluded = excluded
        self.domain = domain
        self.short = short
        self.snapshot = repo.git("rev-parse", "--verify", repo.rev + "^{commit}").decode().strip()

    def ok_path(self, path):
        if not path or "\ufffd" in path or any(0xDC80 <= ord(ch) <= 0xDCFF for ch in path):
            return False
        return not any(r.search(path) for r in self.excluded)

    def load(self):
        self.commits = read_history(self.repo)
        self.by_sha = {c.sha: c for c in self.commits}
        pr_merges(self.repo, self.by_sha)
        feats = scan_features(self.repo, self.excluded)
        for c in self.commits:
            c.features = feats.get(c.sha, set())
        self.reverted, self.revert_shas = find_reverts(self.commits)
        blobs = {sha for c in self.commits for (st, p, _, m, sha) in c.files
                 if st in "AM" and m.startswith("100") and self.ok_path(p)}
        self.blob_size = self.repo.sizes(sorted(blobs))

    def text_files(self, c):
        """Usable (status, path, mode, blob) of a commit."""
        out = []
        for st, p, src_mode, dst_mode, blob in c.files:
            if not self.ok_path(p):
                continue
            mode = dst_mode if st != "D" else src_mode
            if not mode.startswith("100"):      # symlinks, submodules
                continue
            out.append((st, p, mode, blob))
        return out

    def usable(self, c):
        return (c.sha not in self.revert_shas and c.subject and c.author
                and not BOT_RE.search(c.author) and len(c.parents) == 1)

    def candidates(self):
        """{shape: [(commit, main path, lang)]}."""
        cands = defaultdict(list)
        for c in self.commits:
            if not self.usable(c):
                continue
            files = self.text_files(c)
            if not files or len(files) > MAX_PATHS:
                continue
            rank = {"code": 0, "doc": 1, "config": 2, "other": 3}
            main = min(files, key=lambda f: (rank[kind_of(lang_of(f[1]))], -self.blob_size.get(f[3], 0), f[1]))
            for shape in ("raw_diff", "fenced_diff"):
                cands[shape].append((c, main[1], lang_of(main[1])))
            for st, p, mode, blob in files:
                if st not in "AM":
                    continue
                lang, size = lang_of(p), self.blob_size.get(blob, 0)
                k = kind_of(lang)
                if k == "code" and MIN_FILE <= size <= MAX_FILE:
                    cands["whole_file"].append((c, p, lang))
                elif k == "config" and MIN_CONFIG <= size <= MAX_FILE:
                    cands["config"].append((c, p, lang))
                elif k == "doc" and size >= MIN_SECTION:
                    cands["prose"].append((c, p, lang))
        return cands

    def order(self, shape, items):
        """Interleave languages (weighted by sqrt of their counts) and, within a
        language, visit files in hashed order taking a run of 1-3 commits per
        file so that threads form.  Commits with interesting bytes go first."""
        boost = {"raw_diff": {"no_newline_eof", "trailing_ws", "crlf"},
                 "fenced_diff": {"no_newline_eof", "trailing_ws", "crlf"},
                 "prose": {"hard_line_break"}, "config": {"tabs"}, "whole_file": set()}[shape]
        by_lang = defaultdict(lambda: defaultdict(list))
        for c, p, lang in items:
            by_lang[lang][p].append((c, p, lang))
        streams = {}
        for lang, groups in by_lang.items():
            keyed = []
            for p, lst in groups.items():
                lst.sort(key=lambda t: t[0].idx)
                special = [i for i, t in enumerate(lst) if t[0].features & boost]
                k = h(self.seed, self.repo.name, shape, p)
                if special:
                    k *= 0.3
                run = 1 + int(h(self.seed, p, shape, "run") * 3)
                if special:
                    s0 = special[int(h(self.seed, p, "sp") * len(special))]
                else:
                    s0 = int(h(self.seed, p, shape, "start") * len(lst))
                s0 = max(0, min(s0, len(lst) - run))
                keyed.append((k, p, lst[s0:s0 + run], lst[:s0] + lst[s0 + run:], bool(special)))
            keyed.sort(key=lambda t: (t[0], t[1]))
            # the first few files with interesting bytes go to the very front
            front = [t for t in keyed if t[4]][:FRONT_SPECIAL]
            keyed = front + [t for t in keyed if t not in front]
            first = [x for _, _, r, _, _ in keyed for x in r]
            rest = sorted((x for _, _, _, r, _ in keyed for x in r),
                          key=lambda t: (h(self.seed, t[0].sha, t[1], shape), t[0].sha))
            streams[lang] = first + rest
        # weighted round-robin by virtual time
        return interleave(self.seed, shape, streams, LANG_WEIGHT.get(shape, {}))

    # ---- span construction

    def base(self, c, shape, did, main, paths):
        conf, how = confirmation(self.repo, c)
        span = {
            "id": f"{self.short}-{c.sha[:12]}-{shape}",
            "who": f"git:{c.author}",
            "did": did,
            "this": c.message,
            "when": c.when,
            "status": "completed",
        }
        if conf:
            span["confirmed_by"] = conf
        span["context"] = {
            "environment": self.domain,
            "thread_id": f"{self.repo.name}:{main}",
            "previous_spans": [],
        }
        span["metadata"] = {
            "quality_score": QUALITY,
            "repo": self.repo.name,
            "commit": c.sha,
            "licence": self.licence,
            "shape": shape,
            "source": "git-history",
            "snapshot": self.snapshot,
            "language": lang_of(main),
            "paths": paths,
        }
        if how:
            span["metadata"]["confirmed_via"] = how
        if c.pr is not None:
            span["metadata"]["pull_request"] = c.pr
        return span

    def make_diff(self, c, shape, failed_by=None):
        files = self.text_files(c)
        paths = sorted({p for _, p, _, _ in files})
        if not paths:
            return None
        raw = self.repo.diff(c.sha, paths)
        if not raw or len(raw) > MAX_DIFF:
            return None
        try:
            diff = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if "\nBinary files " in "\n" + diff or "\nGIT binary patch" in diff or "\0" in diff:
            return None
        if re.search(r"^\+.*(DO NOT EDIT|@generated|autogenerated|auto-generated)", diff, re.M | re.I):
            return None
        if not diff.startswith("diff --git "):
            return None
        dfiles, plus, minus, per = diff_stats(diff)
        if plus + minus == 0:
            return None
        rank = {"code": 3, "doc": 2, "config": 1, "other": 0}
        main = max(dfiles, key=lambda f: (rank[kind_of(lang_of(f))], per[f], f))
        did = classify_did(c.subject, dfiles, shape)
        span = self.base(c, shape, did, main, paths)
        if shape == "raw_diff":
            span["if_ok"] = diff
        else:
            span["if_ok"] = diff_sentence(self.seed, c, main, len(dfiles), plus, minus, did) + "\n\n" + fenced("diff", diff)
            span["metadata"]["fenced"] = True
        feats = sorted(c.features & {"no_newline_eof", "trailing_ws", "crlf", "tabs"})
        feats = [f for f in feats if diff_has(diff, f, trailing_ws_before_cr=False)]
        if feats:
            span["metadata"]["features"] = feats
        if shape == "raw_diff":
            span["metadata"]["fenced"] = False
        span["metadata"]["diff_stat"] = {"files": len(dfiles), "insertions": plus, "deletions": minus}
        if failed_by is not None:
            span["status"] = "failed"
            span["if_not"] = failed_by.message
            span["metadata"]["reverted_by"] = failed_by.sha
        return span

    def make_file(self, c, shape, path):
        blob = next((b for st, p, _, b in self.text_files(c) if p == path), None)
        data = self.repo.blob(blob) if blob else None
        if data is None or b"\0" in data:
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if not text.strip() or re.search(r"DO NOT EDIT|@generated", text[:600]):
            return None
        lang = lang_of(path)
        did = classify_did(c.subject, [path], shape)
        span = self.base(c, shape, did, path, [path])
        span["metadata"]["file"] = path
        span["metadata"]["blob"] = blob
        fence_it = h(self.seed, c.sha, path, "fence") < (0.7 if shape == "whole_file" else 0.5)
        if fence_it:
            label = FENCE_LABEL.get(lang, lang)
            kind = "configuration" if shape == "config" else "source"
            span["if_ok"] = file_sentence(self.seed, c, path, text, kind) + "\n\n" + fenced(label, text)
        else:
            span["if_ok"] = text
        span["metadata"]["fenced"] = fence_it
        span["metadata"]["eof_newline"] = text.endswith("\n")
        feats = features_of(text)
        if feats:
            span["metadata"]["features"] = feats
        return span

    def make_prose(self, c, path):
        blob = next((b for st, p, _, b in self.text_files(c) if p == path), None)
        data = self.repo.blob(blob) if blob else None
        if data is None:
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        u0 = self.repo.git(*DIFF_ARGS, "-U0", c.sha, "--", path, check=False)
        if not u0:
            return None
        changed = changed_lines(u0.decode("utf-8", "replace"))
        if not changed:
            return None
        lines = text.splitlines(keepends=True)
        # prefer the section of a changed line that ends in a hard line break
        ln = next((i for i in changed if i < len(lines) and is_hard_break(lines[i])), changed[0])
        lang = lang_of(path)
        rng = section_of(text, lang, ln)
        if not rng:
            return None
        start, end = rng
        section = "".join(lines[start:end])
        size = len(section.encode())
        if size < MIN_SECTION or size > MAX_SECTION or not section.strip():
            return None
        span = self.base(c, "prose", "write_docs", path, [path])
        span["if_ok"] = section
        span["metadata"]["file"] = path
        span["metadata"]["blob"] = blob
        span["metadata"]["section_lines"] = [start + 1, end]
        span["metadata"]["fenced"] = False
        hb = sum(1 for l in lines[start:end] if is_hard_break(l))
        if hb:
            span["metadata"]["hard_line_breaks"] = hb
        return span

    def build(self, budget, seen_answers):
        """Spans for this repo within `budget` bytes."""
        spans, used, total = [], set(), 0
        per_thread = Counter()

        def size_of(s):
            return len(json.dumps(s, ensure_ascii=False).encode()) + 1

        def accept(s):
            nonlocal total
            if s is None:
                return False
            key = sha256(s.get("if_ok", ""))
            if key in seen_answers:
                return False
            tid = s["context"]["thread_id"]
            if per_thread[tid] >= MAX_PER_THREAD:
                return False
            n = size_of(s)
            if n > MAX_LINE or total + n > budget:
                return False
            seen_answers.add(key)
            per_thread[tid] += 1
            used.add(s["metadata"]["commit"])
            spans.append(s)
            total += n
            return True

        # 1. reverted commits -> failed spans (at most a quarter of the budget)
        reverted = sorted(((self.by_sha[s], r) for s, r in self.reverted.items()
                           if s in self.by_sha and self.usable(self.by_sha[s])), key=lambda t: t[0].idx)
        failed_cap = budget // 4
        for c, r in reverted:
            if total > failed_cap:
                break
            shape = "raw_diff" if h(self.seed, c.sha, "failshape") < 0.5 else "fenced_diff"
            accept(self.make_diff(c, shape, failed_by=r))

        # 2. round-robin over the shapes
        cands = self.candidates()
        queues = {s: self.order(s, cands.get(s, [])) for s in SHAPES}
        pos = {s: 0 for s in SHAPES}
        misses = Counter()
        active = [s for s in SHAPES if queues[s]]
        while active:
            for shape in list(active):
                q = queues[shape]
                got = False
                while pos[shape] < len(q) and not got:
                    c, p, lang = q[pos[shape]]
                    pos[shape] += 1
                    if c.sha in used:
                        continue
                    if shape in ("raw_diff", "fenced_diff"):
                        s = self.make_diff(c, shape)
                    elif shape == "prose":
                        s = self.make_prose(c, p)
                    else:
                        s = self.make_file(c, shape, p)
                    if s is None:
                        continue
                    if accept(s):
                        got = True
                    else:
                        misses[shape] += 1
                        if misses[shape] > 40:
                            break
                if not got:
                    active.remove(shape)
        return spans


# --------------------------------------------------------------------------
# Threads, pending, validation

ALLOWED_LICENCES = {"MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause"}


def licence_ok(expr):
    """Whether a repository licence is allowed here: allowed licences joined by " OR " only
    (registry/build.py also accepts AND, parentheses and more licences)."""
    return isinstance(expr, str) and bool(expr) and all(p in ALLOWED_LICENCES for p in expr.split(" OR "))


def link_threads(spans, seed):
    """previous_spans (up to 3 earlier ids per thread) and pending tips."""
    def order_key(s):
        return (datetime.fromisoformat(s["when"].replace("Z", "+00:00")).timestamp(), s["id"])
    threads = defaultdict(list)
    for s in spans:
        threads[s["context"]["thread_id"]].append(s)
    for tid, lst in threads.items():
        lst.sort(key=order_key)
        for i, s in enumerate(lst):
            s["context"]["previous_spans"] = [x["id"] for x in lst[max(0, i - 3):i]]
        tip = lst[-1]
        if len(lst) >= 2 and tip["status"] == "completed" and h(seed, tid, "pending") < 0.45:
            make_pending(tip)
    for s in spans:
        if not s["context"]["previous_spans"]:
            del s["context"]["previous_spans"]


def make_pending(s):
    s["status"] = "pending"
    s.pop("if_ok", None)
    s.pop("confirmed_by", None)
    for k in ("confirmed_via", "features", "fenced", "eof_newline", "hard_line_breaks", "section_lines"):
        s["metadata"].pop(k, None)   # these describe the answer, which a pending span lacks
    s["metadata"]["pending_reason"] = "newest change in its thread; outcome not yet observed"


def validate(line, seen):
    """Raise ValueError if the line is not a valid span: spancorpus.validate() with this
    corpus's rules (ids `<repo>-<sha12>-<shape>`; licences as in licence_ok())."""
    return spancorpus.validate(line, seen, licence_ok=licence_ok, id_form="<repo>-<sha12>-<shape>",
                               id_ok=lambda sid, md: md["commit"][:12] in sid)


# --------------------------------------------------------------------------
# Verify an existing corpus against git


def verify(path, mirrors):
    repos = {name: Repo(name, d, rev) for name, d, rev in mirrors}
    bad, checked = 0, Counter()
    seen = set()
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        s = validate(line.rstrip("\n"), seen)
        md = s["metadata"]
        if s["status"] == "pending":
            checked["pending (no answer)"] += 1
            continue
        repo = repos.get(md["repo"])
        if repo is None:
            checked["repo not given"] += 1
            continue
        shape, ans = md["shape"], s["if_ok"]
        if shape in ("raw_diff", "fenced_diff"):
            want = repo.diff(md["commit"], md["paths"]).decode("utf-8")
            got = ans if not md.get("fenced") else unfence(ans)[1]
            ok = got == want
        elif shape in ("whole_file", "config"):
            want = repo.git("show", f"{md['commit']}:{md['file']}").decode("utf-8")
            if md.get("fenced"):
                got = unfence(ans)[1]
                ok = got == (want if want.endswith("\n") else want + "\n")
            else:
                ok = ans == want
        else:
            text = repo.git("show", f"{md['commit']}:{md['file']}").decode("utf-8")
            a, b = md["section_lines"]
            ok = ans == "".join(text.splitlines(keepends=True)[a - 1:b])
        if not ok:
            bad += 1
            print(f"line {n}: {s['id']} does not match git", file=sys.stderr)
        checked[shape] += 1
    for r in repos.values():
        r.close()
    print(json.dumps({"checked": checked, "mismatches": bad}, indent=1))
    return bad == 0


# --------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mirrors", nargs="+", help="bare git dirs, dirs holding them, or owner/name=PATH")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "spans.ndjson"))
    ap.add_argument("--budget", type=int, default=2_900_000, help="target size of the output in bytes")
    ap.add_argument("--max-bytes", type=int, default=3_000_000, help="hard cap on the output size")
    ap.add_argument("--seed", default="7")
    ap.add_argument("--licenses-dir", help="write each repo's licence text here as <short>.txt")
    ap.add_argument("--stats", help="write counts (JSON) here")
    ap.add_argument("--verify", action="store_true", help="check --out against git instead of building")
    ap.add_argument("--own-licence", metavar="SPDX",
                    help="the repositories are your own (e.g. LogLine's history): use this licence instead of reading LICENSE files")
    a = ap.parse_args()

    mirrors = find_mirrors(a.mirrors)
    if a.verify:
        sys.exit(0 if verify(a.out, mirrors) else 1)

    kept = []
    for name, gitdir, rev in mirrors:
        repo = Repo(name, gitdir, rev)
        lic, texts = repo_licence(repo)
        if a.own_licence:
            lic, texts = a.own_licence, [("(declared by the owner)", f"SPDX-License-Identifier: {a.own_licence}\n")]
        if not licence_ok(lic):
            print(f"skip {name}: licence {lic or 'unknown'} is not MIT/Apache-2.0/BSD", file=sys.stderr)
            continue
        kept.append((repo, lic, texts))
    if not kept:
        sys.exit("no usable repositories")
    per_repo = a.budget // len(kept)
    seen_answers = set()
    spans, repo_info = [], []
    for repo, lic, texts in sorted(kept, key=lambda t: t[0].name):
        conf = REPO_CONF.get(repo.name, {})
        short = conf.get("short") or repo.name.split("/")[-1]
        excluded = [re.compile(x) for x in EXCLUDE_ALWAYS + conf.get("exclude", [])]
        b = Builder(repo, a.seed, lic, excluded, conf.get("domain", "code"), short)
        b.load()
        got = b.build(per_repo, seen_answers)
        print(f"{repo.name}: {len(got)} spans from {len(b.commits)} commits "
              f"({len(b.reverted)} reverted)", file=sys.stderr)
        spans.extend(got)
        repo_info.append({"repo": repo.name, "short": short, "licence": lic, "snapshot": b.snapshot,
                          "commits": len(b.commits), "licence_files": [t[0] for t in texts]})
        if a.licenses_dir:
            os.makedirs(a.licenses_dir, exist_ok=True)
            with open(os.path.join(a.licenses_dir, f"{short}.txt"), "w", encoding="utf-8") as f:
                f.write(f"Licence notices of https://github.com/{repo.name}\n"
                        f"(snapshot {b.snapshot}; SPDX: {lic})\n")
                for fname, text in texts:
                    f.write(f"\n===== {fname} =====\n\n{text}")
                    if not text.endswith("\n"):
                        f.write("\n")
        repo.close()

    link_threads(spans, a.seed)
    spans.sort(key=lambda s: (datetime.fromisoformat(s["when"].replace("Z", "+00:00")).timestamp(), s["id"]))
    lines, _ = write_spans(a.out, spans, a.max_bytes, validate)

    stats = {
        **span_stats(spans, lines),
        "repos": repo_info,
        "by_repo": Counter(s["metadata"]["repo"] for s in spans),
        "by_status": Counter(s["status"] for s in spans),
        "by_repo_shape": Counter(f"{s['metadata']['repo']} {s['metadata']['shape']}" for s in spans),
        "confirmed": sum(1 for s in spans if "confirmed_by" in s),
    }
    text = json.dumps(stats, indent=1, sort_keys=True)
    if a.stats:
        with open(a.stats, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
