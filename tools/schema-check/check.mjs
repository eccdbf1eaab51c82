// Compiles every JSON Schema given with ajv in strict mode (draft 2020-12, the default in Node
// services) and validates documents against them.
//
// Usage: node check.mjs SCHEMA_DIR... -- DOCUMENT_DIR
// Every `*.schema.json` in the schema directories is compiled. DOCUMENT_DIR holds one
// directory per schema, named like the schema without `.schema.json` (`score-report/`), of
// `.json` documents or `.ndjson` files of one document per line; each is validated against its
// schema. A schema with no documents is an error: every schema must be exercised.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, basename } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";

const args = process.argv.slice(2);
const split = args.indexOf("--");
if (split < 1 || split !== args.length - 2) {
  console.error("usage: node check.mjs SCHEMA_DIR... -- DOCUMENT_DIR");
  process.exit(2);
}
const schemaDirs = args.slice(0, split);
const documentDir = args[split + 1];

let failures = 0;
const fail = (message) => {
  failures += 1;
  console.error(`FAIL ${message}`);
};

const validators = new Map();
for (const dir of schemaDirs) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".schema.json")).sort()) {
    const name = basename(file, ".schema.json");
    // One Ajv per schema: schemas reuse `$defs` names and share no `$id`.
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    try {
      validators.set(name, ajv.compile(JSON.parse(readFileSync(join(dir, file), "utf8"))));
    } catch (e) {
      fail(`${join(dir, file)}: does not compile in strict mode: ${e.message}`);
    }
  }
}

const documents = (dir) =>
  readdirSync(dir)
    .sort()
    .flatMap((file) => {
      const path = join(dir, file);
      const text = readFileSync(path, "utf8");
      if (file.endsWith(".ndjson")) {
        return text
          .split("\n")
          .map((line, i) => [`${path}:${i + 1}`, line])
          .filter(([, line]) => line.trim() !== "");
      }
      return file.endsWith(".json") ? [[path, text]] : [];
    });

let checked = 0;
for (const [name, validate] of [...validators].sort()) {
  const dir = join(documentDir, name);
  let docs = [];
  try {
    if (statSync(dir).isDirectory()) docs = documents(dir);
  } catch {
    // No directory: reported below.
  }
  if (docs.length === 0) {
    fail(`${name}: no documents in ${dir} to validate against the schema`);
    continue;
  }
  for (const [where, text] of docs) {
    checked += 1;
    if (!validate(JSON.parse(text))) {
      fail(`${where}: not valid against ${name}: ${JSON.stringify(validate.errors.slice(0, 3))}`);
    }
  }
}

if (failures > 0) {
  console.error(`${failures} failure(s)`);
  process.exit(1);
}
console.log(`ajv strict: ${validators.size} schemas compiled, ${checked} documents valid`);
