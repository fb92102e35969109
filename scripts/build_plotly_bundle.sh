#!/usr/bin/env bash
# Rebuild assets/plotly-partial.min.js: plotly.js core with only the traces the app draws
# (scatter, bar, heatmap, scatterpolar) and the Russian locale. Needs node and npm (registry).
# The version must match the plotly.js that the installed plotly Python package bundles.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(.venv/bin/python -c "from plotly.offline import get_plotlyjs_version as v; print(v())")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund "plotly.js@$VERSION" esbuild@0 >/dev/null
cat > entry.js <<'JS'
var Plotly = require('plotly.js/lib/core');
Plotly.register([
  require('plotly.js/lib/bar'),
  require('plotly.js/lib/heatmap'),
  require('plotly.js/lib/scatterpolar'),
  require('plotly.js/lib/locales/ru')
]);
module.exports = Plotly;
JS
node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --outfile=bundle.js --log-level=warning
OUT="$OLDPWD/assets/plotly-partial.min.js"
{ echo "/*! plotly.js v$VERSION partial bundle (core + scatter, bar, heatmap, scatterpolar; ru locale) | MIT License, Copyright (c) Plotly, Inc. | built by scripts/build_plotly_bundle.sh */"; cat bundle.js; } > "$OUT"
echo "wrote $OUT ($(wc -c < "$OUT") bytes)"
