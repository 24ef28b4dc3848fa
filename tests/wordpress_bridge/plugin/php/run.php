<?php
/**
 * Runs the plugin's PHP unit tests (functions named test_* in plugin-tests.php) with the
 * WordPress stand-ins, each from a clean state, and prints one JSON object:
 * {"test_name": {"ok": true|false, "message": "..."}}. tests/wordpress_bridge/plugin/
 * test_php_unit_tests.py runs it under pytest.
 *
 * Any PHP notice or warning fails the test that raised it.
 *
 * @package PatchbayAvailabilityTests
 */

set_error_handler(
	static function ( $severity, $message, $file, $line ) {
		throw new ErrorException( $message, 0, $severity, $file, $line );
	}
);

require __DIR__ . '/wordpress-stand-ins.php';
pbt_reset();
define( 'PBT_PLUGIN_DIR', dirname( __DIR__, 4 ) . '/wordpress_bridge/plugin/patchbay-availability' );
require PBT_PLUGIN_DIR . '/patchbay-availability.php';
// What loading the plugin registered, before any test resets the records.
$GLOBALS['pbt_loaded_actions'] = $GLOBALS['pbt']['actions'];

$pbt_before = get_defined_functions()['user'];
require __DIR__ . '/plugin-tests.php';
$pbt_tests = array_filter(
	array_diff( get_defined_functions()['user'], $pbt_before ),
	static function ( $name ) {
		return 0 === strpos( $name, 'test_' );
	}
);

$pbt_results = array();
foreach ( $pbt_tests as $pbt_test ) {
	pbt_reset();
	$pbt_level = ob_get_level();
	try {
		ob_start();
		$pbt_test();
		$pbt_results[ $pbt_test ] = array(
			'ok'      => true,
			'message' => '',
		);
	} catch ( Throwable $error ) {
		$pbt_results[ $pbt_test ] = array(
			'ok'      => false,
			'message' => get_class( $error ) . ': ' . $error->getMessage() . ' at ' . basename( $error->getFile() ) . ':' . $error->getLine(),
		);
	}
	while ( ob_get_level() > $pbt_level ) {
		ob_end_clean();
	}
}
echo json_encode( $pbt_results, JSON_PRETTY_PRINT ), "\n";
