<?php
/**
 * Installs the plugin from its zip with WordPress's own upgrader (as Plugins > Add New >
 * Upload does), activates it, saves the Patchbay URL and website key through the plugin's
 * settings sanitizer, publishes one page per shortcode and prints {"pages": {name: url}}.
 *
 * Environment: WORDPRESS_CONFIG, PBWP_HOST, PBWP_PLUGIN_ZIP (path), PBWP_PATCHBAY_URL,
 * PBWP_WEBSITE_KEY, PBWP_PAGES (JSON {name: post content}).
 */

$_SERVER['HTTP_HOST'] = getenv( 'PBWP_HOST' );
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/misc.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/template.php';
require_once ABSPATH . 'wp-admin/includes/class-wp-upgrader.php';

function pbwp_fail( $message ) {
	fwrite( STDERR, $message . "\n" );
	exit( 1 );
}

wp_set_current_user( 1 );

$pbwp_skin     = new Automatic_Upgrader_Skin();
$pbwp_upgrader = new Plugin_Upgrader( $pbwp_skin );
$pbwp_result   = $pbwp_upgrader->install( getenv( 'PBWP_PLUGIN_ZIP' ) );
if ( true !== $pbwp_result ) {
	$pbwp_why = is_wp_error( $pbwp_result ) ? $pbwp_result->get_error_message() : implode( "\n", $pbwp_skin->get_upgrade_messages() );
	pbwp_fail( "Installing the plugin zip failed: $pbwp_why" );
}
$pbwp_plugin = $pbwp_upgrader->plugin_info();
if ( 'patchbay-availability/patchbay-availability.php' !== $pbwp_plugin ) {
	pbwp_fail( 'The zip installed ' . var_export( $pbwp_plugin, true ) . ', not patchbay-availability/patchbay-availability.php.' );
}
$pbwp_activated = activate_plugin( $pbwp_plugin );
if ( is_wp_error( $pbwp_activated ) ) {
	pbwp_fail( 'Activating the plugin failed: ' . $pbwp_activated->get_error_message() );
}
// Activation happened in this process: load the plugin's code, as the next request will.
require_once WP_PLUGIN_DIR . '/' . $pbwp_plugin;

$pbwp_key      = (string) getenv( 'PBWP_WEBSITE_KEY' );
$pbwp_settings = patchbay_av_sanitize_settings(
	array(
		'url' => getenv( 'PBWP_PATCHBAY_URL' ),
		'key' => $pbwp_key,
	)
);
if ( $pbwp_settings['key'] !== $pbwp_key ) {
	pbwp_fail( 'The plugin refused the website key: ' . wp_json_encode( get_settings_errors() ) );
}
update_option( PATCHBAY_AV_OPTION, $pbwp_settings );

$pbwp_pages = array();
foreach ( json_decode( getenv( 'PBWP_PAGES' ), true ) as $pbwp_name => $pbwp_content ) {
	$pbwp_id = wp_insert_post(
		array(
			'post_type'    => 'page',
			'post_status'  => 'publish',
			'post_title'   => 'Equipment ' . $pbwp_name,
			'post_content' => $pbwp_content,
			'post_author'  => 1,
		),
		true
	);
	if ( is_wp_error( $pbwp_id ) ) {
		pbwp_fail( 'Publishing a page failed: ' . $pbwp_id->get_error_message() );
	}
	$pbwp_pages[ $pbwp_name ] = get_permalink( $pbwp_id );
}
echo wp_json_encode( array( 'pages' => $pbwp_pages ) ), "\n";
