<?php
/**
 * Router for `php -S … -t /usr/share/wordpress router.php`. php -S does not copy the
 * environment into $_SERVER, where Debian's wp-config.php looks for WORDPRESS_CONFIG;
 * and the site's wp-content lives outside the document root, so it is served from here
 * (static files only, never a PHP file, never outside the folder).
 */

$_SERVER['WORDPRESS_CONFIG'] = getenv( 'WORDPRESS_CONFIG' );
$pbwp_path = (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH );
if ( 0 !== strpos( $pbwp_path, '/wp-content/' ) ) {
	return false; // WordPress itself, from the document root.
}
$pbwp_base = realpath( getenv( 'PBWP_CONTENT_DIR' ) );
$pbwp_file = realpath( $pbwp_base . substr( $pbwp_path, strlen( '/wp-content' ) ) );
if ( ! $pbwp_file || 0 !== strpos( $pbwp_file, $pbwp_base . '/' ) || '.php' === substr( $pbwp_file, -4 ) || ! is_file( $pbwp_file ) ) {
	http_response_code( 404 );
	return true;
}
$pbwp_types = array(
	'css' => 'text/css',
	'js'  => 'text/javascript',
);
$pbwp_ext   = pathinfo( $pbwp_file, PATHINFO_EXTENSION );
header( 'Content-Type: ' . ( $pbwp_types[ $pbwp_ext ] ?? 'application/octet-stream' ) );
readfile( $pbwp_file );
return true;
