#!/usr/bin/env bash
# Checks what `hamming-runner completions SHELL` and `hamming-runner man` generate: every
# script is read by its own shell (bash, zsh and fish parse it; elvish compiles it, with
# the interactive-only `edit:` variable stood in for; PowerShell parses it where pwsh is
# installed, as on GitHub's runners), bash and fish complete a command, a flag and a value
# from it, no hidden flag is offered, and mandoc finds no error in any manual page.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --locked --quiet
bin="$PWD/target/debug/hamming-runner"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

for shell in bash zsh fish elvish powershell; do
  "$bin" completions "$shell" >"completion.$shell"
  test -s "completion.$shell"
done

bash -n completion.bash
zsh -n completion.zsh
fish --no-execute completion.fish
{
  echo 'var arg-completer = [&]'
  sed 's/edit:completion:arg-completer/arg-completer/g' completion.elvish
} >compiled.elvish
elvish -compileonly compiled.elvish
checked="bash, zsh, fish, elvish"
if command -v pwsh >/dev/null 2>&1; then
  # shellcheck disable=SC2016 # PowerShell's own variables, not the shell's.
  pwsh -NoProfile -NonInteractive -Command '
    $errors = $null
    [System.Management.Automation.Language.Parser]::ParseFile("completion.powershell", [ref]$null, [ref]$errors) | Out-Null
    if ($errors.Count -gt 0) { $errors | ForEach-Object { Write-Error $_.Message }; exit 1 }'
  checked="$checked, powershell"
else
  echo "powershell: pwsh is not installed here; the script was generated but not parsed"
fi

# bash: what Tab offers after `hamming-runner ru`, `run --simu` and `run --color `.
complete_bash() {
  bash -c 'source completion.bash
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _hamming__runner hamming-runner "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$@"
}
offered=$(complete_bash hamming-runner ru)
grep -qx run <<<"$offered"
offered=$(complete_bash hamming-runner run --simu)
grep -qx -- --simulate-workspace <<<"$offered"
if grep -q -- --simulate-speed <<<"$offered"; then
  echo "bash offers the hidden --simulate-speed" >&2
  exit 1
fi
offered=$(complete_bash hamming-runner run --color "")
grep -qx never <<<"$offered"

# fish: the same, through its own completion engine.
offered=$(fish -c 'source completion.fish; complete -C "hamming-runner run --simu"')
grep -q -- '^--simulate-workspace' <<<"$offered"
offered=$(fish -c 'source completion.fish; complete -C "hamming-runner run --color "')
grep -q '^never' <<<"$offered"

# man: one page per command, none with an error.
"$bin" man --output-dir man
pages=(man/*.1)
test "${#pages[@]}" -ge 14
for page in "${pages[@]}"; do
  mandoc -T lint -W error "$page"
done
"$bin" man | mandoc -T lint -W error

echo "completions ($checked) and ${#pages[@]} manual pages: ok"
