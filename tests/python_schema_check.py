# Validates the shipped files against the committed JSON Schemas with Python's jsonschema
# (what check-jsonschema and pre-commit use): a second validator besides the Rust crate.
# Run by tests/schema.rs; needs `pip install jsonschema pyyaml`.
import json, sys, glob, yaml, jsonschema
root = sys.argv[1]
bad = 0
for kind, pattern in [("log", "examples/*.yaml"), ("plan", "plans/*.yaml"), ("rule", "rules/*.yaml"), ("case", "cases/**/*.yaml")]:
    schema = json.load(open(f"{root}/docs/schema/{kind}.schema.json"))
    v = jsonschema.Draft7Validator(schema)
    for f in sorted(glob.glob(f"{root}/{pattern}", recursive=True)):
        doc = yaml.safe_load(open(f))
        # YAML dates load as date objects; the schemas see them as the strings they are in JSON.
        doc = json.loads(json.dumps(doc, default=str))
        for e in v.iter_errors(doc):
            bad += 1
            print(f"{f}: {e.message}")
print(f"{bad} error(s)")
sys.exit(1 if bad else 0)
