"""Write Fixtures/manifest.json: framework numbers from the generators' sidecars + stored counts.

Run with the plain onnx venv after the generators:
    /work/venv-onnx/bin/python Fixtures/generate/build_manifest.py

Entries already in manifest.json whose file still exists and that no sidecar describes are kept
(pass --fresh to require a sidecar for every file), so one generator can be re-run on its own.

Inputs: Fixtures/generate/.work/*.json, written by pytorch_models.py, keras_models.py and
handbuilt.py, each {"fixtures": [...], "exportFailures": [...]}; every fixture .onnx file under
Fixtures/ must be described by exactly one sidecar entry. For each, "stored" is
onnx_counts.stored_counts(path): the independent count made with the onnx package.
"""

import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.dirname(HERE)
WORK = os.path.join(HERE, ".work")
sys.path.insert(0, HERE)

from onnx_counts import stored_counts  # noqa: E402

KEYS = {"file", "source", "exporter", "generator", "model", "description"}


def main():
    sidecars = sorted(glob.glob(os.path.join(WORK, "*.json")))
    if not sidecars:
        raise SystemExit("no sidecars in %s: run the generators first" % WORK)
    fixtures, failures = {}, []
    for s in sidecars:
        data = json.load(open(s))
        for e in data["fixtures"]:
            missing = KEYS - set(e)
            if missing:
                raise SystemExit("%s: entry %s lacks %s" % (s, e.get("file"), sorted(missing)))
            if e["file"] in fixtures:
                raise SystemExit("%s: duplicate entry for %s" % (s, e["file"]))
            fixtures[e["file"]] = e
        failures.extend(data["exportFailures"])

    # diff/ and payload/ have their own answer files (diff_pairs.py, payload_values.py).
    on_disk = {os.path.relpath(p, FIX) for p in glob.glob(os.path.join(FIX, "**", "*.onnx"), recursive=True)
               if not os.path.relpath(p, FIX).startswith(("diff/", "payload/"))}
    # Entries of the current manifest whose file is still there and that no sidecar describes
    # are carried over, so a generator can be re-run alone (its venv only) and the rest kept.
    path = os.path.join(FIX, "manifest.json")
    if os.path.exists(path) and "--fresh" not in sys.argv:
        previous = json.load(open(path))
        for e in previous.get("fixtures", []):
            if e["file"] in on_disk and e["file"] not in fixtures:
                kept = dict(e)
                kept.pop("stored", None)
                fixtures[e["file"]] = kept
        described = {f["model"] + "/" + f["exporter"] for f in failures}
        failures.extend(f for f in previous.get("exportFailures", []) if f["model"] + "/" + f["exporter"] not in described)
    undescribed = sorted(on_disk - set(fixtures))
    gone = sorted(set(fixtures) - on_disk)
    if undescribed or gone:
        raise SystemExit("manifest mismatch: files without entry %s; entries without file %s" % (undescribed, gone))

    out = []
    for rel in sorted(fixtures):
        e = dict(fixtures[rel])
        e["stored"] = stored_counts(os.path.join(FIX, rel))
        out.append(e)
    failures.sort(key=lambda f: (f["model"], f["exporter"]))
    manifest = {"schema": 1, "fixtures": out, "exportFailures": failures}
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    print("wrote %s: %d fixtures, %d export failures" % (path, len(out), len(failures)))


if __name__ == "__main__":
    main()
