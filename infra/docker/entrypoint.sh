#!/usr/bin/env bash
# Nuri container entrypoint: one image, one role per process.
#
#   entrypoint.sh ROLE [ARGS...]
#
# Roles (extra ARGS are passed on to the underlying command):
#   web            gunicorn config.wsgi on 0.0.0.0:${PORT:-8000} (infra/docker/gunicorn.conf.py)
#   worker         celery worker (CELERY_CONCURRENCY, CELERY_QUEUES); celery runs as
#                  "PYTHON -m celery", so PYTHON picks the virtualenv
#   beat           celery beat; run exactly one (schedule file in CELERY_BEAT_SCHEDULE_DIR)
#   migrate        manage.py migrate --noinput (+ search_reindex when REINDEX_ON_MIGRATE=1)
#   reindex        manage.py search_reindex
#   check          manage.py check --deploy
#   manage ARGS    manage.py ARGS (no waiting)
#   wait-for SVC   wait for db / broker / cache / search / migrations (infra/docker/wait_for.py)
#   worker-ping    celery inspect ping of this container's worker (liveness probe)
#   beat-ping      the same for beat, which answers only while its scheduler ticks
#   export-static DIR
#                  copy the collected static files baked into the image into DIR (for nginx)
#
# web, worker, beat, migrate and reindex first wait (at most WAIT_FOR_TIMEOUT seconds, 60 by
# default) for the database, and worker/beat for the broker too; WAIT_FOR_TIMEOUT=0 tries once.
# APP_DIR (default: the checkout this script lives in) and PYTHON (default: python) can be
# overridden, e.g. to run the roles from a development checkout.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APP_DIR="${APP_DIR:-$(cd "${SCRIPT_DIR}/../.." && pwd)}"
PYTHON="${PYTHON:-python}"
export APP_DIR PYTHONUNBUFFERED=1

usage() {
    cat >&2 <<'EOF'
usage: entrypoint.sh ROLE [ARGS...]
roles: web | worker | beat | migrate | reindex | check | manage ARGS... |
       wait-for [db] [broker] [cache] [search] [migrations] | worker-ping | beat-ping |
       export-static DIR
EOF
}

manage() {
    "${PYTHON}" "${APP_DIR}/manage.py" "$@"
}

wait_for() {
    "${PYTHON}" "${APP_DIR}/infra/docker/wait_for.py" "$@"
}

if [[ $# -eq 0 ]]; then
    usage
    exit 64
fi

role="$1"
shift
cd "${APP_DIR}"

case "${role}" in
    web)
        wait_for db
        exec "${PYTHON}" -m gunicorn --config "${APP_DIR}/infra/docker/gunicorn.conf.py" \
            config.wsgi:application "$@"
        ;;
    worker)
        wait_for db broker
        exec "${PYTHON}" -m celery -A config worker \
            --loglevel "${LOG_LEVEL:-INFO}" \
            --concurrency "${CELERY_CONCURRENCY:-2}" \
            --queues "${CELERY_QUEUES:-celery}" \
            --hostname "celery@%h" \
            "$@"
        ;;
    beat)
        wait_for db broker
        schedule_dir="${CELERY_BEAT_SCHEDULE_DIR:-/tmp}"
        mkdir -p "${schedule_dir}"
        # No pidfile: a restarted container (PID 1 again) would find its own stale lock.
        exec "${PYTHON}" -m celery -A config beat \
            --loglevel "${LOG_LEVEL:-INFO}" \
            --schedule "${schedule_dir}/celerybeat-schedule" \
            --pidfile= \
            --enable-remote-control \
            --hostname "celerybeat@%h" \
            "$@"
        ;;
    migrate)
        wait_for db
        manage migrate --noinput "$@"
        if [[ "${REINDEX_ON_MIGRATE:-0}" == "1" ]]; then
            wait_for search
            manage search_reindex --no-progress
        fi
        ;;
    reindex)
        wait_for db search
        exec "${PYTHON}" "${APP_DIR}/manage.py" search_reindex --no-progress "$@"
        ;;
    check)
        exec "${PYTHON}" "${APP_DIR}/manage.py" check --deploy "$@"
        ;;
    manage)
        exec "${PYTHON}" "${APP_DIR}/manage.py" "$@"
        ;;
    wait-for)
        exec "${PYTHON}" "${APP_DIR}/infra/docker/wait_for.py" "$@"
        ;;
    worker-ping | beat-ping)
        # Answered by this container's worker, or by beat while its scheduler keeps ticking.
        node="celery"
        [[ "${role}" == "beat-ping" ]] && node="celerybeat"
        exec "${PYTHON}" -m celery -A config inspect ping \
            --destination "${node}@${HOSTNAME:-$(uname -n)}" --timeout "${PING_TIMEOUT:-10}" "$@"
        ;;
    export-static)
        if [[ $# -ne 1 ]]; then
            echo "entrypoint.sh export-static: give the target directory" >&2
            exit 64
        fi
        static_root="${DJANGO_STATIC_ROOT:-${APP_DIR}/staticfiles}"
        if [[ ! -f "${static_root}/staticfiles.json" && -z "$(ls -A "${static_root}" 2>/dev/null)" ]]; then
            echo "entrypoint.sh export-static: ${static_root} is empty (was collectstatic run?)" >&2
            exit 1
        fi
        mkdir -p "$1"
        # Keep files of earlier releases: pages served by old pods still reference old hashes.
        cp -R "${static_root}/." "$1/"
        echo "static files copied from ${static_root} to $1"
        ;;
    -h | --help | help)
        usage
        ;;
    *)
        echo "entrypoint.sh: unknown role '${role}'" >&2
        usage
        exit 64
        ;;
esac
