"""Load all of England the geopandas way, for comparison with `pcn-atlas validate`.

Does the same work as pcn-atlas's area loader: read the 32,844 ONS LSOA
polygons (pyogrio), join population (UTF-8 BOM, thousands commas), RUC and
population-weighted centroids on the LSOA code with pandas, and reproject to
British National Grid (EPSG:27700). Prints wall time and peak RSS.

Usage:
    pip install geopandas pyogrio pyarrow pandas
    python3 bench/load_geopandas.py ../shared/data/england [--arrow]
"""

import resource
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd


def main() -> None:
    data = Path(sys.argv[1])
    use_arrow = "--arrow" in sys.argv
    t0 = time.perf_counter()
    areas = gpd.read_file(data / "lsoa11_boundaries.geojson", engine="pyogrio", use_arrow=use_arrow)
    t_read = time.perf_counter() - t0
    pop = pd.read_csv(data / "lsoa11_population_mid2019.csv", encoding="utf-8-sig", thousands=",")
    ruc = pd.read_csv(data / "lsoa11_rural_urban_2011.csv", usecols=["lsoa", "RUC11CD"])
    cen = pd.read_csv(data / "lsoa11_population_weighted_centroids.csv", encoding="utf-8-sig")
    areas = areas.merge(pop.rename(columns={"lsoa": "LSOA11CD", "pop": "population"}), on="LSOA11CD", how="left")
    areas = areas.merge(ruc.rename(columns={"lsoa": "LSOA11CD", "RUC11CD": "ruc"}), on="LSOA11CD", how="left")
    cen = cen.rename(columns={"lsoa11cd": "LSOA11CD", "X": "centroid_lon", "Y": "centroid_lat"})
    areas = areas.merge(cen[["LSOA11CD", "centroid_lon", "centroid_lat"]], on="LSOA11CD", how="left")
    areas = areas.to_crs(27700)
    centroids = gpd.GeoSeries(gpd.points_from_xy(areas.centroid_lon, areas.centroid_lat), crs=4326).to_crs(27700)
    elapsed = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert len(areas) == 32844, len(areas)
    assert areas.population.notna().all() and len(centroids) == 32844
    print(
        f"geopandas {gpd.__version__} (pyogrio, arrow={use_arrow}): {len(areas)} areas, "
        f"read {t_read:.2f} s, total {elapsed:.2f} s, peak RSS {rss_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
