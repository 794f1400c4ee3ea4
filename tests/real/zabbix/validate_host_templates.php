<?php
/*
 * Validates zabbix/template_atol_kkt_hosts.yaml (6.0 export format: a template for the account's
 * host whose host prototype creates one host per register, and the template linked to each) offline
 * with a Zabbix frontend's own code, 6.0 or 7.0: its YAML reader, import validator and converters
 * (tests/real/zabbix/import_pipeline.php), its item key, expression and user macro parsers, the
 * API's trigger expression and preprocessing validation; then our rules: UUIDv4 everywhere and
 * unique, references that resolve inside the file, every user macro a template uses has its
 * default there, the host prototype's macros are all the register template needs and each is filled
 * by the discovery, its group link exists, inventory is automatic and fed by linked items. The
 * 7.0 file given with its 6.0 file (zabbix/make_templates.sh makes one from the other) must read
 * exactly as 7.0's converters make the 6.0 file, but for what only 7.0 can say
 * (zabbix70_differences() in import_pipeline.php).
 *
 * usage: php validate_host_templates.php FRONTEND_DIR TEMPLATE.yaml [TEMPLATE_6.0.yaml]
 * Exit 0 when every check passed; 1 with one line per failure otherwise.
 */

if ($argc < 3) {
	fwrite(STDERR, "usage: php validate_host_templates.php FRONTEND_DIR TEMPLATE.yaml [TEMPLATE_6.0.yaml]\n");
	exit(2);
}
$root = rtrim($argv[1], '/');
$template_file = $argv[2];
$converted_from = $argv[3] ?? null;

require_once __DIR__.'/frontend_bootstrap.php';
zabbix_frontend_bootstrap($root);
require_once __DIR__.'/import_pipeline.php';

const ACCOUNT_TEMPLATE = 'ATOL KKT hosts by Zabbix agent'; // visible name: ATOL KKT by Zabbix agent, host per register
const REGISTER_TEMPLATE = 'ATOL KKT register by Zabbix agent';

$failures = [];
$checked = [];
$fail = function (string $what) use (&$failures) { $failures[] = $what; };
$count = function (string $what, int $n = 1) use (&$checked) { $checked[$what] = ($checked[$what] ?? 0) + $n; };

$source = file_get_contents($template_file);
if ($source === false) {
	fwrite(STDERR, "cannot read $template_file\n");
	exit(2);
}
try {
	[$data, $versions] = zabbix_import_data($source);
	$adapter = new CImportDataAdapter();
	$adapter->load($data);
}
catch (Throwable $e) {
	echo "FAIL import validation: ".$e->getMessage()."\n";
	exit(1);
}
echo "ok   import reader + validator + converters ".implode(' -> ', $versions)
	." (Zabbix frontend ".ZABBIX_VERSION.")\n";

// The 7.0 file: its 6.0 file as 7.0 converts it, plus what only 7.0 can say.
if ($converted_from !== null) {
	try {
		[$expected, $expected_versions] = zabbix_import_data((string) file_get_contents($converted_from));
	}
	catch (Throwable $e) {
		echo "FAIL import validation of $converted_from: ".$e->getMessage()."\n";
		exit(1);
	}
	if ($versions[0] !== '7.0' || $expected_versions[0] !== '6.0') {
		$fail('expected a 7.0 file made from a 6.0 file, got '.$versions[0].' from '.$expected_versions[0]);
	}
	[$missing, $differences] = zabbix70_differences($data, $expected);
	foreach ($missing as $what) {
		$fail($what);
	}
	foreach (array_slice($differences, 0, 20) as $difference) {
		$fail("differs from $converted_from as 7.0 converts it: $difference");
	}
	$count('field equal to the converted 6.0 file (or set by 7.0 only)');
}

$templates = [];
foreach ($adapter->getTemplates() as $template) {
	$templates[$template['host']] = $template;
}
if (array_keys($templates) != [ACCOUNT_TEMPLATE, REGISTER_TEMPLATE]
		&& array_keys($templates) != [REGISTER_TEMPLATE, ACCOUNT_TEMPLATE]) {
	echo 'FAIL expected the templates "'.ACCOUNT_TEMPLATE.'" and "'.REGISTER_TEMPLATE.'", found "'
		.implode('", "', array_keys($templates))."\"\n";
	exit(1);
}
$host_groups = method_exists($adapter, 'getHostGroups')
	? array_column($adapter->getHostGroups(), 'name')
	: array_column($adapter->getGroups(), 'name');

// UUIDs of every object that has one: UUIDv4, unique.
$uuids = [];
$groups = method_exists($adapter, 'getTemplateGroups')
	? array_merge($adapter->getTemplateGroups(), $adapter->getHostGroups())
	: $adapter->getGroups();
foreach ($groups as $group) {
	$uuids[] = ['group '.$group['name'], $group['uuid']];
}
$items_of = [];
$rules_of = [];
foreach ($templates as $host => $template) {
	$uuids[] = ['template '.$host, $template['uuid']];
	foreach ($template['valuemaps'] ?? [] as $valuemap) {
		$uuids[] = ["$host valuemap ".$valuemap['name'], $valuemap['uuid']];
	}
	foreach ($adapter->getItems()[$host] ?? [] as $item) {
		$items_of[$host][$item['key_']] = $item;
		$uuids[] = ["$host item ".$item['key_'], $item['uuid']];
	}
	foreach ($adapter->getDiscoveryRules()[$host] ?? [] as $rule) {
		$rules_of[$host][] = $rule;
		$uuids[] = ["$host discovery rule ".$rule['key_'], $rule['uuid']];
		foreach ($rule['host_prototypes'] as $prototype) {
			$uuids[] = ["$host host prototype ".$prototype['host'], $prototype['uuid']];
		}
		foreach (['item_prototypes', 'trigger_prototypes', 'graph_prototypes'] as $kind) {
			if (!empty($rule[$kind])) {
				$fail("$host discovery rule ".$rule['key_'].": has $kind (a host prototype rule only)");
			}
		}
	}
	foreach ($adapter->getTemplateDashboards()[$host] ?? [] as $dashboard) {
		$uuids[] = ["$host dashboard ".$dashboard['name'], $dashboard['uuid']];
	}
}
$triggers = $adapter->getTriggers();
foreach ($triggers as $trigger) {
	$uuids[] = ['trigger '.$trigger['description'], $trigger['uuid']];
}
$graphs = $adapter->getGraphs();
foreach ($graphs as $graph) {
	$uuids[] = ['graph '.$graph['name'], $graph['uuid']];
}
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
preg_match_all('/^\s*-?\s*uuid:\s*(\S+)\s*$/m', $source, $m);
if (count($m[1]) !== count($uuids)) {
	$fail('the file has '.count($m[1]).' uuid lines, the import found '.count($uuids).' objects with one');
}

// Macros: every {$MACRO} a template uses has its default in that template.
$defaults = [];
foreach ($templates as $host => $template) {
	foreach ($template['macros'] ?? [] as $macro) {
		$count('macro');
		$parser = new CUserMacroParser();
		if ($parser->parse($macro['macro']) != CParser::PARSE_SUCCESS || $parser->getContext() !== null) {
			$fail("$host: macro ".$macro['macro'].': not a context-free user macro');
			continue;
		}
		$defaults[$host][$macro['macro']] = $macro['value'];
		if ($macro['description'] === '') {
			$fail("$host: macro ".$macro['macro'].' has no description');
		}
	}
}
$macros_used = function (string $text): array {
	preg_match_all('/\{\$[A-Z0-9_.]+(?::(?:"(?:[^"\\\\]|\\\\.)*"|[^}]*))?\}/', $text, $m);
	$names = [];
	foreach ($m[0] as $macro) {
		$parser = new CUserMacroParser();
		$names[$macro] = $parser->parse($macro) == CParser::PARSE_SUCCESS ? '{$'.$parser->getMacro().'}' : null;
	}
	return $names;
};
$check_macros = function (string $host, string $what, string $text) use ($macros_used, &$defaults, $fail, $count) {
	foreach ($macros_used($text) as $macro => $name) {
		$count('user macro use');
		if ($name === null) {
			$fail("$host $what: user macro $macro does not parse");
		}
		elseif (!array_key_exists($name, $defaults[$host] ?? [])) {
			$fail("$host $what: user macro $macro has no default in the template");
		}
		elseif (strpos($macro, ':') !== false && $host === REGISTER_TEMPLATE) {
			$fail("$host $what: $macro: a register host's threshold has no serial context");
		}
	}
};

// Items: keys, masters in the same template, preprocessing through the API's validation.
$item_key_parser = new CItemKey();
$interval_parser = new CUpdateIntervalParser(['usermacros' => true]);
foreach ($items_of as $host => $items) {
	$valuemaps = array_column($templates[$host]['valuemaps'] ?? [], 'name');
	foreach ($items as $key => $item) {
		$what = "item $key";
		$count('item');
		if ($item_key_parser->parse($key) != CParser::PARSE_SUCCESS) {
			$fail("$host $what: key: ".$item_key_parser->getError());
		}
		if (strpos($key, '{#') !== false) {
			$fail("$host $what: an LLD macro in a template item");
		}
		$check_macros($host, $what, $item['name'].$key.($item['delay'] ?? '').($item['history'] ?? '')
			.($item['trends'] ?? ''));
		if ($item['type'] == ITEM_TYPE_DEPENDENT) {
			if (!array_key_exists($item['master_item']['key'] ?? '', $items)) {
				$fail("$host $what: master item is not an item of the template");
			}
		}
		elseif ($interval_parser->parse($item['delay']) != CParser::PARSE_SUCCESS) {
			$fail("$host $what: delay: ".$interval_parser->getError());
		}
		if (!empty($item['valuemap']) && !in_array($item['valuemap']['name'], $valuemaps, true)) {
			$fail("$host $what: value map \"".$item['valuemap']['name'].'" is not in the template');
		}
		$steps = [];
		foreach ($item['preprocessing'] as $step) {
			$step += ['parameters' => []];
			$steps[] = ['type' => $step['type'], 'params' => implode("\n", $step['parameters'])]
				+ array_intersect_key($step, array_flip(['error_handler', 'error_handler_params']));
			$check_macros($host, "$what preprocessing", implode("\n", $step['parameters']));
		}
		try {
			OfflinePreprocessingValidator::check(false, ['preprocessing' => $steps, 'value_type' => $item['value_type']]);
			$count('preprocessing steps', count($steps));
		}
		catch (Throwable $e) {
			$fail("$host $what: preprocessing: ".$e->getMessage());
		}
		if ($item['inventory_link'] != 0) {
			$count('inventory link');
		}
	}
}
$register_items = $items_of[REGISTER_TEMPLATE] ?? [];
$linked = array_filter(array_column($register_items, 'inventory_link'));
if (count($linked) < 4 || count($linked) !== count(array_unique($linked))) {
	$fail(REGISTER_TEMPLATE.': expected at least 4 items feeding distinct inventory fields, found '.count($linked));
}

// Triggers: the API's expression validation; each references items of one template only.
foreach ($triggers as $trigger) {
	$what = 'trigger "'.$trigger['description'].'"';
	$count('trigger');
	$error = '';
	$expression = $trigger['expression'];
	if (!CApiInputValidator::validate(['type' => API_TRIGGER_EXPRESSION, 'flags' => API_NOT_EMPTY],
			$expression, 'expression', $error)) {
		$fail("$what: $error");
		continue;
	}
	$parser = new CExpressionParser(['usermacros' => true]);
	$parser->parse($trigger['expression']);
	$hosts = [];
	foreach ($parser->getResult()->getTokensOfTypes([CExpressionParserResult::TOKEN_TYPE_HIST_FUNCTION]) as $function) {
		$query = $function['data']['parameters'][0]['data'];
		$hosts[$query['host']] = true;
		if (!array_key_exists($query['item'], $items_of[$query['host']] ?? [])) {
			$fail("$what: references \"".$query['host'].':'.$query['item'].'", not an item of the file');
		}
	}
	if (count($hosts) !== 1) {
		$fail("$what: references ".count($hosts).' templates');
		continue;
	}
	$host = array_key_first($hosts);
	$check_macros($host, $what, $trigger['description'].$trigger['expression'].$trigger['comments']
		.$trigger['opdata'].($trigger['event_name'] ?? ''));
	if (strpos($trigger['description'].($trigger['event_name'] ?? ''), '{#') !== false) {
		$fail("$what: an LLD macro in a template trigger");
	}
}

// Graphs and the dashboard: items and graphs of the register template.
foreach ($graphs as $graph) {
	$count('graph');
	foreach ($graph['gitems'] as $gitem) {
		if ($gitem['item']['host'] !== REGISTER_TEMPLATE
				|| !array_key_exists($gitem['item']['key'], $register_items)) {
			$fail('graph '.$graph['name'].': '.$gitem['item']['key'].' is not an item of '.REGISTER_TEMPLATE);
		}
	}
}
$graph_names = array_column($graphs, 'name');
foreach ($adapter->getTemplateDashboards()[REGISTER_TEMPLATE] ?? [] as $dashboard) {
	foreach ($dashboard['pages'] as $page) {
		foreach ($page['widgets'] as $widget) {
			$count('dashboard widget');
			foreach ($widget['fields'] as $field) {
				if ($field['type'] == ZBX_WIDGET_FIELD_TYPE_GRAPH
						&& !in_array($field['value']['name'], $graph_names, true)) {
					$fail('dashboard '.$dashboard['name'].': "'.$field['value']['name'].'" is not a graph');
				}
			}
		}
	}
}
if (!$graphs || empty($adapter->getTemplateDashboards()[REGISTER_TEMPLATE])) {
	$fail(REGISTER_TEMPLATE.': expected graphs and a template dashboard');
}

// The discovery rule and its host prototype.
$rules = $rules_of[ACCOUNT_TEMPLATE] ?? [];
if (count($rules) !== 1 || count($rules[0]['host_prototypes']) !== 1) {
	$fail(ACCOUNT_TEMPLATE.': expected one discovery rule with one host prototype');
}
foreach ($rules as $rule) {
	$what = 'discovery rule '.$rule['key_'];
	$count('discovery rule');
	if (!array_key_exists($rule['master_item']['key'] ?? '', $items_of[ACCOUNT_TEMPLATE] ?? [])) {
		$fail("$what: master item is not an item of the template");
	}
	// The LLD macros a row carries: the macro paths, and the keys the JavaScript step adds.
	$lld_macros = array_column($rule['lld_macro_paths'], 'lld_macro');
	$script = '';
	foreach ($rule['preprocessing'] as $step) {
		$script .= implode("\n", $step['parameters'] ?? [])."\n";
	}
	$check_macros(ACCOUNT_TEMPLATE, "$what preprocessing", $script);
	$check_macros(ACCOUNT_TEMPLATE, "$what lifetime and filter", $rule['lifetime'].json_encode($rule['filter']));
	preg_match_all("/row\\['(\\{#[A-Z0-9_.]+\\})'\\]/", $script, $m);
	$lld_macros = array_merge($lld_macros, $m[1]);
	foreach ($rule['host_prototypes'] as $prototype) {
		$where = "host prototype ".$prototype['host'];
		$count('host prototype');
		$texts = [$prototype['host'], $prototype['name']];
		if (strpos($prototype['host'], '{#SERIAL}') === false) {
			$fail("$where: the host name must contain {#SERIAL}");
		}
		foreach ($prototype['group_links'] as $link) {
			if (!in_array($link['group']['name'], $host_groups, true)) {
				$fail("$where: host group \"".$link['group']['name'].'" is not a host group of the file');
			}
		}
		if (count($prototype['group_prototypes']) < 2) {
			$fail("$where: expected group prototypes by group code and INN");
		}
		foreach ($prototype['group_prototypes'] as $group) {
			$texts[] = $group['name'];
		}
		if (array_column($prototype['templates'], 'name') !== [REGISTER_TEMPLATE]) {
			$fail("$where: must link exactly \"".REGISTER_TEMPLATE.'"');
		}
		if ($prototype['inventory_mode'] != HOST_INVENTORY_AUTOMATIC) {
			$fail("$where: inventory mode must be automatic");
		}
		$tags = array_column($prototype['tags'], 'value', 'tag');
		foreach (['kkt', 'group', 'inn', 'address'] as $tag) {
			if (!array_key_exists($tag, $tags)) {
				$fail("$where: no tag $tag");
			}
		}
		$texts = array_merge($texts, array_values($tags));
		// Every macro the register template uses is set on the host by the prototype, from the
		// discovery row, and has a default in the template.
		$set = [];
		foreach ($prototype['macros'] as $macro) {
			$set[$macro['macro']] = true;
			$texts[] = $macro['value'];
			if (!array_key_exists($macro['macro'], $defaults[REGISTER_TEMPLATE] ?? [])) {
				$fail("$where: macro ".$macro['macro'].' is no macro of '.REGISTER_TEMPLATE);
			}
		}
		foreach (array_keys($defaults[REGISTER_TEMPLATE] ?? []) as $macro) {
			if (!array_key_exists($macro, $set)) {
				$fail("$where: does not set ".REGISTER_TEMPLATE."'s macro $macro");
			}
		}
		foreach ($texts as $text) {
			preg_match_all('/\{#[A-Z0-9_.]+\}/', $text, $m);
			foreach ($m[0] as $macro) {
				$count('LLD macro use');
				if (!in_array($macro, $lld_macros, true)) {
					$fail("$where: LLD macro $macro is not one the discovery provides");
				}
			}
		}
	}
}

ksort($checked);
foreach ($checked as $what => $n) {
	echo "     checked $n × $what\n";
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
