#!/usr/bin/env bash
# Evaluates the fixture sequences beside this script with TrackEval's MotChallenge2DBox (HOTA, CLEAR, Identity)
# and prints one JSON object: {"<sequence>": {"HOTA": …, "DetA": …, …}, …, "_meta": {versions}}, fractions in
# [0, 1] as TrackEval computes them (HOTA-family values are means over the 19 alpha thresholds).
#
# Usage:
#   run_trackeval.sh /path/to/TrackEval [python3] > fixtures/trackeval-reference.json
#
# Needs: a TrackEval checkout (JonathonLuiten/TrackEval; the numbers in this repo were designed against @12c8791),
# and a python3 with numpy and scipy. numpy >= 1.24 removed np.float/np.int/np.bool, which TrackEval still uses
# (TrackEval issue #114); the aliases are patched in before TrackEval is imported.
#
# Layout given to TrackEval (SKIP_SPLIT_FOL, SEQ_INFO read from each seqinfo.ini):
#   $work/gt/<seq>/{seqinfo.ini,gt/gt.txt}    $work/trackers/glimpse/data/<seq>.txt
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
trackeval=${1:?usage: run_trackeval.sh /path/to/TrackEval [python3]}
python=${2:-python3}
[ -d "$trackeval/trackeval" ] || { echo "no trackeval package under $trackeval" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for seqdir in "$here"/fixtures/*/; do
  seq=$(basename "$seqdir")
  mkdir -p "$work/gt/$seq/gt" "$work/trackers/glimpse/data"
  cp "$seqdir/seqinfo.ini" "$work/gt/$seq/seqinfo.ini"
  cp "$seqdir/gt/gt.txt" "$work/gt/$seq/gt/gt.txt"
  cp "$seqdir/pred.txt" "$work/trackers/glimpse/data/$seq.txt"
done

"$python" - "$trackeval" "$work" <<'PY'
import contextlib
import json
import os
import sys

import numpy as np

# TrackEval @12c8791 uses aliases removed in numpy 1.24.
for name, alias in (("float", float), ("int", int), ("bool", bool)):
    if name not in np.__dict__:
        setattr(np, name, alias)

trackeval_dir, work = sys.argv[1], sys.argv[2]
sys.path.insert(0, trackeval_dir)
with contextlib.redirect_stdout(sys.stderr):  # its import prints notes about optional datasets
    import trackeval  # noqa: E402

seqs = sorted(os.listdir(os.path.join(work, "gt")))
eval_config = trackeval.Evaluator.get_default_eval_config()
eval_config.update({"USE_PARALLEL": False, "PRINT_RESULTS": False, "PRINT_CONFIG": False, "TIME_PROGRESS": False,
                    "OUTPUT_SUMMARY": False, "OUTPUT_DETAILED": False, "PLOT_CURVES": False,
                    "LOG_ON_ERROR": os.path.join(work, "error_log.txt")})
dataset_config = trackeval.datasets.MotChallenge2DBox.get_default_dataset_config()
dataset_config.update({"GT_FOLDER": os.path.join(work, "gt"), "TRACKERS_FOLDER": os.path.join(work, "trackers"),
                       "OUTPUT_FOLDER": os.path.join(work, "out"), "TRACKERS_TO_EVAL": ["glimpse"],
                       "CLASSES_TO_EVAL": ["pedestrian"], "BENCHMARK": "MOT17", "SPLIT_TO_EVAL": "train",
                       "SKIP_SPLIT_FOL": True, "SEQ_INFO": {s: None for s in seqs}, "PRINT_CONFIG": False})
metric_config = {"THRESHOLD": 0.5, "PRINT_CONFIG": False}

with contextlib.redirect_stdout(sys.stderr):  # TrackEval prints progress; stdout carries only the JSON
    evaluator = trackeval.Evaluator(eval_config)
    dataset = trackeval.datasets.MotChallenge2DBox(dataset_config)
    metrics = [trackeval.metrics.HOTA(), trackeval.metrics.CLEAR(metric_config),
               trackeval.metrics.Identity(metric_config)]
    res, msg = evaluator.evaluate([dataset], metrics)

if msg["MotChallenge2DBox"]["glimpse"] != "Success":
    sys.exit("TrackEval failed: " + str(msg["MotChallenge2DBox"]["glimpse"]))

out = {}
for seq in seqs:
    r = res["MotChallenge2DBox"]["glimpse"][seq]["pedestrian"]
    h, c, i = r["HOTA"], r["CLEAR"], r["Identity"]
    out[seq] = {
        "HOTA": float(np.mean(h["HOTA"])), "DetA": float(np.mean(h["DetA"])), "AssA": float(np.mean(h["AssA"])),
        "LocA": float(np.mean(h["LocA"])),
        "MOTA": float(c["MOTA"]), "MOTP": float(c["MOTP"]), "IDSW": int(c["IDSW"]), "FP": int(c["CLR_FP"]),
        "FN": int(c["CLR_FN"]), "Frag": int(c["Frag"]),
        "IDF1": float(i["IDF1"]), "IDP": float(i["IDP"]), "IDR": float(i["IDR"]),
    }
import scipy  # noqa: E402
out["_meta"] = {"numpy": np.__version__, "scipy": scipy.__version__, "python": sys.version.split()[0],
                "script": "sim/src/test/resources/eval/run_trackeval.sh"}
json.dump(out, sys.stdout, indent=2, sort_keys=True)
print()
PY
