#!/usr/bin/env bash
# Blue-green releases behind the nginx of deploy/nginx: two app colours, one live at a time.
#
#   scripts/blue_green.sh render     write the nginx site and the upstream (live colour, blue at
#                                    first) into $BG_DIR; nginx includes $BG_DIR/aixplore.conf
#   scripts/blue_green.sh deploy     (re)start the idle colour with the new release, wait for its
#                                    health check, switch nginx to it, drain the old colour (it
#                                    stays up, idle, for a rollback). The first deploy starts blue.
#   scripts/blue_green.sh switch     point nginx at the idle colour (running and healthy), drain
#   scripts/blue_green.sh rollback   back to the previous colour (started again if retired)
#   scripts/blue_green.sh retire     stop the idle colour (its remaining tabs reconnect to the
#                                    live one and carry on: tabs' state lives in Redis)
#   scripts/blue_green.sh stop COLOUR | status
#
# A switch rewrites $BG_DIR/upstream.inc (the `upstream aixplore` block of
# deploy/nginx/aixplore.conf, with the live colour as its only server) and reloads nginx
# (`nginx -s reload`): new connections go to the new colour at once, requests in flight finish
# on nginx's old workers, so no request fails. Draining waits (at most BG_DRAIN_SECONDS) until
# the old colour holds no event socket. Both colours share PostgreSQL and Redis, so migrations
# must follow expand/contract (README, "Release safety"): the old release runs on the new
# schema during the switch and after a rollback.
#
# Settings (environment):
#   BG_MODE            processes (default: colours are processes this script starts) or compose
#   BG_DIR             state folder: live colour, pid files, logs, nginx site and upstream
#                      (default deploy/nginx/blue-green)
#   BG_NGINX_DIR       BG_DIR as nginx sees it (default BG_DIR; compose /etc/nginx/conf.d)
#   BG_BLUE_ADDR       host:port of blue  (default 127.0.0.1:3001; compose app-blue:3000)
#   BG_GREEN_ADDR      host:port of green (default 127.0.0.1:3002; compose app-green:3000)
#   BG_START           processes: the command that serves one colour in the foreground; it gets
#                      AIXPLORE_PORT and BG_COLOUR (default: python -m aixplore.serve start in
#                      the current folder); e.g. 'cd /srv/aixplore-$BG_COLOUR && exec
#                      .venv/bin/python -m aixplore.serve start' gives each colour its release
#   BG_RELOAD          the command that reloads nginx (default: nginx -s reload; compose: the
#                      nginx service's)
#   BG_HEALTH_TIMEOUT  seconds a new colour has to answer /api/health with "ok" (default 180)
#   BG_DRAIN_SECONDS   seconds to wait for the old colour's event sockets to close (default 30)
#   COMPOSE            compose: the compose command (default: docker compose -f docker-compose.yml
#                      -f deploy/compose.blue-green.yml)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODE="${BG_MODE:-processes}"
DIR="${BG_DIR:-$ROOT/deploy/nginx/blue-green}"
HEALTH_TIMEOUT="${BG_HEALTH_TIMEOUT:-180}"
DRAIN_SECONDS="${BG_DRAIN_SECONDS:-30}"
if [ "$MODE" = compose ]; then
  read -r -a COMPOSE_CMD <<<"${COMPOSE:-docker compose -f $ROOT/docker-compose.yml -f $ROOT/deploy/compose.blue-green.yml}"
  BLUE_ADDR="${BG_BLUE_ADDR:-app-blue:3000}"
  GREEN_ADDR="${BG_GREEN_ADDR:-app-green:3000}"
  RELOAD="${BG_RELOAD:-${COMPOSE_CMD[*]} exec -T nginx nginx -s reload}"
  NGINX_DIR="${BG_NGINX_DIR:-/etc/nginx/conf.d}"  # where deploy/compose.blue-green.yml mounts it
else
  BLUE_ADDR="${BG_BLUE_ADDR:-127.0.0.1:3001}"
  GREEN_ADDR="${BG_GREEN_ADDR:-127.0.0.1:3002}"
  RELOAD="${BG_RELOAD:-nginx -s reload}"
  NGINX_DIR="${BG_NGINX_DIR:-$DIR}"
fi
mkdir -p "$DIR"

say() { printf 'blue-green: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
addr_of() { if [ "$1" = blue ]; then echo "$BLUE_ADDR"; else echo "$GREEN_ADDR"; fi; }
other() { if [ "$1" = blue ]; then echo green; else echo blue; fi; }
live() { cat "$DIR/live" 2>/dev/null || true; }
check_colour() { case "${1:-}" in blue | green) ;; *) die "a colour is blue or green, not '${1:-}'" ;; esac; }

# GET a path on one colour directly (not through nginx); prints the body, fails on no 2xx.
colour_get() {
  if [ "$MODE" = compose ]; then
    "${COMPOSE_CMD[@]}" exec -T "app-$1" python -c \
      "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:3000$2', timeout=5).read().decode())"
  else
    curl -fsS --max-time 5 "http://$(addr_of "$1")$2"
  fi
}

healthy() { colour_get "$1" /api/health 2>/dev/null | grep -q '"status": *"ok"'; }

running() {
  if [ "$MODE" = compose ]; then
    [ -n "$("${COMPOSE_CMD[@]}" ps -q --status running "app-$1" 2>/dev/null)" ]
  else
    local pid
    pid="$(cat "$DIR/$1.pid" 2>/dev/null)" || return 1
    kill -0 "$pid" 2>/dev/null
  fi
}

# start COLOUR [again]: a deploy builds the checkout's release into the colour; a rollback
# starts the colour's container as it was (its image still the previous release).
start() {
  say "starting $1 on $(addr_of "$1")"
  if [ "$MODE" = compose ]; then
    if [ "${2:-}" = again ]; then
      "${COMPOSE_CMD[@]}" up -d --no-deps "app-$1"
    else
      "${COMPOSE_CMD[@]}" up -d --no-deps --build --force-recreate "app-$1"
    fi
  else
    local addr port
    addr="$(addr_of "$1")" port="${addr##*:}"
    # Its own session (process group), so that stopping it stops every worker it forks.
    AIXPLORE_PORT="$port" BG_COLOUR="$1" setsid bash -c \
      "${BG_START:-exec python -m aixplore.serve start --host ${addr%:*}}" \
      >>"$DIR/$1.log" 2>&1 </dev/null &
    echo $! >"$DIR/$1.pid"
  fi
}

stop() {
  say "stopping $1"
  if [ "$MODE" = compose ]; then
    "${COMPOSE_CMD[@]}" stop "app-$1"
    return
  fi
  local pid
  pid="$(cat "$DIR/$1.pid" 2>/dev/null)" || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$DIR/$1.pid"
}

wait_healthy() {
  local deadline=$((SECONDS + HEALTH_TIMEOUT))
  until healthy "$1"; do
    running "$1" || die "$1 exited while starting (see $DIR/$1.log)"
    [ "$SECONDS" -lt "$deadline" ] || die "$1 not healthy after ${HEALTH_TIMEOUT} s"
    sleep 0.5
  done
  say "$1 is healthy"
}

# The shipped site, its upstream block replaced by an include of the live colour's upstream.
render() {
  write_upstream "${1:-$(live)}"
  awk -v inc="    include $NGINX_DIR/upstream.inc;" '
    /^upstream aixplore \{/ { print "# The upstream block: scripts/blue_green.sh writes it."; print substr(inc, 5); skip = 1; next }
    skip && /^\}/ { skip = 0; next }
    !skip' "$ROOT/deploy/nginx/aixplore.conf" >"$DIR/aixplore.conf.new"
  mv "$DIR/aixplore.conf.new" "$DIR/aixplore.conf"
}

write_upstream() {
  local colour="${1:-blue}"
  cat >"$DIR/upstream.inc.new" <<EOF
# Written by scripts/blue_green.sh: the live colour is $colour.
upstream aixplore {
    server $(addr_of "$colour") max_fails=1 fail_timeout=10s;
    keepalive 32;
}
EOF
  mv "$DIR/upstream.inc.new" "$DIR/upstream.inc"
}

sockets() {
  colour_get "$1" /metrics 2>/dev/null |
    awk '/^aixplore_event_sockets[ {]/ { n += $NF } END { printf "%d\n", n }'
}

drain() {
  local deadline=$((SECONDS + DRAIN_SECONDS)) held
  # A colour that no longer answers holds nothing.
  while running "$1" && held="$(sockets "$1")" && [ "$held" -gt 0 ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "$1 still holds $held event sockets after ${DRAIN_SECONDS} s (they move on retire)"
      return
    fi
    sleep 0.5
  done
  say "$1 is drained"
}

# Point nginx at $1 (which must be healthy), then drain the colour that was live.
switch_to() {
  local from
  from="$(live)"
  healthy "$1" || die "$1 is not healthy: not switching"
  [ -f "$DIR/aixplore.conf" ] || render "$1"
  write_upstream "$1"
  # shellcheck disable=SC2086 # BG_RELOAD is a command line
  $RELOAD || { write_upstream "$from"; die "nginx reload failed; upstream left on ${from:-none}"; }
  [ -n "$from" ] && [ "$from" != "$1" ] && echo "$from" >"$DIR/previous"
  echo "$1" >"$DIR/live"
  say "live: $1"
  if [ -n "$from" ] && [ "$from" != "$1" ]; then drain "$from"; fi
}

cmd="${1:-status}"
case "$cmd" in
  render) render "$(live)" ;;
  deploy)
    current="$(live)"
    next="$(if [ -n "$current" ]; then other "$current"; else echo blue; fi)"
    if running "$next"; then stop "$next"; fi
    start "$next"
    wait_healthy "$next"
    switch_to "$next"
    ;;
  switch)
    current="$(live)"
    [ -n "$current" ] || die "nothing is live yet: deploy first"
    switch_to "$(other "$current")"
    ;;
  rollback)
    previous="$(cat "$DIR/previous" 2>/dev/null)" || die "no previous colour to roll back to"
    if ! running "$previous"; then
      start "$previous" again
      wait_healthy "$previous"
    fi
    switch_to "$previous"
    ;;
  retire)
    current="$(live)"
    [ -n "$current" ] || die "nothing is live"
    idle="$(other "$current")"
    if running "$idle"; then stop "$idle"; fi
    ;;
  stop)
    check_colour "${2:-}"
    stop "$2"
    ;;
  status)
    for colour in blue green; do
      state=stopped
      if running "$colour"; then state=running; fi
      if [ "$(live)" = "$colour" ]; then state="$state, live"; fi
      echo "$colour ($(addr_of "$colour")): $state"
    done
    ;;
  *) die "usage: $0 {render|deploy|switch|rollback|retire|stop COLOUR|status}" ;;
esac
