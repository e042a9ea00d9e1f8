"""The generators' sidecar files: Fixtures/generate/.work/<name>.json (stdlib only, every venv).

Each is {"fixtures": [...], "exportFailures": [...]}, read by build_manifest.py.
"""

import json
import os

WORK = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".work")


def write(name, entries, failures, only=()):
    """Write the sidecar `name`; on a partial run (`only` = the models regenerated) keep the
    previous sidecar's entries and failures of the other models."""
    os.makedirs(WORK, exist_ok=True)
    side = os.path.join(WORK, name)
    if only and os.path.exists(side):
        old = json.load(open(side))
        entries = [e for e in old["fixtures"] if e["model"] not in only] + entries
        failures = [f for f in old["exportFailures"] if f["model"] not in only] + failures
    with open(side, "w") as f:
        json.dump({"fixtures": entries, "exportFailures": failures}, f, indent=2, sort_keys=True)
