import sys, json, pandas as pd, pm4py
path = sys.argv[1]
df = pd.read_csv(path)
df = pm4py.format_dataframe(df, case_id='case:concept:name', activity_key='concept:name', timestamp_key='time:timestamp')
dfg, start, end = pm4py.discover_dfg(df)
variants = pm4py.get_variants(df)
out = {
  "cases": int(df['case:concept:name'].nunique()), "events": len(df),
  "dfg": sorted([[a, b, int(c)] for (a, b), c in dfg.items()]),
  "start": {k: int(v) for k, v in sorted(start.items())},
  "end": {k: int(v) for k, v in sorted(end.items())},
  "variants": sorted([[list(k), int(v if not isinstance(v, list) else len(v))] for k, v in variants.items()]),
}
print(json.dumps(out))
