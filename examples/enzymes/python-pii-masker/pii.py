"""The masking logic of the pii-masker enzyme: plain Python, no component
bindings, so that it can be unit-tested with `python3 -m unittest`.

`Masker.mask_text(text)` finds e-mail addresses and phone numbers in a string
and replaces each with a token (`[EMAIL]`, `[PHONE]`). `Masker.mask_span`
applies it to the text fields of a span and describes what it did, one
`FieldReport` per field. Neither the reports nor the log ever hold the masked
text: a finding is described as `‹email, 17 chars›`.

Everything compiled here (the regular expressions) is built at import time,
which componentize-py snapshots into the component at build time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

NAME = "python-pii-masker"
VERSION = "0.1.0"
DESCRIPTION = "Masks e-mail addresses and phone numbers as [EMAIL] / [PHONE]"

#: The span fields the masker can look at, in the order it reports them.
FIELDS = ("this", "if_ok", "if_not", "context", "metadata")

#: Top-level keys of `context` that hold ids, not text.
CONTEXT_ID_KEYS = ("thread_id", "previous_spans")


class ConfigError(ValueError):
    """The `config` table is wrong: an unknown key or a bad value."""


# --------------------------------------------------------------------------
# Configuration


@dataclass
class Config:
    mask_emails: bool = True
    mask_phones: bool = True
    email_token: str = "[EMAIL]"
    phone_token: str = "[PHONE]"
    #: E-mail domains left alone (each also covers its subdomains).
    allow_domains: List[str] = field(default_factory=list)
    #: Which span fields to mask.
    fields: List[str] = field(default_factory=lambda: list(FIELDS))

    @staticmethod
    def from_json(text: str) -> "Config":
        """Parse the host's config (JSON object text); raise ConfigError."""
        text = (text or "").strip() or "{}"
        try:
            raw = json.loads(text)
        except ValueError as e:
            raise ConfigError(f"{NAME}: config is not valid JSON: {e}") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"{NAME}: config must be a table (a JSON object)")
        return Config.from_dict(raw)

    @staticmethod
    def from_dict(raw: Dict[str, Any]) -> "Config":
        cfg = Config()
        known = set(cfg.__dataclass_fields__)
        for key in raw:
            if key not in known:
                raise ConfigError(
                    f"{NAME}: unknown config key `{key}` (known: {', '.join(sorted(known))})"
                )
        for key in ("mask_emails", "mask_phones"):
            if key in raw:
                if not isinstance(raw[key], bool):
                    raise ConfigError(f"{NAME}: `{key}` must be true or false")
                setattr(cfg, key, raw[key])
        for key in ("email_token", "phone_token"):
            if key in raw:
                v = raw[key]
                if not isinstance(v, str) or not v.strip():
                    raise ConfigError(f"{NAME}: `{key}` must be a non-empty string")
                if len(v) > 64:
                    raise ConfigError(f"{NAME}: `{key}` must be at most 64 characters")
                setattr(cfg, key, v)
        if "allow_domains" in raw:
            v = raw["allow_domains"]
            if not isinstance(v, list) or not all(isinstance(d, str) and d.strip(" @.") for d in v):
                raise ConfigError(f"{NAME}: `allow_domains` must be a list of domain names")
            cfg.allow_domains = [d.strip().strip("@.").lower() for d in v]
        if "fields" in raw:
            v = raw["fields"]
            if not isinstance(v, list) or not all(isinstance(f, str) for f in v):
                raise ConfigError(f"{NAME}: `fields` must be a list of field names")
            for f in v:
                if f not in FIELDS:
                    raise ConfigError(
                        f"{NAME}: `fields` holds unknown field `{f}` (known: {', '.join(FIELDS)})"
                    )
            cfg.fields = list(v)
        return cfg


# --------------------------------------------------------------------------
# E-mail addresses

EMAIL_RE = re.compile(
    r"""
    (?<![\w.%+\-/@])                         # not the tail of a longer token or a path
    (?P<local>[\w%+\-](?:[\w.%+\-]{0,62}[\w%+\-])?)
    @
    (?P<domain>(?:[^\W_](?:[^\W_]|-){0,62}\.)+[^\W\d_]{2,24})
    (?![\w\-@(]|\.\w)                       # not followed by more name, or a call `a@np.dot(`
    """,
    re.X,
)

#: "TLDs" that are really file extensions: `logo@2x.png`, `chunk@1.js`.
FILE_EXTENSIONS = frozenset(
    "png jpg jpeg gif svg webp ico bmp tif tiff avif js mjs cjs ts tsx jsx css map vue wasm".split()
)

#: Words before `user@host` that make it a login, not an address.
LOGIN_WORDS = re.compile(r"(?:\b(?:ssh|scp|sftp|rsync|mosh)(?:\s+-\S+(?:\s+\S+)?)*\s+|\s-l\s*)$")


def _email_spans(text: str, allow: List[str]) -> List[Tuple[int, int]]:
    out = []
    for m in EMAIL_RE.finditer(text):
        start, end = m.span()
        domain = m.group("domain").lower()
        tld = domain.rsplit(".", 1)[-1]
        if tld in FILE_EXTENSIONS:
            continue
        # `scheme://user:password@host`: a URL credential, not an address
        # (`mailto:` is the exception).
        if start > 0 and text[start - 1] == ":" and not text[:start].lower().endswith("mailto:"):
            continue
        # `git@github.com:owner/repo.git`: an scp-style remote.
        if text.startswith(":", end) and end + 1 < len(text) and not text[end + 1].isspace():
            continue
        if LOGIN_WORDS.search(text, max(0, start - 60), start):
            continue
        if any(domain == d or domain.endswith("." + d) for d in allow):
            continue
        out.append((start, end))
    return out


# --------------------------------------------------------------------------
# Phone numbers
#
# Three shapes, each checked again after the match (digit count, dates, IPs):
#   international  +44 20 7946 0958, +1 (415) 555-0132, +49 30 1234-5678,
#                  +33 1 23 45 67 89, 0044 20 7946 0958, +447700900123
#   North American (415) 555-0132, 415-555-0132, 415.555.0132, 1-800-555-0199
#   national (0…)  020 7946 0958, 07700 900123, 030 12345678, 01 23 45 67 89,
#                  06.12.34.56.78, (030) 1234567, 030/1234567, 06-12345678
# plus any bare run of 9 to 15 digits right after a phone word ("tel:",
# "call me on", "mobile") such as `Tel: 07700900123`.

# Before a number: no word character, no `.`/`-`/`/`/`_`/`#`/`@`/`$`/`+`, no
# `digit:` (times), no `digit,` (thousands): ids, versions, paths and amounts.
_BEFORE = r"(?<![\w.\-/#@$+%])(?<!\d:)(?<!\d,)"
# After a number: no word character, no `.digit`/`-digit`/`/digit`/`,digit`/
# `:digit` (versions, dates, ranges, ports), no `%`, no `@`.
_AFTER = r"(?![\w%@]|[.,\-/:]\d)"

INTL_RE = re.compile(
    _BEFORE
    + r"""
    (?P<num>
      (?:\+|00(?=[1-9]))[1-9]\d{0,2}            # +CC or 00CC
      (?:[ .\-]?\(0\))?                         # optional (0) trunk, UK style
      (?:[ .\-]?\(?\d{1,5}\)?){1,6}             # groups, optionally one in ( )
    )"""
    + _AFTER,
    re.X,
)

NANP_RE = re.compile(
    _BEFORE
    + r"""
    (?P<num>
      (?:1[ .\-])?
      (?:\([2-9]\d{2}\)[ ]?[2-9]\d{2}[ .\-]\d{4}   # (415) 555-0132
        |[2-9]\d{2}(?P<s>[ .\-])[2-9]\d{2}(?P=s)\d{4})  # 415-555-0132, same separator
    )"""
    + _AFTER,
    re.X,
)

NATIONAL_RE = re.compile(
    _BEFORE
    + r"""
    (?P<num>
      (?:\(0[1-9]\d{0,4}\)[ ]?\d{3,8}(?:[ \-]\d{2,5})?   # (030) 1234567
        |0[1-9]\d{0,4}(?P<s>[ .\-/])\d{2,8}(?:(?P=s)\d{2,4}){0,3})  # same separator
    )"""
    + _AFTER,
    re.X,
)

PHONE_WORD_RE = re.compile(
    r"(?i)(?:\b(?:phone|tel|telephone|mobile|mob|cell|fax|whatsapp|sms|call(?:\s+(?:me|us))?"
    r"(?:\s+(?:on|at))?|text\s+(?:me|us)(?:\s+(?:on|at))?|ring\s+(?:me|us)(?:\s+on)?)"
    r"(?:\s*(?:no\.?|number|nr\.?|#))?)[\s:=\"'#.\-]{0,4}$"
)
BARE_RE = re.compile(_BEFORE + r"(?P<num>\+?\d{9,15})" + _AFTER)

_DATE_PREFIX = re.compile(r"^\(?(\d{1,4})[ .\-/](\d{1,2})[ .\-/](\d{2,4})")


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _looks_like_date(num: str) -> bool:
    """`01.02.2024…`, `2024-01-02…`, `12/31/2024…`: a date with a 4-digit year."""
    m = _DATE_PREFIX.match(num)
    if not m:
        return False
    a, b, c = (int(x) for x in m.groups())
    la, lc = len(m.group(1)), len(m.group(3))
    if la == 4:  # year first: 2024-01-31
        return 1900 <= a <= 2100 and 1 <= b <= 12 and 1 <= c <= 31 and lc == 2
    if lc == 4:  # day or month first: 31.01.2024, 01/31/2024
        return 1 <= a <= 31 and 1 <= b <= 31 and 1900 <= c <= 2100
    return False


def _looks_like_ip(num: str) -> bool:
    parts = num.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) <= 255 for p in parts)


def _phone_spans(text: str) -> List[Tuple[int, int]]:
    found: List[Tuple[int, int]] = []

    def add(start: int, end: int) -> None:
        if not any(s < end and start < e for s, e in found):
            found.append((start, end))

    for m in INTL_RE.finditer(text):
        num = m.group("num").rstrip(" .-")
        start = m.start("num")
        n = len(_digits(num.replace("(0)", "", 1)))
        if not 8 <= n <= 15:
            continue
        if num.count("(") != num.count(")"):
            continue
        add(start, start + len(num))

    for m in NANP_RE.finditer(text):
        num = m.group("num")
        if _looks_like_date(num) or _looks_like_ip(num):
            continue
        add(m.start("num"), m.end("num"))

    for m in NATIONAL_RE.finditer(text):
        num = m.group("num")
        n = len(_digits(num))
        if not 9 <= n <= 12 or _looks_like_date(num) or _looks_like_ip(num):
            continue
        add(m.start("num"), m.end("num"))

    for m in BARE_RE.finditer(text):
        if PHONE_WORD_RE.search(text, max(0, m.start() - 30), m.start()):
            add(m.start("num"), m.end("num"))

    found.sort()
    return found


# --------------------------------------------------------------------------
# Masking


@dataclass
class Finding:
    kind: str  # "email" | "phone"
    start: int
    end: int


@dataclass
class FieldReport:
    """What was masked in one field (a path such as `context.user.email`)."""

    location: str
    findings: List[Finding]
    #: An excerpt of the original around the findings, each one described as
    #: `‹email, 17 chars›`: it never holds the masked text.
    before: str
    #: The same excerpt of the masked text.
    after: str

    def counts(self) -> Dict[str, int]:
        c: Dict[str, int] = {}
        for f in self.findings:
            c[f.kind] = c.get(f.kind, 0) + 1
        return c

    def description(self) -> str:
        parts = []
        counts = self.counts()
        for kind in ("email", "phone"):
            n = counts.get(kind, 0)
            if not n:
                continue
            word = "e-mail address" if kind == "email" else "phone number"
            parts.append(f"{n} {word}{'' if n == 1 else 'es' if kind == 'email' else 's'}")
        return "masked " + " and ".join(parts)


#: Context kept on each side of the findings in the snippets.
SNIPPET_CONTEXT = 40


class Masker:
    def __init__(self, config: Optional[Config] = None):
        self.config = config or Config()
        self.tokens = {"email": self.config.email_token, "phone": self.config.phone_token}

    def find(self, text: str) -> List[Finding]:
        """Every e-mail address and phone number in `text`, in order, not overlapping."""
        out: List[Finding] = []
        if self.config.mask_emails and "@" in text:
            out += [Finding("email", s, e) for s, e in _email_spans(text, self.config.allow_domains)]
        if self.config.mask_phones and any(c.isdigit() for c in text):
            for s, e in _phone_spans(text):
                if not any(f.start < e and s < f.end for f in out):
                    out.append(Finding("phone", s, e))
        out.sort(key=lambda f: f.start)
        return out

    def mask_text(self, text: str) -> Tuple[str, List[Finding]]:
        """The masked text and what was masked (offsets into the original)."""
        found = self.find(text)
        if not found:
            return text, []
        parts, pos = [], 0
        for f in found:
            parts.append(text[pos : f.start])
            parts.append(self.tokens[f.kind])
            pos = f.end
        parts.append(text[pos:])
        return "".join(parts), found

    def excerpts(self, text: str, found: List[Finding]) -> Tuple[str, str]:
        a = max(0, found[0].start - SNIPPET_CONTEXT)
        b = min(len(text), found[-1].end + SNIPPET_CONTEXT)
        before, after = ["…"] if a > 0 else [], ["…"] if a > 0 else []
        pos = a
        for f in found:
            before.append(text[pos : f.start])
            after.append(text[pos : f.start])
            before.append(f"‹{f.kind}, {f.end - f.start} chars›")
            after.append(self.tokens[f.kind])
            pos = f.end
        before.append(text[pos:b])
        after.append(text[pos:b])
        if b < len(text):
            before.append("…")
            after.append("…")
        return "".join(before), "".join(after)

    def mask_field(self, text: str, location: str, reports: List[FieldReport]) -> str:
        new, found = self.mask_text(text)
        if found:
            before, after = self.excerpts(text, found)
            reports.append(FieldReport(location, found, before, after))
        return new

    def mask_json(self, value: Any, path: str, reports: List[FieldReport], top: bool = False) -> Any:
        """Mask every string value (never a key) inside a JSON value."""
        if isinstance(value, str):
            return self.mask_field(value, path, reports)
        if isinstance(value, list):
            return [self.mask_json(v, f"{path}[{i}]", reports) for i, v in enumerate(value)]
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if top and path == "context" and k in CONTEXT_ID_KEYS:
                    out[k] = v
                    continue
                out[k] = self.mask_json(v, _join(path, k), reports)
            return out
        return value

    def mask_span(self, span: Dict[str, Any]) -> Tuple[Dict[str, Any], List[FieldReport]]:
        """Mask a span given as a dict with the WIT field names (`if_ok`, …);
        `context`/`metadata` may be dicts or JSON text. Returns a new dict (the
        input is not touched) and one report per masked field."""
        span = dict(span)
        reports: List[FieldReport] = []
        for name in FIELDS:
            if name not in self.config.fields or span.get(name) is None:
                continue
            value = span[name]
            if name in ("context", "metadata"):
                as_text = isinstance(value, str)
                obj = json.loads(value) if as_text else value
                n = len(reports)
                new = self.mask_json(obj, name, reports, top=True)
                if len(reports) > n:
                    span[name] = json.dumps(new, ensure_ascii=False, separators=(",", ":")) if as_text else new
            else:
                span[name] = self.mask_field(value, name, reports)
        return span, reports


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_\-]+$")


def _join(path: str, key: str) -> str:
    if _PLAIN_KEY.match(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"
