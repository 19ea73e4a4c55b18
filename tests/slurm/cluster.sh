# cluster.sh - a private one-node Slurm cluster on localhost (sourced).
# slurm_start writes slurm.conf and a munge key into a fresh folder $SC,
# starts munged, slurmctld and slurmd on their own socket, ports, spool and
# log files, and waits until the node is idle; slurm_stop stops exactly the
# daemons it started (by PID). A Slurm or munge the machine already runs is
# not touched: clients here talk to this cluster through $SLURM_CONF only.
# Needs root (SlurmUser=root) and Debian's slurmctld slurmd slurm-client munge.

SC_PIDS=""

slurm_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

slurm_stop() {
    for p in $SC_PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $SC_PIDS; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$p" 2>/dev/null || true
    done
    SC_PIDS=""
}

# slurm_start DIR: the cluster's private folder (created, must be absolute)
slurm_start() {
    SC=$1
    mkdir -p "$SC/state" "$SC/spool" "$SC/munge"
    chmod 700 "$SC" "$SC/munge"
    dd if=/dev/urandom of="$SC/munge/munge.key" bs=1024 count=1 2>/dev/null
    chmod 400 "$SC/munge/munge.key"
    ctld_port=$(slurm_free_port)
    d_port=$(slurm_free_port)
    while [ "$d_port" = "$ctld_port" ]; do d_port=$(slurm_free_port); done
    cat > "$SC/slurm.conf" <<CONF
ClusterName=demobtest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SC/munge/munge.socket,cred_expire=5
StateSaveLocation=$SC/state
SlurmdSpoolDir=$SC/spool
SlurmctldPidFile=$SC/slurmctld.pid
SlurmdPidFile=$SC/slurmd.pid
SlurmctldLogFile=$SC/slurmctld.log
SlurmdLogFile=$SC/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
SchedulerParameters=sched_interval=2
MessageTimeout=20
NodeName=localhost CPUs=$(nproc) RealMemory=512 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
    SLURM_CONF=$SC/slurm.conf
    export SLURM_CONF
    munged --foreground --socket="$SC/munge/munge.socket" --key-file="$SC/munge/munge.key" \
        --pid-file="$SC/munge/munged.pid" --log-file="$SC/munge/munged.log" \
        --seed-file="$SC/munge/munged.seed" --force >"$SC/munged.out" 2>&1 &
    SC_PIDS="$SC_PIDS $!"
    i=0
    while [ ! -S "$SC/munge/munge.socket" ]; do
        i=$((i + 1)); [ $i -lt 100 ] || { cat "$SC/munged.out" "$SC/munge/munged.log" >&2; return 1; }
        sleep 0.1
    done
    slurmctld -D -i -f "$SLURM_CONF" >"$SC/slurmctld.out" 2>&1 &
    SC_PIDS="$SC_PIDS $!"
    slurmd -D -N localhost -f "$SLURM_CONF" >"$SC/slurmd.out" 2>&1 &
    SC_PIDS="$SC_PIDS $!"
    i=0
    while ! sinfo -h -N -o '%T' 2>/dev/null | grep -qx idle; do
        i=$((i + 1))
        if [ $i -ge 300 ]; then
            echo "the one-node Slurm cluster did not come up; its logs:" >&2
            tail -n 20 "$SC"/*.out "$SC"/*.log >&2
            return 1
        fi
        sleep 0.1
    done
}
