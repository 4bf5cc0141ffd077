#!/usr/bin/env python3
"""Check pcn-atlas RAPTOR earliest arrivals against an independent connection scan (issue 19).

Pure Python 3, standard library only. It parses the GTFS feed itself (zip or folder, quoted
fields, BOM, calendar, calendar_dates, frequencies, times past 24:00, trips of the day before
that run past midnight), builds the day's connections and answers each query with a connection
scan (Dibbelt, Pajor, Strasser and Wagner 2013) under the same walking rules as RAPTOR: after
the start and after every ride, at most one transfer walk from the transfers CSV.

Run (the example writes date.txt, transfers.csv and pairs.csv into the folder):
    cargo run --release --example pt_pairs -- ../shared/data/iow/gtfs-southern-vectis-2018 target/pt_iow
    python3 scripts/pt_reference.py ../shared/data/iow/gtfs-southern-vectis-2018 target/pt_iow
    cargo run --release --example pt_pairs -- ../shared/data/chester/chester-20230816-small_gtfs.zip target/pt_chester
    python3 scripts/pt_reference.py ../shared/data/chester/chester-20230816-small_gtfs.zip target/pt_chester

pairs.csv: from_stop_id, to_stop_id, depart (seconds of the day), arrival (RAPTOR's earliest
arrival in seconds, empty for none). Prints the pairs, how many are reachable, the mismatches
(up to 20 listed); exit code 1 on any mismatch.

Rules mirrored from the loader (src/transit/gtfs): stops outside the Great Britain box
(lon -8.8..2.0, lat 49.7..61.0) and stations (location_type other than 0) are dropped with their
calls; a trip whose times go backwards is dropped, so is a trip left with fewer than two calls;
pickup_type / drop_off_type 1 forbid boarding / alighting; a trip in frequencies.txt runs once
per headway from start_time while before end_time, shifted so its first departure is that time,
and not at its own times; missing times on a call are interpolated by straight-line distance.
"""

import csv
import datetime
import io
import math
import os
import sys
import zipfile

DAY = 86400


class Feed:
    """A GTFS feed in a zip or a folder."""

    def __init__(self, path):
        self.path = path
        self.zip = zipfile.ZipFile(path) if zipfile.is_zipfile(path) else None

    def rows(self, name):
        """The rows of one file as dicts (empty if the file is absent)."""
        if self.zip is not None:
            names = {os.path.basename(n): n for n in self.zip.namelist()}
            if name not in names:
                return []
            text = self.zip.read(names[name]).decode("utf-8-sig")
        else:
            p = os.path.join(self.path, name)
            if not os.path.exists(p):
                return []
            with open(p, encoding="utf-8-sig", newline="") as f:
                text = f.read()
        return [{k.strip(): (v or "").strip() for k, v in r.items() if k}
                for r in csv.DictReader(io.StringIO(text))]


def secs(text):
    """H:MM:SS (hours may pass 24) in seconds, or None when empty."""
    if not text:
        return None
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


def services_on(feed, day):
    """Service ids running on `day` (a datetime.date): calendar, then exceptions."""
    ymd = day.strftime("%Y%m%d")
    weekday = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    running = set()
    for r in feed.rows("calendar.txt"):
        if r["start_date"] <= ymd <= r["end_date"] and r[weekday[day.weekday()]] == "1":
            running.add(r["service_id"])
    for r in feed.rows("calendar_dates.txt"):
        if r["date"] == ymd:
            (running.add if r["exception_type"] == "1" else running.discard)(r["service_id"])
    return running


def load_stops(feed):
    stops = {}
    for r in feed.rows("stops.txt"):
        if r.get("location_type", "") not in ("", "0"):
            continue
        try:
            lat, lon = float(r["stop_lat"]), float(r["stop_lon"])
        except ValueError:
            continue
        if -8.8 <= lon <= 2.0 and 49.7 <= lat <= 61.0:
            stops[r["stop_id"]] = (lat, lon)
    return stops


def metres(a, b):
    """Great-circle metres between two (lat, lon)."""
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def interpolate(calls, stops):
    """Fill missing times linearly by distance between the timed neighbours."""
    dist = [0.0]
    for a, b in zip(calls, calls[1:]):
        dist.append(dist[-1] + metres(stops[a[0]], stops[b[0]]))
    timed = [i for i, c in enumerate(calls) if c[1] is not None]
    for lo, hi in zip(timed, timed[1:]):
        for i in range(lo + 1, hi):
            span = dist[hi] - dist[lo]
            f = (dist[i] - dist[lo]) / span if span > 0 else 0.0
            t = round(calls[lo][2] + f * (calls[hi][1] - calls[lo][2]))
            calls[i] = (calls[i][0], t, t, calls[i][3], calls[i][4])
    return [c for c in calls if c[1] is not None]


def load_calls(feed, stops):
    """trip_id -> [(stop_id, arrival, departure, pickup, drop_off)] in sequence order."""
    raw = {}
    for r in feed.rows("stop_times.txt"):
        a, d = secs(r.get("arrival_time", "")), secs(r.get("departure_time", ""))
        a, d = (a if a is not None else d), (d if d is not None else a)
        pick = r.get("pickup_type", "") != "1"
        drop = r.get("drop_off_type", "") != "1"
        raw.setdefault(r["trip_id"], []).append((int(r["stop_sequence"]), r["stop_id"], a, d, pick, drop))
    trips = {}
    for tid, rows in raw.items():
        rows.sort()
        calls = [(s, a, d, p, q) for _, s, a, d, p, q in rows if s in stops]
        calls = interpolate(calls, stops)
        ok = len(calls) >= 2 and all(c[1] <= c[2] for c in calls)
        ok = ok and all(x[2] <= y[1] for x, y in zip(calls, calls[1:]))
        if ok:
            trips[tid] = calls
    return trips


def runs(feed, calls, services):
    """(trip id, calls) of every run of the trips whose service is in `services`."""
    freq = {}
    for r in feed.rows("frequencies.txt"):
        freq.setdefault(r["trip_id"], []).append((secs(r["start_time"]), secs(r["end_time"]), int(r["headway_secs"])))
    out = []
    for r in feed.rows("trips.txt"):
        tid = r["trip_id"]
        if r["service_id"] not in services or tid not in calls:
            continue
        c = calls[tid]
        if tid not in freq:
            out.append((tid, c))
            continue
        for start, end, headway in freq[tid]:
            t = start
            while t < end:
                shift = t - c[0][2]
                out.append((f"{tid}@{t}", [(s, a + shift, d + shift, p, q) for s, a, d, p, q in c]))
                t += headway
    return out


def connections(feed, date):
    """The day's connections (dep, arr, trip, from, to, pickup at from, drop-off at to), sorted."""
    day = datetime.date.fromisoformat(date)
    stops = load_stops(feed)
    calls = load_calls(feed, stops)
    trips = runs(feed, calls, services_on(feed, day))
    for tid, c in runs(feed, calls, services_on(feed, day - datetime.timedelta(days=1))):
        late = [(s, a - DAY, d - DAY, p, q) for s, a, d, p, q in c if a >= DAY]
        if len(late) >= 2:
            trips.append((tid + "@-1d", late))
    conns = []
    for n, (_, c) in enumerate(trips):
        for x, y in zip(c, c[1:]):
            conns.append((x[2], y[1], n, x[0], y[0], x[3], y[4]))
    conns.sort()
    return conns, len(trips)


def earliest(conns, deps, transfers, origin, target, depart):
    """Earliest arrival at `target` leaving `origin` at `depart` (None: none)."""
    best = {origin: depart}
    for q, w in transfers.get(origin, ()):
        best[q] = min(best.get(q, math.inf), depart + w)
    ride = {origin: depart}
    on = set()
    i = bisect_left(deps, depart)
    while i < len(conns):
        if conns[i][0] > best.get(target, math.inf):
            break
        # Connections leaving at the same second: repeat until nothing changes
        # (zero-minute hops and zero-second walks).
        j = i
        while j < len(conns) and conns[j][0] == conns[i][0]:
            j += 1
        changed = True
        while changed:
            changed = False
            for dep, arr, trip, u, v, pick, drop in conns[i:j]:
                if trip not in on and pick and best.get(u, math.inf) <= dep:
                    on.add(trip)
                    changed = True
                if trip in on and drop and arr < ride.get(v, math.inf):
                    ride[v] = arr
                    changed = True
                    best[v] = min(best.get(v, math.inf), arr)
                    for q, w in transfers.get(v, ()):
                        best[q] = min(best.get(q, math.inf), arr + w)
        i = j
    t = best.get(target)
    return None if t is None or t == math.inf else t


def bisect_left(a, x):
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def main(feed_path, folder):
    with open(os.path.join(folder, "date.txt")) as f:
        date = f.read().strip()
    conns, n_trips = connections(Feed(feed_path), date)
    deps = [c[0] for c in conns]
    transfers = {}
    with open(os.path.join(folder, "transfers.csv"), newline="") as f:
        for r in csv.DictReader(f):
            transfers.setdefault(r["from_stop_id"], []).append((r["to_stop_id"], int(r["secs"])))
    pairs = reachable = 0
    mismatches = []
    with open(os.path.join(folder, "pairs.csv"), newline="") as f:
        for r in csv.DictReader(f):
            theirs = earliest(conns, deps, transfers, r["from_stop_id"], r["to_stop_id"], int(r["depart"]))
            ours = int(r["arrival"]) if r["arrival"] else None
            pairs += 1
            reachable += ours is not None
            if ours != theirs:
                mismatches.append((r["from_stop_id"], r["to_stop_id"], r["depart"], ours, theirs))
    print(f"{feed_path} on {date}: {n_trips} trips, {len(conns)} connections; "
          f"{pairs} pairs, {reachable} reachable, {len(mismatches)} mismatches")
    for m in mismatches[:20]:
        print("  mismatch from %s to %s at %s: raptor %s, connection scan %s" % m)
    return 1 if mismatches else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
