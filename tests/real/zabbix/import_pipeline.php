<?php
/*
 * A template file through a Zabbix frontend's own import code (6.0 or 7.0), exactly as
 * CConfiguration::import() runs it before the database: the YAML reader, the strict import
 * validator, the converters up to the frontend's version (7.0 converts a 6.0 file
 * 6.0 -> 6.2 -> 6.4 -> 7.0), the constant and default converters, the normalizer and the data
 * adapter; and how a 7.0 file differs from its 6.0 file as 7.0 converts that one.
 * Needs zabbix_frontend_bootstrap() (frontend_bootstrap.php) first.
 */

// Returns [the import data, the export versions it went through]; throws on any error.
function zabbix_import_data(string $source): array {
	$data = (new CYamlImportReader())->read($source);
	$validator = new CXmlValidator(new CImportValidatorFactory('yaml'), 'yaml');
	$data = $validator->setStrict(true)->validate($data, '/');
	$versions = [$data['zabbix_export']['version']];
	// 6.0 lists its converters inside import() (1.0 to 5.4: none applies to a 6.0 file); 6.2+
	// name them in the factory.
	$sequence = method_exists('CImportConverterFactory', 'getSequentialVersions')
		? CImportConverterFactory::getSequentialVersions()
		: [];
	foreach ($sequence as $version) {
		if ($data['zabbix_export']['version'] === $version) {
			$data = (new CImportConverterFactory())->getObject($version)->convert($data);
			$data = $validator->setStrict(false)->validate($data, '/');
			$versions[] = $data['zabbix_export']['version'];
		}
	}
	$schema = (new CImportValidatorFactory('yaml'))->getObject(ZABBIX_EXPORT_VERSION)->getSchema();
	$data = (new CConstantImportConverter($schema))->convert($data);
	$data = (new CDefaultImportConverter($schema))->convert($data);
	$data = (new CImportDataNormalizer($schema))->normalize($data);
	return [$data, $versions];
}

// Returns [CImportDataAdapter, the export versions the data went through]; throws on any error.
function zabbix_import_pipeline(string $source): array {
	[$data, $versions] = zabbix_import_data($source);
	$adapter = new CImportDataAdapter();
	$adapter->load($data);
	return [$adapter, $versions];
}

/*
 * How a 7.0 file's import data differ from its 6.0 file's (both read by 7.0), but for what only
 * 7.0 can say (zabbix/make_templates.sh): each template's vendor, an agent item's timeout, and a
 * discovery rule with host prototypes disabling lost hosts immediately, each of which must be
 * there. Returns [the missing 7.0-only fields, the paths where the data differ otherwise].
 */
function zabbix70_differences(array $actual, array $expected): array {
	$missing = [];
	$actual = $actual['zabbix_export'];
	$expected = $expected['zabbix_export'];
	foreach ($actual['templates'] as $t => &$actual_template) {
		$expected_template = $expected['templates'][$t] ?? [];
		if (($actual_template['vendor']['name'] ?? '') === '' || ($actual_template['vendor']['version'] ?? '') === '') {
			$missing[] = 'template '.$actual_template['name'].': no vendor name and version';
		}
		$actual_template['vendor'] = $expected_template['vendor'] ?? [];
		foreach (array_keys($actual_template['items'] ?? []) as $i) {
			$item = $actual_template['items'][$i];
			if (in_array($item['type'], [ITEM_TYPE_ZABBIX, ITEM_TYPE_ZABBIX_ACTIVE]) && ($item['timeout'] ?? '') === '') {
				$missing[] = 'agent item '.$item['key'].': no timeout of its own';
			}
			if (array_key_exists('timeout', $actual_template['items'][$i])) {
				$actual_template['items'][$i]['timeout'] = $expected_template['items'][$i]['timeout'] ?? null;
			}
		}
		foreach ($actual_template['discovery_rules'] ?? [] as $r => $rule) {
			if (empty($rule['host_prototypes'])) {
				continue;
			}
			if ($rule['enabled_lifetime_type'] != ZBX_LLD_DISABLE_IMMEDIATELY) {
				$missing[] = 'discovery rule '.$rule['key'].': lost hosts not disabled immediately';
			}
			$actual_template['discovery_rules'][$r]['enabled_lifetime_type'] =
				$expected_template['discovery_rules'][$r]['enabled_lifetime_type'] ?? null;
		}
	}
	unset($actual_template);
	return [$missing, zabbix_import_data_differences($expected, $actual, '')];
}

// The paths where two import data trees differ.
function zabbix_import_data_differences($expected, $actual, string $path): array {
	if (!is_array($expected) || !is_array($actual)) {
		return $expected === $actual ? [] : [$path.': '.json_encode($expected, JSON_UNESCAPED_UNICODE).' became '
			.json_encode($actual, JSON_UNESCAPED_UNICODE)];
	}
	$differences = [];
	foreach (array_unique(array_merge(array_keys($expected), array_keys($actual))) as $key) {
		if (!array_key_exists($key, $expected) || !array_key_exists($key, $actual)) {
			$differences[] = "$path/$key: ".(array_key_exists($key, $actual) ? 'added' : 'missing');
			continue;
		}
		$differences = array_merge($differences,
			zabbix_import_data_differences($expected[$key], $actual[$key], "$path/$key"));
	}
	return $differences;
}
