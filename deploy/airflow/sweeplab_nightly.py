"""sweeplab nightly sweep from Apache Airflow, submitted to YARN with SparkSubmitOperator.

Every night at 02:00 (the scheduler's time zone) Airflow runs

    spark-submit --class dev.sweeplab.cli.Main target/sweeplab-cluster.jar \
        run scaling_teacher.yaml --warehouse hdfs:///sweeplab/warehouse --night {{ ds }} --maintain

with the Spark properties of conf/cluster-cpu.conf (the operator's properties_file). The sweep
writes into the partition scaling_teacher-night-<ds>; ds is the DAG run's logical date, passed
explicitly so that a retry or a manual re-run of that DAG run resumes its partition instead of
starting a new one. Which date that is depends on the timetable: under Airflow 3's default for a
cron schedule (CronTriggerTimetable) it is the day the run starts, 02:00 that day; under Airflow
2's (CronDataIntervalTimetable, or Airflow 3 with [scheduler] create_cron_data_intervals = True) it
is the start of the data interval, the day before. max_active_runs=1: a night still running holds
the next one back; catchup=False: no back-filling of missed nights. --maintain: after the sweep,
the tables' snapshots older than 30 days expire and small files are compacted (bin/sweeplab
maintain), in the same application, so upkeep never overlaps a night.

durable=False: in YARN cluster mode a durable task (the provider's default on Airflow 3.3 and
later) must track the application through the ResourceManager's REST API
(yarn_track_via_rm_api=True and the connection's yarn_resourcemanager_webapp_address), or the
operator refuses to start. Here spark-submit waits for the application instead and exits with its
status; a retried task submits again, and the sweep resumes from the runs already staged. Below
Airflow 3.3 durable has no effect, and the provider warns once per parse that it was given.
properties_file replaces spark-defaults.conf: spark-submit reads no other properties file when one
is named, so site settings that lived there belong in the conf file.

Install: copy this file into the DAGs folder of a worker that has spark-submit, Hadoop client
configuration and a built checkout (SWEEPLAB_HOME; target/sweeplab-cluster.jar), with an
apache-airflow-providers-apache-spark whose SparkSubmitOperator takes properties_file and durable,
and a Spark connection pointing at YARN:

    airflow connections add spark_sweeplab --conn-type spark --conn-host yarn \
        --conn-extra '{"deploy-mode": "cluster"}'

Edit: SWEEPLAB_HOME (or set it in the worker's environment), JOB, WAREHOUSE, and for GPU
executors PROPERTIES = "conf/cluster-gpu.conf" plus the discovery script (deploy/yarn/submit.sh
shows the two extra settings).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

SWEEPLAB_HOME = Path(os.environ.get("SWEEPLAB_HOME", "/opt/sweeplab"))
JOB = "jobs/scaling_teacher.yaml"
PROPERTIES = "conf/cluster-cpu.conf"
JAR = "target/sweeplab-cluster.jar"
WAREHOUSE = "hdfs:///sweeplab/warehouse"


with DAG(
    dag_id="sweeplab_nightly",
    description="sweeplab: nightly scaling_teacher sweep on YARN",
    schedule="0 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    tags=["sweeplab"],
) as dag:
    SparkSubmitOperator(
        task_id="scaling_teacher",
        conn_id="spark_sweeplab",
        application=str(SWEEPLAB_HOME / JAR),
        java_class="dev.sweeplab.cli.Main",
        name="sweeplab scaling_teacher nightly",
        properties_file=str(SWEEPLAB_HOME / PROPERTIES),
        # In cluster mode the driver runs on a YARN node: ship the sweep file to its working directory.
        files=str(SWEEPLAB_HOME / JOB),
        application_args=[
            "run",
            Path(JOB).name,
            "--warehouse",
            WAREHOUSE,
            "--night",
            "{{ ds }}",
            # After the sweep: snapshots older than 30 days expire, small files are compacted.
            "--maintain",
        ],
        # spark-submit waits for the YARN application (see the module docstring).
        durable=False,
        execution_timeout=timedelta(hours=8),
    )
