#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs this executor may use as the JSON resource Spark reads
# (org.apache.spark.resource.ResourceInformation), e.g. {"name": "gpu", "addresses": ["0","1"]}.
#
# Spark runs it once when an executor starts, through spark.executor.resource.gpu.discoveryScript:
#   Kubernetes  /opt/sweeplab/deploy/getGpusResources.sh (baked into deploy/docker/Dockerfile.gpu)
#   YARN        ./getGpusResources.sh (deploy/yarn/submit.sh --gpu ships it with --files)
# Same contract as Spark's examples/src/main/scripts/getGpusResources.sh. It lists every GPU that
# nvidia-smi can see, so the container must see only the GPUs assigned to it: the NVIDIA device
# plugin does that on Kubernetes, YARN does it only with GPU isolation (cgroups) enabled.
# No GPU visible, or nvidia-smi missing or failing (no driver in the container): prints an empty
# address list, with nvidia-smi's complaint (which it writes to stdout) on stderr, and Spark
# refuses to start the executor, saying so.
set -euo pipefail

if ! indices="$(nvidia-smi --query-gpu=index --format=csv,noheader)"; then
  [[ -n "$indices" ]] && printf '%s\n' "$indices" >&2
  indices=""
fi
addresses=""
while IFS= read -r index; do
  index="${index//[[:space:]]/}"
  [[ -z "$index" ]] && continue
  addresses+="${addresses:+,}\"${index}\""
done <<<"$indices"
printf '{"name": "gpu", "addresses": [%s]}\n' "$addresses"
