# Shared by scripts/*: where things are and which toolchain to use. Source it, don't run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Versions the project pins. wasm-bindgen must equal the crate's version in Cargo.lock.
# binaryen (wasm-opt), esbuild and lightningcss-cli come from npm, into target/tools.
BINARYEN_VERSION="132.0.0"
ESBUILD_VERSION="0.28.2"
LIGHTNINGCSS_VERSION="1.33.0"
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"

# Project-local tools (wasm-opt, esbuild, lightningcss from npm) come first on PATH;
# cargo-installed tools next.
TOOLS_DIR="$ROOT/target/tools"
export PATH="$TOOLS_DIR/node_modules/.bin:$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Runs one named step and says how long it took, so a person waiting sees where the minutes
# go: `step "release build" scripts/build-site`.
step() {
  local name="$1" start=$SECONDS rc=0
  shift
  log "$name"
  "$@" || rc=$?
  if [ "$rc" -ne 0 ]; then
    printf '\033[1m==> %s: failed after %s\033[0m\n' "$name" "$(elapsed $((SECONDS - start)))" >&2
    return "$rc"
  fi
  printf '\033[1m==> %s: done in %s\033[0m\n' "$name" "$(elapsed $((SECONDS - start)))" >&2
}

elapsed() { # seconds -> "1 m 05 s" or "7 s"
  if [ "$1" -ge 60 ]; then printf '%d m %02d s' $(($1 / 60)) $(($1 % 60)); else printf '%d s' "$1"; fi
}
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a cargo command with clippy's driver compiling the workspace's own crates, as
# `cargo clippy -- -D warnings` does for `cargo check` (the same two variables, read from what
# cargo-clippy sets): `with_clippy cargo test …` lints every target it builds and fails on a
# warning. One build serves clippy and the tests, where `cargo clippy` then `cargo test` checked
# every dependency once and compiled it once more (about 4 minutes of CI, issue #28). The
# dependencies are built as by a plain `cargo test`; the workspace's crates are rebuilt once
# when the next plain cargo run finds another wrapper in their fingerprint.
with_clippy() {
  local driver
  driver="$(rustc --print sysroot)/bin/clippy-driver"
  [ -x "$driver" ] || die "no clippy-driver at $driver (rustup component add clippy)"
  CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__" RUSTC_WORKSPACE_WRAPPER="$driver" "$@"
}

# A fresh token for the emulator's /_emulator/* hooks (EMULATOR_HOOK_TOKEN); callers send it
# in the x-emulator-token header.
new_hook_token() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The release build (scripts/build-site) is skipped when none of its inputs changed since the
# last one: even with nothing for cargo to do, asking cargo twice and checking the WASM takes
# seconds a warm start need not spend. "Inputs" are read from the build's
# own record, never guessed: cargo's dep-info files (`*.d`) list every source file that went
# into the server binary and into the WASM, and to those come the manifests, `style/`,
# `public/`, `locales/` (read by crates/dashboard-core/build.rs, which dep-info does not
# list), the build script itself, the tool versions and the environment variables that change
# a build. The
# outputs' size and mtime are part of the record too, so a build by other means (another
# profile, other features) into the same files is noticed.
BUILD_STAMP="$ROOT/target/.release-build-inputs"
SERVER_BIN="$ROOT/target/release/atlas-integrations"

dep_info_files() {
  ls "$ROOT"/target/release/atlas-integrations.d \
    "$ROOT"/target/front/wasm32-unknown-unknown/wasm-release/*.d 2>/dev/null
}

# What a compile read, as a record to compare: the tools, the environment variables that change
# a build, and the hash of every project file the dep-info files DFILE… name (crates from the
# registry are pinned by Cargo.lock) with the manifests and the build script. Used for the
# whole release build here (with the site's own files beside it) and for each WASM bundle by
# scripts/build-site.
compile_inputs() { # DFILE...
  echo "tools:"
  rustc -vV
  wasm-bindgen --version
  wasm-opt --version 2>/dev/null || echo "no wasm-opt"
  esbuild --version 2>/dev/null || echo "no esbuild"
  lightningcss --version 2>/dev/null || echo "no lightningcss"
  echo "environment:"
  # (`|| true`: none of them set is the usual case, and grep then exits 1.)
  { env | grep -E '^(RUSTFLAGS|RUSTC[A-Z_]*|CARGO_[A-Z_]+|LEPTOS_(OUTPUT_NAME|SITE_PKG_DIR|HASH_FILES|BIN_TARGET)[A-Z_]*)=' || true; } | sort
  echo "inputs:"
  {
    sed -e 's/^[^:]*://' -e 's/\\ /\x01/g' "$@" | tr ' ' '\n' | tr '\001' ' ' | grep "^$ROOT/"
    printf '%s\n' "$ROOT/Cargo.toml" "$ROOT/Cargo.lock" "$ROOT/.cargo/config.toml" "$ROOT"/crates/*/Cargo.toml \
      "$ROOT/scripts/build-site"
    [ -f "$ROOT/rust-toolchain.toml" ] && echo "$ROOT/rust-toolchain.toml"
    echo "$ROOT/crates/dashboard-core/build.rs"
  } | sort -u | tr '\n' '\0' | xargs -0 sha256sum
}

build_fingerprint() {
  local dfiles
  dfiles=$(dep_info_files) || return 1
  [ "$(echo "$dfiles" | wc -l)" -ge 2 ] || return 1
  {
    # shellcheck disable=SC2086
    compile_inputs $dfiles
    # What the build reads besides Rust sources: the stylesheet, the assets, the messages
    # (the core crate's build.rs reads them; dep-info does not list them).
    find "$ROOT/style" "$ROOT/public" "$ROOT/locales" -type f -print0 | sort -z | xargs -0 sha256sum
    echo "outputs:"
    stat -c '%n %s %Y' "$SERVER_BIN" "$ROOT"/target/site/pkg/* $dfiles
  } | sha256sum | cut -d' ' -f1
}

release_build_is_current() {
  local now
  [ -f "$BUILD_STAMP" ] && [ -x "$SERVER_BIN" ] || return 1
  now=$(build_fingerprint 2>/dev/null) || return 1
  [ "$now" = "$(cat "$BUILD_STAMP")" ]
}

# Builds the release site unless nothing changed since the last build.
release_build() {
  if release_build_is_current; then
    log "release build: up to date (no input changed since the last build)"
    return 0
  fi
  rm -f "$BUILD_STAMP"
  step "release build (scripts/build-site)" scripts/build-site
  build_fingerprint >"$BUILD_STAMP"
}

# --- The measured server: scripts/bench, scripts/bench-instructions, scripts/profile-call ---
# One dashboard with its embedded emulator, started the same way for every measurement, so
# their figures are of the same configuration.

# Starts the caller's BIN on its SITE_ROOT, with PROJECTS generated projects and its log in
# LOG, under WRAPPER when given (valgrind, say). Sets SERVER (the pid: the caller stops it),
# PORT, EMU_PORT, BASE, EMU, EMULATOR_HOOK_TOKEN and HOOK_HEADER (for the emulator's hooks).
#
# Settings from the caller's environment must not change what is measured: ATLAS_BASE_URL
# would send the calls to real Atlas, EMULATOR_LATENCY_MS etc. would change the emulator.
# The rate limit (default 1200 per bucket, 1200/s) would throttle 64 connections with 429s,
# so it is raised out of reach; everything else is the default configuration, logging at
# info included (RUST_LOG is passed through).
measured_server_start() { # LOG PROJECTS [WRAPPER...]
  local log_file=$1 projects=$2 var helper=(python3 "$ROOT/scripts/bench-helper.py")
  shift 2
  for var in $(compgen -e | grep -E '^(ATLAS_|EMULATOR_|SESSION_|COOKIE_)' || true); do
    unset "$var"
  done
  EMULATOR_HOOK_TOKEN=$(new_hook_token)
  export EMULATOR_HOOK_TOKEN
  HOOK_HEADER="x-emulator-token: $EMULATOR_HOOK_TOKEN"
  PORT=$("${helper[@]}" port)
  EMU_PORT=$("${helper[@]}" port)
  while [ "$EMU_PORT" = "$PORT" ]; do EMU_PORT=$("${helper[@]}" port); done
  BASE="http://127.0.0.1:$PORT"
  EMU="http://127.0.0.1:$EMU_PORT"
  "$@" "$BIN" serve --listen "127.0.0.1:$PORT" --site-root "$SITE_ROOT" \
    --emulator-listen "127.0.0.1:$EMU_PORT" --test-hooks --projects "$projects" \
    --rate-limit-capacity 1000000000 --rate-limit-refill-per-sec 1000000000 \
    >"$log_file" 2>&1 &
  SERVER=$!
}

# Waits until both the dashboard and the emulator's hooks answer, for at most SECONDS.
measured_server_wait() { # SECONDS
  local tries=$(($1 * 10)) i
  for i in $(seq 1 "$tries"); do
    kill -0 "$SERVER" 2>/dev/null || die "the server exited during start-up"
    if curl -fsS -o /dev/null "$BASE/login" 2>/dev/null &&
      curl -fsS -o /dev/null -H "$HOOK_HEADER" "$EMU/_emulator/counters" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  die "the server did not answer within $1 s"
}

# The emulator's demo credentials and project: KEY_ID, KEY_SECRET, SA_ID, SA_SECRET, GROUP_ID.
measured_server_demo() {
  eval "$(python3 "$ROOT/scripts/bench-helper.py" demo "$EMU")"
}

# After measured_server_demo: a bearer token for requests straight to the emulator (TOKEN),
# and a dashboard session signed in with each credential (COOKIE_SA, COOKIE_KEY).
measured_server_sign_in() {
  local helper=(python3 "$ROOT/scripts/bench-helper.py")
  TOKEN=$("${helper[@]}" token "$EMU" "$SA_ID" "$SA_SECRET")
  COOKIE_SA=$("${helper[@]}" login "$BASE" service_account "$SA_ID" "$SA_SECRET")
  COOKIE_KEY=$("${helper[@]}" login "$BASE" api_key "$KEY_ID" "$KEY_SECRET")
}
