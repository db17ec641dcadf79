#!/usr/bin/env python3
"""needsmap against its peers, side by side, in one run.

Every command is timed as a whole process (start-up included), medians over
N runs (default 5), with the commands alternated run by run (forwards on even
runs, backwards on odd ones) so that noise on the machine falls on all of
them alike. Each command also runs once, untimed, before the timed runs: that
run checks its output and warms the page cache. Peak memory is the peak RSS
of each process and its children (os.wait4), as in events_vs_pm4py.py.

Sections (`--only` picks some, comma-separated):

  build         `needsmap build assessments/northmoor.yaml` (the whole build,
                PDFs included) against the Typst compiler alone compiling the
                largest document's `.typ`, which the build writes beside its
                charts and logo (the `typst` package from PyPI, the same Typst
                0.15 as needsmap's crates, in a fresh Python process). Goal:
                the build at most 1.05x that compile.
  pandoc        pandoc + pdflatex typesetting the build's three Markdown
                documents to PDF, one after another, against the same
                `needsmap build` (reused from `build` when that ran). Goal:
                needsmap at least 10x faster.
  national      `needsmap gaps` on the national assessment (300 areas, 30,000
                services; written by the `national` bench executable with
                `--write`) against rapidyaml parsing the same file in a fresh
                Python process (and PyYAML's CSafeLoader with --pyyaml, ~20 s
                a run). Goal: gaps within 3x of the rapidyaml parse.
  events        `needsmap events --format json` on 1,000,000 events in 20,000
                cases against PM4Py 2.7 (the job in events_vs_pm4py.py) and
                rust4pm (benches/rust4pm, reading the same log as XES), after
                checking that the three agree on the counts.
  events-scale  `needsmap events` alone on 1M, 3M and 10M events (time per
                million events, peak memory, 10M under 1 GiB?), then on 3M
                events that all have distinct activities, in both formats
                (peak memory against the 1M-event log's).

Run from anywhere:

    python3 benches/peers.py [--runs 5] [--only build,pandoc,national,events,events-scale]
        [--before OLD_BINARY] [--needsmap BINARY] [--national-bench EXE]
        [--rust4pm EXE] [--pyyaml] [--tmp DIR]

`--before` times a second, older needsmap binary in the same runs, so before
and after stand side by side. Without `--needsmap`, needsmap is built with
`cargo build --release --quiet` (honouring CARGO_TARGET_DIR). Without
`--national-bench`, the newest `target/release/deps/national-*` executable is
used (build it with `cargo bench --bench national --no-run`). Without
`--rust4pm`, benches/rust4pm is built with its own `cargo build --release`
(CARGO_TARGET_DIR, else benches/rust4pm/target).

Installs what is missing: with pip, `typst==0.15.2`, `rapidyaml`,
`pm4py==2.7.*` (and `pyyaml` for --pyyaml); with apt-get, pandoc, the TeX Live
packages pdflatex needs and librsvg2-bin (pandoc converts the SVG charts to
PDF with rsvg-convert). Generated files (about 1.5 GB with events-scale: the
10M-event log alone is ~700 MB) go in a temporary folder that is removed at
the end.

The parent process stays small and imports only the standard library (and
events_vs_pm4py.py, which does too): Linux counts the parent's size at fork
in each child's peak, so logs are generated and outputs checked in child
processes, and pm4py, typst and ryml are imported only in children.
"""
import argparse, importlib.util, os, re, resource, shlex, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no benches/__pycache__ (not gitignored)
import events_vs_pm4py  # noqa: E402  (stdlib only: its generator and PM4Py job)

PY = sys.executable
SECTIONS = ["build", "pandoc", "national", "events", "events-scale"]
TYPST_VERSION = "0.15.2"

# The Typst compile needsmap does (src/render/pdf.rs): only Typst's embedded
# fonts, PDF/UA-1. The PyPI package's defaults add the system fonts (on this
# machine a fallback glyph then comes from DejaVu Sans instead of New Computer
# Modern Math) and skip the PDF/UA checks; it is timed too, for reference.
TYPST_AS_NEEDSMAP = ("import typst, sys; typst.compile(sys.argv[1], output=sys.argv[2], "
                     "ignore_system_fonts=True, pdf_standards=['ua-1'])")
TYPST_DEFAULTS = "import typst, sys; typst.compile(sys.argv[1], output=sys.argv[2])"
RYML_JOB = "import ryml, sys; ryml.parse_in_arena(open(sys.argv[1], 'rb').read())"
PYYAML_JOB = "import yaml, sys; yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)"
# needsmap's JSON summed up in a child process (the parent stays small).
EVENTS_COUNTS = ("import json, sys; d = json.load(open(sys.argv[1])); "
                 "print(d['cases'], d['events'], len(d['dfg']), len(d['variants']))")

# Characters pdflatex's UTF-8 support lacks, mapped with newunicodechar when
# the Markdown uses them. The example's Markdown (£ – · × and ASCII) needs
# none of them: the LaTeX kernel covers those (and →); pdflatex stops at e.g.
# ✓ ("Unicode character ✓ (U+2713) not set up for use with LaTeX").
LATEX_MAPPINGS = {
    "✓": r"\ensuremath{\checkmark}", "✔": r"\ensuremath{\checkmark}", "✗": r"\ensuremath{\times}",
    "✘": r"\ensuremath{\times}", "≥": r"\ensuremath{\geq}", "≤": r"\ensuremath{\leq}",
    "≠": r"\ensuremath{\neq}", "≈": r"\ensuremath{\approx}", "−": r"\ensuremath{-}",
    "→": r"\ensuremath{\rightarrow}", "←": r"\ensuremath{\leftarrow}", "↑": r"\ensuremath{\uparrow}",
    "↓": r"\ensuremath{\downarrow}", "↔": r"\ensuremath{\leftrightarrow}", "⇒": r"\ensuremath{\Rightarrow}",
    "•": r"\textbullet{}", "▲": r"\ensuremath{\blacktriangle}", "▼": r"\ensuremath{\blacktriangledown}",
    "★": r"\ensuremath{\star}", "⚠": r"\textbf{!}", "…": r"\ldots{}", "\u00a0": "~", "\u202f": r"\,",
    "\u2009": r"\,", "\u200b": "", "\ufe0f": "",
}


class Failed(Exception):
    pass


# ---------------------------------------------------------------- running

def run(cmd, cwd=None, stdout=subprocess.DEVNULL):
    """Wall time and peak RSS (MiB) of one process and its children."""
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: a chatty child cannot block
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=stdout, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-3000:]
            raise Failed(f"{' '.join(map(shlex.quote, cmd))} (in {cwd or os.getcwd()}) "
                         f"exited with status {status:#x}:\n{tail}")
    return elapsed, usage.ru_maxrss / 1024


def output(cmd, cwd=None):
    """A command's stdout (small outputs only)."""
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise Failed(f"{' '.join(map(shlex.quote, cmd))} failed:\n{p.stderr[-3000:]}")
    return p.stdout


class Command:
    def __init__(self, label, cmd, cwd=None):
        self.label, self.cmd, self.cwd = label, cmd, cwd
        self.times, self.peaks = [], []

    def once(self, stdout=subprocess.DEVNULL):
        return run(self.cmd, self.cwd, stdout)

    @property
    def median(self):
        return statistics.median(self.times)

    @property
    def peak(self):
        return max(self.peaks)

    def line(self, width):
        t = self.times
        spread = f" ({min(t):.3f}-{max(t):.3f})" if len(t) > 1 else ""
        return f"  {self.label:<{width}}  median {self.median:7.3f} s{spread}  peak {self.peak:6.0f} MiB"


def race(commands, runs):
    """Time the commands `runs` times each, alternating: A B C, C B A, ..."""
    for r in range(runs):
        for c in (commands if r % 2 == 0 else commands[::-1]):
            t, m = c.once()
            c.times.append(t)
            c.peaks.append(m)


def report(commands, runs):
    width = max(len(c.label) for c in commands)
    print(f"  ({runs} run{'s' if runs != 1 else ''} each, alternated)")
    for c in commands:
        print(c.line(width))


def verdict(met):
    return "met" if met else "NOT met"


# ---------------------------------------------------------------- setup

def pip_install(module, spec):
    # find_spec, not import: importing here would make the parent large.
    if importlib.util.find_spec(module) is None:
        print(f"installing {spec} with pip")
        subprocess.check_call([PY, "-m", "pip", "install", "-q", spec])


def dist_version(name):
    from importlib import metadata
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def apt_install(packages):
    print(f"installing {' '.join(packages)} with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.check_call(["apt-get", "install", "-y", "--no-install-recommends", *packages], env=env)


def cargo_target(root):
    target = os.environ.get("CARGO_TARGET_DIR")
    return os.path.abspath(target) if target else os.path.join(root, "target")


def pdf_pages(path):
    out = subprocess.run(["pdfinfo", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(m.group(1)) if m else None


class Bench:
    def __init__(self, args, tmp):
        self.args, self.tmp = args, tmp
        self.needsmap = args.needsmap
        self.before = args.before
        self.build_commands = None  # the timed `needsmap build` commands, for `pandoc`
        self.sources = None  # a build's output: .typ, .md, charts, logo
        self.logs = {}
        self.normal_1m_peak = None

    def path(self, name):
        return os.path.join(self.tmp, name)

    def binaries(self):
        """(label, binary): needsmap, then --before if given."""
        out = [("needsmap", self.needsmap)]
        if self.before:
            out.append(("before", self.before))
        return out

    def build_output(self):
        """A build's output folder, for its .typ and .md sources."""
        if self.sources is None:
            out = self.path("build-sources")
            run([self.needsmap, "build", "assessments/northmoor.yaml", "-o", out], cwd=ROOT)
            self.sources = out
        return self.sources

    def timed_builds(self):
        return [Command(f"{label} build", [exe, "build", "assessments/northmoor.yaml", "-o", self.path(f"out-{label}")], cwd=ROOT)
                for label, exe in self.binaries()]

    def event_log(self, events, cases):
        key = (events, cases)
        if key not in self.logs:
            path = self.path(f"events-{events}.csv")
            print(f"  generating {events:,} events in {cases:,} cases ...", flush=True)
            subprocess.check_call([PY, os.path.join(HERE, "events_vs_pm4py.py"), "--generate-only", path,
                                   "--events", str(events), "--cases", str(cases)])
            self.logs[key] = path
        return self.logs[key]

    # ------------------------------------------------------------ sections

    def build(self, runs):
        print("== build: `needsmap build` (PDFs included) vs the Typst compile of its largest document")
        pip_install("typst", f"typst=={TYPST_VERSION}")
        src = self.build_output()
        typs = sorted(f for f in os.listdir(src) if f.endswith(".typ"))
        if not typs:
            raise Failed(f"the build wrote no .typ sources in {src}")
        # The largest document: the most pages in the build's own PDFs.
        pages = {t[:-4]: pdf_pages(os.path.join(src, t[:-4] + ".pdf")) for t in typs}
        largest = max(pages, key=lambda k: pages[k] or 0)
        print(f"  documents: " + ", ".join(f"{k} {v} pages" for k, v in pages.items()))
        print(f"  largest: {largest}.typ ({pages[largest]} pages), compiled beside its charts/ and logo "
              f"with typst {dist_version('typst')} from PyPI in a fresh Python process")
        typst = Command(f"typst {largest}.typ", [PY, "-c", TYPST_AS_NEEDSMAP, f"{largest}.typ", self.path("typst.pdf")], cwd=src)
        typst_defaults = Command("typst, package defaults", [PY, "-c", TYPST_DEFAULTS, f"{largest}.typ", self.path("typst-defaults.pdf")], cwd=src)
        builds = self.timed_builds()
        commands = builds + [typst, typst_defaults]
        for c in commands:
            c.once()
        got = pdf_pages(self.path("typst.pdf"))
        if got != pages[largest]:
            print(f"  warning: the Typst compile gave {got} pages, the build {pages[largest]}")
        race(commands, runs)
        report(commands, runs)
        print("  (typst: embedded fonts only and PDF/UA-1, as needsmap compiles; 'package defaults' adds the")
        print("   system fonts and drops PDF/UA-1, the plain `typst.compile(input, output=...)`)")
        for b in builds:
            r = b.median / typst.median
            print(f"  {b.label} / typst compile = {r:.2f}x (goal: at most 1.05x) -- {verdict(r <= 1.05)}"
                  f"; against package defaults {b.median / typst_defaults.median:.2f}x")
        self.build_commands = builds

    def pandoc(self, runs):
        print("== pandoc: pandoc + pdflatex on the three documents' Markdown vs `needsmap build`")
        missing = [p for p in ("pandoc", "pdflatex") if shutil.which(p) is None]
        if missing:
            apt_install(["pandoc", "texlive-latex-base", "texlive-latex-recommended", "texlive-fonts-recommended",
                         "texlive-latex-extra", "lmodern"])
        if shutil.which("rsvg-convert") is None:
            # pandoc turns the SVG charts into PDF for pdflatex with rsvg-convert;
            # without it pdflatex stops at "Unknown graphics extension: .svg".
            apt_install(["librsvg2-bin"])
        src = self.build_output()
        docs = [d for d in ("needs-assessment", "safe-accommodation-strategy", "action-plan")
                if os.path.exists(os.path.join(src, d + ".md"))]
        if len(docs) != 3:
            raise Failed(f"expected three .md documents in {src}, found {docs}")
        outdir = self.path("pandoc")
        os.makedirs(outdir, exist_ok=True)
        header = os.path.join(outdir, "unicode.tex")
        mapped = {}

        def pandoc_cmd(doc, with_header):
            cmd = ["pandoc", f"{doc}.md", "-o", os.path.join(outdir, f"{doc}.pdf"), "--pdf-engine=pdflatex"]
            return cmd + (["-H", header] if with_header else [])

        # Trial runs: map each character pdflatex refuses, until all three typeset.
        for doc in docs:
            for _ in range(50):
                try:
                    run(pandoc_cmd(doc, bool(mapped)), cwd=src)
                    break
                except Failed as e:
                    chars = re.findall(r"Unicode character (.) \(U\+([0-9A-F]+)\)", str(e))
                    new = [(c, u) for c, u in chars if c not in mapped]
                    if not new:
                        raise
                    for c, u in new:
                        mapped[c] = (u, LATEX_MAPPINGS.get(c, r"\textbf{?}"))
                    with open(header, "w", encoding="utf-8") as f:
                        f.write("\\usepackage{newunicodechar}\n")
                        for c, (u, tex) in mapped.items():
                            f.write(f"\\newunicodechar{{{c}}}{{{tex}}}\n")
            else:
                raise Failed(f"pandoc kept failing on {doc}.md")
        if mapped:
            print("  pdflatex needed these characters mapped (newunicodechar, -H): " +
                  ", ".join(f"{c} U+{u} as {t}" + (" (no mapping known: shown as ?)" if c not in LATEX_MAPPINGS else "")
                            for c, (u, t) in mapped.items()))
        else:
            print("  pdflatex needed no character mappings (the Markdown's non-ASCII: "
                  + self.non_ascii([os.path.join(src, d + ".md") for d in docs]) + ")")
        chain = " && ".join(" ".join(map(shlex.quote, pandoc_cmd(d, bool(mapped)))) for d in docs)
        pandoc = Command("pandoc + pdflatex, 3 documents", ["sh", "-c", chain], cwd=src)
        print("  pages: " + ", ".join(f"{d} {pdf_pages(os.path.join(outdir, d + '.pdf'))} (needsmap "
                                     f"{pdf_pages(os.path.join(src, d + '.pdf'))})" for d in docs))
        if self.build_commands is None:
            builds = self.timed_builds()
            for c in builds:
                c.once()
            race(builds + [pandoc], runs)
            self.build_commands = builds
        else:
            print("  (needsmap build: the timings of the build section)")
            pandoc.once()
            race([pandoc], runs)
        report(self.build_commands + [pandoc], runs)
        for b in self.build_commands:
            r = pandoc.median / b.median
            print(f"  {b.label} is {r:.1f}x faster than pandoc + pdflatex (goal: at least 10x) -- {verdict(r >= 10)}")

    @staticmethod
    def non_ascii(paths):
        # Read in a child: the parent stays small (the Markdown is small, but still).
        code = ("import sys, collections; c = collections.Counter(ch for p in sys.argv[1:] "
                "for ch in open(p, encoding='utf-8').read() if ord(ch) > 127); "
                "print(' '.join(f'{k} x{v}' for k, v in c.most_common()))")
        return output([PY, "-c", code, *paths]).strip() or "none"

    def national(self, runs):
        print("== national: `needsmap gaps` on the national assessment vs parsing its YAML")
        exe = self.args.national_bench or self.find_national_bench()
        pip_install("ryml", "rapidyaml")
        if self.args.pyyaml:
            pip_install("yaml", "pyyaml")
        path = self.path("national.yaml")
        run([exe, "--write", path], cwd=ROOT)
        print(f"  {os.path.relpath(exe, ROOT) if exe.startswith(ROOT) else exe} --write: "
              f"{os.path.getsize(path) / 2**20:.1f} MiB of YAML")
        commands = [Command(f"{label} gaps", [bin_, "gaps", path]) for label, bin_ in self.binaries()]
        ryml = Command(f"rapidyaml {dist_version('rapidyaml')} parse", [PY, "-c", RYML_JOB, path])
        commands.append(ryml)
        if self.args.pyyaml:
            commands.append(Command(f"PyYAML {dist_version('pyyaml')} CSafeLoader", [PY, "-c", PYYAML_JOB, path]))
        for c in commands:
            c.once()
        race(commands, runs)
        report(commands, runs)
        for c in commands:
            if c.label.endswith(" gaps"):
                r = c.median / ryml.median
                print(f"  {c.label} / rapidyaml parse = {r:.2f}x (goal: within 3x) -- {verdict(r <= 3)}")

    def find_national_bench(self):
        deps = os.path.join(cargo_target(ROOT), "release", "deps")
        found = [os.path.join(deps, f) for f in os.listdir(deps) if f.startswith("national-")] if os.path.isdir(deps) else []
        found = [f for f in found if not f.endswith(".d") and os.path.isfile(f) and os.access(f, os.X_OK)]
        if not found:
            raise Failed(f"no national-* bench executable in {deps}: build it with "
                         "`cargo bench --bench national --no-run`, or pass --national-bench")
        return max(found, key=os.path.getmtime)

    def rust4pm(self):
        if self.args.rust4pm:
            return self.args.rust4pm
        project = os.path.join(HERE, "rust4pm")
        target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(project, "target")
        target = os.path.abspath(target)
        print("  building benches/rust4pm (cargo build --release) ...", flush=True)
        subprocess.check_call(["cargo", "build", "--release", "--quiet"], cwd=project,
                              env=dict(os.environ, CARGO_TARGET_DIR=target))
        return os.path.join(target, "release", "rust4pm-bench")

    def events(self, runs):
        print("== events: `needsmap events --format json` vs PM4Py 2.7 (CSV) and rust4pm (XES)")
        pip_install("pm4py", "pm4py==2.7.*")
        rust4pm = self.rust4pm()
        log = self.event_log(1_000_000, 20_000)
        xes = self.path("events-1000000.xes")
        if not os.path.exists(xes):
            print("  converting it to XES (csv_to_xes.py) ...", flush=True)
            subprocess.check_call([PY, os.path.join(HERE, "csv_to_xes.py"), log, xes])
        print(f"  log: 1,000,000 events, 20,000 cases; CSV {os.path.getsize(log) / 2**20:.0f} MiB, "
              f"XES {os.path.getsize(xes) / 2**20:.0f} MiB")
        job = self.path("pm4py_job.py")
        with open(job, "w") as f:
            f.write(events_vs_pm4py.PM4PY_JOB)
        ours = [Command(f"{label} events", [exe, "events", "--format", "json", log]) for label, exe in self.binaries()]
        pm4py = Command(f"PM4Py {dist_version('pm4py')}", [PY, job, log])
        r4pm = Command("rust4pm-bench xes", [rust4pm, "xes", xes])
        commands = ours + [pm4py, r4pm]

        # The untimed runs, with their outputs kept to check the counts.
        def counts_of(c):
            out = self.path(f"out-{c.label.replace(' ', '-')}.txt")
            with open(out, "w") as f:
                c.once(stdout=f)
            return out
        names = ("cases", "events", "dfg edges", "variants")
        ref = tuple(int(x) for x in output([rust4pm, "xes", xes]).split())  # its untimed run
        print("  rust4pm:  " + ", ".join(f"{n} {v}" for n, v in zip(names, ref)))
        agree = True
        for c in ours:
            got = tuple(int(x) for x in output([PY, "-c", EVENTS_COUNTS, counts_of(c)]).split())
            same = got == ref
            agree &= same
            print(f"  {c.label.split()[0] + ':':<9} " + ", ".join(f"{n} {v}" for n, v in zip(names, got))
                  + ("  (agrees)" if same else "  (DIFFERS from rust4pm)"))
        with open(counts_of(pm4py)) as f:
            last = [l for l in f.read().split("\n") if re.fullmatch(r"\d+ \d+ \d+", l.strip())]
        if last:
            dfg, variants, durations = (int(x) for x in last[-1].split())
            same = (durations, dfg, variants) == (ref[0], ref[2], ref[3])
            agree &= same
            print(f"  PM4Py:    cases {durations} (case durations), dfg edges {dfg}, variants {variants}"
                  + ("  (agrees)" if same else "  (DIFFERS from rust4pm)"))
        else:
            print("  PM4Py: could not read its counts")
            agree = False
        print(f"  counts agree: {'yes' if agree else 'NO'}")
        race(commands, runs)
        report(commands, runs)
        for c in ours:
            print(f"  {c.label} is {pm4py.median / c.median:.1f}x faster than PM4Py (goal: keep the lead, at least 10x)"
                  f" -- {verdict(pm4py.median / c.median >= 10)}")
            print(f"  {c.label} is {r4pm.median / c.median:.1f}x faster than rust4pm reading XES")
        self.normal_1m_peak = {c.label.split()[0]: c.peak for c in ours}

    def events_scale(self, runs):
        print("== events-scale: `needsmap events` on 1M, 3M and 10M events, and on 3M distinct activities")
        sizes = [(1_000_000, 20_000), (3_000_000, 60_000), (10_000_000, 200_000)]
        logs = {n: self.event_log(n, c) for n, c in sizes}
        commands, by = [], {}
        for label, exe in self.binaries():
            for n, _ in sizes:
                c = Command(f"{label} {n // 1_000_000}M events", [exe, "events", "--format", "json", logs[n]])
                commands.append(c)
                by[label, n] = c
        for c in commands:
            c.once()
        race(commands, runs)
        report(commands, runs)
        for label, _ in self.binaries():
            per = {n: by[label, n].median / (n / 1e6) for n, _ in sizes}
            print(f"  {label}: per million events " + ", ".join(f"{n // 1_000_000}M {p:.3f} s" for n, p in per.items())
                  + f"; 10M per million / 1M per million = {per[10_000_000] / per[1_000_000]:.2f} (linear: 1.00)")
            peak = by[label, 10_000_000].peak
            print(f"  {label}: 10M peak {peak:.0f} MiB, under 1 GiB: {'yes' if peak < 1024 else 'NO'}")

        distinct = self.path("distinct-3000000.csv")
        print("  generating 3,000,000 events with distinct activities ...", flush=True)
        subprocess.check_call([PY, os.path.abspath(__file__), "--generate-distinct", distinct, "--events", "3000000"])
        commands = [Command(f"{label} distinct {fmt}", [exe, "events", "--format", fmt, distinct])
                    for label, exe in self.binaries() for fmt in ("table", "json")]
        for c in commands:
            c.once()
        race(commands, runs)
        report(commands, runs)
        for c in commands:
            label = c.label.split()[0]
            base = by[label, 1_000_000].peak
            print(f"  {c.label}: peak {c.peak:.0f} MiB = {c.peak / base:.1f}x the 1M-event log's {base:.0f} MiB"
                  " (goal: bounded)")


def generate_distinct(path, events):
    """3M events, each with its own activity: case-{i//10}, act-{i}, one second apart."""
    base = 1_700_000_000
    with open(path, "w", buffering=1 << 20) as f:
        f.write("case:concept:name,concept:name,time:timestamp\n")
        day = None
        for i in range(events):
            t = base + i
            if t // 86400 != day:
                day = t // 86400
                date = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
            s = t % 86400
            f.write(f"case-{i // 10},act-{i},{date} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00:00\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", help="comma-separated: " + ",".join(SECTIONS))
    ap.add_argument("--needsmap", help="the needsmap binary (default: cargo build --release)")
    ap.add_argument("--before", help="an older needsmap binary, timed in the same runs")
    ap.add_argument("--national-bench", help="the national bench executable (default: newest target/release/deps/national-*)")
    ap.add_argument("--rust4pm", help="the rust4pm-bench binary (default: build benches/rust4pm)")
    ap.add_argument("--pyyaml", action="store_true", help="national: also time PyYAML's CSafeLoader (~20 s a run)")
    ap.add_argument("--tmp", help="where to put the generated files (default: the system's temporary folder)")
    ap.add_argument("--generate-distinct", metavar="PATH", help=argparse.SUPPRESS)
    ap.add_argument("--events", type=int, default=3_000_000, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.generate_distinct:
        generate_distinct(args.generate_distinct, args.events)
        return
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    only = SECTIONS if not args.only else [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in only if s not in SECTIONS]
    if unknown:
        ap.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    only = [s for s in SECTIONS if s in only]  # in order: pandoc reuses build's timings
    for name in ("needsmap", "before", "national_bench", "rust4pm"):
        if getattr(args, name):
            setattr(args, name, os.path.abspath(getattr(args, name)))
    if not args.needsmap:
        subprocess.check_call(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
        args.needsmap = os.path.join(cargo_target(ROOT), "release", "needsmap")

    parent = args.tmp or tempfile.gettempdir()
    need = (2 if "events-scale" in only else 0.5) * 2**30
    if not args.tmp and shutil.disk_usage(parent).free < need:
        parent = os.path.join(cargo_target(ROOT), "peers-tmp")  # gitignored
        print(f"{tempfile.gettempdir()} has less than {need / 2**30:.1f} GiB free: using {parent}")
    os.makedirs(parent, exist_ok=True)

    print(f"needsmap: {args.needsmap}" + (f"\nbefore:   {args.before}" if args.before else ""))
    print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{args.runs} run{'s' if args.runs != 1 else ''}, sections: {', '.join(only)}\n")
    failed = []
    with tempfile.TemporaryDirectory(prefix="needsmap-peers-", dir=parent) as tmp:
        bench = Bench(args, tmp)
        for name in only:
            start = time.perf_counter()
            try:
                getattr(bench, name.replace("-", "_"))(args.runs)
            except (Failed, subprocess.CalledProcessError, OSError) as e:
                print(f"  {name} FAILED: {e}")
                failed.append(name)
            print(f"  ({name}: {time.perf_counter() - start:.0f} s)\n", flush=True)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"this script's own peak: {own:.0f} MiB (counted in every child's peak, at fork)")
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
