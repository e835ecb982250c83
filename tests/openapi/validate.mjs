// Checks the OpenAPI document with a real validator, then checks recorded HTTP exchanges
// against its schemas.
// Usage: node validate.mjs <openapi.json> [samples.json]
//   samples.json: [{"name", "kind": "response"|"request", "path", "method", "status",
//                   "contentType", "headers": {lower-case name: value}, "body": <JSON>}]
// Exit 0 when everything is valid; otherwise prints every problem and exits 1.
import { readFile } from "node:fs/promises";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [docPath, samplesPath] = process.argv.slice(2);
if (!docPath) {
  console.error("usage: node validate.mjs <openapi.json> [samples.json]");
  process.exit(2);
}
const doc = JSON.parse(await readFile(docPath, "utf8"));
const problems = [];

const result = await new Validator().validate(doc);
if (!result.valid) {
  problems.push(`document: not a valid OpenAPI ${doc.openapi} document:\n` +
    JSON.stringify(result.errors, null, 2));
}

const token = (s) => s.replaceAll("~", "~0").replaceAll("/", "~1");

// Follows a local $ref ("#/components/...") and returns [object, its JSON pointer].
function deref(obj, pointer) {
  while (obj && typeof obj.$ref === "string" && obj.$ref.startsWith("#/")) {
    pointer = obj.$ref.slice(1);
    obj = pointer.split("/").slice(1)
      .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"))
      .reduce((o, k) => (o === undefined ? undefined : o[k]), doc);
  }
  return [obj, pointer];
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema(doc, "openapi.json", undefined, false);

function check(sample, schemaPointer) {
  const validate = ajv.compile({ $ref: `openapi.json#${schemaPointer}` });
  if (!validate(sample.body)) {
    problems.push(`${sample.name}: body does not match ${schemaPointer}:\n` +
      JSON.stringify(validate.errors, null, 2) + "\nbody: " + JSON.stringify(sample.body).slice(0, 2000));
  }
}

const samples = samplesPath ? JSON.parse(await readFile(samplesPath, "utf8")) : [];
for (const s of samples) {
  const opPointer = `/paths/${token(s.path)}/${s.method.toLowerCase()}`;
  const [op] = deref(doc.paths?.[s.path]?.[s.method.toLowerCase()], opPointer);
  if (!op) {
    problems.push(`${s.name}: no operation ${s.method} ${s.path} in the document`);
    continue;
  }
  let target, pointer;
  if (s.kind === "request") {
    [target, pointer] = deref(op.requestBody, `${opPointer}/requestBody`);
  } else {
    const key = op.responses?.[String(s.status)] ? String(s.status) : "default";
    [target, pointer] = deref(op.responses?.[key], `${opPointer}/responses/${key}`);
    if (!target) {
      problems.push(`${s.name}: status ${s.status} of ${s.method} ${s.path} is not documented`);
      continue;
    }
    for (const [name, h] of Object.entries(target.headers ?? {})) {
      const [header] = deref(h, "");
      if (header?.required && !(name.toLowerCase() in (s.headers ?? {}))) {
        problems.push(`${s.name}: required header ${name} missing`);
      }
    }
  }
  const mediaType = (s.contentType ?? "").split(";")[0].trim();
  if (!target.content?.[mediaType]) {
    problems.push(`${s.name}: content type '${mediaType}' not documented for ${pointer}`);
    continue;
  }
  check(s, `${pointer}/content/${token(mediaType)}/schema`);
}

if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`openapi: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`openapi: document valid; ${samples.length} sample(s) match`);
