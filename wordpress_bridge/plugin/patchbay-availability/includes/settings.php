<?php
/**
 * Settings > Patchbay: the Patchbay URL, the website key and a "Test connection" button.
 *
 * The key is a website key (pbpk_…): it can only read what the organisation publishes,
 * which is why storing it as an ordinary option is acceptable. It is still never
 * printed back: the page shows pbpk_…last4, and an empty field keeps the saved key.
 *
 * @package PatchbayAvailability
 */

defined( 'ABSPATH' ) || exit;

/** The settings page's slug (options-general.php?page=…). */
const PATCHBAY_AV_PAGE = 'patchbay-availability';

/**
 * Registers the option and its fields (on admin_init; options.php saves them).
 */
function patchbay_av_register_settings() {
	register_setting(
		'patchbay_av',
		PATCHBAY_AV_OPTION,
		array(
			'type'              => 'array',
			'sanitize_callback' => 'patchbay_av_sanitize_settings',
			'default'           => array(),
		)
	);
	add_settings_section( 'patchbay_av_connection', __( 'Connection', 'patchbay-availability' ), 'patchbay_av_render_section', PATCHBAY_AV_PAGE );
	add_settings_field(
		'patchbay_av_url',
		__( 'Patchbay URL', 'patchbay-availability' ),
		'patchbay_av_render_url_field',
		PATCHBAY_AV_PAGE,
		'patchbay_av_connection',
		array( 'label_for' => 'patchbay_av_url' )
	);
	add_settings_field(
		'patchbay_av_key',
		__( 'Website key', 'patchbay-availability' ),
		'patchbay_av_render_key_field',
		PATCHBAY_AV_PAGE,
		'patchbay_av_connection',
		array( 'label_for' => 'patchbay_av_key' )
	);
	add_filter( 'plugin_action_links_' . plugin_basename( PATCHBAY_AV_FILE ), 'patchbay_av_action_links' );
}

/**
 * Adds Settings > Patchbay.
 */
function patchbay_av_add_settings_page() {
	add_options_page(
		__( 'Patchbay Availability', 'patchbay-availability' ),
		__( 'Patchbay', 'patchbay-availability' ),
		'manage_options',
		PATCHBAY_AV_PAGE,
		'patchbay_av_render_settings_page'
	);
}

/**
 * A "Settings" link beside Deactivate on the Plugins screen.
 *
 * @param array<int|string, string> $links Existing links.
 * @return array<int|string, string>
 */
function patchbay_av_action_links( $links ) {
	$url = admin_url( 'options-general.php?page=' . PATCHBAY_AV_PAGE );
	array_unshift( $links, '<a href="' . esc_url( $url ) . '">' . esc_html__( 'Settings', 'patchbay-availability' ) . '</a>' );
	return $links;
}

/**
 * The saved key as shown on the settings page: its prefix and last four characters.
 *
 * @param string $key Website key.
 * @return string
 */
function patchbay_av_masked_key( $key ) {
	return '' === $key ? '' : 'pbpk_…' . substr( $key, -4 );
}

/**
 * Reports a settings error once per request (WordPress sanitizes a new option twice).
 *
 * @param string $code    Error code.
 * @param string $message Message.
 */
function patchbay_av_settings_error( $code, $message ) {
	static $reported = array();
	if ( isset( $reported[ $code ] ) ) {
		return;
	}
	$reported[ $code ] = true;
	add_settings_error( PATCHBAY_AV_OPTION, $code, $message, 'error' );
}

/**
 * Cleans what the settings form sent. A bad value is refused with an error and the
 * saved one kept; an empty key field keeps the saved key.
 *
 * @param mixed $input Form values.
 * @return array{url: string, key: string, generation: int}
 */
function patchbay_av_sanitize_settings( $input ) {
	$saved = patchbay_av_get_settings();
	$input = is_array( $input ) ? $input : array();
	$url   = isset( $input['url'] ) ? trim( (string) $input['url'] ) : $saved['url'];
	$key   = isset( $input['key'] ) ? trim( sanitize_text_field( (string) $input['key'] ) ) : '';

	if ( '' !== $url ) {
		$clean = esc_url_raw( $url, array( 'http', 'https' ) );
		$host  = '' === $clean ? '' : (string) wp_parse_url( $clean, PHP_URL_HOST );
		if ( '' === $host ) {
			patchbay_av_settings_error(
				'patchbay_av_bad_url',
				__( 'The Patchbay URL must be a web address starting with https:// (or http://), such as https://patchbay.example.com. The previous URL was kept.', 'patchbay-availability' )
			);
			$url = $saved['url'];
		} else {
			$url = untrailingslashit( $clean );
		}
	}

	if ( '' === $key ) {
		$key = $saved['key'];
	} elseif ( 0 === strpos( $key, 'pbk_' ) ) {
		patchbay_av_settings_error(
			'patchbay_av_rest_key',
			__( 'That is a Patchbay REST API key (pbk_…), which must never be stored in a website. Use the website key (pbpk_…) from the WordPress card in Patchbay. The previous key was kept.', 'patchbay-availability' )
		);
		$key = $saved['key'];
	} elseif ( ! preg_match( '/^pbpk_[0-9A-Za-z]{36}$/', $key ) ) {
		patchbay_av_settings_error(
			'patchbay_av_bad_key',
			__( 'That is not a Patchbay website key: it starts with pbpk_ followed by 36 letters and digits. Copy it from the WordPress card in Patchbay. The previous key was kept.', 'patchbay-availability' )
		);
		$key = $saved['key'];
	}

	$changed = $url !== $saved['url'] || $key !== $saved['key'];
	return array(
		'url'        => $url,
		'key'        => $key,
		'generation' => $saved['generation'] + ( $changed ? 1 : 0 ),
	);
}

/**
 * The section's introduction.
 */
function patchbay_av_render_section() {
	echo '<p>' . esc_html__( 'Copy the Patchbay URL and the website key from Configuration > Integrations > WordPress in Patchbay.', 'patchbay-availability' ) . '</p>';
}

/**
 * The Patchbay URL field.
 */
function patchbay_av_render_url_field() {
	$settings = patchbay_av_get_settings();
	printf(
		'<input type="url" class="regular-text" id="patchbay_av_url" name="%1$s[url]" value="%2$s" placeholder="https://patchbay.example.com">',
		esc_attr( PATCHBAY_AV_OPTION ),
		esc_attr( $settings['url'] )
	);
}

/**
 * The website key field: always empty; the saved key is shown masked.
 */
function patchbay_av_render_key_field() {
	$settings = patchbay_av_get_settings();
	printf(
		'<input type="password" class="regular-text" id="patchbay_av_key" name="%1$s[key]" value="" autocomplete="off" spellcheck="false" placeholder="pbpk_…">',
		esc_attr( PATCHBAY_AV_OPTION )
	);
	if ( '' !== $settings['key'] ) {
		echo '<p class="description">' . esc_html(
			/* translators: %s: the saved key's prefix and last four characters. */
			sprintf( __( 'Saved key: %s. Leave the field empty to keep it.', 'patchbay-availability' ), patchbay_av_masked_key( $settings['key'] ) )
		) . '</p>';
	} else {
		echo '<p class="description">' . esc_html__( 'No key saved yet.', 'patchbay-availability' ) . '</p>';
	}
}

/**
 * The settings page.
 */
function patchbay_av_render_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	echo '<div class="wrap"><h1>' . esc_html__( 'Patchbay Availability', 'patchbay-availability' ) . '</h1>';
	patchbay_av_render_test_result();
	echo '<form action="' . esc_url( admin_url( 'options.php' ) ) . '" method="post">';
	settings_fields( 'patchbay_av' );
	do_settings_sections( PATCHBAY_AV_PAGE );
	submit_button();
	echo '</form>';

	echo '<h2>' . esc_html__( 'Test connection', 'patchbay-availability' ) . '</h2>';
	echo '<p>' . esc_html__( 'Asks Patchbay, with the saved URL and key, which organisation the key belongs to.', 'patchbay-availability' ) . '</p>';
	echo '<form action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" method="post">';
	echo '<input type="hidden" name="action" value="patchbay_av_test_connection">';
	wp_nonce_field( 'patchbay_av_test_connection' );
	submit_button( __( 'Test connection', 'patchbay-availability' ), 'secondary', 'patchbay_av_test', false );
	echo '</form>';

	echo '<h2>' . esc_html__( 'Showing availability', 'patchbay-availability' ) . '</h2>';
	echo '<p>' . esc_html__( 'Add the shortcode [patchbay_availability] to a page, or the Patchbay Availability block. Options: category="3" or item="12" (Patchbay numbers), from="2026-12-10" to="2026-12-12", view="categories".', 'patchbay-availability' ) . '</p>';
	echo '</div>';
}

/**
 * Where the last "Test connection" result is kept until the page shows it.
 *
 * @return string
 */
function patchbay_av_test_result_key() {
	return 'patchbay_av_test_' . get_current_user_id();
}

/**
 * Calls GET /site with the saved settings (never from the cache) and keeps the result
 * for the settings page.
 *
 * @return array{ok: bool, message: string}
 */
function patchbay_av_run_test_connection() {
	$site = patchbay_av_fetch( 'site' );
	if ( is_wp_error( $site ) ) {
		$result = array(
			'ok'      => false,
			/* translators: %s: why the connection failed. */
			'message' => sprintf( __( 'The connection failed: %s', 'patchbay-availability' ), patchbay_av_error_explanation( $site ) ),
		);
	} else {
		$modes  = array(
			'quantities' => __( 'exact quantities', 'patchbay-availability' ),
			'labels'     => __( 'in stock / out of stock', 'patchbay-availability' ),
			'calendar'   => __( 'availability calendar', 'patchbay-availability' ),
		);
		$result = array(
			'ok'      => true,
			/* translators: 1: organisation name, 2: display mode. */
			'message' => sprintf( __( 'Connected to %1$s. Availability is shown as: %2$s.', 'patchbay-availability' ), $site['organisation'], $modes[ $site['display_mode'] ] ),
		);
	}
	set_transient( patchbay_av_test_result_key(), $result, 5 * MINUTE_IN_SECONDS );
	return $result;
}

/**
 * The "Test connection" button's handler (admin-post.php): capability, nonce, call, back.
 */
function patchbay_av_handle_test_connection() {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'You are not allowed to test the Patchbay connection.', 'patchbay-availability' ), '', array( 'response' => 403 ) );
	}
	check_admin_referer( 'patchbay_av_test_connection' );
	patchbay_av_run_test_connection();
	wp_safe_redirect( admin_url( 'options-general.php?page=' . PATCHBAY_AV_PAGE . '&patchbay_av_tested=1' ) );
	exit;
}

/**
 * Shows (once) the result the last "Test connection" left for this user.
 */
function patchbay_av_render_test_result() {
	$result = get_transient( patchbay_av_test_result_key() );
	if ( ! is_array( $result ) || ! isset( $result['ok'], $result['message'] ) ) {
		return;
	}
	delete_transient( patchbay_av_test_result_key() );
	printf(
		'<div class="notice %1$s patchbay-av-test-result"><p>%2$s</p></div>',
		$result['ok'] ? 'notice-success' : 'notice-error',
		esc_html( $result['message'] )
	);
}
