#!/usr/bin/env bash
# Vendor the web UI's front-end assets from the npm registry into web/static/vendor/.
# Idempotent: `npm ci` installs exactly package-lock.json, then the built files are copied.
# Nothing is fetched at run time: the pages load these files from our own server only.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f web/static/vendor/.stamp ] && [ web/static/vendor/.stamp -nt package-lock.json ] \
   && [ -f web/static/vendor/yasgui.min.js ] && [ "${FORCE:-0}" != 1 ]; then
  echo "web/static/vendor is up to date (FORCE=1 to rebuild)"
  exit 0
fi
npm ci --no-audit --no-fund --ignore-scripts
mkdir -p web/static/vendor
cp node_modules/@zazuko/yasgui/build/yasgui.min.js web/static/vendor/yasgui.min.js
cp node_modules/@zazuko/yasgui/build/yasgui.min.css web/static/vendor/yasgui.min.css
# The source maps reference the original sources; not needed to run, so not shipped.
sed -i '/^\/\/# sourceMappingURL=/d' web/static/vendor/yasgui.min.js
sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##' web/static/vendor/yasgui.min.css
touch web/static/vendor/.stamp
echo "vendored: $(ls web/static/vendor | tr '\n' ' ')"
