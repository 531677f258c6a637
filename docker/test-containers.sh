#!/usr/bin/env bash
# Container test: builds docker/Dockerfile, runs the four-member docker/compose.yml with podman,
# and follows docker/RUNBOOK.md with the same commands: the genesis ceremony (each member's key
# made with the image's `ledger keygen`, genesis.json built by `ledger genesis` from the public
# keys and addresses alone, its hash checked by every member with `ledger genesis-hash`), health
# checks, transactions, identical blocks on every member, audit, a member stopped (the others
# go on) and restarted (it catches up), a data volume backed up and restored, and a rolling
# restart checking version and commit in /v1/status against the image labels. Everything is
# torn down at the end, on failure too.
#
# Run as root from anywhere:  bash docker/test-containers.sh
# Needs podman, buildah, runc, podman-compose, busybox-static and jq; installs them with apt-get
# when missing. No registry image is pulled: when node:20-bookworm-slim is not in local
# storage, docker/build-stand-in-base.sh assembles a stand-in from this machine's node.
# Environment: LEDGER_TEST_KEEP=1 leaves the containers running for inspection.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
START=$(date +%s)
PROJECT=ledgerct$$
IMAGE=consortium-ledger:latest
MEMBERS=(member1 member2 member3 member4)
WORK=$(mktemp -d /tmp/ledger-containers.XXXXXX)
CONTAINERS_STARTED=no
STEPS=0

step() {
  STEPS=$((STEPS + 1))
  printf '\n== [%4ss] %s\n' "$(($(date +%s) - START))" "$*"
}
info() { printf '   %s\n' "$*"; }
die() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }
ctr() { echo "${PROJECT}_$1_1"; }

cleanup() {
  local rc=$? steps=$STEPS
  set +e
  if [ "$rc" -ne 0 ] && [ "$CONTAINERS_STARTED" = yes ]; then
    for m in "${MEMBERS[@]}"; do
      printf '\n-- last log lines of %s --\n' "$m"
      podman logs --tail 8 "$(ctr "$m")" 2>&1 | cut -c1-300
    done
  fi
  if [ "${LEDGER_TEST_KEEP:-0}" = 1 ]; then
    info "LEDGER_TEST_KEEP=1: leaving project $PROJECT and $WORK in place"
  else
    step "Tearing down (containers, volumes, network, work folder)"
    if [ "$CONTAINERS_STARTED" = yes ]; then
      # Plain podman rather than `podman-compose down -v`, which stops the members one after
      # the other and leaves the network behind (measured: 38 s against a few seconds).
      podman rm -f -t 10 $(podman ps -aq --filter "label=io.podman.compose.project=$PROJECT") >/dev/null 2>&1
      podman volume rm -f $(podman volume ls -q --filter "label=io.podman.compose.project=$PROJECT") "${PROJECT}_restored" >/dev/null 2>&1
      podman network rm -f "${PROJECT}_default" >/dev/null 2>&1
    fi
    rm -rf "$WORK"
  fi
  # Every step is one check; a failure ends the run in the step that failed.
  if [ "$rc" -eq 0 ]; then
    printf '\ncontainer test passed in %s s\n' "$(($(date +%s) - START))"
    printf 'containers: %s passed, 0 failed\n' "$steps"
  else
    printf '\ncontainer test FAILED (exit %s) after %s s\n' "$rc" "$(($(date +%s) - START))" >&2
    printf 'containers: %s passed, 1 failed\n' "$((steps - 1))"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Tools: podman, buildah, runc, podman-compose, busybox-static, jq"
missing=()
for tool in podman buildah runc podman-compose jq; do command -v "$tool" >/dev/null || missing+=("$tool"); done
command -v busybox >/dev/null && ! ldd "$(command -v busybox)" >/dev/null 2>&1 || missing+=(busybox-static)
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}; install them as root (apt-get install podman buildah runc podman-compose busybox-static jq)"
  info "installing ${missing[*]} with apt-get"
  apt-get update -qq >"$WORK/apt.log" 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman buildah runc podman-compose busybox-static jq >>"$WORK/apt.log" 2>&1 ||
    { tail -20 "$WORK/apt.log"; die "apt-get install failed"; }
fi
info "$(podman --version), $(buildah --version | cut -d' ' -f1-3), podman-compose $(dpkg-query -W -f '${Version}' podman-compose 2>/dev/null || echo '?')"

# crun fails on this machine's cgroup layout and the default ulimits exceed what the sandbox
# allows (docs/measurements.md, Containers): runc and lower limits, unless the caller set its own file.
if [ -z "${CONTAINERS_CONF:-}" ]; then
  export CONTAINERS_CONF=$WORK/containers.conf
  printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=1000:1000"]\n[engine]\nruntime = "runc"\n' >"$CONTAINERS_CONF"
fi
info "CONTAINERS_CONF=$CONTAINERS_CONF"

step "Base image node:20-bookworm-slim"
if podman image exists node:20-bookworm-slim; then
  info "already in local storage: $(podman image inspect --format '{{.Id}}' node:20-bookworm-slim | cut -c1-12)"
else
  info "not in local storage and no registry reachable: assembling the stand-in"
  sh docker/build-stand-in-base.sh node:20-bookworm-slim
fi

step "Build $IMAGE from docker/Dockerfile (--pull=never)"
secret=()
ca=${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}
if [ -n "$ca" ] && [ "$ca" != null ] && [ -s "$ca" ]; then
  # The npm registry is reached through a TLS-inspecting proxy here; its CA goes to npm ci as a
  # build secret (mounted for that step only, never in a layer).
  secret=(--secret "id=npm_ca,src=$ca")
  info "npm CA bundle passed as build secret npm_ca: $ca"
fi
# Version and commit: labels on the image and what `ledger --version` and /v1/status report.
VERSION=$(node -p "require('./package.json').version")
COMMIT=$(git rev-parse HEAD 2>/dev/null || echo unknown)
info "version $VERSION, commit $COMMIT"
build_start=$(date +%s)
podman build --pull=never --format docker --jobs 2 "${secret[@]}" --build-arg "LEDGER_VERSION=$VERSION" --build-arg "LEDGER_COMMIT=$COMMIT" \
  -f docker/Dockerfile -t "$IMAGE" . >"$WORK/build.log" 2>&1 ||
  { tail -40 "$WORK/build.log"; die "image build failed (log above)"; }
info "built in $(($(date +%s) - build_start)) s: $(podman image inspect --format '{{.Size}}' "$IMAGE") bytes"
user=$(podman image inspect --format '{{.Config.User}}' "$IMAGE")
health=$(podman image inspect --format '{{.Config.Healthcheck.Test}}' "$IMAGE")
info "user: $user; health check: $health"
[ "$user" = node ] || die "image runs as '$user', not the unprivileged user node"
[ -n "$health" ] && [ "$health" != "[]" ] || die "image has no HEALTHCHECK (built without --format docker?)"
if podman run --rm --no-healthcheck --entrypoint sh "$IMAGE" -c 'test -e /run/secrets/npm_ca || env | grep -q NODE_EXTRA_CA_CERTS'; then
  die "the npm CA bundle build secret ended up in the image"
fi
label() { podman image inspect --format "{{index .Config.Labels \"org.opencontainers.image.$1\"}}" "$IMAGE"; }
info "labels: version $(label version), revision $(label revision)"
[ "$(label version)" = "$VERSION" ] && [ "$(label revision)" = "$COMMIT" ] || die "image labels do not carry version $VERSION and commit $COMMIT"
said=$(podman run --rm --no-healthcheck "$IMAGE" --version)
info "ledger --version in the image: $said"
[ "$said" = "ledger $VERSION (commit $COMMIT)" ] || die "the image's ledger --version says '$said'"

step "Runbook 1: each member makes its key with the image (ledger keygen)"
run_cli() { podman run --rm --no-healthcheck "$@"; }
new_account_key() { # name: a key made with the image's keygen (kept under $WORK/accounts), prints its public key
  # --plaintext: throw-away keys of a test run (keygen encrypts by default; RUNBOOK.md step 1).
  run_cli -v "$WORK/accounts:/keys" "$IMAGE" keygen --plaintext --out "/keys/$1.key.json" | tail -1
}
mkdir -p "$WORK/accounts"
chown 1000:1000 "$WORK/accounts"
declare -A PK
member_args=()
for m in "${MEMBERS[@]}"; do
  mkdir -p "$WORK/$m"
  chown 1000:1000 "$WORK/$m"
  PK[$m]=$(run_cli -v "$WORK/$m:/keys" "$IMAGE" keygen --plaintext --out /keys/member.key.json | tail -1)
  [[ "${PK[$m]}" =~ ^[0-9a-f]{64}$ ]] || die "keygen printed no public key for $m"
  # What the member sends the coordinator: name, public key, p2p address (never the key file).
  member_args+=(--member "$m=${PK[$m]}@$m:9080")
  info "$m sends $m=${PK[$m]}@$m:9080"
done

step "Runbook 2: the coordinator builds genesis.json with ledger genesis and prints its hash"
mkdir -p "$WORK/consortium"
chown 1000:1000 "$WORK/consortium"
out=$(run_cli -v "$WORK/consortium:/out" "$IMAGE" genesis --chain-id "containers-$PROJECT" "${member_args[@]}" --out /out/genesis.json) ||
  die "ledger genesis failed: $out"
echo "$out" | sed 's/^/   /'
GENESIS_HASH=$(echo "$out" | sed -n 's/^genesis hash \([0-9a-f]\{64\}\)$/\1/p')
[ "${#GENESIS_HASH}" = 64 ] || die "ledger genesis printed no hash"
# Reads need a read token (docs/security.md): cluster-check.mjs mints them with member1's key.
export LEDGER_READ_KEY="$WORK/member1/member.key.json" LEDGER_CHAIN_ID="containers-$PROJECT"
[ "$(ls "$WORK/consortium")" = genesis.json ] || die "the coordinator's folder holds more than genesis.json: $(ls "$WORK/consortium")"

step "Runbook 2: every member checks the hash of the genesis.json it received (ledger genesis-hash --expect)"
for m in "${MEMBERS[@]}"; do
  cp "$WORK/consortium/genesis.json" "$WORK/$m/genesis.json"
  out=$(run_cli -v "$WORK/$m:/etc/ledger:ro" "$IMAGE" genesis-hash /etc/ledger/genesis.json --expect "$GENESIS_HASH" 2>&1) ||
    die "$m: genesis hash check failed: $out"
  info "$m: $(echo "$out" | tail -1)"
done
wrong=$(printf '%064d' 0)
if run_cli -v "$WORK/member1:/etc/ledger:ro" "$IMAGE" genesis-hash /etc/ledger/genesis.json --expect "$wrong" >/dev/null 2>&1; then
  die "genesis-hash accepted a wrong hash"
fi
info "a wrong expected hash exits 1"
for m in "${MEMBERS[@]}"; do
  cp "$WORK/$m/member.key.json" "$WORK/consortium/$m.key.json"
  chown 1000:1000 "$WORK/consortium/$m.key.json"
  chmod 0600 "$WORK/consortium/$m.key.json"
done

step "Runbook 3: start the four members (podman-compose up -d)"
read -r -a ports <<<"$(node docker/cluster-check.mjs free-ports 4)"
urls=()
for i in 0 1 2 3; do
  export "MEMBER$((i + 1))_API_PORT=${ports[$i]}"
  urls+=("http://127.0.0.1:${ports[$i]}")
done
export LEDGER_CONSORTIUM_DIR=$WORK/consortium
CONTAINERS_STARTED=yes
(cd docker && podman-compose -p "$PROJECT" -f compose.yml up -d >"$WORK/up.log" 2>&1) ||
  { tail -30 "$WORK/up.log"; die "podman-compose up failed"; }
podman ps --filter "label=io.podman.compose.project=$PROJECT" --format '   {{.Names}}  {{.Status}}  {{.Ports}}'

step "Wait for every container's health check (podman healthcheck run: no systemd timers here)"
wait_healthy() {
  local deadline=$(($(date +%s) + $2))
  until podman healthcheck run "$(ctr "$1")" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$1 not healthy after $2 s"
    sleep 1
  done
  info "$1 healthy: $(podman exec "$(ctr "$1")" node /app/docker/healthcheck.mjs)"
}
for m in "${MEMBERS[@]}"; do wait_healthy "$m" 120; done
node docker/cluster-check.mjs version "$VERSION" "$COMMIT" "${urls[@]}"
# An idle chain writes no block (docs/protocol.md R24): the transactions below start it.

step "Runbook 4: transactions with ledger tx (inside the containers, member keys)"
submit() { # member, type, payload
  local out
  out=$(podman exec "$(ctr "$1")" ledger tx "$2" --key /etc/ledger/member.key.json --node http://127.0.0.1:8080 \
    --payload "$3" --wait --json) || die "ledger tx $2 via $1 failed: $out"
  info "$2 via $1: $(echo "$out" | tail -1)"
  [ "$(echo "$out" | tail -1 | jq -r .status)" = committed ] || die "$2 via $1 not committed"
}
for i in 1 2 3; do
  acct=$(new_account_key "integrator$i")
  [ "${#acct}" = 64 ] || die "could not make an integrator key"
  submit "member$i" account.register "{\"publicKey\":\"$acct\",\"role\":\"integrator\",\"name\":\"integrator$i\"}"
done

step "Every member holds the same blocks"
h=$(node docker/cluster-check.mjs height "${urls[0]}")
node docker/cluster-check.mjs wait-height "$h" 60 "${urls[@]}"
node docker/cluster-check.mjs same-blocks "${urls[@]}"

step "Runbook 5: verify with ledger audit --node"
audit=$(podman exec "$(ctr member2)" ledger audit --node http://127.0.0.1:8080 --key /etc/ledger/member.key.json --genesis /etc/ledger/genesis.json --json | tail -1)
info "audit: $audit"
[ "$(echo "$audit" | jq -r .ok)" = true ] || die "audit failed"

step "Stop member4 (SIGTERM, 10 s grace): it exits cleanly and the other three go on"
stop_start=$(date +%s)
podman stop -t 10 "$(ctr member4)" >/dev/null 2>>"$WORK/podman.log"
code=$(podman inspect --format '{{.State.ExitCode}}' "$(ctr member4)")
info "member4 stopped in $(($(date +%s) - stop_start)) s with exit code $code; last line: $(podman logs --tail 1 "$(ctr member4)" 2>&1 | cut -c1-200)"
[ "$code" = 0 ] || die "member4 did not stop cleanly (exit code $code; 137 means it was killed after the grace period)"
h=$(node docker/cluster-check.mjs height "${urls[0]}")
submit member1 account.register "{\"publicKey\":\"$(new_account_key auditor)\",\"role\":\"auditor\",\"name\":\"auditor1\"}"
node docker/cluster-check.mjs wait-height "$((h + 1))" 60 "${urls[@]:0:3}"
node docker/cluster-check.mjs same-blocks "${urls[@]:0:3}"

step "Restart member4 from its volume: it catches up"
podman start "$(ctr member4)" >/dev/null 2>>"$WORK/podman.log"
wait_healthy member4 120
h=$(node docker/cluster-check.mjs height "${urls[0]}")
node docker/cluster-check.mjs wait-height "$h" 90 "${urls[@]}"
node docker/cluster-check.mjs same-blocks "${urls[@]}"

step "Runbook 6: back up member2's data volume, restore it into a new volume, audit the copy"
vol=${PROJECT}_member2-data
podman stop -t 10 "$(ctr member2)" >/dev/null 2>>"$WORK/podman.log"
podman run --rm --no-healthcheck --user 0 --entrypoint tar -v "$vol:/var/lib/ledger:ro" -v "$WORK:/backup" "$IMAGE" \
  -czf /backup/member2-data.tgz -C /var/lib/ledger .
podman start "$(ctr member2)" >/dev/null 2>>"$WORK/podman.log"
info "backup: $(du -h "$WORK/member2-data.tgz" | cut -f1)"
podman volume create "${PROJECT}_restored" >/dev/null
podman run --rm --no-healthcheck --user 0 --entrypoint sh -v "${PROJECT}_restored:/var/lib/ledger" -v "$WORK:/backup:ro" "$IMAGE" \
  -c 'tar -xzf /backup/member2-data.tgz -C /var/lib/ledger && chown -R 1000:1000 /var/lib/ledger'
audit=$(run_cli -v "${PROJECT}_restored:/var/lib/ledger" -v "$WORK/consortium/genesis.json:/etc/ledger/genesis.json:ro" "$IMAGE" \
  audit --data /var/lib/ledger --genesis /etc/ledger/genesis.json --json | tail -1)
podman volume rm "${PROJECT}_restored" >/dev/null
info "audit of the restored copy: $audit"
[ "$(echo "$audit" | jq -r .ok)" = true ] && [ "$(echo "$audit" | jq -r .height)" -ge 1 ] || die "restored volume does not audit"
wait_healthy member2 120
h=$(node docker/cluster-check.mjs height "${urls[0]}")
node docker/cluster-check.mjs wait-height "$h" 90 "${urls[@]}"
node docker/cluster-check.mjs same-blocks "${urls[@]}"

step "Runbook 6: rolling restart, one member at a time, each checked in /v1/status (version, commit, height)"
for i in 0 1 2 3; do
  m=${MEMBERS[$i]}
  podman restart -t 10 "$(ctr "$m")" >/dev/null 2>>"$WORK/podman.log"
  wait_healthy "$m" 120
  node docker/cluster-check.mjs version "$VERSION" "$COMMIT" "${urls[$i]}" | sed "s/^/   $m: /"
  # An idle chain writes no block (docs/protocol.md R24): a transaction through the next
  # member gives every member, the restarted one included, a new height to reach.
  next=${MEMBERS[$(((i + 1) % 4))]}
  h=$(node docker/cluster-check.mjs height "${urls[$(((i + 1) % 4))]}")
  submit "$next" account.register "{\"publicKey\":\"$(new_account_key "roll$i")\",\"role\":\"auditor\",\"name\":\"roll$i\"}"
  node docker/cluster-check.mjs wait-height "$((h + 1))" 90 "${urls[@]}" | sed "s/^/   /"
done
node docker/cluster-check.mjs same-blocks "${urls[@]}"

# Member changes by vote (docs/protocol.md R20). Skipped with LEDGER_TEST_GOVERNANCE=0.
if [ "${LEDGER_TEST_GOVERNANCE:-1}" != 1 ]; then
  printf "\n== Runbook 7 (member.propose / member.vote) skipped: LEDGER_TEST_GOVERNANCE=0\n"
  exit 0
fi

step "Runbook 7: remove member4 by vote (member.propose + member.vote), then add it back"
members_count() { curl_json "${urls[0]}/v1/members" | jq '.members | length'; }
curl_json() { node -e "fetch(process.argv[1], { headers: { authorization: 'Bearer ' + process.argv[2] } }).then(r => r.text()).then(t => process.stdout.write(t))" "$1" "$(node docker/cluster-check.mjs token)"; }
propose() { # proposer, action, member name; prints the proposal id (the propose tx hash)
  local pk out
  pk=${PK[$3]}
  out=$(podman exec "$(ctr "$1")" ledger tx member.propose --key /etc/ledger/member.key.json --node http://127.0.0.1:8080 --wait --json \
    --payload "{\"action\":\"$2\",\"member\":{\"name\":\"$3\",\"publicKey\":\"$pk\",\"address\":\"/dns4/$3/tcp/9080\"}}") ||
    die "member.propose $2 $3 failed: $out"
  info "member.propose $2 $3 via $1: $(echo "$out" | tail -1)" >&2
  echo "$out" | tail -1 | jq -r .hash
}
vote() { # voter, proposal id
  submit "$1" member.vote "{\"proposalId\":\"$2\",\"approve\":true}"
}
info "members before: $(members_count)"
id=$(propose member1 remove member4)
vote member2 "$id"
vote member3 "$id"
# One more transaction: its block is what the three members must all reach.
submit member1 account.register "{\"publicKey\":\"$(new_account_key auditor2)\",\"role\":\"auditor\",\"name\":\"auditor2\"}"
node docker/cluster-check.mjs wait-height "$(node docker/cluster-check.mjs height "${urls[0]}")" 90 "${urls[@]:0:3}"
n=$(members_count)
info "members after the removal: $n"
[ "$n" = 3 ] || die "member4 was not removed (members: $n)"
id=$(propose member1 add member4)
vote member2 "$id"
vote member3 "$id"
n=$(members_count)
info "members after adding member4 back: $n"
[ "$n" = 4 ] || die "member4 was not added back (members: $n)"
submit member1 account.register "{\"publicKey\":\"$(new_account_key auditor3)\",\"role\":\"auditor\",\"name\":\"auditor3\"}"
node docker/cluster-check.mjs wait-height "$(node docker/cluster-check.mjs height "${urls[0]}")" 90 "${urls[@]}"
node docker/cluster-check.mjs same-blocks "${urls[@]}"
