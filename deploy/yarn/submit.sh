#!/usr/bin/env bash
# Submits one sweep to YARN in cluster deploy mode: the driver runs in a YARN container, plans the
# sweep, fans the runs out to executors and commits the tables; this command waits until it ends
# (spark.yarn.submit.waitAppCompletion) and exits with its status.
#
#   deploy/yarn/submit.sh [--gpu] JOB.yaml --warehouse URI [sweeplab run options]
#   deploy/yarn/submit.sh jobs/scaling_teacher.yaml --warehouse hdfs:///sweeplab/warehouse --night
#
# JOB.yaml is shipped to the driver with --files, so any local sweep file works. The warehouse must
# be a URI every node reaches (hdfs://, s3a://): the driver's working directory is deleted when it
# ends. Summaries go to the driver log (yarn logs -applicationId <id>); `bin/sweeplab report` on a
# machine that reads the warehouse writes the plots.
#
# CPU: conf/cluster-cpu.conf. --gpu: conf/cluster-gpu.conf and the CUDA jar (mvn -Pcuda package),
# plus GPU scheduling: spark.executor.resource.gpu.amount makes Spark 3.x ask YARN for yarn.io/gpu
# itself (no spark.yarn.executor.resource.* key for GPUs), the discovery script travels with --files
# and runs in each executor's container. YARN must know the resource: yarn.io/gpu listed in
# yarn.resource-types (resource-types.xml), the GPU plugin enabled on the NodeManagers, and GPU
# isolation (cgroups) on, or the script sees every GPU of a node and two executors share one.
#
# Spark 3.5 reads no spark-defaults.conf when --properties-file is given: put site settings that
# lived there (spark.yarn.archive, event logging) into the conf file.
#
# Environment: SPARK_HOME (else spark-submit on PATH), SWEEPLAB_JAR (default
# target/sweeplab-cluster.jar), SWEEPLAB_QUEUE (YARN queue), HADOOP_CONF_DIR / YARN_CONF_DIR as
# spark-submit needs them.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

usage() {
  echo "usage:" >&2
  sed -n 's/^#   \(deploy\/yarn\/submit\.sh .*\)/  \1/p' "${BASH_SOURCE[0]}" >&2
}

gpu=false
if [[ "${1:-}" == "--gpu" ]]; then
  gpu=true
  shift
fi
if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  usage
  exit 2
fi
job="$1"
shift

if [[ ! -f "$job" ]]; then
  echo "submit.sh: sweep file '$job' not found: give a YAML sweep definition such as jobs/quickstart.yaml" >&2
  exit 2
fi
warehouse_given=false
for arg in "$@"; do
  if [[ "$arg" == "--warehouse" || "$arg" == --warehouse=* ]]; then
    warehouse_given=true
  fi
done
if [[ "$warehouse_given" != true ]]; then
  echo "submit.sh: give --warehouse URI (hdfs://... or s3a://...): on YARN the default ./warehouse is the driver container's working directory, deleted when the sweep ends" >&2
  exit 2
fi

jar="${SWEEPLAB_JAR:-$home/target/sweeplab-cluster.jar}"
if [[ ! -f "$jar" ]]; then
  echo "submit.sh: cluster jar '$jar' not found: build it with 'mvn -B -DskipTests package' (GPU: 'mvn -B -Pcuda -DskipTests package')" >&2
  exit 2
fi

if [[ -n "${SPARK_HOME:-}" ]]; then
  spark_submit="$SPARK_HOME/bin/spark-submit"
else
  spark_submit="spark-submit"
fi

# True when the properties file sets key $2 (a Java properties line "key=value" or "key value").
sets() {
  grep -Eq "^[[:space:]]*${2//./\\.}[[:space:]]*[=:[:space:]]" "$1"
}

files="$job"
args=(--master yarn --deploy-mode cluster --name "sweeplab $(basename "$job" .yaml)")
if [[ "$gpu" == true ]]; then
  properties="$home/conf/cluster-gpu.conf"
  discovery="$home/deploy/getGpusResources.sh"
  files="$files,$discovery"
  # Shipped with --files: it lands in each container's working directory.
  args+=(--conf "spark.executor.resource.gpu.discoveryScript=./$(basename "$discovery")")
  # Defaults only where conf/cluster-gpu.conf says nothing: one GPU per executor, two runs per GPU.
  if ! sets "$properties" spark.executor.resource.gpu.amount; then
    args+=(--conf spark.executor.resource.gpu.amount=1)
  fi
  if ! sets "$properties" spark.task.resource.gpu.amount; then
    args+=(--conf spark.task.resource.gpu.amount=0.5)
  fi
else
  properties="$home/conf/cluster-cpu.conf"
fi
args+=(--properties-file "$properties" --files "$files")
if [[ -n "${SWEEPLAB_QUEUE:-}" ]]; then
  args+=(--queue "$SWEEPLAB_QUEUE")
fi

exec "$spark_submit" "${args[@]}" --class dev.sweeplab.cli.Main "$jar" \
  run "$(basename "$job")" "$@"
