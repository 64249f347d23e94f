# Shared by scripts/*: where things are and which toolchain to use. Source it, don't run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Versions the project pins. wasm-bindgen must equal the crate's version in Cargo.lock.
CARGO_LEPTOS_VERSION="0.3.11"
BINARYEN_VERSION="132.0.0"
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"

# Project-local tools (wasm-opt from npm) come first on PATH; cargo-installed tools next.
TOOLS_DIR="$ROOT/target/tools"
export PATH="$TOOLS_DIR/node_modules/.bin:$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
