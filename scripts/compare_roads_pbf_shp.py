#!/usr/bin/env python3
"""Compare the road network pcn-atlas builds from an OSM PBF with the Geofabrik
shapefile road layer of the same area, way by way (joined on OSM way id).

Usage (standard library only):
    pcn-atlas -q roads --roads ../shared/data/rutland/rutland-2022-07.osm.pbf --out /tmp/rp
    python3 scripts/compare_roads_pbf_shp.py /tmp/rp/roads.geojson \
        ../shared/data/rutland/osm-roads-2022/gis_osm_roads_free_1.dbf

Prints (shapefile fclass, PBF class or "(excluded)") pairs that differ, with counts.
Used for docs/performance-roads.md.
"""
import json
import struct
import sys
from collections import Counter


def read_dbf(path):
    """Yield dbf records as dicts of stripped text (enough for Geofabrik layers)."""
    f = open(path, "rb").read()
    n = struct.unpack("<I", f[4:8])[0]
    header_len = struct.unpack("<H", f[8:10])[0]
    record_len = struct.unpack("<H", f[10:12])[0]
    fields, i = [], 32
    while f[i] != 0x0D:
        fields.append((f[i : i + 11].split(b"\0")[0].decode(), f[i + 16]))
        i += 32
    for r in range(n):
        rec = f[header_len + r * record_len : header_len + (r + 1) * record_len]
        pos, d = 1, {}
        for name, length in fields:
            d[name] = rec[pos : pos + length].decode("utf8", "replace").strip()
            pos += length
        yield d


def main(roads_geojson, dbf):
    pbf = {}
    for feat in json.load(open(roads_geojson))["features"]:
        pbf[feat["properties"]["id"]] = feat["properties"]["class"]
    shp = {int(d["osm_id"]): d["fclass"] for d in read_dbf(dbf)}
    print(f"shapefile ways {len(shp)}, PBF ways kept {len(set(pbf))}, "
          f"PBF ids not in the shapefile {len(set(pbf) - set(shp))}")
    diff = Counter()
    for osm_id, fclass in shp.items():
        mapped = "track" if fclass.startswith("track_grade") else fclass
        got = pbf.get(osm_id, "(excluded)")
        if got != mapped:
            diff[(fclass, got)] += 1
    for (fclass, got), n in diff.most_common():
        print(f"{fclass:>16} -> {got:<14} {n}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
