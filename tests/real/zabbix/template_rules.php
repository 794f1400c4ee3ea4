<?php
/*
 * What the ATOL KKT template must contain (zabbix/README.md, "3. The agent keys" and "5. Thresholds, filters and per-register overrides"), checked on the data
 * the frontend's import adapter produced. Returns a list of failures.
 */

// The check's default thresholds (common/state.cpp Thresholds::defaults), as macro defaults.
const ATOL_THRESHOLD_MACROS = [
	'{$ATOL.FN.DAYS.WARN}' => '30', '{$ATOL.FN.DAYS.CRIT}' => '7',
	'{$ATOL.FN.USAGE.WARN}' => '80', '{$ATOL.FN.USAGE.CRIT}' => '90',
	'{$ATOL.UNSENT.AGE.WARN}' => '24', '{$ATOL.UNSENT.AGE.CRIT}' => '72',
	'{$ATOL.SHIFT.HOURS.WARN}' => '20', '{$ATOL.SHIFT.HOURS.CRIT}' => '23',
	'{$ATOL.DATA.AGE.WARN}' => '6', '{$ATOL.DATA.AGE.CRIT}' => '24',
	'{$ATOL.FN.REPLACE.DAYS.WARN}' => '30', '{$ATOL.FN.REPLACE.DAYS.CRIT}' => '7'
];

const ATOL_FILTER_MACROS = [
	'{$ATOL.LLD.FILTER.GROUP.MATCHES}' => '.*', '{$ATOL.LLD.FILTER.GROUP.NOT_MATCHES}' => 'CHANGE_IF_NEEDED',
	'{$ATOL.LLD.FILTER.INN.MATCHES}' => '.*', '{$ATOL.LLD.FILTER.INN.NOT_MATCHES}' => 'CHANGE_IF_NEEDED',
	'{$ATOL.LLD.FILTER.SERIAL.MATCHES}' => '.*', '{$ATOL.LLD.FILTER.SERIAL.NOT_MATCHES}' => 'CHANGE_IF_NEEDED'
];

// Trigger prototypes, the check's semantics: metric, operator, macro, severity, the triggers it
// depends on (metric, operator, macro). The ФН expiry is a time compared with now(), so it alerts
// on time however rarely the unchanged date is stored. "30:" alerts below 30; "80" alerts above 80 (metrics are
// never negative: clamped at 0). A warning depends on its high twin; the shift and unsent
// triggers depend on "no status" too, so a register that went offline raises one problem.
const ATOL_NO_STATUS = ['data_age_hours', '>', '{$ATOL.DATA.AGE.WARN:"{#SERIAL}"}'];
const ATOL_TRIGGER_PROTOTYPES = [
	['fn_expiration', '-now()<', '{$ATOL.FN.DAYS.CRIT:"{#SERIAL}"}*86400', TRIGGER_SEVERITY_HIGH, []],
	['fn_expiration', '-now()<', '{$ATOL.FN.DAYS.WARN:"{#SERIAL}"}*86400', TRIGGER_SEVERITY_WARNING, [['fn_expiration', '-now()<', '{$ATOL.FN.DAYS.CRIT:"{#SERIAL}"}*86400']]],
	['fn_usage', '>', '{$ATOL.FN.USAGE.CRIT:"{#SERIAL}"}', TRIGGER_SEVERITY_HIGH, []],
	['fn_usage', '>', '{$ATOL.FN.USAGE.WARN:"{#SERIAL}"}', TRIGGER_SEVERITY_WARNING, [['fn_usage', '>', '{$ATOL.FN.USAGE.CRIT:"{#SERIAL}"}']]],
	['unsent_age_hours', '>', '{$ATOL.UNSENT.AGE.CRIT:"{#SERIAL}"}', TRIGGER_SEVERITY_HIGH, [ATOL_NO_STATUS]],
	['unsent_age_hours', '>', '{$ATOL.UNSENT.AGE.WARN:"{#SERIAL}"}', TRIGGER_SEVERITY_WARNING, [['unsent_age_hours', '>', '{$ATOL.UNSENT.AGE.CRIT:"{#SERIAL}"}'], ATOL_NO_STATUS]],
	['shift_open_hours', '>', '{$ATOL.SHIFT.HOURS.CRIT:"{#SERIAL}"}', TRIGGER_SEVERITY_HIGH, [ATOL_NO_STATUS]],
	['shift_open_hours', '>', '{$ATOL.SHIFT.HOURS.WARN:"{#SERIAL}"}', TRIGGER_SEVERITY_WARNING, [['shift_open_hours', '>', '{$ATOL.SHIFT.HOURS.CRIT:"{#SERIAL}"}'], ATOL_NO_STATUS]],
	['data_age_hours', '>', '{$ATOL.DATA.AGE.CRIT:"{#SERIAL}"}', TRIGGER_SEVERITY_HIGH, []],
	['data_age_hours', '>', '{$ATOL.DATA.AGE.WARN:"{#SERIAL}"}', TRIGGER_SEVERITY_WARNING, [['data_age_hours', '>', '{$ATOL.DATA.AGE.CRIT:"{#SERIAL}"}']]],
	['network_error', '>', '0', TRIGGER_SEVERITY_WARNING, []]
];

// The forecast's triggers (docs/forecast.md), by expression: fn_replace_days_left alerts only when
// the memory fills up before the expiry (else the fn_days_left triggers say it), and the
// timeleft() cross-check on Zabbix's own fn_usage history, informational. Severity, depends on.
function atol_forecast_triggers(string $host): array {
	$replace = "last(/$host/atol.kkt.fn_replace_days_left[{#SERIAL}])";
	$days = "last(/$host/atol.kkt.fn_days_left[{#SERIAL}])";
	$crit = "$replace<{\$ATOL.FN.REPLACE.DAYS.CRIT:\"{#SERIAL}\"} and $replace<$days";
	$warn = "$replace<{\$ATOL.FN.REPLACE.DAYS.WARN:\"{#SERIAL}\"} and $replace<$days";
	// Two values at least: without them (fn_usage unknown) Zabbix 6.0 raised it.
	$timeleft = "count(/$host/atol.kkt.fn_usage[{#SERIAL}],{\$ATOL.FN.TIMELEFT.WINDOW})>1"
		." and timeleft(/$host/atol.kkt.fn_usage[{#SERIAL}],{\$ATOL.FN.TIMELEFT.WINDOW},100)"
		."<{\$ATOL.FN.REPLACE.DAYS.WARN:\"{#SERIAL}\"}*86400 and $replace>={\$ATOL.FN.REPLACE.DAYS.WARN:\"{#SERIAL}\"}";
	return [
		$crit => [TRIGGER_SEVERITY_HIGH, []],
		$warn => [TRIGGER_SEVERITY_WARNING, [$crit]],
		$timeleft => [TRIGGER_SEVERITY_INFORMATION, []]
	];
}

// Metrics whose trigger looks at a window (a macro, with the serial as context) instead of the
// last value: a single report of a network error is noise.
const ATOL_WINDOWED_TRIGGERS = ['network_error' => '{$ATOL.NETWORK.ERROR.WINDOW:"{#SERIAL}"}'];

// Item prototypes: key suffix => [field of `atol-kkt zabbix registers`, value type, static].
const ATOL_ITEM_PROTOTYPES = [
	'fn_days_left' => ['fn_days_left', ITEM_VALUE_TYPE_FLOAT, false],
	'fn_usage' => ['fn_usage', ITEM_VALUE_TYPE_FLOAT, false],
	'fn_full_days_left' => ['fn_full_days_left', ITEM_VALUE_TYPE_FLOAT, false],
	'fn_replace_days_left' => ['fn_replace_days_left', ITEM_VALUE_TYPE_FLOAT, false],
	'documents_per_day' => ['documents_per_day', ITEM_VALUE_TYPE_FLOAT, false],
	'unsent_docs' => ['unsent_docs', ITEM_VALUE_TYPE_UINT64, false],
	'unsent_age_hours' => ['unsent_age_hours', ITEM_VALUE_TYPE_FLOAT, false],
	'ofd_block_days_left' => ['ofd_block_days_left', ITEM_VALUE_TYPE_FLOAT, false],
	'data_age_hours' => ['data_age_hours', ITEM_VALUE_TYPE_FLOAT, false],
	'shift_open_hours' => ['shift_open_hours', ITEM_VALUE_TYPE_FLOAT, false],
	'network_error' => ['network_error', ITEM_VALUE_TYPE_UINT64, false],
	'signed_documents' => ['signed_documents', ITEM_VALUE_TYPE_UINT64, false],
	'shift_number' => ['shift_number', ITEM_VALUE_TYPE_UINT64, false],
	'shift_receipts' => ['shift_receipts', ITEM_VALUE_TYPE_UINT64, false],
	'shift_opened' => ['is_shift_opened', ITEM_VALUE_TYPE_UINT64, false],
	'state' => ['state_code', ITEM_VALUE_TYPE_UINT64, false],
	'problems' => ['problems', ITEM_VALUE_TYPE_TEXT, false],
	'fn_expiration' => ['fiscal_storage_expiration', ITEM_VALUE_TYPE_UINT64, true],
	'fiscalization_date' => ['fiscalization_date', ITEM_VALUE_TYPE_STR, true],
	'rnm' => ['registration_number', ITEM_VALUE_TYPE_STR, true],
	'device' => ['device_number', ITEM_VALUE_TYPE_STR, true],
	'fn_serial' => ['fiscal_storage_serial_number', ITEM_VALUE_TYPE_STR, true],
	'inn' => ['fiscal_storage_inn', ITEM_VALUE_TYPE_STR, true],
	'address' => ['fiscal_storage_payment_address', ITEM_VALUE_TYPE_STR, true],
	'group' => ['group_code', ITEM_VALUE_TYPE_STR, true]
];

// Item prototypes whose values change slowly: discard unchanged with a heartbeat.
const ATOL_SLOW_PROTOTYPES = ['fn_usage', 'signed_documents', 'shift_number', 'shift_receipts', 'shift_opened',
	'state', 'documents_per_day'];

const ATOL_LLD_MACRO_PATHS = [
	'{#SERIAL}' => '$.serial_number', '{#RNM}' => '$.registration_number', '{#DEVICE}' => '$.device_number',
	'{#GROUP}' => '$.group_code', '{#INN}' => '$.fiscal_storage_inn',
	'{#ADDRESS}' => '$.fiscal_storage_payment_address', '{#FN_SERIAL}' => '$.fiscal_storage_serial_number'
];

// The API's network error texts (docs/atol-api.md, "Network error codes"), as ATOL writes them.
const ATOL_NETWORK_ERRORS = [
	'Нет ошибок', 'Отсутствует физический канал связи', 'Ошибка сетевых настроек или нет соединения с сервером ОФД',
	'Разрыв соединения при передаче документа на сервер', 'Некорректный заголовок сессионного пакета',
	'Превышен таймаут ожидания квитанции', 'Разрыв соединения при приёме квитанции',
	'Превышен таймаут передачи документа на сервер', 'ОФД-процесс не иницилизирован'
];

// The agent keys' answer budget, `--answer-within` by default (zabbix/item_value.hpp), in seconds.
function atol_answer_within(): float {
	$header = file_get_contents(__DIR__.'/../../../zabbix/item_value.hpp');
	if ($header === false || !preg_match('/default_answer_within\{(\d+)\}/', $header, $m)) {
		throw new Exception('no default_answer_within in zabbix/item_value.hpp');
	}
	return $m[1] / 1000;
}

// FORMAT: the file's export format, 6.0 or 7.0.
function check_atol_rules(array $template, array $items, array $rules, array $prototypes, array $trigger_prototypes,
		array $triggers, array $macros, string $format): array {
	$failures = [];
	$host = $template['host'];
	// The variants zabbix/make_templates.sh makes: polled by the server, run by the agent itself
	// (active), pushed by `atol-kkt zabbix send` (trapper).
	$trapper = ($host === 'ATOL KKT by Zabbix trapper');
	$active = ($host === 'ATOL KKT by Zabbix agent active');
	if (!$trapper && !$active && $host !== 'ATOL KKT by Zabbix agent') {
		$failures[] = "unexpected template name \"$host\"";
	}

	// The master item: the agent key, or the sender's trapper key (Zabbix matches trapper keys
	// literally: no macro in them); a text value never stored.
	$master_key = $trapper ? 'atol.kkt.registers' : 'atol.kkt.registers[{$ATOL.PROFILE}]';
	$master = $items[$master_key] ?? null;
	if ($master === null) {
		return array_merge($failures, ["master item $master_key is missing"]);
	}
	$expected_type = $trapper ? ITEM_TYPE_TRAPPER : ($active ? ITEM_TYPE_ZABBIX_ACTIVE : ITEM_TYPE_ZABBIX);
	// 7.0's importer drops a text item's trends (it can have none); 6.0's keeps "0".
	if ($master['type'] != $expected_type || $master['value_type'] != ITEM_VALUE_TYPE_TEXT
			|| $master['history'] !== '0' || ($master['trends'] ?? '0') !== '0') {
		$failures[] = "master item $master_key: must be of type $expected_type, text, history 0, trends 0";
	}
	if (!$trapper && $master['delay'] !== '{$ATOL.INTERVAL}') {
		$failures[] = 'master item: delay must be {$ATOL.INTERVAL}';
	}
	// 7.0 gives the agent item its own timeout: the answer budget must fit under it, with a
	// second at least for starting atol-kkt and writing its output (zabbix/make_templates.sh).
	if (!$trapper && $format === '7.0') {
		$timeout = timeUnitToSeconds($master['timeout'] ?? '');
		if ($timeout === null || $timeout < atol_answer_within() + 1) {
			$failures[] = 'master item: the 7.0 timeout ('.($master['timeout'] ?? '').') must exceed the answer '
				.'budget of '.atol_answer_within().' s by a second at least';
		}
	}
	foreach ($items as $key => $item) {
		if ($key !== $master_key && ($item['type'] != ITEM_TYPE_DEPENDENT || $item['master_item']['key'] !== $master_key)) {
			$failures[] = "item $key: must depend on the master item";
		}
	}
	foreach ($prototypes as $key => $item) {
		if ($item['type'] != ITEM_TYPE_DEPENDENT || $item['master_item']['key'] !== $master_key) {
			$failures[] = "item prototype $key: must depend on the master item";
		}
	}

	// Macro defaults equal the check's.
	foreach (ATOL_THRESHOLD_MACROS + ATOL_FILTER_MACROS as $macro => $value) {
		if (($macros[$macro] ?? null) !== $value) {
			$failures[] = "macro $macro: default must be \"$value\", is \"".($macros[$macro] ?? '(missing)').'"';
		}
	}
	if (!$trapper && !array_key_exists('{$ATOL.PROFILE}', $macros)) {
		$failures[] = 'macro {$ATOL.PROFILE} is missing';
	}

	// The discovery rule.
	if (count($rules) !== 1) {
		return array_merge($failures, ['expected one discovery rule, found '.count($rules)]);
	}
	$rule = reset($rules);
	$paths = array_column($rule['lld_macro_paths'], 'path', 'lld_macro');
	ksort($paths);
	$expected_paths = ATOL_LLD_MACRO_PATHS;
	ksort($expected_paths);
	if ($trapper) {
		// Fed by the sender with the rows of `atol-kkt zabbix discovery`, which carry the macros.
		if ($rule['type'] != ITEM_TYPE_TRAPPER || $rule['key_'] !== 'atol.kkt.discovery' || $paths) {
			$failures[] = 'discovery rule: must be the trapper atol.kkt.discovery without macro paths';
		}
	}
	else {
		if ($rule['type'] != ITEM_TYPE_DEPENDENT || ($rule['master_item']['key'] ?? '') !== $master_key) {
			$failures[] = 'discovery rule: must depend on the master item';
		}
		if ($paths !== $expected_paths) {
			$failures[] = 'discovery rule: lld_macro_paths must be exactly '.json_encode($expected_paths);
		}
	}
	if ($rule['filter']['evaltype'] != CONDITION_EVAL_TYPE_AND) {
		$failures[] = 'discovery rule: filter must combine its conditions with AND';
	}
	$conditions = [];
	foreach ($rule['filter']['conditions'] as $condition) {
		$conditions[] = $condition['macro'].' '.$condition['operator'].' '.$condition['value'];
	}
	sort($conditions);
	$expected_conditions = [];
	foreach (['GROUP', 'INN', 'SERIAL'] as $what) {
		$expected_conditions[] = "{#$what} ".CONDITION_OPERATOR_REGEXP." {\$ATOL.LLD.FILTER.$what.MATCHES}";
		$expected_conditions[] = "{#$what} ".CONDITION_OPERATOR_NOT_REGEXP." {\$ATOL.LLD.FILTER.$what.NOT_MATCHES}";
	}
	sort($expected_conditions);
	if ($conditions !== $expected_conditions) {
		$failures[] = 'discovery rule: filter must be '.implode(', ', $expected_conditions);
	}
	// Lost registers are kept for {$ATOL.LLD.LIFETIME}, by default at least a day.
	if ($rule['lifetime'] !== '{$ATOL.LLD.LIFETIME}' || timeUnitToSeconds($macros['{$ATOL.LLD.LIFETIME}'] ?? '0') < 86400) {
		$failures[] = 'discovery rule: lifetime must be {$ATOL.LLD.LIFETIME}, at least a day by default (lifetime '
			.$rule['lifetime'].')';
	}

	// Item prototypes: one per metric and static field, the right JSONPath and value type.
	$expected_keys = [];
	foreach (ATOL_ITEM_PROTOTYPES as $suffix => [$field, $value_type, $static]) {
		$key = "atol.kkt.$suffix"."[{#SERIAL}]";
		$expected_keys[] = $key;
		$prototype = $prototypes[$key] ?? null;
		if ($prototype === null) {
			$failures[] = "item prototype $key is missing";
			continue;
		}
		$steps = $prototype['preprocessing'];
		$path = "\$[?(@.serial_number=='{#SERIAL}')].$field.first()";
		if (($steps[0]['parameters'][0] ?? '') !== $path) {
			$failures[] = "item prototype $key: JSONPath must be $path";
		}
		if ($prototype['value_type'] != $value_type) {
			$failures[] = "item prototype $key: value type must be $value_type";
		}
		$heartbeat = array_filter($steps, fn($s) => $s['type'] == ZBX_PREPROC_THROTTLE_TIMED_VALUE);
		if ($static && !$heartbeat) {
			$failures[] = "item prototype $key: a static field needs discard-unchanged-with-heartbeat";
		}
		// Slow values are stored on change and once per {$ATOL.SLOW.HEARTBEAT}; the others every
		// time: the age metrics grow each read, and the network error trigger's window needs them.
		$slow = in_array($suffix, ATOL_SLOW_PROTOTYPES, true);
		if (!$static && $slow && !$heartbeat) {
			$failures[] = "item prototype $key: a slow value needs discard-unchanged-with-heartbeat";
		}
		if (!$static && !$slow && $heartbeat && $suffix !== 'problems') {
			$failures[] = "item prototype $key: must not discard unchanged values (its triggers need each one)";
		}
		// No register JSON (an API error line) or no such register (it left the account): the
		// item keeps its last value instead of thousands of items turning unsupported.
		if (($steps[0]['error_handler'] ?? null) != ZBX_PREPROC_FAIL_DISCARD_VALUE) {
			$failures[] = "item prototype $key: the JSONPath step must discard the value on failure";
		}
		// An unknown value (JSON null) must make the item unsupported with a reason, never "null".
		$null_step = array_filter($steps, fn($s) => $s['type'] == ZBX_PREPROC_VALIDATE_NOT_REGEX
			&& $s['parameters'] === ['^null$'] && $s['error_handler'] == ZBX_PREPROC_FAIL_SET_ERROR);
		if (!$null_step) {
			$failures[] = "item prototype $key: needs the ^null$ step that reports an unknown value";
		}
	}
	foreach (array_diff(array_keys($prototypes), $expected_keys) as $extra) {
		$failures[] = "item prototype $extra is not in the expected list (add it to template_rules.php)";
	}
	if (($prototypes['atol.kkt.network_error[{#SERIAL}]']['valuemap']['name'] ?? '') !== 'ATOL network error code') {
		$failures[] = 'item prototype network_error: must use the value map "ATOL network error code"';
	}
	$valuemaps = array_column($template['valuemaps'], 'mappings', 'name');
	$network = array_column($valuemaps['ATOL network error code'] ?? [], 'newvalue', 'value');
	if ($network !== array_combine(array_map('strval', array_keys(ATOL_NETWORK_ERRORS)), ATOL_NETWORK_ERRORS)) {
		$failures[] = 'value map "ATOL network error code" must map 0-8 to the API\'s texts';
	}

	// Trigger prototypes: exactly the check's thresholds.
	$by_expression = [];
	foreach ($trigger_prototypes as $trigger) {
		$by_expression[$trigger['expression']] = $trigger;
	}
	$expected_expressions = [];
	foreach (ATOL_TRIGGER_PROTOTYPES as [$metric, $op, $threshold, $severity, $depends_on]) {
		$window = ATOL_WINDOWED_TRIGGERS[$metric] ?? null;
		$expression = $window === null
			? "last(/$host/atol.kkt.$metric"."[{#SERIAL}])$op$threshold"
			: "min(/$host/atol.kkt.$metric"."[{#SERIAL}],$window)$op$threshold";
		$expected_expressions[] = $expression;
		$trigger = $by_expression[$expression] ?? null;
		if ($trigger === null) {
			$failures[] = "trigger prototype $expression is missing";
			continue;
		}
		if ($trigger['priority'] != $severity) {
			$failures[] = "trigger prototype $expression: severity must be $severity";
		}
		$dependencies = array_column($trigger['dependencies'], 'expression');
		sort($dependencies);
		$expected_dependencies = array_map(fn($d) => "last(/$host/atol.kkt.{$d[0]}"."[{#SERIAL}]){$d[1]}{$d[2]}", $depends_on);
		sort($expected_dependencies);
		if ($dependencies !== $expected_dependencies) {
			$failures[] = "trigger prototype $expression: must depend on ".json_encode($expected_dependencies);
		}
	}
	foreach (atol_forecast_triggers($host) as $expression => [$severity, $depends_on]) {
		$expected_expressions[] = $expression;
		$trigger = $by_expression[$expression] ?? null;
		if ($trigger === null) {
			$failures[] = "trigger prototype $expression is missing";
			continue;
		}
		if ($trigger['priority'] != $severity) {
			$failures[] = "trigger prototype $expression: severity must be $severity";
		}
		if (array_column($trigger['dependencies'], 'expression') !== $depends_on) {
			$failures[] = "trigger prototype $expression: must depend on ".json_encode($depends_on);
		}
	}

	// Routing: a register's problem carries where the register is, as tags and in its name.
	$routing_tags = ['kkt' => '{#SERIAL}', 'group' => '{#GROUP}', 'inn' => '{#INN}', 'address' => '{#ADDRESS}'];
	foreach ($trigger_prototypes as $trigger) {
		$tags = array_column($trigger['tags'], 'value', 'tag');
		foreach ($routing_tags as $tag => $value) {
			if (($tags[$tag] ?? null) !== $value) {
				$failures[] = "trigger prototype {$trigger['expression']}: tag $tag must be $value";
			}
		}
		if (!in_array($tags['scope'] ?? '', ['availability', 'notice'], true)) {
			$failures[] = "trigger prototype {$trigger['expression']}: tag scope must be availability or notice";
		}
		if (strpos($trigger['event_name'] ?? '', '{#ADDRESS}') === false) {
			$failures[] = "trigger prototype {$trigger['expression']}: the event name must carry {#ADDRESS}";
		}
	}
	foreach (array_diff(array_keys($by_expression), $expected_expressions) as $extra) {
		$failures[] = "trigger prototype $extra is not in the expected list (add it to template_rules.php)";
	}

	// The API failure triggers.
	$template_triggers = array_column($triggers, null, 'expression');
	// Failing throughout {$ATOL.API.ERROR.WINDOW}: the last read failed and none in the window succeeded.
	$api_error = "length(last(/$host/atol.kkt.api.error))>0"
		." and count(/$host/atol.kkt.api.error,{\$ATOL.API.ERROR.WINDOW},\"regexp\",\"^\$\")=0";
	$nodata = "nodata(/$host/atol.kkt.registers.count,{\$ATOL.NODATA.PERIOD})=1";
	$list_age = "last(/$host/atol.kkt.list.age)>{\$ATOL.LIST.AGE.MAX}";
	foreach ([$api_error, $nodata, $list_age] as $expression) {
		if (!array_key_exists($expression, $template_triggers)) {
			$failures[] = "trigger $expression is missing";
		}
	}
	if (count($template_triggers) !== 3) {
		$failures[] = 'expected exactly the three API triggers on the template, found '.count($template_triggers);
	}
	// The data's age: the list_age_seconds every register element carries, kept on an error line.
	$age_steps = $items['atol.kkt.list.age']['preprocessing'] ?? [];
	if (($age_steps[0]['params'] ?? $age_steps[0]['parameters'][0] ?? '') !== '$[0].list_age_seconds'
			|| ($age_steps[0]['error_handler'] ?? null) != ZBX_PREPROC_FAIL_DISCARD_VALUE) {
		$failures[] = 'item atol.kkt.list.age: JSONPath $[0].list_age_seconds, discarding the value on failure';
	}

	return $failures;
}
