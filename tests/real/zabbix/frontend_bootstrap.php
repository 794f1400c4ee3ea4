<?php
/*
 * Loads the Zabbix frontend's classes (6.0 or 7.0) without a web server or a database: its constants,
 * gettext wrappers, the bundled Symfony YAML and its class autoloader over include/classes.
 */

function zabbix_frontend_bootstrap(string $root): void {
	if (!is_file($root.'/include/defines.inc.php')) {
		fwrite(STDERR, "not a Zabbix frontend tree: $root\n");
		exit(2);
	}
	error_reporting(E_ALL);
	set_error_handler(function (int $severity, string $message, string $file, int $line): bool {
		throw new ErrorException($message, 0, $severity, $file, $line);
	});

	require_once $root.'/include/defines.inc.php';
	require_once $root.'/include/gettextwrapper.inc.php';
	require_once $root.'/include/func.inc.php';
	require_once $root.'/include/items.inc.php';
	require_once $root.'/include/triggers.inc.php';
	require_once $root.'/vendor/autoload.php';
	require_once $root.'/include/classes/core/CAutoloader.php';

	$directories = [];
	$tree = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($root.'/include/classes',
		FilesystemIterator::SKIP_DOTS), RecursiveIteratorIterator::SELF_FIRST);
	foreach ($tree as $path => $info) {
		if ($info->isDir()) {
			$directories[] = $path;
		}
	}
	$directories[] = $root.'/include/classes';
	$autoloader = new CAutoloader();
	$autoloader->addNamespace('', $directories);
	$autoloader->register();

	// 7.0's DB::getSchema() (field lengths for the API's input rules) asks which database the
	// frontend uses, without connecting to it: PostgreSQL, as in the real server tests.
	$GLOBALS['DB']['TYPE'] = ZBX_DB_POSTGRESQL;

	// Subclasses of API services: declared only now that their parents can be autoloaded.
	require_once __DIR__.'/offline_api.php';
}
