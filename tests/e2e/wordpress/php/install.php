<?php
/**
 * Installs a throwaway WordPress site (CLI). Environment: WORDPRESS_CONFIG (picks
 * /etc/wordpress/config-<name>.php in Debian's wp-config.php), PBWP_HOST (host:port),
 * PBWP_ADMIN_PASSWORD.
 */

$_SERVER['HTTP_HOST'] = getenv( 'PBWP_HOST' ); // Debian's wp-config.php reads it.
define( 'WP_INSTALLING', true );

/** Pluggable in upgrade.php: send no "your new site" mail. */
function wp_new_blog_notification() {}

require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if ( is_blog_installed() ) {
	fwrite( STDERR, "This site's database is already installed.\n" );
	exit( 1 );
}
wp_install( 'Patchbay plugin test site', 'admin', 'admin@example.com', false, '', getenv( 'PBWP_ADMIN_PASSWORD' ) );
update_option( 'permalink_structure', '' ); // plain ?page_id=N links: no rewrite rules
