<?php
/**
 * Runs when the plugin is deleted from the Plugins screen: removes its settings and
 * every answer it cached.
 *
 * @package PatchbayAvailability
 */

defined( 'ABSPATH' ) || exit;
defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

delete_option( 'patchbay_av_settings' );

// Transients in the options table (a persistent object cache drops them on expiry).
global $wpdb;
$wpdb->query( // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- no API deletes transients by prefix.
	$wpdb->prepare(
		"DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s",
		$wpdb->esc_like( '_transient_patchbay_av_' ) . '%',
		$wpdb->esc_like( '_transient_timeout_patchbay_av_' ) . '%'
	)
);
