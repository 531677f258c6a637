#!/bin/sh
# Entry point of the ledger image (docker/Dockerfile). Runs `ledger` with the given arguments;
# with none, or only flags, it runs `ledger start` (but --help and --version go to `ledger`).
#
# For `start` without --config it finds the configuration so that a member needs no config file:
#   1. $LEDGER_CONFIG (default /etc/ledger/config.json) when that file exists (a mounted file,
#      e.g. a memberI.config.json written by `ledger init`);
#   2. otherwise LEDGER_NAME: it writes a one-line config {"name": ...} to a temporary file and
#      every other setting comes from the LEDGER_* variables (LEDGER_KEY_FILE,
#      LEDGER_GENESIS_FILE, LEDGER_DATA_DIR, ...; see `ledger start --help`).
# Environment variables win over the file, and the image sets LEDGER_DATA_DIR, LEDGER_API_HOST,
# LEDGER_API_PORT and LEDGER_P2P_LISTEN, so in-container paths and ports are fixed.
#
# Before starting it checks what people get wrong with volumes (data folder not writable, key
# file not readable by uid 1000) and says how to fix it. It then `exec`s node, so node is PID 1
# and receives SIGTERM directly. Outside a container it works the same (test/e2e runs it as a
# plain process); LEDGER_CLI overrides where the CLI script is.
set -eu

die() {
  echo "entrypoint: $*" >&2
  exit 1
}

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
cli=${LEDGER_CLI:-$here/../dist/src/cli/main.js}
[ -f "$cli" ] || die "ledger CLI not found at $cli; build it (npm run build) or set LEDGER_CLI"

if [ "$#" -eq 0 ]; then
  set -- start
fi
case "$1" in
  -h | --help | -V | --version) ;;
  -*) set -- start "$@" ;;
esac

if [ "$1" = start ]; then
  has_config=no
  for arg in "$@"; do
    case "$arg" in
      --config | --config=* | -h | --help) has_config=yes ;;
    esac
  done
  if [ "$has_config" = no ]; then
    config=${LEDGER_CONFIG:-/etc/ledger/config.json}
    if [ ! -f "$config" ]; then
      [ -n "${LEDGER_NAME:-}" ] || die "no config file at $config; mount one there (or set LEDGER_CONFIG), or set LEDGER_NAME, LEDGER_KEY_FILE and LEDGER_GENESIS_FILE"
      case "$LEDGER_NAME" in
        *[!A-Za-z0-9._-]*) die "LEDGER_NAME '$LEDGER_NAME' may only hold letters, digits, '.', '_' and '-'" ;;
      esac
      for var in LEDGER_KEY_FILE LEDGER_GENESIS_FILE LEDGER_DATA_DIR; do
        eval "value=\${$var:-}"
        [ -n "$value" ] || die "$var is not set; it is needed when no config file is mounted"
      done
      config=$(mktemp "${TMPDIR:-/tmp}/ledger-config.XXXXXX")
      printf '{"name":"%s"}\n' "$LEDGER_NAME" >"$config"
    fi
    shift
    set -- start --config "$config" "$@"
  fi

  if [ -n "${LEDGER_DATA_DIR:-}" ]; then
    mkdir -p "$LEDGER_DATA_DIR" 2>/dev/null || true
    [ -d "$LEDGER_DATA_DIR" ] && [ -w "$LEDGER_DATA_DIR" ] ||
      die "data folder $LEDGER_DATA_DIR is not writable by uid $(id -u); give it to that user (chown -R $(id -u):$(id -g) on the volume or host folder)"
  fi
  if [ -n "${LEDGER_KEY_FILE:-}" ] && [ ! -r "$LEDGER_KEY_FILE" ]; then
    die "key file $LEDGER_KEY_FILE is missing or not readable by uid $(id -u); mount it and chown $(id -u) it (keep mode 0600)"
  fi
fi

exec node "$cli" "$@"
