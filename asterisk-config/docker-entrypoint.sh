#!/bin/sh
# Writes the secret parts of ari.conf, manager.conf and pjsip.conf from environment variables, then
# runs Asterisk in the foreground. Asterisk's .conf files cannot read the environment, and the
# configuration in /etc/asterisk is mounted read-only, so the secrets go to a tmpfs-like /run
# directory that only the asterisk user can read. Nothing here prints a secret.
set -eu

secrets_dir=/run/asterisk-secrets

fail() {
  echo "docker-entrypoint: $*" >&2
  exit 64
}

require() {
  eval "value=\${$1:-}"
  [ -n "$value" ] || fail "$1 is not set (see asterisk-config/README.md and .env.example)"
}

# A name goes into a [section] header: keep it to a safe token.
check_name() {
  case "$2" in
    *[!A-Za-z0-9_.-]*) fail "$1 may only contain letters, digits, '.', '_' and '-'" ;;
  esac
}

# A secret goes after `password =`: a ';' would start a comment and cut it, a line break would add
# configuration lines, and surrounding blanks would be trimmed by Asterisk.
check_secret() {
  case "$2" in
    *';'* | *'
'* | ' '* | *' ') fail "$1 must not contain ';', a line break, or leading/trailing spaces" ;;
  esac
  [ "${#2}" -ge 12 ] || fail "$1 must be at least 12 characters long"
}

require ARI_USERNAME
require ARI_PASSWORD
require AMI_USERNAME
require AMI_SECRET
check_name ARI_USERNAME "$ARI_USERNAME"
check_name AMI_USERNAME "$AMI_USERNAME"
check_secret ARI_PASSWORD "$ARI_PASSWORD"
check_secret AMI_SECRET "$AMI_SECRET"

umask 077
mkdir -p "$secrets_dir"

cat > "$secrets_dir/ari-users.conf" <<CONF
[$ARI_USERNAME]
type = user
read_only = no
password_format = plain
password = $ARI_PASSWORD
CONF

# Private networks and loopback only: AMI can hang up and redirect any call.
cat > "$secrets_dir/manager-users.conf" <<CONF
[$AMI_USERNAME]
secret = $AMI_SECRET
deny = 0.0.0.0/0.0.0.0
permit = 127.0.0.1/255.255.255.255
permit = 10.0.0.0/255.0.0.0
permit = 172.16.0.0/255.240.0.0
permit = 192.168.0.0/255.255.0.0
read = system,call,agent,user,reporting
write = originate,call,system,reporting
writetimeout = 1000
eventfilter = !Event: Newexten
eventfilter = !Event: VarSet
CONF

# AGENT_ACCOUNTS="1001:password-one 1002:password-two". An agent without an entry gets a random
# password nobody knows, so its endpoint loads but cannot register until it is configured.
: > "$secrets_dir/pjsip-agent-auth.conf"
for agent in 1001 1002; do
  password=""
  for entry in ${AGENT_ACCOUNTS:-}; do
    if [ "${entry%%:*}" = "$agent" ]; then password="${entry#*:}"; fi
  done
  if [ -n "$password" ]; then
    check_secret "AGENT_ACCOUNTS entry for $agent" "$password"
  else
    password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  fi
  cat >> "$secrets_dir/pjsip-agent-auth.conf" <<CONF
[agent-$agent-auth]
type = auth
auth_type = userpass
username = agent-$agent
password = $password

CONF
done

chown -R asterisk:asterisk "$secrets_dir"
chmod 0700 "$secrets_dir"

# -f: foreground (PID 1's child of tini), logs to the console channel -> docker logs.
exec /usr/sbin/asterisk -f -vvv "$@"
