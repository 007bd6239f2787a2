#!/usr/bin/env bash
# Copy the front-end files anju serves from node_modules into anju/static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=anju/static/vendor
rm -rf "$dest"
mkdir -p "$dest/bootstrap" "$dest/htmx" "$dest/exifr" "$dest/leaflet" "$dest/echarts" "$dest/markercluster" "$dest/workbox" "$dest/idb"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/exifr/dist/lite.umd.js "$dest/exifr/"  # reads a photo's GPS position before it is downscaled
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$dest/leaflet/"
cp -r node_modules/leaflet/dist/images "$dest/leaflet/"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts/"
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster.css \
   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css "$dest/markercluster/"
# The offline app (anju/field, ADR 0038): Workbox's loader and the modules the service worker
# uses (the loader imports them from this directory, never from a CDN), and idb for the queue.
cp node_modules/workbox-sw/build/workbox-sw.js "$dest/workbox/"
for module in core routing strategies precaching; do
  cp "node_modules/workbox-$module/build/workbox-$module.prod.js" "$dest/workbox/"
done
cp node_modules/idb/build/umd.js "$dest/idb/idb.umd.js"
echo "front-end assets copied to $dest"
