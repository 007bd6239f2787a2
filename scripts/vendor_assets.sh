#!/usr/bin/env bash
# Copy the front-end files anju serves from node_modules into anju/static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=anju/static/vendor
rm -rf "$dest"
mkdir -p "$dest/bootstrap" "$dest/htmx"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
echo "front-end assets copied to $dest"
