#!/usr/bin/env bash
# Where a training step's time goes: runs `bench step` under Java Flight Recorder and prints the
# share of the timed loop's samples (Java and native-method samples) spent in each part of ND4J /
# DL4J / JavaCPP. Usage: bench/profile_step.sh [WIDTH] [STEPS]   (default 16 3000)
# Needs the JDK's `jfr` tool and python3. Uses the launcher's JVM flags and classpath.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
width="${1:-16}"
steps="${2:-3000}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# -Xshare:off: Java 17's flight recorder crashes the JVM (KlassFactory::check_shared_class_file_load_hook)
# on classes mapped from the launcher's class-data archive.
SWEEPLAB_JAVA_OPTS="-Xshare:off -XX:FlightRecorderOptions:stackdepth=512 -XX:StartFlightRecording=filename=$out/step.jfr,settings=profile ${SWEEPLAB_JAVA_OPTS:-}" \
  "$home/bin/sweeplab" bench step --width "$width" --steps "$steps" --threads 1 --blas
jfr print --stack-depth 512 --events jdk.ExecutionSample,jdk.NativeMethodSample "$out/step.jfr" \
  > "$out/samples.txt"
python3 "$home/bench/profile_step.py" "$out/samples.txt"
