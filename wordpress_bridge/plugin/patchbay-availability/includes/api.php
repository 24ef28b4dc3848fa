<?php
/**
 * Calls to Patchbay's public availability API, made from the server and cached.
 *
 * The website key travels only in the Authorization header of these server-side
 * requests: never in a URL, never in a page. Good answers are kept for
 * PATCHBAY_AV_CACHE_TTL seconds; errors too (at least PATCHBAY_AV_ERROR_TTL seconds,
 * longer when Patchbay sends Retry-After), so an outage or a refused key costs one
 * call per lifetime, not one per page view.
 *
 * @package PatchbayAvailability
 */

defined( 'ABSPATH' ) || exit;

/** The public API's path under the Patchbay URL. */
const PATCHBAY_AV_API_PATH = '/api/public/v1/';

/** The longest an error is kept, whatever Retry-After says. */
const PATCHBAY_AV_MAX_ERROR_TTL = 3600;

/**
 * The saved settings, with every field present.
 *
 * @return array{url: string, key: string, generation: int}
 */
function patchbay_av_get_settings() {
	$saved = get_option( PATCHBAY_AV_OPTION, array() );
	$saved = is_array( $saved ) ? $saved : array();
	return array(
		'url'        => isset( $saved['url'] ) && is_string( $saved['url'] ) ? $saved['url'] : '',
		'key'        => isset( $saved['key'] ) && is_string( $saved['key'] ) ? $saved['key'] : '',
		'generation' => isset( $saved['generation'] ) ? (int) $saved['generation'] : 0,
	);
}

/**
 * The User-Agent Patchbay reads the plugin's version and the site from.
 *
 * @return string
 */
function patchbay_av_user_agent() {
	return sprintf(
		'PatchbayAvailability/%s (WordPress/%s; %s)',
		PATCHBAY_AV_VERSION,
		get_bloginfo( 'version' ),
		home_url()
	);
}

/**
 * The endpoint's URL: the Patchbay URL, the API path, the endpoint and its query.
 *
 * @param string               $base  Patchbay URL as saved (no trailing slash).
 * @param string               $path  Endpoint: site, categories, items or availability.
 * @param array<string, mixed> $query Query parameters; empty values are left out.
 * @return string
 */
function patchbay_av_endpoint_url( $base, $path, $query ) {
	$query = array_filter(
		$query,
		static function ( $value ) {
			return '' !== (string) $value;
		}
	);
	$url = rtrim( $base, '/' ) . PATCHBAY_AV_API_PATH . $path;
	if ( $query ) {
		ksort( $query );
		$url .= '?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 );
	}
	return $url;
}

/**
 * Seconds to wait according to a Retry-After header (seconds or an HTTP date); 0 if none.
 *
 * @param mixed $value Header value as WordPress returns it (string, array or empty).
 * @return int
 */
function patchbay_av_retry_after_seconds( $value ) {
	if ( is_array( $value ) ) {
		$value = reset( $value );
	}
	$value = trim( (string) $value );
	if ( '' === $value ) {
		return 0;
	}
	if ( preg_match( '/^\d+$/', $value ) ) {
		return (int) $value;
	}
	$when = strtotime( $value );
	return false === $when ? 0 : max( 0, $when - time() );
}

/**
 * How long an error is kept: at least PATCHBAY_AV_ERROR_TTL, or what Retry-After asks.
 *
 * @param int $retry_after Seconds from Retry-After (0 when absent).
 * @return int
 */
function patchbay_av_error_ttl( $retry_after ) {
	$ttl = max( 1, (int) PATCHBAY_AV_ERROR_TTL, (int) $retry_after );
	return min( $ttl, PATCHBAY_AV_MAX_ERROR_TTL );
}

/**
 * A short, tag-free copy of the problem+json `detail` (shown to administrators only).
 *
 * @param string $body Response body.
 * @param string $key  The website key, removed should the text ever carry it.
 * @return string
 */
function patchbay_av_problem_detail( $body, $key ) {
	$problem = json_decode( (string) $body, true );
	if ( ! is_array( $problem ) || ! isset( $problem['detail'] ) || ! is_string( $problem['detail'] ) ) {
		return '';
	}
	$detail = trim( wp_strip_all_tags( $problem['detail'] ) );
	if ( '' !== $key ) {
		$detail = str_replace( $key, '[website key]', $detail );
	}
	return substr( $detail, 0, 300 );
}

/**
 * One request to Patchbay, never cached: the answer's data, or a WP_Error whose data holds
 * `status` (HTTP status, 0 if none), `retry_after` (seconds) and `detail` (for admins).
 *
 * @param string               $path  Endpoint: site, categories, items or availability.
 * @param array<string, mixed> $query Query parameters.
 * @return array<string, mixed>|WP_Error
 */
function patchbay_av_fetch( $path, $query = array() ) {
	$settings = patchbay_av_get_settings();
	if ( '' === $settings['url'] || '' === $settings['key'] ) {
		return new WP_Error( 'patchbay_av_not_configured', '', array( 'status' => 0 ) );
	}
	// wp_remote_get, not wp_safe_remote_get: the URL is the administrator's own setting,
	// and the safe variant refuses a Patchbay on a private address or an unusual port.
	// No redirects: a redirect to another host would carry the Authorization header there.
	$response = wp_remote_get(
		patchbay_av_endpoint_url( $settings['url'], $path, $query ),
		array(
			'timeout'     => 5,
			'redirection' => 0,
			'user-agent'  => patchbay_av_user_agent(),
			'headers'     => array(
				'Authorization' => 'Bearer ' . $settings['key'],
				'Accept'        => 'application/json',
			),
		)
	);
	if ( is_wp_error( $response ) ) {
		return new WP_Error( 'patchbay_av_unreachable', '', array( 'status' => 0 ) );
	}
	$status = (int) wp_remote_retrieve_response_code( $response );
	$body   = wp_remote_retrieve_body( $response );
	if ( 200 !== $status ) {
		$codes = array(
			400 => 'patchbay_av_invalid_request',
			401 => 'patchbay_av_refused',
			403 => 'patchbay_av_refused',
			404 => 'patchbay_av_not_found',
			429 => 'patchbay_av_rate_limited',
		);
		if ( isset( $codes[ $status ] ) ) {
			$code = $codes[ $status ];
		} elseif ( $status >= 300 && $status < 400 ) {
			$code = 'patchbay_av_redirected';
		} else {
			$code = 'patchbay_av_unreachable';
		}
		return new WP_Error(
			$code,
			'',
			array(
				'status'      => $status,
				'retry_after' => patchbay_av_retry_after_seconds( wp_remote_retrieve_header( $response, 'retry-after' ) ),
				'detail'      => patchbay_av_problem_detail( $body, $settings['key'] ),
			)
		);
	}
	$data = patchbay_av_normalise( $path, json_decode( (string) $body, true ) );
	if ( null === $data ) {
		return new WP_Error( 'patchbay_av_bad_response', '', array( 'status' => $status ) );
	}
	return $data;
}

/**
 * The cached answer of an endpoint, fetching it when the cache has none.
 *
 * An error is cached like an answer (briefly), so that a failing Patchbay sees one call
 * per error lifetime from this site, not one per page view.
 *
 * @param string               $path  Endpoint: site, categories, items or availability.
 * @param array<string, mixed> $query Query parameters.
 * @return array<string, mixed>|WP_Error
 */
function patchbay_av_get( $path, $query = array() ) {
	$settings = patchbay_av_get_settings();
	if ( '' === $settings['url'] || '' === $settings['key'] ) {
		return new WP_Error( 'patchbay_av_not_configured', '', array( 'status' => 0 ) );
	}
	ksort( $query );
	// The generation changes whenever the URL or the key does, so a new setting never
	// reads an answer fetched with the old one.
	$cache_key = 'patchbay_av_' . md5( wp_json_encode( array( $settings['generation'], $settings['url'], $path, $query ) ) );
	$cached    = get_transient( $cache_key );
	if ( is_array( $cached ) && isset( $cached['ok'] ) ) {
		if ( $cached['ok'] ) {
			return $cached['data'];
		}
		return new WP_Error( (string) $cached['code'], '', $cached['data'] );
	}
	$result = patchbay_av_fetch( $path, $query );
	if ( is_wp_error( $result ) ) {
		$data = (array) $result->get_error_data();
		set_transient(
			$cache_key,
			array(
				'ok'   => false,
				'code' => $result->get_error_code(),
				'data' => $data,
			),
			patchbay_av_error_ttl( isset( $data['retry_after'] ) ? (int) $data['retry_after'] : 0 )
		);
		return $result;
	}
	set_transient(
		$cache_key,
		array(
			'ok'   => true,
			'data' => $result,
		),
		max( 1, (int) PATCHBAY_AV_CACHE_TTL )
	);
	return $result;
}

/**
 * What went wrong, for the site's administrators (never the key, never raw HTML).
 *
 * @param WP_Error $error An error from patchbay_av_get() or patchbay_av_fetch().
 * @return string Plain text: escape it when printing.
 */
function patchbay_av_error_explanation( $error ) {
	$data   = (array) $error->get_error_data();
	$status = isset( $data['status'] ) ? (int) $data['status'] : 0;
	switch ( $error->get_error_code() ) {
		case 'patchbay_av_not_configured':
			$text = __( 'The Patchbay URL or the website key is not set: enter them under Settings > Patchbay.', 'patchbay-availability' );
			break;
		case 'patchbay_av_refused':
			$text = __( 'Patchbay refused the website key. It may have been regenerated, or this site is not one of the allowed domains: copy the current key from the WordPress card in Patchbay.', 'patchbay-availability' );
			break;
		case 'patchbay_av_not_found':
			$text = __( 'Patchbay does not show this category or item on the website (it is hidden, or the number is wrong): check the shortcode or block settings.', 'patchbay-availability' );
			break;
		case 'patchbay_av_invalid_request':
			$text = __( 'Patchbay refused the dates asked for (in the past, reversed, or longer than a year): check the from and to settings.', 'patchbay-availability' );
			break;
		case 'patchbay_av_rate_limited':
			$text = __( 'Patchbay asked this site to slow down; availability shows again once the wait is over.', 'patchbay-availability' );
			break;
		case 'patchbay_av_redirected':
			$text = __( 'Patchbay answered with a redirect: enter the Patchbay URL exactly as it is (for example with https://).', 'patchbay-availability' );
			break;
		case 'patchbay_av_bad_response':
			$text = __( 'The Patchbay URL answered with something that is not Patchbay\'s availability data: check the Patchbay URL.', 'patchbay-availability' );
			break;
		case 'patchbay_av_bad_attribute':
			$text = __( 'A date in the shortcode or block is not a date (use YYYY-MM-DD).', 'patchbay-availability' );
			break;
		default:
			$text = __( 'Patchbay could not be reached. It will be tried again in a minute.', 'patchbay-availability' );
	}
	if ( $status > 0 ) {
		/* translators: %d: the HTTP status code Patchbay answered with. */
		$text .= ' ' . sprintf( __( '(HTTP %d)', 'patchbay-availability' ), $status );
	}
	if ( ! empty( $data['detail'] ) ) {
		$text .= ' ' . $data['detail'];
	}
	return $text;
}

/**
 * Validates an answer's shape and keeps only the fields the plugin uses, typed.
 *
 * @param string $path Endpoint the answer came from.
 * @param mixed  $data Decoded JSON.
 * @return array<string, mixed>|null Null when the answer is not what the contract says.
 */
function patchbay_av_normalise( $path, $data ) {
	if ( ! is_array( $data ) ) {
		return null;
	}
	switch ( $path ) {
		case 'site':
			if ( ! isset( $data['organisation'] ) || ! is_string( $data['organisation'] ) ) {
				return null;
			}
			return array(
				'organisation' => $data['organisation'],
				'display_mode' => patchbay_av_display_mode( $data['display_mode'] ?? '' ),
				'today'        => patchbay_av_date_or_empty( $data['today'] ?? '' ),
			);
		case 'categories':
			if ( ! isset( $data['data'] ) || ! is_array( $data['data'] ) ) {
				return null;
			}
			$categories = array();
			foreach ( $data['data'] as $category ) {
				if ( is_array( $category ) && isset( $category['name'] ) && is_scalar( $category['name'] ) ) {
					$categories[] = array(
						'id'         => (int) ( $category['id'] ?? 0 ),
						'name'       => (string) $category['name'],
						'item_count' => (int) ( $category['item_count'] ?? 0 ),
					);
				}
			}
			return array( 'data' => $categories );
		case 'availability':
			if ( ! isset( $data['items'] ) || ! is_array( $data['items'] ) ) {
				return null;
			}
			$items = array();
			foreach ( $data['items'] as $item ) {
				if ( is_array( $item ) && isset( $item['name'] ) && is_scalar( $item['name'] ) ) {
					$items[] = patchbay_av_normalise_item( $item );
				}
			}
			return array(
				'display_mode' => patchbay_av_display_mode( $data['display_mode'] ?? '' ),
				'from'         => patchbay_av_date_or_empty( $data['from'] ?? '' ),
				'to'           => patchbay_av_date_or_empty( $data['to'] ?? '' ),
				'items'        => $items,
			);
	}
	return $data;
}

/**
 * One availability item, typed; mode fields kept only when present.
 *
 * @param array<string, mixed> $item Item as decoded.
 * @return array<string, mixed>
 */
function patchbay_av_normalise_item( $item ) {
	$category = isset( $item['category'] ) && is_array( $item['category'] ) ? $item['category'] : array();
	$clean    = array(
		'id'       => (int) ( $item['id'] ?? 0 ),
		'name'     => (string) $item['name'],
		'category' => array(
			'id'   => (int) ( $category['id'] ?? 0 ),
			'name' => isset( $category['name'] ) && is_scalar( $category['name'] ) ? (string) $category['name'] : '',
		),
	);
	if ( isset( $item['available'] ) ) {
		$clean['available'] = max( 0, (int) $item['available'] );
		$clean['owned']     = max( 0, (int) ( $item['owned'] ?? 0 ) );
	}
	if ( isset( $item['in_stock'] ) ) {
		$clean['in_stock'] = (bool) $item['in_stock'];
		$clean['label']    = isset( $item['label'] ) && is_scalar( $item['label'] ) ? (string) $item['label'] : '';
	}
	if ( isset( $item['days'] ) && is_array( $item['days'] ) ) {
		$clean['days'] = array();
		foreach ( $item['days'] as $day ) {
			$date = is_array( $day ) ? patchbay_av_date_or_empty( $day['date'] ?? '' ) : '';
			if ( '' !== $date ) {
				$state                   = (string) ( $day['state'] ?? '' );
				$clean['days'][ $date ] = in_array( $state, array( 'available', 'limited', 'unavailable' ), true ) ? $state : 'unavailable';
			}
		}
	}
	return $clean;
}

/**
 * The display mode, or "quantities" for anything unknown.
 *
 * @param mixed $mode Mode as sent.
 * @return string
 */
function patchbay_av_display_mode( $mode ) {
	return in_array( $mode, array( 'quantities', 'labels', 'calendar' ), true ) ? $mode : 'quantities';
}

/**
 * The value when it is a YYYY-MM-DD calendar date, else ''.
 *
 * @param mixed $value Candidate date.
 * @return string
 */
function patchbay_av_date_or_empty( $value ) {
	if ( ! is_string( $value ) || ! preg_match( '/^(\d{4})-(\d{2})-(\d{2})$/', $value, $parts ) ) {
		return '';
	}
	return checkdate( (int) $parts[2], (int) $parts[3], (int) $parts[1] ) ? $value : '';
}
