#!/usr/bin/env python3
"""`needsmap events` against PM4Py 2.7 on the same generated log, in one run.

Generates a log of 1,000,000 events in 20,000 cases (a domestic abuse
pathway: 30 activities, timestamps with UTC offsets), then times, in fresh
processes, `needsmap events --format json` and PM4Py doing the same work
(read the CSV, format it, directly-follows graph with start and end
activities, variants, case durations). Reports medians and peak memory.

    python3 benches/events_vs_pm4py.py [--runs 5] [--events 1000000]

Installs pm4py with pip if it is missing; builds needsmap in release mode.
"""
import argparse, importlib.util, os, random, resource, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

ACTIVITIES = [
    "police call-out", "DASH completed", "MARAC referral", "MARAC meeting", "IDVA allocated",
    "IDVA first contact", "safety plan agreed", "housing options triage", "refuge referral",
    "refuge declined", "refuge admission", "dispersed unit offer", "sanctuary assessment",
    "sanctuary works completed", "outreach allocated", "outreach session", "GP disclosure",
    "IRIS referral", "counselling referral", "counselling waiting list", "counselling session",
    "children's group referral", "children's group session", "legal advice", "non-molestation order",
    "case review", "step-down to outreach", "move-on tenancy", "case closed", "re-referral",
]

PM4PY_JOB = r"""
import sys, pandas as pd, pm4py
df = pd.read_csv(sys.argv[1])
df = pm4py.format_dataframe(df, case_id='case:concept:name', activity_key='concept:name', timestamp_key='time:timestamp')
dfg, start, end = pm4py.discover_dfg(df)
variants = pm4py.get_variants(df)
durations = pm4py.get_all_case_durations(df)
print(len(dfg), len(variants), len(durations))
"""


def generate(path, events, cases):
    rng = random.Random(20261123)
    per_case = events // cases
    base = 1_700_000_000
    with open(path, "w") as f:
        f.write("case:concept:name,concept:name,time:timestamp,org:resource\n")
        for c in range(cases):
            t = base + rng.randrange(0, 60 * 86400 * 12)
            i = rng.randrange(len(ACTIVITIES))
            for _ in range(per_case):
                t += rng.randrange(600, 5 * 86400)
                i = (i + rng.choice([1, 1, 1, 2, 3, -1])) % len(ACTIVITIES)
                offset = rng.choice(["+00:00", "+01:00"])
                stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)) + f".{rng.randrange(1000):03d}000" + offset
                f.write(f"case-{c:05d},{ACTIVITIES[i]},{stamp},worker{rng.randrange(60)}\n")


def timed(cmd):
    """Wall time and the peak RSS (MiB) of one child process. Linux keeps a
    child's peak across exec, counting the parent's size at fork, so the
    parent must stay small: the log is generated in a separate process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{cmd[0]} failed: {proc.stderr.read().decode()[:2000]}")
    return elapsed, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--cases", type=int, default=20_000)
    ap.add_argument("--generate-only", metavar="PATH")
    args = ap.parse_args()
    if args.generate_only:
        generate(args.generate_only, args.events, args.cases)
        return
    # find_spec, not import: importing pm4py here would make this process
    # large, and its size would count in every child's peak memory.
    if importlib.util.find_spec("pm4py") is None:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "pm4py==2.7.*"])
    subprocess.check_call(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    needsmap = os.path.join(target, "release", "needsmap")
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "events.csv")
        subprocess.check_call([sys.executable, __file__, "--generate-only", log, "--events", str(args.events), "--cases", str(args.cases)])
        job = os.path.join(tmp, "pm4py_job.py")
        with open(job, "w") as f:
            f.write(PM4PY_JOB)
        size = os.path.getsize(log) / 2**20
        print(f"log: {args.events:,} events, {args.cases:,} cases, {size:.0f} MiB")
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(timed([needsmap, "events", "--format", "json", log]))
            theirs.append(timed([sys.executable, job, log]))
        o = statistics.median(t for t, _ in ours)
        p = statistics.median(t for t, _ in theirs)
        print(f"needsmap events: median {o:.3f} s, peak {max(m for _, m in ours):.0f} MiB ({args.runs} runs)")
        print(f"PM4Py 2.7:       median {p:.3f} s, peak {max(m for _, m in theirs):.0f} MiB ({args.runs} runs)")
        print(f"needsmap is {p / o:.1f}x faster (goal: at least 10x)")


if __name__ == "__main__":
    main()
