"""Writes encoder/src/test/resources/image_blocks.json: training/layout.py's N-layout image blocks for a few grids
and start positions, the reference ImageBlockTest compares the Java layout with. Run from the repository root:
    python3 encoder/src/test/python/dump_image_blocks.py
"""
import json
import sys

sys.path.insert(0, ".")
from training import layout  # noqa: E402

CASES = [(18, 18, 3), (18, 18, 0), (18, 18, 5), (14, 24, 2), (24, 14, 1), (3, 5, 7), (1, 1, 0), (16, 22, 11)]
cases = []
for n_h, n_w, start in CASES:
    types, perm = layout.image_block(n_h, n_w, start)
    cases.append({"n_h": n_h, "n_w": n_w, "start": start, "types": types, "perm": perm})
with open("encoder/src/test/resources/image_blocks.json", "w") as f:
    json.dump({"source": "python3 encoder/src/test/python/dump_image_blocks.py (training/layout.py image_block)",
               "cases": cases}, f)
print(len(cases), "cases")
