#!/usr/bin/env bash
# Single-node SLURM on Debian 12 (bookworm), run as root, no systemd needed; from
# shared/notes/local-slurm.md (a tested recipe). Idempotent: running daemons are kept.
# WITH_DBD=1 additionally sets up slurmdbd + MariaDB so that `sacct` works.
set -euo pipefail
WITH_DBD="${WITH_DBD:-0}"
export DEBIAN_FRONTEND=noninteractive
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# 1. packages (services are NOT auto-started: policy-rc.d exits 101 / no systemd)
PKGS="slurmctld slurmd slurm-client munge"
[ "$WITH_DBD" = 1 ] && PKGS="$PKGS slurmdbd mariadb-server"
apt-get update -qq
apt-get install -y -qq --no-install-recommends $PKGS >/dev/null

# 2. munge (postinst already created /etc/munge/munge.key)
[ -s /etc/munge/munge.key ] || runuser -u munge -- mungekey --create
install -d -o munge -g munge -m 0755 /run/munge
running /run/munge/munged.pid || runuser -u munge -- /usr/sbin/munged
munge -n | unmunge >/dev/null

# 3. slurm.conf (node line taken from `slurmd -C`, RealMemory minus 1 GiB)
H=$(hostname -s)
NODELINE=$(slurmd -C | head -1)
MEM=$(( $(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$NODELINE") - 1024 ))
NODELINE=$(sed "s/RealMemory=[0-9]*/RealMemory=${MEM}/" <<<"$NODELINE")
if [ "$WITH_DBD" = 1 ]; then
  ACCT="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=${H}
AccountingStoragePort=6819
JobAcctGatherType=jobacct_gather/linux"
else
  ACCT="AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none"
fi
mkdir -p /etc/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm
chown slurm:slurm /var/lib/slurm/slurmctld /var/log/slurm
cat > /etc/slurm/slurm.conf <<EOF
ClusterName=localcluster
SlurmctldHost=${H}
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmdSpoolDir=/var/lib/slurm/slurmd
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
${ACCT}
JobCompType=jobcomp/none
# keep finished jobs visible to squeue/scontrol for an hour: the test checks their state (plugin needs >=120s)
MinJobAge=3600
InactiveLimit=0
KillWait=30
Waittime=0
${NODELINE}
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

# 4. optional accounting: MariaDB + slurmdbd
if [ "$WITH_DBD" = 1 ]; then
  install -d -o mysql -g mysql /run/mysqld
  if ! running /run/mysqld/mysqld.pid; then
    nohup /usr/sbin/mariadbd --user=mysql --bind-address=127.0.0.1 \
      >/var/log/slurm/mariadbd.out 2>&1 &
  fi
  for i in $(seq 100); do mariadb -e 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
  mariadb -e "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurmdbpass';
              GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost'; FLUSH PRIVILEGES;"
  cat > /etc/slurm/slurmdbd.conf <<EOF
AuthType=auth/munge
DbdHost=${H}
DbdPort=6819
SlurmUser=slurm
LogFile=/var/log/slurm/slurmdbd.log
PidFile=/run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageLoc=slurm_acct_db
StorageUser=slurm
StoragePass=slurmdbpass
EOF
  chown slurm:slurm /etc/slurm/slurmdbd.conf; chmod 600 /etc/slurm/slurmdbd.conf
  running /run/slurmdbd.pid || /usr/sbin/slurmdbd
  for i in $(seq 100); do sacctmgr -n list cluster >/dev/null 2>&1 && break; sleep 0.2; done
  sacctmgr -n list cluster format=cluster%30 | grep -qw localcluster \
    || sacctmgr -i add cluster localcluster >/dev/null
fi

# 5. controller + compute daemon (both daemonize; pids in /run/*.pid)
running /run/slurmctld.pid || /usr/sbin/slurmctld
running /run/slurmd.pid    || /usr/sbin/slurmd
for i in $(seq 150); do sinfo -h -o %T 2>/dev/null | grep -qx idle && break; sleep 0.2; done

# 6. smoke test
sinfo
srun -p debug hostname
sbatch --wait --parsable -p debug -o /dev/null --wrap 'hostname'
if [ "$WITH_DBD" = 1 ]; then sacct -X --format=JobID,JobName,State,ExitCode | tail -3; fi
