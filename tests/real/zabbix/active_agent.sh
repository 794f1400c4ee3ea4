# The active-agent template in the server e2e, sourced by tests/real/test_zabbix_server.sh (which
# imports its file with the others): host atol-active with "ATOL KKT by Zabbix agent active"
# and no interface, served by the stack's own agent, configured with only the steps of
# zabbix/README.md, "Active agent": ServerActive (this run's server) and Hostname
# ($active_agent_hostname, set by the stacks). The agent runs the master item itself and sends
# its value: no poller of the server waits on it. Then the checks of every host (check_host):
# discovery, values equal to `atol-kkt zabbix registers`, exactly the expected problems.
# Needs: api, template_id, create_host, discovery_complete, check_host, pass, fail, fatal of the caller.

active_agent_create_host() { # sets $active_host
    local template
    template=$(template_id "ATOL KKT by Zabbix agent active")
    active_host=$(create_host "$active_agent_hostname" "$template") || fatal "host.create $active_agent_hostname"
    pass "host created: $active_agent_hostname (active agent template, no interface)"
}

active_agent_check() {
    local type interfaces
    type=$(api item.get "$(jq -cn --arg h "$active_host" \
        '{hostids: [$h], filter: {key_: ["atol.kkt.registers[{$ATOL.PROFILE}]"]}, output: ["type"]}')" |
        jq -r '.[0].type')
    interfaces=$(api hostinterface.get "$(jq -cn --arg h "$active_host" '{hostids: [$h], output: ["interfaceid"]}')" |
        jq length)
    # Item type 7: Zabbix agent (active).
    if [[ $type == 7 && $interfaces == 0 ]]; then
        pass "$active_agent_hostname: the master item is an active agent item, the host has no interface to poll"
    else
        fail "$active_agent_hostname: master item type $type, $interfaces interfaces"
    fi
    # The agent asked for its active checks when it started, before the host existed, and asks
    # again after RefreshActiveChecks (6.0: 120 s, 7.0: 5 s): discovery may begin that late.
    wait_until 240 "$active_agent_hostname: the agent's active checks" discovery_complete "$active_host" || true
    check_host "$active_agent_hostname" "$active_host" true
}
