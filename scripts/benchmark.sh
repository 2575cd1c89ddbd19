#!/usr/bin/env bash
# The benchmark of issues 10 and 18 (docs/performance.md), at each scale given:
#   scripts/benchmark.sh 0.1 1
# For each scale, a database of its own (cmr_bench_<scale>, made afresh) filled with fictional data
# by generate_scale_data. Then the pages are measured at every scale in turns (BENCH_ROUNDS turns,
# each of BENCH_REPEAT/BENCH_ROUNDS requests per page), so that the machine's load weighs on every
# scale alike; then, for each scale, the sweep, the PDF and the tables, each scale after the first
# compared with the one before it. Writes var/benchmark/data-<scale>.json, samples-<scale>.json,
# scale-<scale>.json and scale-<scale>.md, and var/benchmark/markdown.json (benchmark_markdown:
# hostile Markdown, not per scale). BENCH_REPEAT (requests per page in all), BENCH_ROUNDS,
# BENCH_SWEEP_OPEN, BENCH_PDF_ROWS, BENCH_PDF_PARAGRAPHS tune it.
set -euo pipefail
cd "$(dirname "$0")/.."

export PGPASSWORD="${PGPASSWORD:-cmr_portal}"  # createdb and dropdb as the test role
export PORTAL_ENV="${PORTAL_ENV:-development}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/1}"
out=var/benchmark
rounds="${BENCH_ROUNDS:-5}"
per_round=$(( (${BENCH_REPEAT:-50} + rounds - 1) / rounds ))
mkdir -p "$out"
database() { echo "postgres://cmr_portal:cmr_portal@127.0.0.1:5432/cmr_bench_${1//./_}"; }

# What people type, at its most hostile: no data needed, once for all scales.
.venv/bin/python manage.py benchmark_markdown > "$out/markdown.json.new"
mv "$out/markdown.json.new" "$out/markdown.json"
for scale in "$@"; do
  name="cmr_bench_${scale//./_}"
  dropdb -h 127.0.0.1 -U cmr_portal --if-exists "$name"
  createdb -h 127.0.0.1 -U cmr_portal "$name"
  DATABASE_URL="$(database "$scale")" .venv/bin/python manage.py migrate --verbosity 0
  DATABASE_URL="$(database "$scale")" .venv/bin/python manage.py generate_scale_data \
    --scale "$scale" > "$out/data-$scale.json.new"
  mv "$out/data-$scale.json.new" "$out/data-$scale.json"
  cat "$out/data-$scale.json"
  rm -f "$out/samples-$scale.json"
done
for round in $(seq "$rounds"); do
  for scale in "$@"; do
    echo "Pages at scale $scale, turn $round of $rounds..." >&2
    DATABASE_URL="$(database "$scale")" .venv/bin/python manage.py benchmark --pages-only \
      --repeat "$per_round" --samples "$out/samples-$scale.json" --output "$out/scale-$scale"
  done
done
baseline=()
for scale in "$@"; do
  DATABASE_URL="$(database "$scale")" .venv/bin/python manage.py benchmark --repeat 0 \
    --samples "$out/samples-$scale.json" --output "$out/scale-$scale" "${baseline[@]}" \
    --sweep-open "${BENCH_SWEEP_OPEN:-1000000}" \
    --pdf-rows "${BENCH_PDF_ROWS:-1000}" --pdf-paragraphs "${BENCH_PDF_PARAGRAPHS:-30}"
  baseline=(--baseline "$out/scale-$scale.json")
done
