#!/usr/bin/env bash
# The benchmark of issue 10 (docs/performance.md), one scale after another:
#   scripts/benchmark.sh 0.1 1
# For each scale, a database of its own (cmr_bench_<scale>, made afresh) filled with fictional data
# by generate_scale_data, then `manage.py benchmark`. Each scale after the first is compared with
# the one before it. Writes var/benchmark/data-<scale>.json, scale-<scale>.json and scale-<scale>.md,
# and var/benchmark/markdown.json (benchmark_markdown: hostile Markdown, not per scale).
# BENCH_REPEAT (requests per page), BENCH_SWEEP_OPEN, BENCH_PDF_ROWS, BENCH_PDF_PARAGRAPHS tune it.
set -euo pipefail
cd "$(dirname "$0")/.."

export PGPASSWORD="${PGPASSWORD:-cmr_portal}"  # createdb and dropdb as the test role
export PORTAL_ENV="${PORTAL_ENV:-development}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/1}"
out=var/benchmark
mkdir -p "$out"
# What people type, at its most hostile: no data needed, once for all scales.
.venv/bin/python manage.py benchmark_markdown > "$out/markdown.json.new"
mv "$out/markdown.json.new" "$out/markdown.json"
baseline=()
for scale in "$@"; do
  name="cmr_bench_${scale//./_}"
  dropdb -h 127.0.0.1 -U cmr_portal --if-exists "$name"
  createdb -h 127.0.0.1 -U cmr_portal "$name"
  export DATABASE_URL="postgres://cmr_portal:cmr_portal@127.0.0.1:5432/$name"
  .venv/bin/python manage.py migrate --verbosity 0
  .venv/bin/python manage.py generate_scale_data --scale "$scale" > "$out/data-$scale.json.new"
  mv "$out/data-$scale.json.new" "$out/data-$scale.json"
  cat "$out/data-$scale.json"
  .venv/bin/python manage.py benchmark --output "$out/scale-$scale" "${baseline[@]}" \
    --repeat "${BENCH_REPEAT:-50}" --sweep-open "${BENCH_SWEEP_OPEN:-1000000}" \
    --pdf-rows "${BENCH_PDF_ROWS:-1000}" --pdf-paragraphs "${BENCH_PDF_PARAGRAPHS:-30}"
  baseline=(--baseline "$out/scale-$scale.json")
done
