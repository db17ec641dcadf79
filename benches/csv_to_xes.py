#!/usr/bin/env python3
"""Convert a CSV event log (as `needsmap events` reads it) to XES 1.0 XML.

    python3 benches/csv_to_xes.py LOG.csv LOG.xes
        [--case case:concept:name] [--activity concept:name]
        [--time time:timestamp] [--resource org:resource]

One <trace> per case, with its id as the `concept:name` string; one <event>
per row, in file order within the case, with `concept:name` (string),
`time:timestamp` (date) and `org:resource` (string, left out when empty).
Other columns become string attributes of the event. Traces come in order of
each case's first row.

Timestamps become ISO 8601 with an offset: `2023-11-14 22:13:20.123000+01:00`
is written `2023-11-14T22:13:20.123+01:00` (zeros beyond the milliseconds are
dropped, other digits kept); a time without an offset is taken as UTC, as
needsmap takes it, and written with `+00:00`.

Streams when each case's rows are contiguous (as the benchmark generator
writes them). If a case's rows are interleaved with another's, it starts
over, grouping the rows by case in memory. Standard library only.
"""
import argparse, csv, re, sys
from xml.sax.saxutils import quoteattr

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xes.features="" xmlns="http://www.xes-standard.org/">
\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
\t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
\t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
\t<classifier name="Activity" keys="concept:name"/>
"""

STAMP = re.compile(
    r"\s*(\d{4}-\d{2}-\d{2})"
    r"(?:[ T](\d{2}:\d{2})(:\d{2})?(?:[.,](\d+))?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?\s*$"
)


def iso(stamp):
    """`YYYY-MM-DD[( |T)HH:MM[:SS[.frac]]][Z|±HH[[:]MM]]` as an XES date."""
    m = STAMP.match(stamp)
    if not m:
        raise ValueError(f"unreadable timestamp {stamp!r}")
    date, hm, sec, frac, off = m.groups()
    out = f"{date}T{hm or '00:00'}{sec or ':00'}"
    if frac:
        if len(frac) > 3:
            frac = frac[:3] + frac[3:].rstrip("0")
        out += "." + frac
    if off is None or off == "Z":
        out += "+00:00" if off is None else "Z"
    else:
        digits = off[1:].replace(":", "")
        out += f"{off[0]}{digits[:2]}:{digits[2:4] or '00'}"
    return out


class Interleaved(Exception):
    pass


def rows(reader, cols):
    """(case, [(key, type, value)...]) for each row."""
    header = next(reader)
    try:
        ci, ai, ti = (header.index(c) for c in (cols.case, cols.activity, cols.time))
    except ValueError as e:
        sys.exit(f"csv_to_xes: {e} (columns: {', '.join(header)})")
    ri = header.index(cols.resource) if cols.resource in header else None
    rest = [i for i in range(len(header)) if i not in (ci, ai, ti, ri)]
    for n, row in enumerate(reader, start=2):
        if not row:
            continue
        try:
            attrs = [
                ("string", "concept:name", row[ai]),
                ("date", "time:timestamp", iso(row[ti])),
            ]
        except (IndexError, ValueError) as e:
            sys.exit(f"csv_to_xes: line {n}: {e}")
        if ri is not None and ri < len(row) and row[ri] != "":
            attrs.append(("string", "org:resource", row[ri]))
        attrs += [("string", header[i], row[i]) for i in rest if i < len(row) and row[i] != ""]
        yield row[ci], attrs


def event(attrs):
    inner = "".join(f"<{t} key={quoteattr(k)} value={quoteattr(v)}/>" for t, k, v in attrs)
    return f"\t\t<event>{inner}</event>\n"


def trace_open(case):
    return f"\t<trace>\n\t\t<string key=\"concept:name\" value={quoteattr(case)}/>\n"


def stream(src, out, cols):
    out.write(HEADER)
    current, closed = None, set()
    for case, attrs in rows(csv.reader(src), cols):
        if case != current:
            if case in closed:
                raise Interleaved
            if current is not None:
                out.write("\t</trace>\n")
                closed.add(current)
            out.write(trace_open(case))
            current = case
        out.write(event(attrs))
    if current is not None:
        out.write("\t</trace>\n")
    out.write("</log>\n")


def grouped(src, out, cols):
    cases = {}
    for case, attrs in rows(csv.reader(src), cols):
        cases.setdefault(case, []).append(event(attrs))
    out.write(HEADER)
    for case, events in cases.items():
        out.write(trace_open(case))
        out.writelines(events)
        out.write("\t</trace>\n")
    out.write("</log>\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("csv")
    ap.add_argument("xes")
    ap.add_argument("--case", default="case:concept:name")
    ap.add_argument("--activity", default="concept:name")
    ap.add_argument("--time", default="time:timestamp")
    ap.add_argument("--resource", default="org:resource")
    cols = ap.parse_args()
    with open(cols.csv, newline="", encoding="utf-8") as src, \
            open(cols.xes, "w", encoding="utf-8", buffering=1 << 20) as out:
        try:
            stream(src, out, cols)
        except Interleaved:
            src.seek(0)
            out.seek(0)
            out.truncate()
            grouped(src, out, cols)


if __name__ == "__main__":
    main()
