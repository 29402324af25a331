#!/usr/bin/env bash
# Stop exactly the daemons started by setup-local-slurm.sh, by pid file.
for pf in /run/slurmd.pid /run/slurmctld.pid /run/slurmdbd.pid \
          /run/mysqld/mysqld.pid /run/munge/munged.pid; do
  [ -f "$pf" ] || continue
  pid=$(cat "$pf")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    echo "stopped $pf ($pid)"
  fi
done
