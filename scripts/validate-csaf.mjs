#!/usr/bin/env node
// Checks a CSAF 2.0 document with BSI's validator library (@secvisogram/csaf-validator-lib,
// installed by scripts/install-test-tools.sh into .tools/node): the strict schema test and every
// mandatory test (6.1.x) must pass; the optional (6.2.x) and informative (6.3.x) tests are run and
// reported but never fail the check. The informative tests 6.3.6 and 6.3.7 resolve every URL of
// the document over the network and are not run; 6.3.8 (spelling) runs only where hunspell is
// installed.
//
//   node scripts/validate-csaf.mjs FILE [--json]
//
// Exit codes: 0 schema and mandatory tests pass, 1 some fail (named on stderr), 2 usage error or
// the library is missing. With --json the full result of every test goes to standard output.

import { spawnSync } from 'node:child_process'
import { readFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const args = process.argv.slice(2)
const file = args.find((a) => !a.startsWith('--'))
if (!file) {
  console.error('usage: node scripts/validate-csaf.mjs FILE [--json]')
  process.exit(2)
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const lib =
  process.env.CSAF_VALIDATOR_LIB ??
  join(root, '.tools/node/node_modules/@secvisogram/csaf-validator-lib')
if (!existsSync(join(lib, 'validate.js'))) {
  console.error(
    `csaf-validator-lib not found in ${lib}; run scripts/install-test-tools.sh`
  )
  process.exit(2)
}
const load = (name) => import(pathToFileURL(join(lib, name)).href)
const { default: validate } = await load('validate.js')
const schema = await load('schemaTests.js')
const mandatory = await load('mandatoryTests.js')
const optional = await load('optionalTests.js')
const informative = await load('informativeTests.js')

let doc
try {
  doc = JSON.parse(readFileSync(file, 'utf8'))
} catch (e) {
  console.error(`${file}: ${e.message}`)
  process.exit(2)
}

const skipped = new Map([
  ['informativeTest_6_3_6', 'resolves URLs over the network'],
  ['informativeTest_6_3_7', 'resolves URLs over the network'],
])
if (spawnSync('hunspell', ['-v']).error) {
  skipped.set('informativeTest_6_3_8', 'hunspell is not installed')
}
for (const [name, why] of skipped) {
  console.error(`skip ${name}: ${why}`)
}
const required = await validate(
  [schema.csaf_2_0_strict, ...Object.values(mandatory)],
  doc
)
const advisory = await validate(
  [
    ...Object.values(optional),
    ...Object.values(informative).filter((t) => !skipped.has(t.name)),
  ],
  doc
)

const describe = (t) =>
  [...t.errors, ...t.warnings, ...t.infos]
    .map((m) => `    ${m.instancePath || '/'}: ${m.message}`)
    .join('\n')
const failing = required.tests.filter((t) => !t.isValid)
for (const t of failing) {
  console.error(`FAIL ${t.name}\n${describe(t)}`)
}
for (const t of advisory.tests) {
  if (t.errors.length + t.warnings.length + t.infos.length > 0) {
    console.error(`note ${t.name}\n${describe(t)}`)
  }
}
if (args.includes('--json')) {
  console.log(JSON.stringify({ required, advisory }, null, 2))
}
console.error(
  `${file}: ${required.tests.length - failing.length} of ${required.tests.length} schema and mandatory tests pass; ` +
    `${advisory.tests.filter((t) => t.errors.length + t.warnings.length + t.infos.length === 0).length} of ${advisory.tests.length} optional and informative tests say nothing`
)
process.exit(failing.length === 0 ? 0 : 1)
