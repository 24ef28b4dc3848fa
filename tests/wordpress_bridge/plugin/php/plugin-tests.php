<?php
/**
 * The plugin's unit tests: each test_* function starts from a clean stand-in state
 * (run.php) and throws when an expectation fails.
 *
 * @package PatchbayAvailabilityTests
 */

const PBT_KEY  = 'pbpk_A1b2C3d4E5f6G7h8J9k0L1m2N3p4Q5r6S7t8';
const PBT_BASE = 'https://patchbay.example.com';

// Helpers.

function pbt_assert( $condition, $message ) {
	if ( ! $condition ) {
		throw new RuntimeException( $message );
	}
}

function pbt_assert_same( $expected, $actual, $what ) {
	pbt_assert( $expected === $actual, "$what: expected " . var_export( $expected, true ) . ', got ' . var_export( $actual, true ) );
}

function pbt_assert_contains( $needle, $haystack, $what ) {
	pbt_assert( false !== strpos( $haystack, $needle ), "$what: " . var_export( $needle, true ) . " not found in:\n$haystack" );
}

function pbt_assert_not_contains( $needle, $haystack, $what ) {
	pbt_assert( false === strpos( $haystack, $needle ), "$what: " . var_export( $needle, true ) . " found in:\n$haystack" );
}

function pbt_configure() {
	update_option(
		PATCHBAY_AV_OPTION,
		array(
			'url'        => PBT_BASE,
			'key'        => PBT_KEY,
			'generation' => 1,
		)
	);
}

function pbt_capture( $callback ) {
	ob_start();
	try {
		call_user_func( $callback );
	} finally {
		$output = ob_get_clean();
	}
	return $output;
}

function pbt_quantities_answer( $items = null ) {
	return array(
		'display_mode' => 'quantities',
		'from'         => '2026-12-10',
		'to'           => '2026-12-10',
		'items'        => null !== $items ? $items : array(
			array(
				'id'        => 12,
				'name'      => 'ETC Source Four 750W',
				'category'  => array(
					'id'   => 3,
					'name' => 'Lighting',
				),
				'available' => 4,
				'owned'     => 10,
			),
			array(
				'id'        => 20,
				'name'      => 'Shure SM58',
				'category'  => array(
					'id'   => 4,
					'name' => 'Sound',
				),
				'available' => 0,
				'owned'     => 6,
			),
		),
	);
}

function pbt_calendar_answer( $from, $to, $states ) {
	$days  = array();
	$utc   = new DateTimeZone( 'UTC' );
	$day   = new DateTimeImmutable( $from, $utc );
	$last  = new DateTimeImmutable( $to, $utc );
	$index = 0;
	while ( $day <= $last ) {
		$days[] = array(
			'date'  => $day->format( 'Y-m-d' ),
			'state' => $states[ $index % count( $states ) ],
		);
		$day    = $day->modify( '+1 day' );
		++$index;
	}
	return array(
		'display_mode' => 'calendar',
		'from'         => $from,
		'to'           => $to,
		'items'        => array(
			array(
				'id'       => 12,
				'name'     => 'ETC Source Four 750W',
				'category' => array(
					'id'   => 3,
					'name' => 'Lighting',
				),
				'days'     => $days,
			),
		),
	);
}

function pbt_only_transient() {
	$transients = array_filter(
		$GLOBALS['pbt']['transients'],
		static function ( $name ) {
			return 0 === strpos( $name, 'patchbay_av_' ) && 0 !== strpos( $name, 'patchbay_av_test_' );
		},
		ARRAY_FILTER_USE_KEY
	);
	pbt_assert_same( 1, count( $transients ), 'cached answers' );
	return reset( $transients );
}

// Loading and registration.

function test_loading_the_plugin_hooks_init_admin_and_the_test_button() {
	$hooks = array_keys( $GLOBALS['pbt_loaded_actions'] );
	foreach ( array( 'init', 'admin_init', 'admin_menu', 'admin_post_patchbay_av_test_connection' ) as $hook ) {
		pbt_assert( in_array( $hook, $hooks, true ), "no callback on $hook" );
	}
	pbt_assert( ! in_array( 'admin_post_nopriv_patchbay_av_test_connection', $hooks, true ), 'logged-out visitors must not reach the test button' );
}

function test_init_registers_the_shortcode_the_block_and_the_stylesheet() {
	patchbay_av_register();
	pbt_assert_same( 'patchbay_av_shortcode', $GLOBALS['pbt']['shortcodes']['patchbay_availability'] ?? null, 'shortcode callback' );
	pbt_assert_same( array( PBT_PLUGIN_DIR . '/blocks/availability' ), array_map( 'realpath', $GLOBALS['pbt']['blocks'] ), 'block folders' );
	pbt_assert_contains( 'assets/patchbay-availability.css', $GLOBALS['pbt']['styles']['patchbay-availability'], 'stylesheet' );
	pbt_assert_same( array(), $GLOBALS['pbt']['enqueued'], 'styles enqueued before anything renders' );
}

function test_block_json_renders_on_the_server_with_the_shortcode_attributes() {
	$block = json_decode( file_get_contents( PBT_PLUGIN_DIR . '/blocks/availability/block.json' ), true );
	pbt_assert_same( 'file:./render.php', $block['render'], 'render' );
	pbt_assert_same( 'patchbay-availability', $block['textdomain'], 'text domain' );
	pbt_assert_same( array_keys( patchbay_av_default_attributes() ), array_keys( $block['attributes'] ), 'attributes' );
	pbt_assert( ! isset( $block['editorScript'] ) && ! isset( $block['viewScript'] ), 'the block ships no JavaScript' );
}

// Rendering: escaping, the key, the cache.

function test_every_value_from_patchbay_is_escaped() {
	pbt_configure();
	pbt_queue_response(
		200,
		pbt_quantities_answer(
			array(
				array(
					'id'        => '12"><img src=x onerror=alert(1)>',
					'name'      => '<script>alert("name")</script>',
					'category'  => array(
						'id'   => 3,
						'name' => '<b onclick="x()">Lighting</b>',
					),
					'available' => 4,
					'owned'     => 10,
				),
			)
		)
	);
	$html = patchbay_av_shortcode( array() );
	pbt_assert_contains( '&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;', $html, 'escaped name' );
	pbt_assert_contains( '&lt;b onclick=&quot;x()&quot;&gt;Lighting&lt;/b&gt;', $html, 'escaped category' );
	pbt_assert_not_contains( '<script', $html, 'raw script tag' );
	pbt_assert_not_contains( '<b ', $html, 'raw markup from Patchbay' );
	pbt_assert_not_contains( '<img', $html, 'raw attribute injection' );
}

function test_the_key_travels_only_in_the_authorization_header() {
	pbt_configure();
	pbt_queue_response( 200, pbt_quantities_answer() );
	$html = patchbay_av_shortcode( array( 'category' => '3' ) );

	pbt_assert_same( 1, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls' );
	$request = $GLOBALS['pbt']['requests'][0];
	pbt_assert_same( PBT_BASE . '/api/public/v1/availability?category=3', $request['url'], 'URL' );
	pbt_assert_same( 'Bearer ' . PBT_KEY, $request['args']['headers']['Authorization'], 'Authorization header' );
	$elsewhere = $request['args'];
	unset( $elsewhere['headers']['Authorization'] );
	pbt_assert_not_contains( 'A1b2C3d4', $request['url'] . json_encode( $elsewhere ), 'key outside the Authorization header' );
	pbt_assert_not_contains( 'A1b2C3d4', $html, 'key in the page' );
	pbt_assert_same( 0, $request['args']['redirection'], 'redirects followed (would carry the key elsewhere)' );
	pbt_assert( $request['args']['timeout'] > 0 && $request['args']['timeout'] <= 10, 'a short timeout' );
	pbt_assert_same( 'PatchbayAvailability/0.1.0 (WordPress/6.1.9; https://rentals.example.com)', $request['args']['user-agent'], 'User-Agent' );
}

function test_a_second_render_is_served_from_the_cache() {
	pbt_configure();
	pbt_queue_response( 200, pbt_quantities_answer() );
	$first  = patchbay_av_shortcode( array() );
	$second = patchbay_av_shortcode( array() );
	pbt_assert_same( 1, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls for two renders' );
	pbt_assert_same( $first, $second, 'second render' );
	pbt_assert_same( 300, pbt_only_transient()['ttl'], 'cache lifetime (default)' );
}

function test_an_expired_cache_asks_patchbay_again() {
	pbt_configure();
	pbt_queue_response( 200, pbt_quantities_answer() );
	patchbay_av_shortcode( array() );
	pbt_expire_transients();
	$fresh                     = pbt_quantities_answer();
	$fresh['items'][0]['available'] = 1;
	pbt_queue_response( 200, $fresh );
	$html = patchbay_av_shortcode( array() );
	pbt_assert_same( 2, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls' );
	pbt_assert_contains( '1 of 10 available', $html, 'fresh quantity' );
}

function test_a_new_key_never_reads_answers_cached_with_the_old_one() {
	pbt_configure();
	pbt_queue_response( 200, pbt_quantities_answer() );
	patchbay_av_shortcode( array() );
	update_option( PATCHBAY_AV_OPTION, patchbay_av_sanitize_settings( array( 'url' => PBT_BASE, 'key' => 'pbpk_' . str_repeat( 'Z', 36 ) ) ) );
	pbt_queue_response( 200, pbt_quantities_answer() );
	patchbay_av_shortcode( array() );
	pbt_assert_same( 2, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls' );
	pbt_assert_same( 'Bearer pbpk_' . str_repeat( 'Z', 36 ), $GLOBALS['pbt']['requests'][1]['args']['headers']['Authorization'], 'new key used' );
}

// Errors: friendly, cached, never the key.

function test_an_outage_shows_the_friendly_message_and_is_cached() {
	pbt_configure();
	pbt_queue_response( 503, '<html>Traceback: database exploded</html>' );
	$first  = patchbay_av_shortcode( array() );
	$second = patchbay_av_shortcode( array() );
	pbt_assert_same( 1, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls for two renders during an outage' );
	pbt_assert_contains( 'Equipment availability cannot be shown right now.', $first, 'friendly message' );
	pbt_assert_not_contains( 'Traceback', $first, 'raw error' );
	pbt_assert_not_contains( 'administrators', $first, 'reason shown to a visitor' );
	pbt_assert_same( $first, $second, 'second render' );
	pbt_assert_same( 60, pbt_only_transient()['ttl'], 'error lifetime' );
}

function test_a_transport_failure_shows_the_friendly_message_and_is_cached() {
	pbt_configure();
	pbt_queue_transport_error();
	$html = patchbay_av_shortcode( array() );
	patchbay_av_shortcode( array() );
	pbt_assert_same( 1, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls' );
	pbt_assert_contains( 'Equipment availability cannot be shown right now.', $html, 'friendly message' );
	pbt_assert_not_contains( 'cURL', $html, 'raw transport error' );
}

function test_rate_limited_waits_as_long_as_retry_after_says() {
	pbt_configure();
	pbt_queue_response( 429, array( 'title' => 'Too many requests' ), array( 'Retry-After' => '120' ) );
	$html = patchbay_av_shortcode( array() );
	patchbay_av_shortcode( array() );
	pbt_assert_same( 1, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls' );
	pbt_assert_contains( 'Equipment availability cannot be shown right now.', $html, 'friendly message' );
	pbt_assert_same( 120, pbt_only_transient()['ttl'], 'error lifetime from Retry-After' );
}

function test_a_short_retry_after_still_waits_the_minimum_and_a_huge_one_is_capped() {
	pbt_assert_same( 60, patchbay_av_error_ttl( 5 ), 'short Retry-After' );
	pbt_assert_same( 3600, patchbay_av_error_ttl( 86400 ), 'huge Retry-After' );
	pbt_assert_same( 0, patchbay_av_retry_after_seconds( 'soon' ), 'unreadable Retry-After' );
	$in_two_minutes = gmdate( 'D, d M Y H:i:s \G\M\T', time() + 120 );
	$seconds        = patchbay_av_retry_after_seconds( $in_two_minutes );
	pbt_assert( $seconds >= 118 && $seconds <= 120, "HTTP-date Retry-After gave $seconds" );
}

function test_a_refused_key_tells_administrators_why_and_never_shows_the_key() {
	pbt_configure();
	$GLOBALS['pbt']['can_manage'] = true;
	pbt_queue_response(
		401,
		array(
			'title'  => 'Unauthorized',
			'status' => 401,
			'detail' => 'The key ' . PBT_KEY . ' was <em>regenerated</em>.',
			'code'   => 'invalid_key',
		)
	);
	$admin_view = patchbay_av_shortcode( array() );
	pbt_assert_contains( 'Equipment availability cannot be shown right now.', $admin_view, 'friendly message' );
	pbt_assert_contains( 'Patchbay refused the website key', $admin_view, 'reason for administrators' );
	pbt_assert_contains( '(HTTP 401)', $admin_view, 'status for administrators' );
	pbt_assert_contains( 'The key [website key] was regenerated.', $admin_view, 'problem detail, key removed, tags stripped' );
	pbt_assert_not_contains( 'A1b2C3d4', $admin_view, 'key in the page' );

	$GLOBALS['pbt']['can_manage'] = false;
	$visitor_view                 = patchbay_av_shortcode( array() );
	pbt_assert_same( 1, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls' );
	pbt_assert_not_contains( 'refused', $visitor_view, 'reason shown to a visitor' );
}

function test_an_answer_that_is_not_the_contract_is_a_friendly_error() {
	pbt_configure();
	pbt_queue_response( 200, '<html>a login page</html>' );
	$html = patchbay_av_shortcode( array() );
	pbt_assert_contains( 'Equipment availability cannot be shown right now.', $html, 'friendly message' );
	pbt_assert_not_contains( 'login page', $html, 'raw body' );
	pbt_assert_same( 60, pbt_only_transient()['ttl'], 'error lifetime' );
}

function test_no_settings_no_call() {
	$html = patchbay_av_shortcode( array() );
	pbt_assert_same( 0, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls' );
	pbt_assert_contains( 'Equipment availability cannot be shown right now.', $html, 'friendly message' );
}

function test_a_date_that_is_not_a_date_is_refused_without_a_call() {
	pbt_configure();
	$html = patchbay_av_shortcode( array( 'from' => '2026-02-30' ) );
	$html .= patchbay_av_shortcode( array( 'to' => '<script>' ) );
	pbt_assert_same( 0, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls' );
	pbt_assert_contains( 'Equipment availability cannot be shown right now.', $html, 'friendly message' );
	pbt_assert_not_contains( '<script>', $html, 'attribute echoed' );
}

// Display modes.

function test_quantities_mode_shows_free_of_owned_grouped_by_category() {
	pbt_configure();
	pbt_queue_response( 200, pbt_quantities_answer() );
	$html = patchbay_av_shortcode( array() );
	pbt_assert_contains( '<h3 class="patchbay-av__group-name">Lighting</h3>', $html, 'Lighting heading' );
	pbt_assert_contains( '<h3 class="patchbay-av__group-name">Sound</h3>', $html, 'Sound heading' );
	pbt_assert_contains( '4 of 10 available', $html, 'Source Four' );
	pbt_assert_contains( '<span class="patchbay-av__status is-unavailable">0 of 6 available', $html, 'SM58' );
	pbt_assert_contains( 'Availability on 10 December 2026', $html, 'date' );
	pbt_assert( isset( $GLOBALS['pbt']['enqueued']['patchbay-availability'] ), 'stylesheet enqueued when rendered' );
}

function test_labels_mode_renders_no_quantities() {
	pbt_configure();
	pbt_queue_response(
		200,
		array(
			'display_mode' => 'labels',
			'from'         => '2026-12-10',
			'to'           => '2026-12-10',
			'items'        => array(
				array(
					'id'       => 12,
					'name'     => 'Profile spot',
					'category' => array(
						'id'   => 3,
						'name' => 'Lighting',
					),
					'in_stock' => true,
					'label'    => 'In stock',
					// Never sent in this mode; should it ever be, it is still not shown.
					'available' => 7,
					'owned'     => 9,
				),
				array(
					'id'       => 13,
					'name'     => 'Hazer',
					'category' => array(
						'id'   => 3,
						'name' => 'Lighting',
					),
					'in_stock' => false,
					'label'    => 'Out of stock',
				),
			),
		)
	);
	$html = patchbay_av_shortcode( array() );
	pbt_assert_contains( '<span class="patchbay-av__status is-available">In stock</span>', $html, 'in stock' );
	pbt_assert_contains( '<span class="patchbay-av__status is-unavailable">Out of stock</span>', $html, 'out of stock' );
	preg_match( '#<ul class="patchbay-av__items">(.*)</ul>#s', $html, $list );
	pbt_assert( isset( $list[1] ), 'item list' );
	pbt_assert_same( 0, preg_match( '/\d/', wp_strip_all_tags( $list[1] ) ), 'a digit in the visible item list: ' . wp_strip_all_tags( $list[1] ) );
	pbt_assert_not_contains( 'available', strtolower( wp_strip_all_tags( $html ) ), 'quantity wording' );
}

function test_calendar_mode_renders_a_month_grid_of_days() {
	pbt_configure();
	pbt_queue_response( 200, pbt_calendar_answer( '2026-12-10', '2026-12-12', array( 'available', 'limited', 'unavailable' ) ) );
	$html = patchbay_av_shortcode( array( 'item' => '12', 'from' => '2026-12-10', 'to' => '2026-12-12' ) );
	pbt_assert_same( 1, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls (end date given)' );
	pbt_assert_contains( '<caption>December 2026</caption>', $html, 'month caption' );
	pbt_assert_contains( '<td class="patchbay-av__day is-available" data-date="2026-12-10" title="Available">', $html, '10th' );
	pbt_assert_contains( '<td class="patchbay-av__day is-limited" data-date="2026-12-11" title="Limited">', $html, '11th' );
	pbt_assert_contains( '<td class="patchbay-av__day is-unavailable" data-date="2026-12-12" title="Unavailable">', $html, '12th' );
	pbt_assert_same( 31, substr_count( $html, 'class="patchbay-av__day ' ), 'day cells in December' );
	pbt_assert_same( 28, substr_count( $html, 'is-outside' ), 'days outside the range' );
	// 1 December 2026 is a Tuesday: one blank before it (weeks start on Monday), and
	// 31 December a Thursday: three after it. Five rows of seven.
	pbt_assert_contains( '<tbody><tr><td class="is-blank"></td><td class="patchbay-av__day is-outside"><span class="patchbay-av__day-number">1</span>', $html, 'first week' );
	pbt_assert_same( 4, substr_count( $html, 'class="is-blank"' ), 'blank cells' );
	pbt_assert_same( 5, substr_count( $html, '<tr>' ) - 1, 'week rows' );
	pbt_assert_contains( '<abbr title="Monday">Mon</abbr>', $html, 'weekday heading' );
	pbt_assert_contains( 'patchbay-av__legend', $html, 'legend' );
	pbt_assert_not_contains( 'of ', wp_strip_all_tags( $html ), 'a quantity' );
}

function test_a_calendar_without_an_end_date_asks_for_a_month_from_patchbays_today() {
	pbt_configure();
	pbt_queue_response( 200, pbt_calendar_answer( '2026-12-10', '2026-12-10', array( 'available' ) ) );
	pbt_queue_response( 200, pbt_calendar_answer( '2026-12-10', '2027-01-09', array( 'available', 'unavailable' ) ) );
	$html = patchbay_av_shortcode( array( 'item' => '12' ) );
	pbt_assert_same( PBT_BASE . '/api/public/v1/availability?item=12', $GLOBALS['pbt']['requests'][0]['url'], 'first call' );
	pbt_assert_same( PBT_BASE . '/api/public/v1/availability?from=2026-12-10&item=12&to=2027-01-09', $GLOBALS['pbt']['requests'][1]['url'], 'month call' );
	pbt_assert_contains( '<caption>December 2026</caption>', $html, 'December' );
	pbt_assert_contains( '<caption>January 2027</caption>', $html, 'January' );
	pbt_assert_same( 31, substr_count( $html, 'data-date=' ), 'days with a state' );
	patchbay_av_shortcode( array( 'item' => '12' ) );
	pbt_assert_same( 2, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls after a second render' );
}

function test_the_categories_view_lists_categories_and_their_item_counts() {
	pbt_configure();
	pbt_queue_response(
		200,
		array(
			'data' => array(
				array(
					'id'         => 3,
					'name'       => 'Lighting & <FX>',
					'item_count' => 12,
				),
				array(
					'id'         => 4,
					'name'       => 'Sound',
					'item_count' => 1,
				),
			),
		)
	);
	$html = patchbay_av_shortcode( array( 'view' => 'categories' ) );
	pbt_assert_same( PBT_BASE . '/api/public/v1/categories', $GLOBALS['pbt']['requests'][0]['url'], 'URL' );
	pbt_assert_contains( 'Lighting &amp; &lt;FX&gt;</span> <span class="patchbay-av__count">12 items</span>', $html, 'Lighting' );
	pbt_assert_contains( '1 item</span>', $html, 'Sound' );
}

function test_the_block_wraps_the_same_markup() {
	pbt_configure();
	pbt_queue_response( 200, pbt_quantities_answer() );
	$attributes = array(
		'category' => '3',
		'view'     => 'availability',
	);
	$html       = pbt_capture(
		static function () use ( $attributes ) {
			$content = '';
			$block   = null;
			include PBT_PLUGIN_DIR . '/blocks/availability/render.php';
		}
	);
	pbt_assert_contains( '<div class="wp-block-patchbay-availability">', $html, 'block wrapper' );
	pbt_assert_contains( '4 of 10 available', $html, 'availability' );
	pbt_assert_same( PBT_BASE . '/api/public/v1/availability?category=3', $GLOBALS['pbt']['requests'][0]['url'], 'URL' );
}

// Settings.

function test_settings_refuse_a_rest_key_and_keep_the_saved_one() {
	pbt_configure();
	$saved = patchbay_av_sanitize_settings( array( 'url' => PBT_BASE, 'key' => 'pbk_' . str_repeat( 'a', 36 ) ) );
	pbt_assert_same( PBT_KEY, $saved['key'], 'key kept' );
	pbt_assert_same( 1, $saved['generation'], 'generation (nothing changed)' );
	pbt_assert_same( 'patchbay_av_rest_key', $GLOBALS['pbt']['settings_errors'][0][0] ?? null, 'settings error' );
	pbt_assert_contains( 'REST API key', $GLOBALS['pbt']['settings_errors'][0][1], 'error message' );
}

function test_settings_refuse_a_key_of_the_wrong_shape() {
	pbt_configure();
	$saved = patchbay_av_sanitize_settings( array( 'url' => PBT_BASE, 'key' => 'pbpk_short' ) );
	pbt_assert_same( PBT_KEY, $saved['key'], 'key kept' );
	pbt_assert_same( 'patchbay_av_bad_key', $GLOBALS['pbt']['settings_errors'][0][0] ?? null, 'settings error' );
}

function test_settings_keep_the_saved_key_when_the_field_is_left_empty() {
	pbt_configure();
	$saved = patchbay_av_sanitize_settings( array( 'url' => PBT_BASE . '/', 'key' => '' ) );
	pbt_assert_same( PBT_KEY, $saved['key'], 'key kept' );
	pbt_assert_same( PBT_BASE, $saved['url'], 'URL without the trailing slash' );
	pbt_assert_same( 1, $saved['generation'], 'generation' );
	pbt_assert_same( array(), $GLOBALS['pbt']['settings_errors'], 'settings errors' );
}

function test_settings_refuse_a_url_that_is_not_http() {
	pbt_configure();
	$saved = patchbay_av_sanitize_settings( array( 'url' => 'javascript:alert(1)', 'key' => '' ) );
	pbt_assert_same( PBT_BASE, $saved['url'], 'URL kept' );
	pbt_assert_same( 'patchbay_av_bad_url', $GLOBALS['pbt']['settings_errors'][0][0] ?? null, 'settings error' );
}

function test_the_settings_page_shows_only_the_keys_last_four_characters() {
	pbt_configure();
	$GLOBALS['pbt']['can_manage'] = true;
	patchbay_av_register_settings();
	patchbay_av_add_settings_page();
	$html = pbt_capture( 'patchbay_av_render_settings_page' );
	pbt_assert_contains( 'Saved key: pbpk_…S7t8', $html, 'masked key' );
	pbt_assert_not_contains( 'A1b2C3d4', $html, 'full key' );
	pbt_assert_contains( 'name="patchbay_av_settings[key]" value=""', $html, 'empty key field' );
	pbt_assert_contains( 'value="' . PBT_BASE . '"', $html, 'URL field' );
	pbt_assert_contains( 'name="action" value="patchbay_av_test_connection"', $html, 'test button form' );
	pbt_assert_contains( 'nonce-for-patchbay_av_test_connection', $html, 'nonce' );
	pbt_assert_same( 'manage_options', $GLOBALS['pbt']['options_page'][0] ?? null, 'page capability' );
}

function test_the_settings_page_shows_nothing_to_someone_who_cannot_manage_options() {
	pbt_configure();
	$html = pbt_capture( 'patchbay_av_render_settings_page' );
	pbt_assert_same( '', $html, 'page' );
}

function test_test_connection_refuses_without_the_capability() {
	pbt_configure();
	try {
		patchbay_av_handle_test_connection();
		pbt_assert( false, 'the handler went on' );
	} catch ( PBT_Died $died ) {
		pbt_assert_contains( 'not allowed', $died->getMessage(), 'refusal' );
	}
	pbt_assert_same( 0, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls' );
}

function test_test_connection_refuses_a_bad_nonce() {
	pbt_configure();
	$GLOBALS['pbt']['can_manage'] = true;
	$GLOBALS['pbt']['nonce_ok']   = false;
	try {
		patchbay_av_handle_test_connection();
		pbt_assert( false, 'the handler went on' );
	} catch ( PBT_Died $died ) {
		pbt_assert_contains( 'bad nonce', $died->getMessage(), 'refusal' );
	}
	pbt_assert_same( 0, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls' );
}

function test_test_connection_names_the_organisation_on_the_settings_page() {
	pbt_configure();
	$GLOBALS['pbt']['can_manage'] = true;
	pbt_queue_response(
		200,
		array(
			'organisation' => 'Northwind <AV> Hire',
			'display_mode' => 'labels',
			'time_zone'    => 'Europe/London',
			'today'        => '2026-12-06',
		)
	);
	try {
		patchbay_av_handle_test_connection();
		pbt_assert( false, 'no redirect' );
	} catch ( PBT_Redirected $redirect ) {
		pbt_assert_contains( 'options-general.php?page=patchbay-availability', $redirect->getMessage(), 'back to the settings page' );
	}
	pbt_assert_same( PBT_BASE . '/api/public/v1/site', $GLOBALS['pbt']['requests'][0]['url'], 'URL' );
	patchbay_av_register_settings();
	$html = pbt_capture( 'patchbay_av_render_settings_page' );
	pbt_assert_contains( 'Connected to Northwind &lt;AV&gt; Hire. Availability is shown as: in stock / out of stock.', $html, 'result' );
	$again = pbt_capture( 'patchbay_av_render_settings_page' );
	pbt_assert_not_contains( 'Connected to', $again, 'result shown twice' );
}

function test_test_connection_explains_a_refused_key_without_showing_it() {
	pbt_configure();
	$GLOBALS['pbt']['can_manage'] = true;
	pbt_queue_response( 403, array( 'detail' => 'Origin not allowed.' ) );
	$result = patchbay_av_run_test_connection();
	pbt_assert_same( false, $result['ok'], 'ok' );
	pbt_assert_contains( 'Patchbay refused the website key', $result['message'], 'reason' );
	pbt_assert_contains( 'Origin not allowed.', $result['message'], 'Patchbay\'s detail' );
	pbt_assert_not_contains( 'A1b2C3d4', $result['message'], 'key' );
	// The test call is never cached: pressing the button again asks Patchbay again.
	pbt_queue_response( 403, array( 'detail' => 'Origin not allowed.' ) );
	patchbay_av_run_test_connection();
	pbt_assert_same( 2, count( $GLOBALS['pbt']['requests'] ), 'HTTP calls' );
}

// Translations and uninstall.

function test_every_string_uses_the_plugins_text_domain() {
	$GLOBALS['pbt_domains'] = array();
	pbt_configure();
	$GLOBALS['pbt']['can_manage'] = true;
	pbt_queue_response( 200, pbt_calendar_answer( '2026-12-10', '2026-12-12', array( 'available' ) ) );
	patchbay_av_shortcode( array( 'to' => '2026-12-12' ) );
	patchbay_av_register_settings();
	patchbay_av_add_settings_page();
	pbt_capture( 'patchbay_av_render_settings_page' );
	pbt_assert_same( array( 'patchbay-availability' ), array_keys( $GLOBALS['pbt_domains'] ), 'text domains used' );
	foreach ( glob( PBT_PLUGIN_DIR . '/{,includes/,blocks/availability/}*.php', GLOB_BRACE ) as $file ) {
		$source = file_get_contents( $file );
		preg_match_all( "/\\b(?:__|_e|_n|esc_html__|esc_html_e|esc_attr__)\\((.*?)\\);/s", $source, $calls );
		foreach ( $calls[1] as $call ) {
			pbt_assert_contains( "'patchbay-availability'", $call, basename( $file ) . ' translation call' );
		}
	}
}

function test_every_php_file_refuses_to_run_outside_wordpress() {
	foreach ( glob( PBT_PLUGIN_DIR . '/{,includes/,blocks/availability/}*.php', GLOB_BRACE ) as $file ) {
		pbt_assert_contains( "defined( 'ABSPATH' ) || exit;", file_get_contents( $file ), basename( $file ) );
	}
}

function test_uninstall_deletes_the_settings_and_the_cached_answers() {
	pbt_configure();
	global $wpdb;
	$wpdb = new PBT_Wpdb();
	define( 'WP_UNINSTALL_PLUGIN', 'patchbay-availability/patchbay-availability.php' );
	include PBT_PLUGIN_DIR . '/uninstall.php';
	pbt_assert_same( false, get_option( PATCHBAY_AV_OPTION ), 'settings' );
	pbt_assert_same( 1, count( $wpdb->queries ), 'queries' );
	pbt_assert_contains( "LIKE '\\\\_transient\\\\_patchbay\\\\_av\\\\_%'", $wpdb->queries[0], 'transients' );
	pbt_assert_contains( "LIKE '\\\\_transient\\\\_timeout\\\\_patchbay\\\\_av\\\\_%'", $wpdb->queries[0], 'transient timeouts' );
}
