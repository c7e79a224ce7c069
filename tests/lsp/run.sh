#!/usr/bin/env sh
# Checks that a YAML language server (yaml-language-server, the engine of the VS Code YAML
# extension) flags a misspelt key in a shipped example through the schema modeline.
# Needs Node.js 18 or later and the npm registry on first run (`npm ci`, about 5 s).
set -eu
cd "$(dirname "$0")"
if [ ! -x node_modules/.bin/yaml-language-server ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node check.mjs
