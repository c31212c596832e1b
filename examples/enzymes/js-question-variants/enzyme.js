// question-variants as a LogLine enzyme: the component glue around
// rewrite.js, built with jco + componentize-js against the repository's wit/
// (world `enzyme`).
//
// How componentize-js maps the WIT:
// - the exported interface `processor` is an exported object of that name
//   with `info`, `init` and `process`;
// - the imported interface `host` is the module 'logline:enzyme/host@<WIT
//   version>'; this source imports 'logline:enzyme/host' and bundle.config.js
//   adds the version of the WIT it is built against;
// - records are objects with camelCase fields (`ifOk`, `confirmedBy`),
//   `option<T>` is a value or undefined, enums are their WIT names as strings
//   ('info', 'invalid-config'), variants are `{ tag, val }`;
// - for a `result<T, enzyme-error>`, returning is `ok` and throwing
//   `{ kind, message }` is `err`. Anything else thrown would trap, so
//   unexpected exceptions are turned into `internal` errors here.

import { config as hostConfig, log } from 'logline:enzyme/host';
import { NAME, VERSION, DESCRIPTION, enzymeError, parseConfig, process as run } from './rewrite.js';

let settings = null;

function isEnzymeError(e) {
  return e !== null && typeof e === 'object' && typeof e.kind === 'string' && typeof e.message === 'string';
}

function guard(f) {
  try {
    return f();
  } catch (e) {
    if (isEnzymeError(e)) throw e;
    throw enzymeError('internal', `${NAME}: ${e && e.stack ? e.stack : String(e)}`);
  }
}

export const processor = {
  info() {
    return { name: NAME, version: VERSION, description: DESCRIPTION };
  },

  init() {
    guard(() => {
      settings = parseConfig(hostConfig());
      log('debug', `dids=${settings.dids.join(',')} max_variants=${settings.maxVariants}`);
    });
  },

  process(span) {
    return guard(() => {
      if (settings === null) settings = parseConfig(hostConfig());
      const result = run(span, settings);
      if (result.outcome.tag === 'variants') {
        log('info', `added ${result.outcome.val.length - 1} variant(s): ${result.changes.map((c) => c.description).join('; ')}`);
      }
      return result;
    });
  },
};
