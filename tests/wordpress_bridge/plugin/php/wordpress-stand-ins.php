<?php
/**
 * Stand-ins for the WordPress functions the plugin calls, so its code runs under the
 * PHP CLI without WordPress. They record what the plugin did (HTTP requests, cached
 * transients with their lifetimes, settings errors, redirects) in $GLOBALS['pbt'] for
 * the tests to assert on; HTTP answers are queued by the test.
 *
 * They follow WordPress's documented behaviour only as far as the plugin relies on it.
 *
 * @package PatchbayAvailabilityTests
 */

define( 'ABSPATH', __DIR__ . '/' );
define( 'MINUTE_IN_SECONDS', 60 );

/** Raised by wp_die(). */
class PBT_Died extends Exception {}

/** Raised by wp_safe_redirect() so the handler's exit is never reached. */
class PBT_Redirected extends Exception {}

/** WordPress's error object, reduced to what the plugin uses. */
class WP_Error {
	/** @var string */
	private $code;
	/** @var mixed */
	private $data;

	public function __construct( $code = '', $message = '', $data = '' ) {
		$this->code = (string) $code;
		$this->data = $data;
	}

	public function get_error_code() {
		return $this->code;
	}

	public function get_error_data() {
		return $this->data;
	}
}

/** Records the one query uninstall.php sends. */
class PBT_Wpdb {
	public $options = 'wp_options';
	public $queries = array();

	public function esc_like( $text ) {
		return addcslashes( $text, '_%\\' );
	}

	public function prepare( $query, ...$args ) {
		foreach ( $args as $arg ) {
			$query = preg_replace_callback(
				'/%s/',
				static function () use ( $arg ) {
					return "'" . addslashes( $arg ) . "'";
				},
				$query,
				1
			);
		}
		return $query;
	}

	public function query( $query ) {
		$this->queries[] = $query;
		return 0;
	}
}

/** Forgets everything the previous test did. */
function pbt_reset() {
	$GLOBALS['pbt'] = array(
		'options'         => array(),
		'transients'      => array(),
		'requests'        => array(),
		'responses'       => array(),
		'actions'         => array(),
		'filters'         => array(),
		'shortcodes'      => array(),
		'blocks'          => array(),
		'styles'          => array(),
		'enqueued'        => array(),
		'settings_errors' => array(),
		'settings_fields' => array(),
		'can_manage'      => false,
		'nonce_ok'        => true,
		'user_id'         => 1,
	);
}

/** Queues the answer the next wp_remote_get() receives. */
function pbt_queue_response( $status, $body, $headers = array() ) {
	$GLOBALS['pbt']['responses'][] = array(
		'headers'  => array_change_key_case( $headers, CASE_LOWER ),
		'body'     => is_string( $body ) ? $body : json_encode( $body ),
		'response' => array(
			'code'    => $status,
			'message' => '',
		),
	);
}

/** Queues a transport failure (connection refused, timeout) for the next call. */
function pbt_queue_transport_error() {
	$GLOBALS['pbt']['responses'][] = new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect' );
}

/** Drops every cached transient, as if their lifetimes had passed. */
function pbt_expire_transients() {
	$GLOBALS['pbt']['transients'] = array();
}

// HTTP.
function wp_remote_get( $url, $args = array() ) {
	$GLOBALS['pbt']['requests'][] = array(
		'url'  => $url,
		'args' => $args,
	);
	if ( ! $GLOBALS['pbt']['responses'] ) {
		throw new RuntimeException( "Unexpected HTTP call: $url" );
	}
	return array_shift( $GLOBALS['pbt']['responses'] );
}

function wp_remote_retrieve_response_code( $response ) {
	return is_wp_error( $response ) ? '' : $response['response']['code'];
}

function wp_remote_retrieve_header( $response, $header ) {
	if ( is_wp_error( $response ) ) {
		return '';
	}
	return $response['headers'][ strtolower( $header ) ] ?? '';
}

function wp_remote_retrieve_body( $response ) {
	return is_wp_error( $response ) ? '' : $response['body'];
}

function is_wp_error( $thing ) {
	return $thing instanceof WP_Error;
}

// Options and transients.
function get_option( $name, $default = false ) {
	return array_key_exists( $name, $GLOBALS['pbt']['options'] ) ? $GLOBALS['pbt']['options'][ $name ] : $default;
}

function update_option( $name, $value ) {
	$GLOBALS['pbt']['options'][ $name ] = $value;
	return true;
}

function delete_option( $name ) {
	unset( $GLOBALS['pbt']['options'][ $name ] );
	return true;
}

function get_transient( $name ) {
	return isset( $GLOBALS['pbt']['transients'][ $name ] ) ? $GLOBALS['pbt']['transients'][ $name ]['value'] : false;
}

function set_transient( $name, $value, $expiration = 0 ) {
	$GLOBALS['pbt']['transients'][ $name ] = array(
		'value' => $value,
		'ttl'   => $expiration,
	);
	return true;
}

function delete_transient( $name ) {
	unset( $GLOBALS['pbt']['transients'][ $name ] );
	return true;
}

// Escaping, sanitizing, translation (identity).
function esc_html( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}

function esc_attr( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}

function esc_url( $url ) {
	return esc_attr( esc_url_raw( $url ) );
}

function esc_url_raw( $url, $protocols = array( 'http', 'https' ) ) {
	$scheme = parse_url( (string) $url, PHP_URL_SCHEME );
	return in_array( $scheme, $protocols, true ) ? (string) $url : '';
}

function __( $text, $domain = 'default' ) {
	$GLOBALS['pbt_domains'][ $domain ] = true;
	return $text;
}

function esc_html__( $text, $domain = 'default' ) {
	return esc_html( __( $text, $domain ) );
}

function _n( $single, $plural, $number, $domain = 'default' ) {
	return __( 1 === (int) $number ? $single : $plural, $domain );
}

function number_format_i18n( $number ) {
	return number_format( (float) $number );
}

function sanitize_text_field( $text ) {
	return trim( preg_replace( '/[\r\n\t ]+/', ' ', strip_tags( (string) $text ) ) );
}

function wp_strip_all_tags( $text ) {
	return strip_tags( (string) $text );
}

function absint( $value ) {
	return abs( (int) $value );
}

function wp_json_encode( $data ) {
	return json_encode( $data );
}

function wp_parse_url( $url, $component = -1 ) {
	return parse_url( $url, $component );
}

function untrailingslashit( $text ) {
	return rtrim( $text, '/\\' );
}

function wp_date( $format, $timestamp = null, $timezone = null ) {
	$date = new DateTimeImmutable( '@' . (int) $timestamp );
	return $date->setTimezone( $timezone ? $timezone : new DateTimeZone( 'UTC' ) )->format( $format );
}

function shortcode_atts( $pairs, $atts, $shortcode = '' ) {
	$out = array();
	foreach ( $pairs as $name => $default ) {
		$out[ $name ] = array_key_exists( $name, (array) $atts ) ? $atts[ $name ] : $default;
	}
	return $out;
}

// Site and user.
function get_bloginfo( $show ) {
	return 'version' === $show ? '6.1.9' : 'E2E site';
}

function home_url( $path = '' ) {
	return 'https://rentals.example.com' . $path;
}

function admin_url( $path = '' ) {
	return 'https://rentals.example.com/wp-admin/' . $path;
}

function plugins_url( $path, $plugin_file ) {
	return 'https://rentals.example.com/wp-content/plugins/patchbay-availability/' . $path;
}

function plugin_basename( $file ) {
	return basename( dirname( $file ) ) . '/' . basename( $file );
}

function current_user_can( $capability ) {
	return 'manage_options' === $capability && $GLOBALS['pbt']['can_manage'];
}

function get_current_user_id() {
	return $GLOBALS['pbt']['user_id'];
}

// Hooks and registrations.
function add_action( $hook, $callback ) {
	$GLOBALS['pbt']['actions'][ $hook ][] = $callback;
}

function add_filter( $hook, $callback ) {
	$GLOBALS['pbt']['filters'][ $hook ][] = $callback;
}

function add_shortcode( $tag, $callback ) {
	$GLOBALS['pbt']['shortcodes'][ $tag ] = $callback;
}

function register_block_type( $path ) {
	$GLOBALS['pbt']['blocks'][] = $path;
}

function wp_register_style( $handle, $src ) {
	$GLOBALS['pbt']['styles'][ $handle ] = $src;
}

function wp_enqueue_style( $handle ) {
	$GLOBALS['pbt']['enqueued'][ $handle ] = true;
}

function get_block_wrapper_attributes() {
	return 'class="wp-block-patchbay-availability"';
}

// Settings API and admin.
function register_setting( $group, $name, $args = array() ) {
	$GLOBALS['pbt']['registered_setting'] = array( $group, $name, $args );
}

function add_settings_section( $id, $title, $callback, $page ) {
	$GLOBALS['pbt']['settings_sections'][ $id ] = $callback;
}

function add_settings_field( $id, $title, $callback, $page, $section = 'default', $args = array() ) {
	$GLOBALS['pbt']['settings_fields'][ $id ] = $callback;
}

function add_options_page( $page_title, $menu_title, $capability, $slug, $callback ) {
	$GLOBALS['pbt']['options_page'] = array( $capability, $slug, $callback );
}

function add_settings_error( $setting, $code, $message, $type = 'error' ) {
	$GLOBALS['pbt']['settings_errors'][] = array( $code, $message );
}

function settings_fields( $group ) {
	echo '<input type="hidden" name="option_page" value="' . esc_attr( $group ) . '">';
}

function do_settings_sections( $page ) {
	foreach ( $GLOBALS['pbt']['settings_fields'] as $callback ) {
		call_user_func( $callback );
	}
}

function submit_button( $text = 'Save Changes' ) {
	echo '<button type="submit">' . esc_html( $text ) . '</button>';
}

function wp_nonce_field( $action ) {
	echo '<input type="hidden" name="_wpnonce" value="nonce-for-' . esc_attr( $action ) . '">';
}

function check_admin_referer( $action ) {
	if ( ! $GLOBALS['pbt']['nonce_ok'] ) {
		throw new PBT_Died( "bad nonce for $action" );
	}
	return 1;
}

function wp_die( $message = '' ) {
	throw new PBT_Died( (string) $message );
}

function wp_safe_redirect( $location ) {
	throw new PBT_Redirected( $location );
}
