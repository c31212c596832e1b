// Rolldown options merged into `jco componentize --bundle` (see build.sh).
//
// enzyme.js imports the host as 'logline:enzyme/host', without a version;
// componentize-js needs the versioned name of the WIT it builds against
// ('logline:enzyme/host@0.1.1'). This plugin reads that version from the
// WIT's `package` line ($LOGLINE_WIT, set by build.sh, else the repository's
// wit/) and marks the import external: the component model provides it, not
// a file. So the source does not change when the contract's version does.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const wit = process.env.LOGLINE_WIT || fileURLToPath(new URL('../../../wit', import.meta.url));
const found = /^package\s+logline:enzyme@([^;\s]+)\s*;/m.exec(readFileSync(`${wit}/world.wit`, 'utf8'));
if (!found) throw new Error(`no \`package logline:enzyme@…;\` line in ${wit}/world.wit`);
const version = found[1];

export default {
  plugins: [
    {
      name: 'logline-wit-imports',
      resolveId(id) {
        const m = /^logline:enzyme\/([a-z][a-z0-9-]*)(@[^/]+)?$/.exec(id);
        return m ? { id: `logline:enzyme/${m[1]}@${version}`, external: true } : null;
      },
    },
  ],
};
