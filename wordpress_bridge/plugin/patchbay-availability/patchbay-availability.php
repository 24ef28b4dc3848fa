<?php
/**
 * Plugin Name:       Patchbay Availability
 * Description:       Shows your hire equipment and its live availability from your Patchbay account.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            Patchbay
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       patchbay-availability
 *
 * @package PatchbayAvailability
 */

defined( 'ABSPATH' ) || exit;

define( 'PATCHBAY_AV_VERSION', '0.1.0' );
define( 'PATCHBAY_AV_FILE', __FILE__ );
define( 'PATCHBAY_AV_OPTION', 'patchbay_av_settings' );

// The site's wp-config.php is read before plugins, so a site (or a test) may set these
// first: how long a good answer is kept, and the shortest time an error is kept.
defined( 'PATCHBAY_AV_CACHE_TTL' ) || define( 'PATCHBAY_AV_CACHE_TTL', 300 );
defined( 'PATCHBAY_AV_ERROR_TTL' ) || define( 'PATCHBAY_AV_ERROR_TTL', 60 );

require_once __DIR__ . '/includes/api.php';
require_once __DIR__ . '/includes/render.php';
require_once __DIR__ . '/includes/settings.php';

add_action( 'init', 'patchbay_av_register' );
add_action( 'admin_init', 'patchbay_av_register_settings' );
add_action( 'admin_menu', 'patchbay_av_add_settings_page' );
add_action( 'admin_post_patchbay_av_test_connection', 'patchbay_av_handle_test_connection' );

/**
 * Registers the shortcode, the block and the stylesheet (enqueued only where they render).
 */
function patchbay_av_register() {
	wp_register_style(
		'patchbay-availability',
		plugins_url( 'assets/patchbay-availability.css', PATCHBAY_AV_FILE ),
		array(),
		PATCHBAY_AV_VERSION
	);
	add_shortcode( 'patchbay_availability', 'patchbay_av_shortcode' );
	register_block_type( __DIR__ . '/blocks/availability' );
}
