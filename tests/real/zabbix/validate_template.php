<?php
/*
 * Validates the shipped Zabbix templates (6.0 and 7.0 export formats) offline with a Zabbix
 * frontend's own code, 6.0 (6.0 files) or 7.0 (both): its YAML import reader, import validator
 * and converters (as configuration.import runs them; 7.0 converts a 6.0 file 6.0 -> 6.2 -> 6.4
 * -> 7.0), its item key, trigger expression, update interval, user macro and LLD macro parsers,
 * the API's trigger expression and preprocessing validation; then our own rules: UUIDv4
 * everywhere, references that resolve, threshold macros whose defaults and trigger semantics
 * equal `atol-kkt check`, a JSONPath step for every item prototype. A 7.0 file given with its
 * 6.0 file (zabbix/make_templates.sh makes one from the other) must read exactly as 7.0's
 * converters make the 6.0 file, but for what only 7.0 can say: the vendor and the agent item's
 * timeout.
 *
 * usage: php validate_template.php FRONTEND_DIR TEMPLATE.yaml [PAIRS_OUT [TEMPLATE_6.0.yaml]]
 *   FRONTEND_DIR       the zabbix-frontend-php tree (usr/share/zabbix) of Zabbix 6.0 or 7.0
 *   PAIRS_OUT          optional ('' for none): write "key<TAB>jsonpath" of every dependent item (prototype)
 *   TEMPLATE_6.0.yaml  with a 7.0 TEMPLATE.yaml: the 6.0 file it was made from
 * Exit 0 when every check passed; 1 with one line per failure otherwise.
 */

if ($argc < 3) {
	fwrite(STDERR, "usage: php validate_template.php FRONTEND_DIR TEMPLATE.yaml [PAIRS_OUT [TEMPLATE_6.0.yaml]]\n");
	exit(2);
}
$root = rtrim($argv[1], '/');
$template_file = $argv[2];
$pairs_out = ($argv[3] ?? '') !== '' ? $argv[3] : null;
$converted_from = $argv[4] ?? null;

require_once __DIR__.'/frontend_bootstrap.php';
zabbix_frontend_bootstrap($root);
require_once __DIR__.'/template_rules.php';
require_once __DIR__.'/import_pipeline.php';

$failures = [];
$checked = [];
$fail = function (string $what) use (&$failures) { $failures[] = $what; };
$count = function (string $what, int $n = 1) use (&$checked) { $checked[$what] = ($checked[$what] ?? 0) + $n; };

// 1. The frontend's reader, validator and converters, exactly as CConfiguration::import() runs
// them (import_pipeline.php): the import data of FILE and the versions it went through.
function read_import_data(string $file): array {
	$source = file_get_contents($file);
	if ($source === false) {
		fwrite(STDERR, "cannot read $file\n");
		exit(2);
	}
	return [$source, ...zabbix_import_data($source)];
}

try {
	[$source, $data, $versions] = read_import_data($template_file);
	$adapter = new CImportDataAdapter();
	$adapter->load($data);
}
catch (Throwable $e) {
	echo "FAIL import validation: ".$e->getMessage()."\n";
	exit(1);
}
echo "ok   import reader + validator + converters ".implode(' -> ', $versions)
	." (Zabbix frontend ".ZABBIX_VERSION.")\n";

// The formats we ship: 6.0 (imported by 6.0 to 7.x) and 7.0 (zabbix/make_templates.sh).
$format = $versions[0];
if (!in_array($format, ['6.0', '7.0'], true)) {
	$fail("zabbix_export.version is $format, expected 6.0 or 7.0");
}

// A 7.0 file says what its 6.0 file says, as 7.0 converts that one, plus the vendor and the
// agent item's timeout.
if ($converted_from !== null) {
	try {
		[, $expected, $expected_versions] = read_import_data($converted_from);
	}
	catch (Throwable $e) {
		echo "FAIL import validation of $converted_from: ".$e->getMessage()."\n";
		exit(1);
	}
	if ($format !== '7.0' || $expected_versions[0] !== '6.0') {
		$fail("expected a 7.0 file made from a 6.0 file, got $format from ".$expected_versions[0]);
	}
	[$missing, $differences] = zabbix70_differences($data, $expected);
	foreach ($missing as $what) {
		$fail($what);
	}
	foreach (array_slice($differences, 0, 20) as $difference) {
		$fail("differs from $converted_from as 7.0 converts it: $difference");
	}
	$expected = $expected['zabbix_export'];
	$count('field equal to the converted 6.0 file', count_leaves($expected) - count($differences));
}

function count_leaves($data): int {
	return is_array($data) ? array_sum(array_map('count_leaves', $data)) : 1;
}

$templates = $adapter->getTemplates();
if (count($templates) !== 1) {
	$fail('expected exactly one template, found '.count($templates));
}
$template = reset($templates);
$host = $template['host'];

// Gather every object with a UUID, item, prototype, trigger.
$uuids = [];
// Template groups are their own kind of group from 6.2 on.
foreach (method_exists($adapter, 'getTemplateGroups') ? $adapter->getTemplateGroups() : $adapter->getGroups()
		as $group) {
	$uuids[] = ['group '.$group['name'], $group['uuid']];
}
$uuids[] = ['template '.$host, $template['uuid']];
foreach ($template['valuemaps'] ?? [] as $valuemap) {
	$uuids[] = ['valuemap '.$valuemap['name'], $valuemap['uuid']];
}

$items = $adapter->getItems()[$host] ?? [];
$rules = $adapter->getDiscoveryRules()[$host] ?? [];
$prototypes = [];
$trigger_prototypes = [];
$graph_prototypes = [];
foreach ($rules as $rule) {
	$uuids[] = ['discovery rule '.$rule['key_'], $rule['uuid']];
	foreach ($rule['item_prototypes'] as $prototype) {
		$prototypes[$prototype['key_']] = $prototype;
		$uuids[] = ['item prototype '.$prototype['key_'], $prototype['uuid']];
	}
	foreach ($rule['trigger_prototypes'] as $trigger) {
		$trigger_prototypes[] = $trigger;
		$uuids[] = ['trigger prototype '.$trigger['description'], $trigger['uuid']];
	}
	foreach ($rule['graph_prototypes'] ?? [] as $graph) {
		$graph_prototypes[$graph['name']] = $graph;
		$uuids[] = ['graph prototype '.$graph['name'], $graph['uuid']];
	}
}
$dashboards = $adapter->getTemplateDashboards()[$host] ?? [];
foreach ($dashboards as $dashboard) {
	$uuids[] = ['dashboard '.$dashboard['name'], $dashboard['uuid']];
}
foreach ($items as $item) {
	$uuids[] = ['item '.$item['key_'], $item['uuid']];
}
$triggers = $adapter->getTriggers();
foreach ($triggers as $trigger) {
	$uuids[] = ['trigger '.$trigger['description'], $trigger['uuid']];
}

// 2. Every UUID: a UUIDv4 written as 32 lowercase hex digits, and unique.
$seen = [];
foreach ($uuids as [$what, $uuid]) {
	$count('uuid');
	if (!preg_match('/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/', $uuid)) {
		$fail("$what: uuid \"$uuid\" is not a UUIDv4 in 32 lowercase hex digits");
	}
	if (array_key_exists($uuid, $seen)) {
		$fail("$what: uuid $uuid already used by ".$seen[$uuid]);
	}
	$seen[$uuid] = $what;
}

// Read the raw YAML for facts the import normalizer hides (uuid case is lowered by it).
if (preg_match_all('/^\s*-?\s*uuid:\s*(\S+)\s*$/m', $source, $m)) {
	foreach ($m[1] as $raw) {
		if (!preg_match('/^[0-9a-f]{32}$/', $raw)) {
			$fail("uuid \"$raw\" as written is not 32 lowercase hex digits");
		}
	}
	if (count($m[1]) !== count($uuids)) {
		$fail('the file has '.count($m[1]).' uuid lines, the import found '.count($uuids).' objects with one');
	}
}

// 3. Macros: defined with valid names, used ones defined.
$user_macro_parser = new CUserMacroParser();
$defined_macros = [];
foreach ($template['macros'] ?? [] as $macro) {
	$count('macro');
	if ($user_macro_parser->parse($macro['macro']) != CParser::PARSE_SUCCESS) {
		$fail('macro '.$macro['macro'].': '.$user_macro_parser->getError());
		continue;
	}
	if ($user_macro_parser->getContext() !== null || $user_macro_parser->getRegex() !== null) {
		$fail('template macro '.$macro['macro'].' has a context: defaults must be context-free');
	}
	$defined_macros['{$'.$user_macro_parser->getMacro().'}'] = $macro['value'];
	if ($macro['description'] === '') {
		$fail('macro '.$macro['macro'].' has no description');
	}
}

// Every {$MACRO} or {$MACRO:"ctx"} used anywhere must resolve to a template default.
$used_macro_check = function (string $where, string $text) use (&$defined_macros, $fail, $count) {
	if (!preg_match_all('/\{\$[A-Z0-9_.]+(?::(?:"(?:[^"\\\\]|\\\\.)*"|[^}]*))?\}/', $text, $m)) {
		return;
	}
	foreach ($m[0] as $macro) {
		$parser = new CUserMacroParser();
		if ($parser->parse($macro) != CParser::PARSE_SUCCESS) {
			$fail("$where: user macro $macro: ".$parser->getError());
			continue;
		}
		$count('user macro use');
		$name = '{$'.$parser->getMacro().'}';
		if (!array_key_exists($name, $defined_macros)) {
			$fail("$where: user macro $macro has no template default $name");
		}
	}
};

// 4. Items and prototypes: keys, delays, history, preprocessing, master items, value maps.
$item_key_parser = new CItemKey();
$interval_parser = new CUpdateIntervalParser(['usermacros' => true]);
$valuemap_names = array_column($template['valuemaps'] ?? [], 'name');
$all_keys = array_merge(array_column($items, 'key_'), array_keys($prototypes));
if (count($all_keys) !== count(array_unique($all_keys))) {
	$fail('item keys are not unique');
}
$pairs = [];
// The LLD macros every discovery row carries (zabbix/README.md, "3. The agent keys").
$lld_macros = ATOL_LLD_MACRO_PATHS;

$check_item = function (array $item, bool $prototype) use ($item_key_parser, $interval_parser, $items,
		$valuemap_names, $fail, $count, $used_macro_check, &$pairs, $lld_macros, $root) {
	$what = ($prototype ? 'item prototype ' : 'item ').$item['key_'];
	$count($prototype ? 'item prototype' : 'item');

	if ($item_key_parser->parse($item['key_']) != CParser::PARSE_SUCCESS) {
		$fail("$what: key: ".$item_key_parser->getError());
	}
	if ($prototype && strpos($item['key_'], '{#SERIAL}') === false) {
		$fail("$what: a prototype key must contain {#SERIAL} to be unique per register");
	}
	if ($item['description'] === '') {
		$fail("$what: no description");
	}
	// 7.0's importer leaves out the fields that do not apply to the item's type (a dependent
	// item's delay, a text item's trends); 6.0's fills in every one.
	foreach (['name', 'key_', 'description', 'delay'] as $field) {
		$used_macro_check("$what $field", $item[$field] ?? '');
	}
	foreach (array_intersect(['history', 'trends'], array_keys($item)) as $field) {
		$error = '';
		$value = $item[$field];
		if (!CApiInputValidator::validate(['type' => API_TIME_UNIT, 'flags' => API_ALLOW_USER_MACRO],
				$value, $field, $error)) {
			$fail("$what: $field: $error");
		}
	}

	if ($item['type'] == ITEM_TYPE_DEPENDENT) {
		$master = $item['master_item']['key'] ?? '';
		if (!array_key_exists($master, $items)) {
			$fail("$what: master item \"$master\" is not an item of the template");
		}
	}
	else {
		if ($item['type'] != ITEM_TYPE_TRAPPER && $interval_parser->parse($item['delay']) != CParser::PARSE_SUCCESS) {
			$fail("$what: delay \"".$item['delay'].'": '.$interval_parser->getError());
		}
	}

	if (!empty($item['valuemap']) && !in_array($item['valuemap']['name'], $valuemap_names, true)) {
		$fail("$what: value map \"".$item['valuemap']['name'].'" is not defined');
	}

	// The preprocessing as the API receives it, through the API's own validation.
	$steps = [];
	foreach ($item['preprocessing'] as $step) {
		$step += ['parameters' => []];
		$steps[] = ['type' => $step['type'], 'params' => implode("\n", $step['parameters'])]
			+ array_intersect_key($step, array_flip(['error_handler', 'error_handler_params']));
		$used_macro_check("$what preprocessing", implode("\n", $step['parameters']));
	}
	try {
		OfflinePreprocessingValidator::check($prototype, ['preprocessing' => $steps, 'value_type' => $item['value_type']]);
		$count('preprocessing steps', count($steps));
	}
	catch (Throwable $e) {
		$fail("$what: preprocessing: ".$e->getMessage());
	}

	if ($item['type'] == ITEM_TYPE_DEPENDENT) {
		$first = $steps[0] ?? null;
		if ($first !== null && $first['type'] == ZBX_PREPROC_JSONPATH) {
			$pairs[] = $item['key_']."\t".$first['params'];
		}
		elseif ($prototype) {
			$fail("$what: the first preprocessing step must be JSONPath");
		}
		if ($prototype) {
			$expected = "\$[?(@.serial_number=='{#SERIAL}')].";
			if ($first !== null && strncmp($first['params'], $expected, strlen($expected)) !== 0) {
				$fail("$what: JSONPath must select the register by serial: $expected...");
			}
			if ($first !== null && substr($first['params'], -8) !== '.first()') {
				$fail("$what: JSONPath must end with .first() to yield one value");
			}
		}
	}
	if ($prototype) {
		if (preg_match_all('/\{#[A-Z0-9_.]+\}/', $item['name'].$item['key_'].implode('', array_column($steps, 'params'))
				.implode('', array_column($item['tags'], 'value')), $m)) {
			foreach ($m[0] as $macro) {
				if ((new CLLDMacroParser())->parse($macro) != CParser::PARSE_SUCCESS
						|| !array_key_exists($macro, $lld_macros)) {
					$fail("$what: LLD macro $macro is not one the discovery provides");
				}
			}
		}
	}
};

foreach ($items as $item) {
	$check_item($item, false);
}
foreach ($prototypes as $prototype) {
	$check_item($prototype, true);
}

// Graph prototypes draw item prototypes of this template; the dashboard's widgets show them.
if (!$graph_prototypes || !$dashboards) {
	$fail('expected graph prototypes and a template dashboard');
}
foreach ($graph_prototypes as $name => $graph) {
	$count('graph prototype');
	foreach ($graph['gitems'] as $gitem) {
		if ($gitem['item']['host'] !== $host || !array_key_exists($gitem['item']['key'], $prototypes)) {
			$fail("graph prototype $name: ".$gitem['item']['key'].' is not an item prototype of the template');
		}
	}
}
foreach ($dashboards as $dashboard) {
	foreach ($dashboard['pages'] as $page) {
		foreach ($page['widgets'] as $widget) {
			$count('dashboard widget');
			foreach ($widget['fields'] as $field) {
				if ($field['type'] == ZBX_WIDGET_FIELD_TYPE_GRAPH_PROTOTYPE
						&& ($field['value']['host'] !== $host || !array_key_exists($field['value']['name'], $graph_prototypes))) {
					$fail('dashboard '.$dashboard['name'].': "'.$field['value']['name'].'" is not a graph prototype of the template');
				}
			}
		}
	}
}

// 5. The discovery rule: dependent on the master item, macro paths, filter, lifetime.
foreach ($rules as $rule) {
	$what = 'discovery rule '.$rule['key_'];
	$count('discovery rule');
	if ($item_key_parser->parse($rule['key_']) != CParser::PARSE_SUCCESS) {
		$fail("$what: key: ".$item_key_parser->getError());
	}
	if ($rule['type'] == ITEM_TYPE_DEPENDENT && !array_key_exists($rule['master_item']['key'] ?? '', $items)) {
		$fail("$what: master item \"".($rule['master_item']['key'] ?? '')."\" is not an item of the template");
	}
	$error = '';
	$lifetime = $rule['lifetime'];
	if (!CApiInputValidator::validate(['type' => API_TIME_UNIT, 'flags' => API_ALLOW_USER_MACRO],
			$lifetime, 'lifetime', $error)) {
		$fail("$what: lifetime: $error");
	}
	foreach ($rule['lld_macro_paths'] as $path) {
		if ((new CLLDMacroParser())->parse($path['lld_macro']) != CParser::PARSE_SUCCESS) {
			$fail("$what: LLD macro ".$path['lld_macro']);
		}
		if (!preg_match('/^\$\.[a-z_]+$/', $path['path'])) {
			$fail("$what: macro path ".$path['path'].' must be $.<field>');
		}
	}
	foreach ($rule['filter']['conditions'] as $condition) {
		$used_macro_check("$what filter", $condition['value']);
	}
	$used_macro_check("$what", $rule['name'].$rule['description']);
}

// 6. Triggers and trigger prototypes: expressions through the API's validator; references.
$all_triggers = [];
foreach ($triggers as $trigger) {
	$all_triggers[] = [$trigger, false];
}
foreach ($trigger_prototypes as $trigger) {
	$all_triggers[] = [$trigger, true];
}
$by_name_expression = [];
foreach ($all_triggers as [$trigger, $prototype]) {
	$by_name_expression[$trigger['description']."\n".$trigger['expression']] = $trigger;
}
foreach ($all_triggers as [$trigger, $prototype]) {
	$what = ($prototype ? 'trigger prototype "' : 'trigger "').$trigger['description'].'"';
	$count($prototype ? 'trigger prototype' : 'trigger');
	$error = '';
	$expression = $trigger['expression'];
	if (!CApiInputValidator::validate(['type' => API_TRIGGER_EXPRESSION,
			'flags' => API_NOT_EMPTY | ($prototype ? API_ALLOW_LLD_MACRO : 0)], $expression, 'expression', $error)) {
		$fail("$what: $error");
		continue;
	}
	$parser = new CExpressionParser(['usermacros' => true, 'lldmacros' => $prototype]);
	$parser->parse($trigger['expression']);
	$has_prototype_item = false;
	foreach ($parser->getResult()->getTokensOfTypes([CExpressionParserResult::TOKEN_TYPE_HIST_FUNCTION]) as $function) {
		$query = $function['data']['parameters'][0]['data'];
		if ($query['host'] !== $host) {
			$fail("$what: references host \"".$query['host']."\" instead of \"$host\"");
		}
		if (array_key_exists($query['item'], $prototypes)) {
			$has_prototype_item = true;
		}
		elseif (!array_key_exists($query['item'], $items)) {
			$fail("$what: references item \"".$query['item'].'" not in the template');
		}
	}
	if ($prototype && !$has_prototype_item) {
		$fail("$what: a trigger prototype must reference an item prototype");
	}
	if (!$prototype && $has_prototype_item) {
		$fail("$what: a template trigger cannot reference an item prototype");
	}
	foreach ($trigger['dependencies'] as $dependency) {
		if (!array_key_exists($dependency['name']."\n".$dependency['expression'], $by_name_expression)) {
			$fail("$what: depends on a trigger that is not in the template: ".$dependency['name']);
		}
	}
	$used_macro_check($what, $trigger['description'].$trigger['expression'].$trigger['comments'].$trigger['opdata']);
	if ($trigger['comments'] === '') {
		$fail("$what: no description");
	}
}

// 7. Our own rules: thresholds, item list, filter macros (template_rules.php).
foreach (check_atol_rules($template, $items, $rules, $prototypes, $trigger_prototypes, $triggers, $defined_macros, $format)
		as $failure) {
	$fail($failure);
}
$count('rule set');

ksort($checked);
foreach ($checked as $what => $n) {
	echo "     checked $n × $what\n";
}
if ($pairs_out !== null) {
	sort($pairs);
	file_put_contents($pairs_out, implode("\n", $pairs)."\n");
}
if ($failures) {
	foreach ($failures as $failure) {
		echo "FAIL $failure\n";
	}
	echo count($failures)." failures in $template_file\n";
	exit(1);
}
echo "ok   $template_file: every check passed\n";
exit(0);
