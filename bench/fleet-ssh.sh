# Sourced by bench/fleet-loop.sh and bench/fleet-logins.sh: the ssh and scp options both use for the test hosts of
# bench/fleet.sh (batch mode, host keys checked against the bench's own known_hosts, the bench's key only), given
# KEY and KNOWN_HOSTS as $key and $known.
opts=(-o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$known" -o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes -i "$key")
