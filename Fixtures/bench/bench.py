"""`make bench`: times onnxscope against `cat` and `onnx.load` on generated models.

Generates its inputs (never committed) into WORK (default $ONNXSCOPE_BENCH_DIR or
/tmp/onnxscope-bench), reusing those already there; then, in one run, times each
command several times from a warm page cache and prints a Markdown table: median wall
time, peak RSS (ru_maxrss of the process), and ratios to the references:

  cat FILE > /dev/null                            the floor of reading the file
  onnx.load(FILE, load_external_data=False)       timed inside Python, import excluded

The Python used for onnx.load is $ONNXSCOPE_BENCH_PYTHON, else python3, when it can
import onnx; without it that column is left out. Then it checks the targets of issue 5
and prints MET / MISSED for each.

The graph section (issue 11; alone with --only graph) times graph-heavy inputs against
two more references, measured in the same run:

  python -c 'import onnx; onnx.load(FILE)'        the whole process, Python start-up included
  wirescan FILE                                   one C pass over the wire format (wirescan.c)

on chains of small dense blocks of 10k, 100k and 1M nodes, a dynamo export of a 32-layer
LLaMA (generated with $ONNXSCOPE_BENCH_TORCH_PYTHON, a Python with torch and transformers;
left out without it) and a folder of 1,000 small models (against a Python loop of
onnx.load), with --base-bin an earlier build beside this one (a regression check), and the
profile split from ONNXSCOPE_PHASES=1.

Usage: python3 bench.py --bin .build/release/onnxscope [--work DIR] [--runs 5] [--markdown OUT.md]
                        [--only graph] [--base-bin OLD/onnxscope]
"""

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATE = os.path.join(HERE, "..", "generate")

LOAD_SCRIPT = (
    "import sys, time, onnx\n"
    "t = time.perf_counter()\n"
    "m = onnx.load(sys.argv[1], load_external_data=False)\n"
    "print(time.perf_counter() - t)\n"
)


GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run_once(argv, capture=False):
    """Runs argv with stdout to /dev/null (or captured); returns (wall seconds, peak RSS bytes, exit code, stdout).

    Peak RSS comes from GNU time when installed: a child forked from this Python
    inherits its ~17 MB high-water mark, which a small C parent does not add."""
    rss_file = None
    if GNU_TIME:
        rss_file = "/tmp/onnxscope-bench-rss.%d" % os.getpid()
        argv = [GNU_TIME, "-f", "%M", "-o", rss_file] + argv
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = proc.stdout.read() if capture else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss * 1024
    if rss_file:
        with open(rss_file) as f:
            lines = [line for line in f.read().split("\n") if line.strip()]
        os.unlink(rss_file)
        rss = int(lines[-1]) * 1024
    return wall, rss, code, out


def measure(argv, runs, expect=(0,)):
    """Median wall time and the largest peak RSS over `runs` runs, after one warm-up run
    (3 runs when the warm-up took over 5 s: the slow cases need no more to be clear)."""
    warm, _, code, _ = run_once(argv)
    if code not in expect:
        raise SystemExit("bench: %s exited %d" % (" ".join(argv), code))
    if warm > 5:
        runs = min(runs, 3)
    walls, rss = [], 0
    for _ in range(runs):
        wall, peak, _, _ = run_once(argv)
        walls.append(wall)
        rss = max(rss, peak)
    return statistics.median(walls), rss


def measure_pair(first, second, runs):
    """`measure` of two commands with their runs interleaved (first, second, then second,
    first, ...), so that a drift in the machine's speed during the runs, as on a shared
    host, falls on both alike and their ratio stays fair."""
    for argv in (first, second):
        warm, _, code, _ = run_once(argv)
        if code != 0:
            raise SystemExit("bench: %s exited %d" % (" ".join(argv), code))
        if warm > 5:
            runs = min(runs, 3)
    walls, rss = ([], []), [0, 0]
    for k in range(runs):
        order = (0, 1) if k % 2 == 0 else (1, 0)
        for side in order:
            wall, peak, _, _ = run_once((first, second)[side])
            walls[side].append(wall)
            rss[side] = max(rss[side], peak)
    return (statistics.median(walls[0]), rss[0]), (statistics.median(walls[1]), rss[1])


def measure_load(python, path, runs):
    """onnx.load time inside Python (import excluded) and the process's peak RSS."""
    times, rss = [], 0
    for _ in range(runs):
        _, peak, code, out = run_once([python, "-c", LOAD_SCRIPT, path], capture=True)
        if code != 0:
            return None
        times.append(float(out.decode().strip()))
        rss = max(rss, peak)
    return statistics.median(times), rss


def find_python():
    candidates = [os.environ.get("ONNXSCOPE_BENCH_PYTHON"), "python3"]
    for c in candidates:
        if not c:
            continue
        try:
            r = subprocess.run([c, "-c", "import onnx; print(onnx.__version__)"], capture_output=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if r.returncode == 0:
            return c, r.stdout.decode().strip()
    return None, None


def generate(work):
    """Makes every input that is not there yet; returns their paths."""
    py = sys.executable
    os.makedirs(work, exist_ok=True)
    paths = {}

    def make(key, path, argv):
        paths[key] = path
        if not os.path.exists(path):
            print("bench: generating %s" % path, file=sys.stderr)
            subprocess.run([py] + argv, check=True, stdout=subprocess.DEVNULL)

    # 100 MB (25 tensors of 4 MiB), 1 GB and 1.9 GB (16 and 30 tensors of 64 MiB) of FLOAT weights in one file.
    for key, mb, width in (("100 MB", 100, 1024), ("1 GB", 1024, 4096), ("1.9 GB", 1920, 4096)):
        p = os.path.join(work, "big_%dmb.onnx" % mb)
        make(key, p, [os.path.join(GENERATE, "big_model.py"), p, str(mb), str(width)])
    for key, n in (("10k nodes", 10_000), ("100k nodes", 100_000), ("1M nodes", 1_000_000)):
        p = os.path.join(work, "many_%d.onnx" % n)
        make(key, p, [os.path.join(GENERATE, "bench_models.py"), "many", p, str(n)])
    t = os.path.join(work, "opt-6.7b")
    make("7B external", os.path.join(t, "model.onnx"), [os.path.join(GENERATE, "bench_models.py"), "transformer", t])
    pair = os.path.join(work, "diff")
    make("diff a", os.path.join(pair, "a.onnx"), [os.path.join(GENERATE, "big_diff_pair.py"), pair, "1024"])
    paths["diff b"] = os.path.join(pair, "b.onnx")
    return paths


LOAD_PROCESS = "import sys, onnx; onnx.load(sys.argv[1], load_external_data=False)\n"
LOAD_LOOP = (
    "import glob, os, sys, onnx\n"
    "for p in sorted(glob.glob(os.path.join(sys.argv[1], '*.onnx'))):\n"
    "    onnx.load(p, load_external_data=False)\n"
)
GRAPH_SIZES = (("10k", 10_000), ("100k", 100_000), ("1M", 1_000_000))


def generate_graphs(work):
    """The graph section's inputs: dense-block chains and the folder of small models."""
    os.makedirs(work, exist_ok=True)
    paths = {}
    for key, n in GRAPH_SIZES:
        p = os.path.join(work, "dense_%d.onnx" % n)
        paths[key] = p
        if not os.path.exists(p):
            print("bench: generating %s" % p, file=sys.stderr)
            subprocess.run([sys.executable, os.path.join(GENERATE, "bench_models.py"), "dense", p, str(n)],
                           check=True, stdout=subprocess.DEVNULL)
    folder = os.path.join(work, "folder_1000")
    paths["folder"] = folder
    if not os.path.isdir(folder) or len(os.listdir(folder)) != 1000:
        print("bench: generating %s" % folder, file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(GENERATE, "bench_models.py"), "folder", folder, "1000", "40"],
                       check=True, stdout=subprocess.DEVNULL)
    scan = os.path.join(work, "wirescan")
    source = os.path.join(HERE, "wirescan.c")
    if not os.path.exists(scan) or os.path.getmtime(scan) < os.path.getmtime(source):
        subprocess.run(["cc", "-O2", "-o", scan, source], check=True)
    paths["wirescan"] = scan
    return paths


def phases(binary, command, path):
    """Seconds per phase from one ONNXSCOPE_PHASES=1 run: {phase: seconds}."""
    env = dict(os.environ, ONNXSCOPE_PHASES="1")
    r = subprocess.run([binary, command, path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    result = {}
    for line in r.stderr.splitlines():
        if line.startswith("phase ") and line.endswith(" s"):
            name, value = line[len("phase "):-2].rsplit(None, 1)
            result[name.strip()] = float(value)
    return result


def graph_section(args, binary, python, out):
    """Issue 11's cases and targets; returns nothing, prints through `out`."""
    paths = generate_graphs(args.work)
    base = os.path.abspath(args.base_bin) if args.base_bin else None
    out()
    out("### Graph-heavy models (issue 11)")
    out()
    out("Dense-block chains (MatMul [8, 8] + Add bias + Relu + Mul scale, every weight its own initializer). "
        "Ratios are to the `onnx.load` process (Python start-up included), measured in the same run.")
    out()
    out("| graph | command | median | peak RSS | RSS per node | vs onnx.load process |")
    out("|---|---|---:|---:|---:|---:|")
    results = {}
    sizes = [(key, n) for key, n in GRAPH_SIZES if n <= args.max_nodes]
    for key, n in sizes:
        path = paths[key]
        runs = args.runs if n < 1_000_000 else min(args.runs, 3)
        load = measure([python, "-c", LOAD_PROCESS, path], runs) if python else None
        scan = measure([paths["wirescan"], path], runs)
        results[(key, "load")] = load
        rows = [("C wire scan", scan)]
        if load:
            rows.append(("`onnx.load` process", load))
        for label, argv in (("inspect", [binary, "inspect", path]), ("layers", [binary, "layers", path]),
                            ("layers -f json", [binary, "layers", "-f", "json", path])):
            if base:
                # This build and the base build in turn, for a ratio that drift does not skew.
                results[(key, label)], results[(key, "base " + label)] = measure_pair(argv, [base] + argv[1:], runs)
            else:
                results[(key, label)] = measure(argv, runs)
            rows.append(("`onnxscope %s`" % label, results[(key, label)]))
            if base:
                rows.append(("base `%s`" % label, results[(key, "base " + label)]))
        for label, (t, rss) in rows:
            ratio = "%.2f×" % (t / load[0]) if load else ""
            out("| %s nodes | %s | %s | %s | %.2f KB | %s |" % (key, label, secs(t), mb(rss), rss / n / 1e3, ratio))

    # The dynamo export of a 32-layer LLaMA, made with the torch venv when one is named.
    torch_python = os.environ.get("ONNXSCOPE_BENCH_TORCH_PYTHON")
    llama = os.path.join(args.work, "llama32_dynamo", "model.onnx")
    if torch_python and not os.path.exists(llama):
        print("bench: generating %s" % llama, file=sys.stderr)
        subprocess.run([torch_python, os.path.join(GENERATE, "bench_llama.py"), os.path.dirname(llama)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out()
    if os.path.exists(llama):
        load = measure([python, "-c", LOAD_PROCESS, llama], args.runs) if python else None
        cells = []
        for label in ("inspect", "layers"):
            argv = [binary, label, llama]
            if base:
                ours, theirs = measure_pair(argv, [base] + argv[1:], args.runs)
            else:
                ours, theirs = measure(argv, args.runs), None
            text = "`%s` %s (%s%s)" % (label, secs(ours[0]), mb(ours[1]),
                                      ", %.2f× the onnx.load process" % (ours[0] / load[0]) if load else "")
            if theirs:
                text += ", base %s" % secs(theirs[0])
            cells.append(text)
        out("Dynamo export of a random-init LLaMA, 32 layers, hidden size 256 (`bench_llama.py`): %s; "
            "the `onnx.load` process %s." % ("; ".join(cells), secs(load[0]) if load else "(no onnx)"))
    else:
        out("LLaMA dynamo export: not measured (set ONNXSCOPE_BENCH_TORCH_PYTHON to a Python with "
            "Fixtures/generate/requirements-torch.txt to generate it).")

    folder = paths["folder"]
    # In turn, as the pairs above: each takes a tenth of a second or two, so a drift of the
    # machine during the runs would otherwise decide the ratio.
    ours_argv = [binary, "inspect", "--quiet", folder]
    if python:
        folder_loop, folder_ours = measure_pair([python, "-c", LOAD_LOOP, folder], ours_argv, max(args.runs, 7))
    else:
        folder_loop, folder_ours = None, measure(ours_argv, max(args.runs, 7))
    out()
    out("Folder of 1,000 dense-block models of 40 nodes: `onnxscope inspect --quiet DIR` %s (%s) against a Python loop of "
        "`onnx.load` %s." % (secs(folder_ours[0]), mb(folder_ours[1]), secs(folder_loop[0]) if folder_loop else "(no onnx)"))

    split_path = paths["100k"]
    out()
    out("Profile split on the 100k-node chain (`ONNXSCOPE_PHASES=1`, one run each; `other` is start-up, reports and teardown):")
    out()
    split = {c: phases(binary, c, split_path) for c in ("inspect", "layers")}
    # In pipeline order: each run prints its phases in that order; merge the two lists.
    names = []
    for name in split["layers"]:
        for earlier in split["inspect"]:
            if earlier == name:
                break
            if earlier not in names and earlier not in split["layers"]:
                names.append(earlier)
        names.append(name)
    names += [n for n in split["inspect"] if n not in names]
    out("| phase | inspect | layers |")
    out("|---|---:|---:|")
    for name in names:
        out("| %s | %s | %s |" % (name, "%.3f s" % split["inspect"][name] if name in split["inspect"] else "",
                                  "%.3f s" % split["layers"][name] if name in split["layers"] else ""))

    out()
    out("| target (issue 11) | measured | |")
    out("|---|---|---|")

    def target(text, measured, ok):
        out("| %s | %s | %s |" % (text, measured, "MET" if ok else "MISSED"))

    if results.get(("100k", "load")):
        load100 = results[("100k", "load")][0]
        r = results[("100k", "inspect")][0] / load100
        target("100k nodes: inspect ≤ 0.4× the onnx.load process", "%.2f×" % r, r <= 0.4)
        r = results[("100k", "layers")][0] / load100
        target("100k nodes: layers ≤ 0.5× the onnx.load process", "%.2f×" % r, r <= 0.5)
        if ("1M", "inspect") in results:
            r = results[("1M", "inspect")][0] / results[("1M", "load")][0]
            target("1M nodes: inspect ≤ 1.0× the onnx.load process", "%.2f×" % r, r <= 1.0)
    key, n = sizes[-1]
    per_node = results[(key, "inspect")][1] / n / 1e3
    target("inspect memory ≤ 0.6 KB per node (%s nodes, peak RSS ÷ nodes)" % key, "%.2f KB" % per_node, per_node <= 0.6)
    if folder_loop:
        r = folder_ours[0] / folder_loop[0]
        target("folder of 1,000 models: inspect ≤ 0.7× a Python loop of onnx.load", "%.2f×" % r, r <= 0.7)
    if base and ("100k", "base inspect") in results:
        for label in ("inspect", "layers"):
            r = results[("100k", label)][0] / results[("100k", "base " + label)][0]
            target("100k nodes: %s no slower than the base build" % label, "%.2f× the base" % r, r <= 1.0)


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(line.split()[1]) / (1 << 20))
    load = os.getloadavg()
    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "kernel": platform.release(),
        "load": "%.2f %.2f %.2f" % load,
    }


def data_file_untouched(binary, model, data):
    """strace the opens of inspect and layers: True when neither opens the data file."""
    if not shutil.which("strace"):
        return None, "strace not installed"
    name = os.path.basename(data)
    notes = []
    ok = True
    for command in ("inspect", "layers"):
        log = os.path.join(os.path.dirname(model), "strace-%s.log" % command)
        subprocess.run(["strace", "-f", "-qq", "-e", "trace=open,openat,openat2,execve", "-o", log, binary, command, model],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(log) as f:
            opened = [line for line in f if "open" in line and name in line]
        notes.append("%s: %d opens of %s" % (command, len(opened), name))
        ok = ok and not opened
    return ok, "; ".join(notes)


def cached_pages(path):
    """Pages of `path` in the page cache, from fincore, or None."""
    if not shutil.which("fincore"):
        return None
    r = subprocess.run(["fincore", "--bytes", "--noheadings", "--output", "RES", path], capture_output=True, text=True)
    try:
        return int(r.stdout.split()[0])
    except (ValueError, IndexError):
        return None


def speed(reference, ours):
    """`122× faster` or, when onnxscope is the slower one, `12.4× slower`."""
    if ours <= reference:
        return "%.0f× faster" % (reference / ours)
    return "%.1f× slower" % (ours / reference)


def mb(n):
    return "%.0f MB" % (n / 1e6) if n >= 10e6 else "%.1f MB" % (n / 1e6)


def secs(t):
    return "%.3f s" % t if t < 10 else "%.1f s" % t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", default=os.environ.get("ONNXSCOPE_BENCH_DIR", "/tmp/onnxscope-bench"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--load-runs", type=int, default=3)
    ap.add_argument("--markdown")
    ap.add_argument("--generate-only", action="store_true")
    ap.add_argument("--only", choices=["graph"], help="run only the graph-heavy section")
    ap.add_argument("--base-bin", help="an earlier onnxscope build to time beside this one, runs interleaved (graph section)")
    ap.add_argument("--max-nodes", type=int, default=1_000_000, help="graph section: leave out the larger chains")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    if args.only != "graph":
        paths = generate(args.work)
    if args.generate_only:
        generate_graphs(args.work)
        return
    python, onnx_version = find_python()
    info = machine()
    lines = []

    def out(text=""):
        print(text)
        lines.append(text)

    out("Machine: %s, %d cores (nproc), %s RAM, Linux %s; load average at start %s; %s" % (
        info["cpu"], info["nproc"], info["memory"], info["kernel"], info["load"], info["date"]))
    out("onnx.load reference: %s" % ("onnx %s (%s)" % (onnx_version, python) if python else "onnx not importable: left out"))
    out("Median of %d runs (3 when one takes over 5 s) after a warm-up run (page cache warm); onnx.load: median of %d, timed in Python without the import." % (
        args.runs, args.load_runs))
    out()
    if args.only == "graph":
        graph_section(args, binary, python, out)
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write("\n".join(lines) + "\n")
        return
    out("| model | file | command | median | peak RSS | vs cat | vs onnx.load |")
    out("|---|---|---|---:|---:|---:|---:|")
    results = {}
    models = ["100 MB", "1 GB", "1.9 GB", "10k nodes", "100k nodes", "1M nodes", "7B external"]
    for key in models:
        path = paths[key]
        size = os.path.getsize(path)
        cat, cat_rss = measure(["cat", path], args.runs)
        load = measure_load(python, path, args.load_runs) if python else None
        out("| %s | %s | `cat` | %s | %s | 1 | |" % (key, mb(size), secs(cat), mb(cat_rss)))
        if load:
            out("| %s | | `onnx.load` | %s | %s | %.1f× | 1 |" % (key, secs(load[0]), mb(load[1]), load[0] / cat))
        for command in ("inspect", "layers"):
            t, rss = measure([binary, command, path], args.runs)
            results[(key, command)] = (t, rss)
            vs_load = speed(load[0], t) if load else ""
            out("| %s | | `onnxscope %s` | %s | %s | %.3f× | %s |" % (key, command, secs(t), mb(rss), t / cat, vs_load))
        results[(key, "cat")] = (cat, cat_rss)
        results[(key, "load")] = load

    a, b = paths["diff a"], paths["diff b"]
    both = os.path.getsize(a) + os.path.getsize(b)
    cat, cat_rss = measure(["cat", a, b], args.runs)
    t, rss = measure([binary, "diff", a, b], args.runs, expect=(1,))
    out("| diff pair (1 GB each) | %s | `cat a b` | %s | %s | 1 | |" % (mb(both), secs(cat), mb(cat_rss)))
    out("| diff pair | | `onnxscope diff a b` | %s | %s | %.3f× | |" % (secs(t), mb(rss), t / cat))
    diff_rate = both / t / 1e9
    out()
    out("`diff` hashes both files: %.1f GB/s (%s in %s); `cat` reads them at %.1f GB/s." % (
        diff_rate, mb(both), secs(t), both / cat / 1e9))

    # Linearity of `layers` in node count.
    out()
    out("| graph | nodes | `layers` | per node | `inspect` | per node |")
    out("|---|---:|---:|---:|---:|---:|")
    per_node = {}
    for key, n in (("10k nodes", 10_000), ("100k nodes", 100_000), ("1M nodes", 1_000_000)):
        lt, it = results[(key, "layers")][0], results[(key, "inspect")][0]
        per_node[key] = lt / n
        out("| %s | %d | %s | %.2f µs | %s | %.2f µs |" % (key, n, secs(lt), lt / n * 1e6, secs(it), it / n * 1e6))

    # No data file read for the external-data model.
    model7 = paths["7B external"]
    data7 = os.path.join(os.path.dirname(model7), "model.onnx.data")
    untouched, how = data_file_untouched(binary, model7, data7)
    pages = cached_pages(data7)
    out()
    out("7B external data: %s; data file pages in page cache after the runs: %s (apparent size %s, %s on disk)." % (
        how, "unknown" if pages is None else "%d bytes" % pages, mb(os.path.getsize(data7)),
        mb(os.stat(data7).st_blocks * 512)))

    # Targets.
    out()
    out("| target | measured | |")
    out("|---|---|---|")

    def target(text, measured, ok):
        out("| %s | %s | %s |" % (text, measured, "MET" if ok else "MISSED"))

    big = results[("1.9 GB", "inspect")][0]
    target("inspect 1.9 GB ≤ 0.1× cat", "%.3f×" % (big / results[("1.9 GB", "cat")][0]),
           big <= 0.1 * results[("1.9 GB", "cat")][0])
    if results[("1.9 GB", "load")]:
        speedup = results[("1.9 GB", "load")][0] / big
        target("inspect 1.9 GB ≥ 100× faster than onnx.load", "%.0f×" % speedup, speedup >= 100)
    single = [results[(k, c)][1] for k in ("100 MB", "1 GB", "1.9 GB") for c in ("inspect", "layers")]
    target("peak RSS < 100 MB on single-file models, flat in weight size",
           "%s … %s" % (mb(min(single)), mb(max(single))), max(single) < 100e6)
    t7 = max(results[("7B external", "inspect")][0], results[("7B external", "layers")][0])
    target("7B external: inspect and layers < 1 s", "%s (slower of the two)" % secs(t7), t7 < 1)
    target("7B external: no data file read", how, bool(untouched))
    g = results[("100k nodes", "inspect")][0] + results[("100k nodes", "layers")][0]
    target("100k nodes: inspect + layers < 0.3 s", secs(g), g < 0.3)
    # Marginal cost per node from 10k to 100k and from 100k to 1M: equal when linear.
    t10, t100, t1m = (results[(k, "layers")][0] for k in ("10k nodes", "100k nodes", "1M nodes"))
    low, high = (t100 - t10) / 90_000, (t1m - t100) / 900_000
    growth = high / low if low > 0 else float("inf")
    target("layers linear in nodes: marginal cost per node, 100k→1M ÷ 10k→100k ≤ 1.5",
           "%.2f µs ÷ %.2f µs = %.2f" % (high * 1e6, low * 1e6, growth), growth <= 1.5)
    target("diff ≥ 2 GB/s from page cache", "%.1f GB/s" % diff_rate, diff_rate >= 2)
    graph_section(args, binary, python, out)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
