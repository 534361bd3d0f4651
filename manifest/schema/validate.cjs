// Validates a JSON document against one of the Teams JSON schemas shipped in @microsoft/app-manifest,
// with the validator configuration of that package's AppManifestUtils.validateAgainstSchema (1.1.2):
// ajv-draft-04, allErrors, strictTypes off, ajv-formats "uri", "email" and "regex", and the same clean-up
// of the "\a" and "\v" escapes in the schema text. The package's own entry point is not loaded: 1.1.2
// requires fs-extra at runtime without declaring it as a dependency.
//
// Usage: node manifest/schema/validate.cjs SCHEMA.json DOCUMENT.json
// Exit status 0 when the document is valid; 1 with one error a line on stdout when not; 2 on bad usage.
"use strict";

const fs = require("fs");
const Ajv = require("ajv-draft-04");
const addFormats = require("ajv-formats");

function readSchema(path) {
  const text = fs.readFileSync(path, "utf8");
  return JSON.parse(text.replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b"));
}

function main(argv) {
  if (argv.length !== 2) {
    process.stderr.write("usage: node validate.cjs SCHEMA.json DOCUMENT.json\n");
    return 2;
  }
  const [schemaPath, documentPath] = argv;
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  addFormats(ajv, ["uri", "email", "regex"]);
  const validate = ajv.compile(readSchema(schemaPath));
  const document = JSON.parse(fs.readFileSync(documentPath, "utf8"));
  if (validate(document)) {
    return 0;
  }
  for (const error of validate.errors) {
    process.stdout.write(`${error.instancePath || "/"} ${error.message} ${JSON.stringify(error.params)}\n`);
  }
  return 1;
}

process.exitCode = main(process.argv.slice(2));
