#!/usr/bin/env python3
"""Count NHS ODS branch surgeries by fate, independently of pcn-atlas: the
figures `pcn-atlas import --branches` must reproduce on a national import
(no --lad/--pcn/--bbox selection). Reads the raw files itself with pandas;
imports nothing from the project. (docs/import.md, tests/import_branches.rs)

Setup and run (from the repository root):

    pip install --quiet pandas            # tested with pandas 3.1.1
    python3 scripts/branch_counts.py [--data /work/shared/data] [--json]

or name every file:

    python3 scripts/branch_counts.py --ebranchs E.csv --map MAP.csv \
        --epraccur EPRACCUR.csv --postcodes CODEPOINT_DIR \
        [--branch-postcodes CODEPOINT_DIR] [--json]

Each branch (a row of ebranchs.csv: no header, epraccur's layout; column 1
branch code, 2 name, 10 postcode, 12 close date, 15 parent practice) gets
the first fate that applies:

  duplicate              its code already given on an earlier row
  closed                 column 12 (close date) not blank
  parent_not_in_dataset  parent (column 15) not a PRACTICE_CODE of the map
  parent_closed          parent's status (epraccur column 13) is C or D
  unlocated              postcode (spaces dropped, upper case) in neither
                         Code-Point Open folder (rows of quality 90 have no
                         coordinates and do not count)
  written                the rest

Besides the fates it prints: rows open (no close date, whatever the fate),
open branches whose parent is in the map, and rows of the file whose
postcode is found (whatever their fate).
"""

import argparse
import glob
import json
import os
import sys

import pandas as pd


def read_headerless(path):
    """An ODS file: no header, every field a string, Latin-1."""
    return pd.read_csv(path, header=None, dtype=str, encoding="latin-1", keep_default_na=False)


def norm(pc):
    return pc.str.replace(r"\s+", "", regex=True).str.upper()


def codepoint(folder):
    """Postcodes with coordinates in a Code-Point Open folder (Data/CSV/*.csv)."""
    sub = os.path.join(folder, "Data", "CSV")
    files = sorted(glob.glob(os.path.join(sub if os.path.isdir(sub) else folder, "*.csv")))
    if not files:
        sys.exit(f"{folder}: no Code-Point Open CSV files")
    df = pd.concat([read_headerless(f) for f in files], ignore_index=True)
    df = df[df[1].str.strip() != "90"]
    return set(norm(df[0]))


def count(ebranchs, map_csv, epraccur, postcodes, branch_postcodes):
    b = read_headerless(ebranchs)
    b = b.apply(lambda c: c.str.strip())
    m = pd.read_csv(map_csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    in_map = set(m["PRACTICE_CODE"].str.strip())
    status = {}
    if epraccur:
        e = read_headerless(epraccur)
        status = dict(zip(e[0].str.strip(), e[12].str.strip()))
    located = codepoint(postcodes)
    if branch_postcodes:
        located |= codepoint(branch_postcodes)

    dup = b[0].duplicated(keep="first")
    closed = ~dup & (b[11] != "")
    rest = ~dup & ~closed
    no_parent = rest & ~b[14].isin(in_map)
    rest &= ~no_parent
    parent_closed = rest & b[14].map(lambda p: status.get(p, "") in ("C", "D"))
    rest &= ~parent_closed
    found = norm(b[9]).isin(located) & (b[9] != "")
    unlocated = rest & ~found
    written = rest & found
    return {
        "branches_in_file": len(b),
        "branches_open": int((b[11] == "").sum()),
        "branches_duplicate": int(dup.sum()),
        "branches_closed": int(closed.sum()),
        "branches_parent_not_in_dataset": int(no_parent.sum()),
        "branches_parent_closed": int(parent_closed.sum()),
        "branches_unlocated": int(unlocated.sum()),
        "branches_written": int(written.sum()),
        "open_with_parent_in_map": int(((b[11] == "") & b[14].isin(in_map)).sum()),
        "located_by_postcode": int(found.sum()),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.environ.get("PCN_ATLAS_DATA", "../shared/data"))
    ap.add_argument("--ebranchs")
    ap.add_argument("--map")
    ap.add_argument("--epraccur")
    ap.add_argument("--postcodes")
    ap.add_argument("--branch-postcodes")
    ap.add_argument("--json", action="store_true", help="print the counts as JSON")
    a = ap.parse_args()
    eng = os.path.join(a.data, "england")
    cur = os.path.join(a.data, "current")
    c = count(
        a.ebranchs or os.path.join(eng, "ebranchs-2017-05.csv"),
        a.map or os.path.join(eng, "gp-reg-pat-prac-map-2022-01.csv"),
        a.epraccur or os.path.join(eng, "epraccur-2019-12.csv"),
        a.postcodes or os.path.join(eng, "codepoint-open-2018-practices"),
        a.branch_postcodes or os.path.join(cur, "codepoint-open-2025-practices"),
    )
    if a.json:
        print(json.dumps(c, indent=2))
        return
    width = max(len(k) for k in c)
    for k, v in c.items():
        print(f"{k:<{width}}  {v:>6,}")


if __name__ == "__main__":
    main()
