"""pii-masker as a LogLine enzyme: the component glue around `pii.py`.

Built with componentize-py against the repository's wit/ (world `enzyme`):
the world imports `host` (wit_world.imports.host) and exports `processor`,
which componentize-py expects as a class `Processor` in this module.
A WIT `result<T, enzyme-error>` is returned by returning T and reported as
an error by raising `Err(EnzymeError(...))`.
"""

import dataclasses
import json

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import host
from wit_world.imports.types import (
    Change,
    ChangeKind,
    EnzymeError,
    EnzymeInfo,
    ErrorKind,
    Outcome_Changed,
    Outcome_Unchanged,
    Processed,
    Span,
)

import pii

# One masker per instance, built by `init` from the manifest's config.
_masker = None


def _build() -> pii.Masker:
    try:
        config = pii.Config.from_json(host.config())
    except pii.ConfigError as e:
        raise Err(EnzymeError(ErrorKind.INVALID_CONFIG, str(e)))
    return pii.Masker(config)


class Processor(exports.Processor):
    def info(self) -> EnzymeInfo:
        return EnzymeInfo(pii.NAME, pii.VERSION, pii.DESCRIPTION)

    def init(self) -> None:
        global _masker
        _masker = _build()
        c = _masker.config
        host.log(
            host.Level.DEBUG,
            f"emails={'on' if c.mask_emails else 'off'} phones={'on' if c.mask_phones else 'off'} "
            f"allow_domains={len(c.allow_domains)} fields={','.join(c.fields)}",
        )

    def process(self, span: Span) -> Processed:
        global _masker
        if _masker is None:
            _masker = _build()
        fields = {
            "this": span.this,
            "if_ok": span.if_ok,
            "if_not": span.if_not,
            "context": span.context,
            "metadata": span.metadata,
        }
        try:
            masked, reports = _masker.mask_span(fields)
        except json.JSONDecodeError as e:
            raise Err(EnzymeError(ErrorKind.UNSUPPORTED_INPUT, f"context/metadata is not valid JSON: {e}"))
        except Exception as e:  # a bug: report it instead of trapping
            raise Err(EnzymeError(ErrorKind.INTERNAL, f"{type(e).__name__}: {e}"))

        if not reports:
            return Processed(Outcome_Unchanged(), [])

        emails = sum(r.counts().get("email", 0) for r in reports)
        phones = sum(r.counts().get("phone", 0) for r in reports)
        host.log(
            host.Level.INFO,
            f"masked {emails} e-mail address(es) and {phones} phone number(s) in {len(reports)} field(s): "
            + ", ".join(r.location for r in reports),
        )
        changes = [
            Change(ChangeKind.MODIFICATION, r.location, r.description(), r.before, r.after)
            for r in reports
        ]
        return Processed(Outcome_Changed(dataclasses.replace(span, **masked)), changes)
