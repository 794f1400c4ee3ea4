# bash completion for atol-kkt and check_atol_kkt (installed as
# share/bash-completion/completions/atol-kkt; check_atol_kkt is a link to it).
# Commands, options and metric names come from the program's own --help, so they never drift
# from it.

# Metric names (for -w/-c): the "Metrics" section of the check's --help.
_atol_kkt_metrics() {
    local program=$1
    [[ ${program##*/} == check_atol_kkt ]] || set -- "$program" check
    "$@" --help 2>/dev/null | sed -n -E '/^Metrics/,/^$/s/^  ([a-z_]+) .*/\1/p'
}

# Options that take a value: the word after them is that value, not a command.
_atol_kkt_takes_value() {
    case $1 in
        --config | --profile | --base-url | -l | --login | --password-file | -t | --timeout | \
            --ca-file | --proxy | --cache-dir | --cache-ttl | --page-size | --max-pages | \
            --serial | --exclude-serial | --group | --inn | -w | --warning | -c | --critical | \
            --output | --timeout-state | --api-error-state | --zabbix-server | --host | \
            --zabbix-config | --items | --account-label | --answer-within | --web.listen-address | \
            --web.telemetry-path | --web.config.file | --web.max-connections | \
            --web.read-header-timeout)
            return 0 ;;
    esac
    return 1
}

# Long options of "PROGRAM ARGS... --help": every --name at the start of a help line.
_atol_kkt_options() {
    "$@" --help 2>/dev/null | sed -n -E 's/^ +(-[a-zA-Z] \[ )?(--[a-z][a-z.-]*[a-z]).*/\2/p' | sort -u
}

_atol_kkt() {
    local program=$1 cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local command="" sub="" word i
    [[ ${program##*/} == check_atol_kkt ]] && command=check
    # --opt=value arrives as "--opt" "=" "value" (= breaks words).
    if [[ $cur == "=" ]]; then
        cur=""
    elif [[ $prev == "=" && COMP_CWORD -ge 2 ]]; then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == "=" ]]; then
            ((i++))
            continue
        fi
        if [[ $word == -* ]]; then
            [[ ${COMP_WORDS[i + 1]} != "=" ]] && _atol_kkt_takes_value "$word" && ((i++))
            continue
        fi
        if [[ -z $command ]]; then
            command=$word
        elif [[ $command == zabbix && -z $sub ]]; then
            sub=$word
        fi
    done

    case $prev in
        -w | --warning | -c | --critical)
            # METRIC=RANGE: the metric, then the user types the range.
            compopt -o nospace 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -W "$(_atol_kkt_metrics "$program")" -S "=" -- "$cur")
            return ;;
        --config | --password-file | --ca-file | --output | --zabbix-config | --web.config.file)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return ;;
        --cache-dir)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            return ;;
        --profile)
            local dir=${ATOL_KKT_CONFIG_DIR:-/etc/atol-kkt} f profiles=""
            for f in "$dir"/*.conf; do
                [[ -e $f ]] && f=${f##*/} && profiles+=" ${f%.conf}"
            done
            mapfile -t COMPREPLY < <(compgen -W "$profiles" -- "$cur")
            return ;;
        --timeout-state)
            mapfile -t COMPREPLY < <(compgen -W "OK WARNING CRITICAL UNKNOWN" -- "$cur")
            return ;;
        --api-error-state)
            mapfile -t COMPREPLY < <(compgen -W "UNKNOWN WARNING CRITICAL" -- "$cur")
            return ;;
        --items)
            mapfile -t COMPREPLY < <(compgen -W "registers discovery registers,discovery" -- "$cur")
            return ;;
    esac
    _atol_kkt_takes_value "$prev" && return

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W "--help --version" -- "$cur")
        else
            # The first word of each line of the "Commands:" section of --help.
            local commands
            commands=$("$program" --help 2>/dev/null |
                sed -n -E '/^Commands:/,/^$/s/^  ([a-z]+).*/\1/p' | sort -u)
            mapfile -t COMPREPLY < <(compgen -W "$commands help" -- "$cur")
        fi
        return
    fi
    if [[ $command == zabbix && -z $sub && $cur != -* ]]; then
        local subs
        subs=$("$program" --help 2>/dev/null | sed -n -E 's/^  zabbix ([a-z]+).*/\1/p' | sort -u)
        mapfile -t COMPREPLY < <(compgen -W "$subs" -- "$cur")
        return
    fi
    if [[ $cur == -* ]]; then
        local options
        if [[ ${program##*/} == check_atol_kkt ]]; then
            options=$(_atol_kkt_options "$program")
        else
            options=$(_atol_kkt_options "$program" "$command" ${sub:+"$sub"})
        fi
        mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
    fi
}
complete -F _atol_kkt atol-kkt check_atol_kkt
